// The start page: a guardian's chosen child with the child switcher; staff's groups; heads' units; admins' municipality.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { childrenOfGuardian, groupsOfStaff, municipalitiesAdministeredBy, unitsHeadedBy } from '../people/queries.ts';

export function startRoutes(routes: RouteTable, deps: { db: Db; clock: Clock }): void {
  routes.get('/', 'start.read', (req, res) => renderStart(req, res, deps, req.session.childId));

  routes.get('/children/:childId', 'child.start.read', (req, res) => {
    req.session.childId = req.targetId;
    return renderStart(req, res, deps, req.targetId);
  });
}

async function renderStart(req: Request, res: Response, { db, clock }: { db: Db; clock: Clock }, wanted: number | undefined) {
  const actor = req.actor!;
  const [children, groups, units, municipalities] = await Promise.all([
    childrenOfGuardian(db, actor.personId, today(clock)),
    groupsOfStaff(db, actor),
    unitsHeadedBy(db, actor),
    municipalitiesAdministeredBy(db, actor),
  ]);
  const child = children.find((c) => c.id === wanted) ?? children[0];
  render(req, res, 'start/page', { children, child, groups, units, municipalities });
}
