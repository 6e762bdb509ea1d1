// The start page: a guardian's chosen child with its boxes and the child switcher; staff's groups; heads' units;
// admins' municipality. Each box also answers alone at its own URL (htmx gets the partial, a browser a full page).
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { notFound, type RouteTable } from '../kernel/http.ts';
import { publicUrlMismatch } from '../kernel/public-url.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary, childrenOfGuardian, groupsOfStaff, municipalitiesAdministeredBy, unitsHeadedBy } from '../people/queries.ts';
import { enabledBoxes } from '../settings/queries.ts';
import { recentlyFailedJobs } from '../operations/jobs-page.ts';
import { BOX_KEYS, boxesFor, loadBox } from './boxes.ts';
import { picturesOf } from '../child-page/queries.ts';
import { portfoliosAfterLeaving } from '../documentation/export-queries.ts';
import { tomorrowCards } from '../tomorrow/card.ts';

interface Deps { db: Db; clock: Clock; config: Pick<Config, 'publicUrl' | 'trustProxy'> }

export function startRoutes(routes: RouteTable, deps: Deps): void {
  routes.get('/', 'start.read', (req, res, { actor }) => renderStart(req, res, deps, actor, req.session.childId));

  routes.get('/children/:childId', 'child.start.read', (req, res, { actor, target }) => {
    req.session.childId = target.id;
    return renderStart(req, res, deps, actor, target.id);
  });

  for (const key of BOX_KEYS) {
    routes.get(`/children/:childId/boxes/${key}`, 'child.start.read', async (req, res, { actor, target }) => {
      const { db, clock } = deps;
      const child = await childSummary(db, target.id, today(clock));
      if (!child || !(await enabledBoxes(db, child.unitId, BOX_KEYS))[key]) throw notFound();
      const box = await loadBox({ db, clock, child, viewer: actor }, key);
      if (!box) throw notFound();
      // htmx asks for the box alone (it swaps itself); a browser without JavaScript gets it on a page of its own.
      if (req.get('HX-Request')) return render(req, res, 'start/box', { box, child });
      const children = await childrenOfGuardian(db, actor.personId, today(clock));
      const pictures = await picturesOf(db, [child.id, ...children.map((c) => c.id)]);
      render(req, res, 'start/box-page', { box, child, children, pictures });
    });
  }
}

async function renderStart(req: Request, res: Response, { db, clock, config }: Deps, actor: Actor, wanted: number | undefined) {
  const day = today(clock);
  const [children, groups, units, municipalities] = await Promise.all([
    childrenOfGuardian(db, actor.personId, day),
    groupsOfStaff(db, actor),
    unitsHeadedBy(db, actor),
    municipalitiesAdministeredBy(db, actor),
  ]);
  const child = children.find((c) => c.id === wanted) ?? children[0] ?? (actor.isStudent ? await childSummary(db, actor.personId, day) : undefined);
  const [boxes, cards] = child
    ? await Promise.all([boxesFor({ db, clock, child, viewer: actor }), tomorrowCards(db, actor, [child], day)])
    : [[], new Map()];
  // The tomorrow card of a guardian's child, above the boxes (server/tomorrow/); none for staff or when it has nothing to say.
  const card = child ? cards.get(child.id) : undefined;
  // The child switcher shows each child's picture from their own page (server/child-page/).
  const pictures = child ? await picturesOf(db, [child.id, ...children.map((c) => c.id)]) : new Map<number, string>();
  // Admins hear when links in mails would not reach people (see kernel/public-url.ts).
  const publicUrlNote = municipalities.length ? await publicUrlMismatch(db, config) : undefined;
  // ...and when background jobs (a mail, a nightly backup) gave up lately (see operations/jobs-page.ts).
  const failedJobs = municipalities.length ? await recentlyFailedJobs(db, clock) : 0;
  // A family whose child has left (or a former pupil) can still download the portfolio for a while (export.ts).
  const leftChildren = [...actor.guardianOf.keys()].filter((id) => !children.some((c) => c.id === id));
  const formerPupil = !actor.isStudent && actor.guardianOf.size === 0 && actor.staffUnits.size === 0 && actor.adminOf.size === 0;
  const portfolios = await portfoliosAfterLeaving(db, formerPupil ? [actor.personId] : leftChildren, day);
  render(req, res, 'start/page', { children, child, pictures, boxes, tomorrow: card && !card.empty ? card : undefined, groups, units, municipalities, publicUrlNote, publicUrl: config.publicUrl, failedJobs, portfolios });
}
