// Care times (Tidsregistrering): the week view and form, standard times, and the staff's comment on a day. Plain forms
// that post and redirect. The handlers read the request and answer; the use cases are in save-*.ts, the pages'
// data in *-view.ts, the rules in rules.ts.
import type { Request, Response } from 'express';
import { today } from '../kernel/clock.ts';
import { mondayOf, mondayOfWeek, weekKey } from '../kernel/dates.ts';
import { field, flash, HttpError, notFound, type Located, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { childSummary } from '../people/queries.ts';
import { loadStandard, loadWeek, type ScheduleDeps } from './load.ts';
import { saveComment } from './save-comment.ts';
import { endHomes, homesView, loadHomesPage, saveHomes, settle } from './homes-page.ts';
import { saveStandardWeek } from './save-standard.ts';
import { saveWeek } from './save-week.ts';
import { standardView } from './standard-view.ts';
import { savedMessage, weekView } from './week-view.ts';

export function scheduleRoutes(routes: RouteTable, deps: ScheduleDeps): void {
  routes.get('/children/:childId/schedule', 'child.schedule.read', async (req, res, { actor, target }) => {
    const wanted = typeof req.query.week === 'string' ? mondayOfWeek(req.query.week) : undefined;
    const page = await loadWeek(deps, actor, target, wanted ?? mondayOf(today(deps.clock)));
    if (!page) return renderNoPlacement(req, res, deps, target);
    const commentDate = typeof req.query.comment === 'string' && page.days.includes(req.query.comment) ? req.query.comment : undefined;
    render(req, res, 'schedule/page', weekView(page, req.language, { commentDate }));
  });

  routes.post('/children/:childId/schedule', 'child.schedule.update', async (req, res, context) => {
    const monday = mondayOfWeek(field(req.body, 'week'));
    if (!monday) throw new HttpError(400, 'No week');
    const form = (req.body ?? {}) as Record<string, unknown>;
    const saved = await saveWeek(deps, context, monday, form, req.language.locale);
    if (saved.ok) {
      flash(req, saved.raised.length ? { key: 'homes.conflict.raised', params: { count: saved.raised.length } } : savedMessage(saved.written, saved.whole, req.language));
      return res.redirect(303, weekUrl(saved.childId, saved.monday));
    }
    if (saved.kind === 'not-found') throw notFound();
    const posted = { form, plan: saved.plan };
    if (saved.kind === 'invalid') return render(req, res, 'schedule/page', weekView(saved.page, req.language, { posted, errors: saved.errors }), 400);
    render(req, res, 'schedule/page', weekView(saved.page, req.language, { posted, conflicts: saved.conflicts }), 409);
  });

  routes.post('/children/:childId/schedule/comment', 'child.schedule.comment', async (req, res, context) => {
    const saved = await saveComment(deps, context, {
      date: field(req.body, 'date'), text: field(req.body, 'staff_comment'), week: field(req.body, 'week'),
    });
    if (saved.ok) {
      flash(req, 'schedule.staffCommentForm.saved');
      return res.redirect(303, `${weekUrl(saved.childId, mondayOf(saved.date))}#day_${saved.date}`);
    }
    if (saved.kind === 'not-found') throw notFound();
    const { page, comment, errors } = saved;
    render(req, res, 'schedule/page', weekView(page, req.language, { errors, commentDate: comment.date, commentText: comment.text }), 400);
  });

  routes.get('/children/:childId/schedule/homes', 'child.schedule.read', async (req, res, context) => {
    const page = await loadHomesPage(deps, context);
    if (!page) throw notFound();
    render(req, res, 'schedule/homes', homesView(page, req.language));
  });

  routes.post('/children/:childId/schedule/homes', 'child.homes.update', async (req, res, context) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const saved = await saveHomes(deps, context, form);
    if (saved.ok) {
      flash(req, 'homes.saved');
      return res.redirect(303, `/children/${saved.childId}/schedule/homes`);
    }
    if (saved.kind === 'not-found') throw notFound();
    render(req, res, 'schedule/homes', homesView(saved.page, req.language, { form, errors: saved.errors }), 400);
  });

  routes.post('/children/:childId/schedule/homes/end', 'child.homes.update', async (req, res, context) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const saved = await endHomes(deps, context, form);
    if (saved.ok) {
      flash(req, 'homes.ended');
      return res.redirect(303, `/children/${saved.childId}/schedule/homes`);
    }
    if (saved.kind === 'not-found') throw notFound();
    render(req, res, 'schedule/homes', homesView(saved.page, req.language, { form, errors: saved.errors }), 400);
  });

  routes.post('/children/:childId/schedule/conflicts', 'child.schedule.update', async (req, res, context) => {
    const settled = await settle(deps, context, mondayOf, (req.body ?? {}) as Record<string, unknown>);
    if (settled.ok) {
      flash(req, settled.settled ? 'homes.conflict.settled' : 'homes.conflict.gone');
      return res.redirect(303, `${weekUrl(settled.childId, mondayOf(settled.date))}#clashes`);
    }
    if (settled.kind === 'not-found') throw notFound();
    render(req, res, 'schedule/page', weekView(settled.page, req.language, { errors: settled.errors }), 400);
  });

  routes.get('/children/:childId/schedule/standard', 'child.schedule.read', async (req, res, { actor, target }) => {
    const page = await loadStandard(deps, actor, target);
    if (!page) return renderNoPlacement(req, res, deps, target);
    render(req, res, 'schedule/standard', standardView(page, req.language));
  });

  routes.post('/children/:childId/schedule/standard', 'child.schedule.update', async (req, res, context) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const saved = await saveStandardWeek(deps, context, form, req.language.locale);
    if (saved.ok) {
      flash(req, 'schedule.standard.saved');
      return res.redirect(303, `/children/${saved.childId}/schedule/standard`);
    }
    if (saved.kind === 'not-found') throw notFound();
    render(req, res, 'schedule/standard', standardView(saved.page, req.language, { form, errors: saved.errors }), 400);
  });
}

function weekUrl(childId: number, monday: string): string {
  return `/children/${childId}/schedule?week=${weekKey(monday)}`;
}

/** A child the user may see but who has no placement with care times (a school class only). */
async function renderNoPlacement(req: Request, res: Response, { db, clock }: ScheduleDeps, child: Located): Promise<void> {
  const summary = await childSummary(db, child.id, today(clock));
  if (!summary) throw notFound();
  render(req, res, 'schedule/none', { child: summary });
}
