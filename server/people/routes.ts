// The organisation's pages: a child's details (what of each person the viewer may see), a group, a unit and a
// municipality, each with the links the viewer's role allows.
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { WEEKDAYS } from '../kernel/dates.ts';
import { allows, decide, type Actor, type Location } from '../kernel/policy.ts';
import { notFound, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { unitDetails } from './organisation.ts';
import { childProfile, childrenInGroup, groupPage, groupWithUnit, municipalityPage, unitPage } from './queries.ts';
import { visibleDetails } from './visibility.ts';

/** A unit's opening hours per ISO weekday, null when closed: kept by the unit settings, handed over by app.ts. */
type OpeningHours = (db: Db, unitId: number) => Promise<Record<number, { opens: string; closes: string } | null>>;

/**
 * The child's pickup list, emergency contacts and who may not pick up, for the child's page (views/pickup/card.eta):
 * kept by server/pickup/ (card.ts), handed over by app.ts; undefined where the viewer may see none of it.
 */
type PickupCardOf = (actor: Actor, child: Location & { id: number }) => Promise<unknown>;

interface Deps { db: Db; clock: Clock; openingHours: OpeningHours; pickupCard: PickupCardOf }

export function peopleRoutes(routes: RouteTable, { db, clock, openingHours, pickupCard }: Deps): void {
  routes.get('/children/:childId/info', 'child.info.read', async (req, res, { actor, target }) => {
    const profile = await childProfile(db, target.id, today(clock));
    if (!profile) throw notFound();
    render(req, res, 'people/child', {
      child: { ...visibleDetails(actor, target, profile.child, false), birthDate: profile.child.birthDate },
      placements: profile.placements,
      guardians: profile.guardians.map((g) => visibleDetails(actor, target, g, g.otherHousehold)),
      canInvite: allows(actor, 'child.invitations.create', target),
      // the pickup list and emergency contacts, and who may not pick up: each only for whom the policy allows
      pickup: await pickupCard(actor, target),
    });
  });

  routes.get('/groups/:groupId', 'group.read', async (req, res, { actor, target }) => {
    const group = await groupPage(db, target.id, today(clock));
    if (!group) throw notFound();
    const showChildren = allows(actor, 'group.children.read', target);
    const children = showChildren ? await childrenInGroup(db, group.id, today(clock)) : undefined;
    const canSeeInvitations = allows(actor, 'group.invitations.read', target);
    const canSeeToday = allows(actor, 'group.today.read', target);
    // A school class's pupils from årskurs 3 may have student accounts (server/students/)
    const school = (await groupWithUnit(db, group.id))?.unitKind === 'school';
    const canSeeStudentAccounts = allows(actor, 'group.studentAccounts.read', target) && school;
    // a school class's assessment overview: for whom the policy lets read it (a weak session: the link leads to BankID)
    const canSeeAssessment = school && decide(actor, 'schoolClass.assessment.read', target) !== 'deny';
    render(req, res, 'people/group', { group, children, canSeeInvitations, canSeeToday, canSeeStudentAccounts, canSeeAssessment });
  });

  routes.get('/units/:unitId', 'unit.read', async (req, res, { actor, target }) => {
    const [unit, hours, details] = await Promise.all([unitPage(db, target.id, today(clock)), openingHours(db, target.id), unitDetails(db, target.id)]);
    if (!unit) throw notFound();
    render(req, res, 'people/unit', {
      unit, closedOn: details?.closedOn ?? null,
      openingHours: WEEKDAYS.flatMap((weekday) => (hours[weekday] ? [{ weekday, ...hours[weekday] }] : [])),
      canEditSettings: allows(actor, 'unit.settings.update', target),
      canSeeClosureRequests: allows(actor, 'unit.closureRequests.read', target),
      canManageGroups: allows(actor, 'unit.groups.read', target),
      canManageStaff: allows(actor, 'unit.staff.read', target),
      canEditContact: allows(actor, 'unit.contact.update', target),
    });
  });

  routes.get('/municipalities/:municipalityId', 'municipality.read', async (req, res, { actor, target }) => {
    const municipality = await municipalityPage(db, target.id);
    if (!municipality) throw notFound();
    render(req, res, 'people/municipality', {
      municipality, canEditTerms: allows(actor, 'municipality.terms.update', target),
      canSeeClosureRequests: allows(actor, 'municipality.closureRequests.read', target),
    });
  });
}
