// Downloading a child's whole portfolio as one ZIP (guardians and the pupil): a page with the terms for downloading and
// what the file holds, a tick that the terms are read, then the ZIP — an index.html that opens offline with the posts,
// their texts and reflections, and the original photos, videos and sound beside it.
import type { Request, Response } from 'express';
import type { Eta } from 'eta';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { notFound, type RouteTable } from '../kernel/http.ts';
import { formatDateTime } from '../kernel/i18n.ts';
import { render } from '../kernel/views.ts';
import { writeZip } from '../kernel/zip.ts';
import { mediaFilePath } from '../media/index.ts';
import { portfolioChild, portfolioFromHome, portfolioPosts, type PortfolioChild, type PortfolioPost } from './export-queries.ts';
import { exportFiles, exportSummary } from './export-rules.ts';
import { familyChildren } from './visibility.ts';

interface Deps { db: Db; clock: Clock; dataDir: string }

export function exportRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/children/:childPortfolioId/portfolio/export', 'child.portfolio.export', async (req, res, { actor, target }) => {
    const day = today(clock);
    const child = await portfolioChild(db, target.id, day);
    if (!child) throw notFound();
    const posts = await portfolioPosts(db, child, familyChildren(actor), day);
    await exportPage(req, res, deps, child, posts, await portfolioFromHome(db, child.id, posts.map((p) => p.id)));
  });

  routes.get('/children/:childPortfolioId/portfolio/export/download', 'child.portfolio.export', async (req, res, { actor, target }) => {
    const day = today(clock);
    const child = await portfolioChild(db, target.id, day);
    if (!child) throw notFound();
    const posts = await portfolioPosts(db, child, familyChildren(actor), day);
    const fromHome = await portfolioFromHome(db, child.id, posts.map((p) => p.id));
    if (req.query.accept !== 'yes') {
      return exportPage(req, res, deps, child, posts, fromHome, { accept: { key: 'documentation.export.errors.accept' } });
    }
    await sendZip(req, res, deps, child, posts, fromHome);
  });
}

/** The ZIP: index.html (the posts in the reader's language, each medium by its path beside it) and the files, streamed. */
async function sendZip(
  req: Request, res: Response, { clock, dataDir }: Deps, child: PortfolioChild, posts: readonly PortfolioPost[], fromHome: FromHome,
): Promise<void> {
  const files = exportFiles(posts, fromHome.observations);
  const now = clock.now();
  const html = (res.app.locals.eta as Eta).render('documentation/export-index', {
    t: req.t, lang: req.language.code, dir: req.language.dir, child, posts, files: files.byMedia, comments: fromHome.comments,
    observations: fromHome.observations, observationFiles: files.byObservation,
    madeAt: formatDateTime(now, req.language), dateTime: (iso: string) => formatDateTime(new Date(iso), req.language),
  });
  res.set('Content-Disposition', `attachment; filename="portfolj-${child.id}-${today(clock)}.zip"`);
  res.set('Cache-Control', 'private, no-store');
  res.type('application/zip');
  const sources = files.list.map((f) => ({ path: f.path, source: mediaFilePath(dataDir, f.media, f.variant, 'jpeg') }));
  await writeZip(res, [{ path: 'index.html', content: html }], sources, now);
}

type FromHome = Awaited<ReturnType<typeof portfolioFromHome>>;

async function exportPage(
  req: Request, res: Response, { clock }: Deps, child: PortfolioChild, posts: readonly PortfolioPost[], fromHome: FromHome,
  errors: Record<string, { key: string }> = {},
): Promise<void> {
  render(req, res, 'documentation/export', {
    child, summary: exportSummary(posts, fromHome.observations), errors, placedNow: child.availableUntil === null, today: today(clock),
  }, Object.keys(errors).length > 0 ? 400 : 200);
}
