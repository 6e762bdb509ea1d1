// The staff's Today for a group (who is expected, away, come and gone), checking a child in and out (each in its own
// place, a tap taken back for a few minutes, a time corrected by hand), and Today on paper.
import type { Request, Response } from 'express';
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { isDate } from '../kernel/dates.ts';
import { field, flash, HttpError, notFound, type RouteTable } from '../kernel/http.ts';
import type { FieldError } from '../kernel/forms.ts';
import type { Actor } from '../kernel/policy.ts';
import { locateGroup } from '../people/relations.ts';
import { render } from '../kernel/views.ts';
import { attendanceTimes, markAttendance, setAttendanceTimes, undoAttendance } from './queries.ts';
import { needsConfirmation, parseCorrectedTimes, UNDO_MINUTES, undoCutoff } from './rules.ts';
import { printPage } from './print.ts';
import { childrenWithBansShown, todayPage, type AbsenceReads, type FamilyViewer } from './today.ts';
import { auditTrail } from '../audit/trail.ts';
import { recordBanReads } from '../pickup/today.ts';

/** `absences`: absence's reads for Today (see today.ts). */
interface Deps { db: Db; clock: Clock; absences: AbsenceReads }

export function attendanceRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/groups/:groupId/today', 'group.today.read', (req, res, { actor, target }) => renderToday(req, res, deps, { actor, group: target }));

  // Today on paper: no links, the guardians' phone numbers the viewer may see, empty columns to sign.
  routes.get('/groups/:groupId/today/print', 'group.today.print', async (req, res, { actor, target }) => {
    const page = await printPage(db, deps.absences, actor, target, dayOf(req, clock), today(clock), clock.now());
    if (!page) throw notFound();
    await recordBanReads(auditTrail(db, clock), actor, childrenWithBansShown(page.children));
    render(req, res, 'attendance/print', { ...page });
  });

  // One tap: arrived or left, now, in the group whose Today it is (the form's `group`: the guard has checked that it is
  // one of the child's and the user's to mark). A child reported absent is checked in only after a yes on the
  // confirmation page. htmx gets the list back (the row picks its own part); a plain form goes back to the row.
  routes.post('/children/:childId/attendance', 'child.attendance.update', async (req, res, { actor, account, target }) => {
    const event = field(req.body, 'event');
    if (event !== 'arrive' && event !== 'leave') throw new HttpError(400);
    const groupId = target.chosenGroupId;
    const now = clock.now();
    const day = today(clock);
    if (event === 'arrive') {
      const page = await todayPage(db, deps.absences, groupId, day, day, now);
      const child = page?.children.find((c) => c.id === target.id);
      if (!page || !child) throw notFound();
      if (needsConfirmation(child.absence, field(req.body, 'confirmed'))) {
        return render(req, res, req.get('HX-Request') ? 'attendance/confirm-row' : 'attendance/confirm', { ...page, child });
      }
    }
    const outcome = await markAttendance(db, { childId: target.id, groupId, date: day, event, time: stockholmTime(now), by: account.id, now });
    const notice: FieldError | undefined = outcome.ok ? undefined
      : { key: `today.refused.${outcome.error}`, params: { arrived: outcome.attendance.arrivedAt ?? '', left: outcome.attendance.leftAt ?? '' } };
    return answerTap(req, res, deps, actor, groupId, target.id, notice);
  });

  // "Ångra": takes back the row's last tap (the form names which), only within UNDO_MINUTES of it.
  routes.post('/children/:childId/attendance/undo', 'child.attendance.update', async (req, res, { actor, account, target }) => {
    const event = field(req.body, 'event');
    if (event !== 'arrive' && event !== 'leave') throw new HttpError(400);
    const now = clock.now();
    const outcome = await undoAttendance(db, {
      childId: target.id, groupId: target.chosenGroupId, date: today(clock), event, by: account.id, now, since: undoCutoff(now),
    });
    const notice: FieldError = outcome.ok ? { key: `today.undone.${event}` } : { key: `today.refused.undo-${outcome.error}`, params: { minutes: UNDO_MINUTES } };
    return answerTap(req, res, deps, actor, target.chosenGroupId, target.id, notice);
  });

  // Correcting the times by hand: the form (its own page, no JavaScript needed), and its save.
  routes.get('/groups/:groupId/today/:childId/times', 'group.today.read', async (req, res, { target }) => {
    const day = dayOf(req, clock);
    const form = await timesForm(deps, target.id, Number(req.params.childId), day);
    if (!form) throw notFound();
    const times = await attendanceTimes(db, { childId: form.child.id, groupId: target.id, date: day });
    render(req, res, 'attendance/times', { ...form, values: { arrived: times.arrivedAt ?? '', left: times.leftAt ?? '' } });
  });

  routes.post('/children/:childId/attendance/times', 'child.attendance.update', async (req, res, { account, target }) => {
    const groupId = target.chosenGroupId;
    const day = field(req.body, 'date');
    const form = isDate(day) ? await timesForm(deps, groupId, target.id, day) : undefined;
    if (!form) throw notFound();
    const values = { arrived: field(req.body, 'arrived'), left: field(req.body, 'left') };
    const parsed = parseCorrectedTimes(values, { isToday: form.isToday, now: stockholmTime(clock.now()) });
    if (!parsed.ok) return render(req, res, 'attendance/times', { ...form, values, errors: parsed.errors }, 400);
    await setAttendanceTimes(db, { childId: target.id, groupId, date: day, ...parsed.value, by: account.id, now: clock.now() });
    flash(req, { key: 'today.timesSaved', params: { name: form.child.name } });
    res.redirect(303, `${todayUrl(groupId, day, today(clock))}#child-${target.id}`);
  });
}

function dayOf(req: Request, clock: Clock): string {
  return typeof req.query.date === 'string' && isDate(req.query.date) ? req.query.date : today(clock);
}

function todayUrl(groupId: number, day: string, currentDay: string): string {
  return day === currentDay ? `/groups/${groupId}/today` : `/groups/${groupId}/today?date=${day}`;
}

/** The correction form's page: the group, the child in it and the day (today or a day gone by; never ahead). */
async function timesForm({ db, clock, absences }: Deps, groupId: number, childId: number, day: string) {
  const currentDay = today(clock);
  if (day > currentDay) return undefined;
  const page = await todayPage(db, absences, groupId, day, currentDay, clock.now());
  const child = page?.children.find((c) => c.id === childId);
  if (!page || !child) return undefined;
  return { group: page.group, day, isToday: page.isToday, child, back: todayUrl(groupId, day, currentDay) };
}

/** After a tap: htmx gets the list (the row and the summary take their parts), a plain form goes back to the row. */
async function answerTap(req: Request, res: Response, deps: Deps, actor: Actor, groupId: number, childId: number, notice: FieldError | undefined): Promise<void> {
  if (req.get('HX-Request')) {
    const location = await locateGroup(deps.db, groupId, today(deps.clock));
    if (!location) throw notFound();
    return renderToday(req, res, deps, { actor, group: { ...location, id: groupId } }, notice && { childId, ...notice });
  }
  if (notice) flash(req, notice);
  res.redirect(303, `/groups/${groupId}/today#child-${childId}`);
}

/**
 * The whole page, or for htmx (its refresh every 30 s, a tap) only the list. The family details (pickup list, bans)
 * as the viewer may see them; the bans a whole page shows leave their rows in the audit trail (the list's refresh
 * shows what the page already recorded).
 */
async function renderToday(req: Request, res: Response, { db, clock, absences }: Deps, viewer: FamilyViewer, notice?: FieldError & { childId: number }): Promise<void> {
  const day = today(clock);
  const page = await todayPage(db, absences, viewer.group.id, dayOf(req, clock), day, clock.now(), viewer);
  if (!page) throw notFound();
  const partial = req.get('HX-Request') !== undefined;
  if (!partial) await recordBanReads(auditTrail(db, clock), viewer.actor, childrenWithBansShown(page.children));
  render(req, res, partial ? 'attendance/today-list' : 'attendance/today', { ...page, notice });
}
