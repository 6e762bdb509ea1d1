// Development talks. Guardians: the child's free times and coming talk (`/children/:childId/talks`), book or move,
// cancel, and the talk as an .ics file. Staff of the group: the times with who booked and who has not, publish and
// remove times, book or cancel on a guardian's behalf, remind those who have not booked. The unit's head: the deadline
// and the rule for families in two homes. Every form is a plain POST with a 303; errors re-render the page at the field.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type RouteTable } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childrenInGroup, childSummary, findUnit, groupWithUnit } from '../people/queries.ts';
import { talkIcs } from './ics.ts';
import { queueTalksOpen, remindToBook, tellBookedByStaff } from './notices.ts';
import {
  bookSlot, cancelBooking, childTalks, publishSlot, removeSlot, saveTalkSettings, slotsOfGroup, talkSettings, type Book,
} from './queries.ts';
import { bookingOpen, householdOf, lastBookingDay, parseSettings, parseSlot, talksOfViewer } from './rules.ts';

interface Deps { db: Db; clock: Clock }

/** The message at the slot field for each refused booking. */
const BOOK_ERRORS: Record<Exclude<Book, { ok: true }>['error'], string> = {
  taken: 'talks.errors.taken', closed: 'talks.errors.closed', locked: 'talks.errors.locked', 'not-found': 'talks.errors.slot',
};

export function talkRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  // --- guardians -------------------------------------------------------------------------------------------------
  routes.get('/children/:childId/talks', 'child.talks.read', async (req, res, { actor, target }) => {
    await renderChildPage(req, res, deps, actor, target.id, {});
  });

  routes.post('/children/:childId/talks/book', 'child.talks.book', async (req, res, { actor, account, target }) => {
    const slotId = Number(field(req.body, 'slot'));
    if (!Number.isSafeInteger(slotId) || slotId <= 0) return renderChildPage(req, res, deps, actor, target.id, { slot: { key: 'talks.errors.slot' } }, 400);
    const day = today(clock);
    const household = await guardianHousehold(db, actor, target.id, day);
    const outcome = await bookSlot(db, { childId: target.id, slotId, household, by: account.id, at: clock.now(), today: day, byStaff: false });
    if (!outcome.ok) return renderChildPage(req, res, deps, actor, target.id, { slot: { key: BOOK_ERRORS[outcome.error] } }, 409);
    flash(req, outcome.moved ? 'talks.moved' : 'talks.booked');
    res.redirect(303, `/children/${target.id}/talks`);
  });

  routes.post('/children/:childId/talks/cancel', 'child.talks.cancel', async (req, res, { actor, target }) => {
    const day = today(clock);
    const household = await guardianHousehold(db, actor, target.id, day);
    const outcome = await cancelBooking(db, { childId: target.id, bookingId: Number(field(req.body, 'booking')) || 0, households: [household], today: day, byStaff: false });
    if (!outcome.ok && outcome.error === 'closed') return renderChildPage(req, res, deps, actor, target.id, { form: { key: 'talks.errors.closed' } }, 409);
    if (!outcome.ok) return renderChildPage(req, res, deps, actor, target.id, { form: { key: 'talks.errors.noBooking' } }, 400);
    flash(req, 'talks.cancelled');
    res.redirect(303, `/children/${target.id}/talks`);
  });

  routes.get('/children/:childId/talks.ics', 'child.talks.read', async (req, res, { actor, target }) => {
    const day = today(clock);
    const [talks, child] = await Promise.all([childTalks(db, target.id, day), childSummary(db, target.id, day)]);
    const mine = talksOfViewer(talks.booked, actor.guardianOf.get(target.id));
    if (!child) throw notFound();
    const ics = talkIcs(req.t, mine.map((b) => ({ slot: b, bookingId: b.bookingId, childName: child.firstName })), clock.now());
    res.set('Cache-Control', 'private, no-store').type('text/calendar; charset=utf-8')
      .set('Content-Disposition', 'attachment; filename="utvecklingssamtal.ics"').send(ics);
  });

  // --- staff -----------------------------------------------------------------------------------------------------
  routes.get('/groups/:groupId/talks', 'group.talks.read', async (req, res, { target }) => {
    await renderGroupPage(req, res, deps, target.id, {}, {});
  });

  routes.post('/groups/:groupId/talks/slots', 'group.talks.publish', async (req, res, { actor, account, target }) => {
    const day = today(clock);
    const values = { date: field(req.body, 'date'), start: field(req.body, 'start'), length: field(req.body, 'length'), place: field(req.body, 'place'), videoUrl: field(req.body, 'videoUrl') };
    const parsed = parseSlot((name) => field(req.body, name).trim(), day);
    if (!parsed.ok) return renderGroupPage(req, res, deps, target.id, parsed.errors, values, 400);
    const at = clock.now();
    // The families hear of it through a job queued with the slot (one notice a day however many times are published).
    const outcome = await publishSlot(db, { ...parsed.value, groupId: target.id, staffPersonId: actor.personId, by: account.id, at },
      (trx) => queueTalksOpen(trx, target.id, day, at));
    if (!outcome.ok) {
      const other = outcome.other;
      return renderGroupPage(req, res, deps, target.id, { start: { key: 'talks.errors.overlaps', params: { start: other.start, end: other.end } } }, values, 409);
    }
    flash(req, 'talks.published');
    res.redirect(303, `/groups/${target.id}/talks`);
  });

  routes.post('/groups/:groupId/talks/slots/remove', 'group.talks.publish', async (req, res, { target }) => {
    const removed = await removeSlot(db, target.id, Number(field(req.body, 'slot')) || 0);
    flash(req, removed ? 'talks.removed' : { key: 'talks.errors.removeBooked' });
    res.redirect(303, `/groups/${target.id}/talks`);
  });

  // On a guardian's behalf: a child of the group, a time of the group, and (one talk each) which home.
  routes.post('/groups/:groupId/talks/bookings', 'group.talks.book', async (req, res, { account, target }) => {
    const day = today(clock);
    const childId = Number(field(req.body, 'child'));
    const values = { child: field(req.body, 'child'), slot: field(req.body, 'slot'), household: field(req.body, 'household') };
    const child = (await childrenInGroup(db, target.id, day)).find((c) => c.id === childId);
    if (!child) return renderGroupPage(req, res, deps, target.id, { child: { key: 'talks.errors.child' } }, values, 400);
    const household = field(req.body, 'household') === '1' ? 1 : 0;
    const at = clock.now();
    // The family hears that staff booked for them in the booking's transaction (both or neither); a booking already theirs is no news.
    const outcome = await bookSlot(db, { childId, slotId: Number(field(req.body, 'slot')) || 0, household, by: account.id, at, today: day, byStaff: true },
      (trx, slot) => tellBookedByStaff(trx, { which: 'booked', childId, childFirstName: child.firstName, household, slot, at }));
    if (!outcome.ok) return renderGroupPage(req, res, deps, target.id, { slot: { key: BOOK_ERRORS[outcome.error] } }, values, 409);
    flash(req, 'talks.bookedForGuardian');
    res.redirect(303, `/groups/${target.id}/talks`);
  });

  routes.post('/groups/:groupId/talks/bookings/cancel', 'group.talks.book', async (req, res, { target }) => {
    const day = today(clock);
    const childId = Number(field(req.body, 'child'));
    const child = (await childrenInGroup(db, target.id, day)).find((c) => c.id === childId);
    const outcome = child
      ? await cancelBooking(db, { childId, bookingId: Number(field(req.body, 'booking')) || 0, households: [0, 1], today: day, byStaff: true },
        (trx, slot, household) => tellBookedByStaff(trx, { which: 'cancelled', childId, childFirstName: child.firstName, household, slot, at: clock.now() }))
      : undefined;
    flash(req, outcome?.ok ? 'talks.cancelled' : { key: 'talks.errors.noBooking' });
    res.redirect(303, `/groups/${target.id}/talks`);
  });

  routes.post('/groups/:groupId/talks/remind', 'group.talks.remind', async (req, res, { target }) => {
    const told = await remindToBook(db, target.id, today(clock), clock.now());
    flash(req, { key: 'talks.reminded', params: { n: told } });
    res.redirect(303, `/groups/${target.id}/talks`);
  });

  // --- the unit's head -------------------------------------------------------------------------------------------
  routes.get('/units/:unitId/talks/settings', 'unit.talks.settings.read', async (req, res, { target }) => {
    const unit = await findUnit(db, target.id);
    if (!unit) throw notFound();
    const settings = await talkSettings(db, target.id);
    render(req, res, 'talks/settings', { unit, values: { deadlineDays: String(settings.deadlineDays), twoHomes: settings.twoHomes } });
  });

  routes.post('/units/:unitId/talks/settings', 'unit.talks.settings.update', async (req, res, { account, target }) => {
    const unit = await findUnit(db, target.id);
    if (!unit) throw notFound();
    const parsed = parseSettings((name) => field(req.body, name).trim());
    if (!parsed.ok) {
      const values = { deadlineDays: field(req.body, 'deadlineDays'), twoHomes: field(req.body, 'twoHomes') };
      return render(req, res, 'talks/settings', { unit, values, errors: parsed.errors }, 400);
    }
    await saveTalkSettings(db, target.id, parsed.value, account.id, clock.now());
    flash(req, 'talks.settings.saved');
    res.redirect(303, `/units/${target.id}/talks/settings`);
  });
}

/** The guardian's home for the child's bookings: 0 unless the unit wants one talk per home and the guardian lives in the other. */
async function guardianHousehold(db: Db, actor: Actor, childId: number, day: string): Promise<number> {
  const child = await childSummary(db, childId, day);
  const settings = await talkSettings(db, child?.unitId ?? 0);
  return householdOf(settings.twoHomes, actor.guardianOf.get(childId)?.otherHousehold ?? false);
}

async function renderChildPage(req: Request, res: Response, deps: Deps, actor: Actor, childId: number, errors: FieldErrors, status = 200): Promise<void> {
  const day = today(deps.clock);
  const [child, talks] = await Promise.all([childSummary(deps.db, childId, day), childTalks(deps.db, childId, day)]);
  if (!child) throw notFound();
  const settingsOf = new Map(talks.groups.map((g) => [g.groupId, g.settings]));
  const mine = talksOfViewer(talks.booked, actor.guardianOf.get(childId))
    .map((b) => ({ ...b, open: bookingOpen(b.date, day, b.settings), lastDay: lastBookingDay(b.date, b.settings.deadlineDays) }));
  const free = talks.free.flatMap((s) => {
    const settings = settingsOf.get(s.groupId);
    return settings !== undefined && bookingOpen(s.date, day, settings) ? [{ ...s, lastDay: lastBookingDay(s.date, settings.deadlineDays) }] : [];
  });
  render(req, res, 'talks/child', { child, mine, free, errors }, status);
}

async function renderGroupPage(req: Request, res: Response, deps: Deps, groupId: number, errors: FieldErrors, values: Record<string, string>, status = 200): Promise<void> {
  const day = today(deps.clock);
  const group = await groupWithUnit(deps.db, groupId);
  if (!group) throw notFound();
  const [slots, children, settings] = await Promise.all([slotsOfGroup(deps.db, groupId, day), childrenInGroup(deps.db, groupId, day), talkSettings(deps.db, group.unitId)]);
  const bookedIds = new Set(slots.flatMap((s) => (s.booking ? [s.booking.childId] : [])));
  const notBooked = children.filter((c) => !bookedIds.has(c.id));
  const free = slots.filter((s) => s.booking === null);
  render(req, res, 'talks/group', { group, slots, children, notBooked, free, settings, errors, values, today: day }, status);
}
