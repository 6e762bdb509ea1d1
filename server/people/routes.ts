import type { Request } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { allows } from '../kernel/policy.ts';
import { notFound, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { childProfile, childrenInGroup, groupPage, municipalityPage, unitPage } from './queries.ts';
import { visibleDetails } from './visibility.ts';

export function peopleRoutes(routes: RouteTable, { db, clock }: { db: Db; clock: Clock }): void {
  routes.get('/children/:childId/info', 'child.info.read', async (req, res) => {
    const profile = await childProfile(db, target(req).id, today(clock));
    if (!profile) throw notFound();
    const location = target(req).location;
    const actor = req.actor!;
    render(req, res, 'people/child', {
      child: { ...visibleDetails(actor, location, profile.child, false), birthDate: profile.child.birthDate },
      placements: profile.placements,
      guardians: profile.guardians.map((g) => visibleDetails(actor, location, g, g.otherHousehold)),
      canInvite: allows(actor, 'child.invitations.create', location),
    });
  });

  routes.get('/groups/:groupId', 'group.read', async (req, res) => {
    const group = await groupPage(db, target(req).id);
    if (!group) throw notFound();
    const showChildren = allows(req.actor, 'group.children.read', target(req).location);
    const children = showChildren ? await childrenInGroup(db, group.id, today(clock)) : undefined;
    const canSeeInvitations = allows(req.actor, 'group.invitations.read', target(req).location);
    const canSeeToday = allows(req.actor, 'group.today.read', target(req).location);
    render(req, res, 'people/group', { group, children, canSeeInvitations, canSeeToday });
  });

  routes.get('/units/:unitId', 'unit.read', async (req, res) => {
    const unit = await unitPage(db, target(req).id, today(clock));
    if (!unit) throw notFound();
    render(req, res, 'people/unit', {
      unit, canEditSettings: allows(req.actor, 'unit.settings.update', target(req).location),
      canSeeClosureRequests: allows(req.actor, 'unit.closureRequests.read', target(req).location),
    });
  });

  routes.get('/municipalities/:municipalityId', 'municipality.read', async (req, res) => {
    const municipality = await municipalityPage(db, target(req).id);
    if (!municipality) throw notFound();
    render(req, res, 'people/municipality', {
      municipality, canEditTerms: allows(req.actor, 'municipality.terms.update', target(req).location),
      canSeeClosureRequests: allows(req.actor, 'municipality.closureRequests.read', target(req).location),
    });
  });
}

/** The record the guard already found and allowed for this route. */
function target(req: Request) {
  if (req.targetId === undefined || !req.target) throw notFound();
  return { id: req.targetId, location: req.target };
}
