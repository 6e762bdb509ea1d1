// Reporting absence (guardians, and staff on their behalf) and cancelling a report that has not started.
import type { Request, Response } from 'express';
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import { prepared, type Db } from '../kernel/db.ts';
import { field, fields, flash, HttpError, notFound, parseId, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import { allows, type Location } from '../kernel/policy.ts';
import { locateGroup } from '../people/relations.ts';
import { render } from '../kernel/views.ts';
import { loadBox } from '../start/boxes.ts';
import { childSummary } from '../people/queries.ts';
import { absenceContext, absenceDays, reportableSiblings, type AbsenceContext } from './context.ts';
import { absenceById, cancelAbsence, markAttendance, reportAbsence } from './queries.ts';
import { groupDay } from './today.ts';
import { cancellable, parseAbsence } from './rules.ts';
import { unitCalendar, openDays } from '../settings/calendar.ts';
import { addDays, isDate } from '../kernel/dates.ts';

interface Deps { db: Db; clock: Clock }

export function absenceRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/children/:childId/absence', 'child.absence.report', async (req, res) => {
    const context = await contextFor(req, deps);
    renderPage(req, res, context, {}, { when: 'range', from: context.next ?? context.today, to: '' });
  });

  routes.post('/children/:childId/absences', 'child.absence.report', async (req, res) => {
    // The open days to check the report against; the siblings only when the form names some, and the whole page
    // (coming reports and all) only when the report is refused and the form is shown again.
    const context = await absenceDays(db, clock, req.targetId!);
    if (!context) throw notFound();
    const parsed = parseAbsence((name) => field(req.body, name), context);
    const wanted = fields(req.body, 'siblings');
    const siblings = wanted.length && req.actor ? await reportableSiblings(db, req.actor, context.child.id, context.today) : [];
    const children = [context.child, ...siblings.filter((s) => wanted.includes(String(s.id)))];
    const days: Record<number, string[]> = {};
    if (parsed.ok) {
      for (const child of children) {
        const calendar = child.unitId === context.child.unitId ? context.calendar
          : await unitCalendar(db, child.unitId, parsed.value.from, parsed.value.to);
        days[child.id] = openDays(parsed.value.from, parsed.value.to, calendar);
      }
    }
    if (!parsed.ok || Object.values(days).every((d) => d.length === 0)) {
      const errors = parsed.ok ? { from: 'absence.errors.closed' } : parsed.errors;
      if (fromBox(req)) return renderBox(req, res, deps, errors);
      return renderPage(req, res, await contextFor(req, deps), errors, req.body as Record<string, unknown>, 400);
    }
    await reportAbsence(db, {
      childIds: children.map((c) => c.id), days, starts: parsed.value.starts, ends: parsed.value.ends, comment: parsed.value.comment,
      kind: 'reported', by: req.account!.id, now: clock.now(),
    });
    if (fromBox(req)) return renderBox(req, res, deps, {}, 'absence.reported');
    flash(req, 'absence.reported');
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${context.child.id}/absence`));
  });

  routes.get('/groups/:groupId/today', 'group.today.read', (req, res) => renderToday(req, res, deps));

  // One tap: arrived or left, now. htmx gets the list back; a plain form goes back to the Today page.
  routes.post('/children/:childId/attendance', 'child.attendance.update', async (req, res) => {
    const event = field(req.body, 'event');
    if (event !== 'arrive' && event !== 'leave') throw new HttpError(400);
    const group = await attendanceGroup(req, deps);
    await markAttendance(db, { childId: req.targetId!, groupId: group, date: today(clock), event, time: stockholmTime(clock.now()), by: req.account!.id, now: clock.now() });
    if (req.get('HX-Request')) return renderToday(req, res, deps, group);
    res.redirect(303, `/groups/${group}/today`);
  });

  routes.post('/absences/:absenceId/cancel', 'absence.cancel', async (req, res) => {
    const absence = await absenceById(db, req.targetId!);
    if (!absence || !cancellable(absence, today(clock), stockholmTime(clock.now()))) throw notFound();
    await cancelAbsence(db, absence, req.account!.id, clock.now());
    if (fromBox(req)) return renderBox(req, res, deps, {}, 'absence.cancelled', absence.childId);
    flash(req, 'absence.cancelled');
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${absence.childId}/absence`));
  });
}

/**
 * The group whose Today the check-in belongs to: one the child is placed in and the user may act for. A child in a
 * class and in fritids has one arrival in each; a teacher of the class cannot check the child out of fritids.
 */
async function attendanceGroup(req: Request, { db, clock }: Deps): Promise<number> {
  const groupId = parseId(field(req.body, 'group'));
  const child = req.target!;
  if (groupId === undefined || !child.groupIds.includes(groupId)) throw notFound();
  const group = await locateGroup(db, groupId, today(clock));
  const here: Location | null = group && { ...group, childIds: [req.targetId!] };
  if (!allows(req.actor, 'child.attendance.update', here)) throw notFound();
  return groupId;
}

async function contextFor(req: Request, { db, clock }: Deps): Promise<AbsenceContext> {
  const context = await absenceContext(db, clock, req.targetId!, req.actor);
  if (!context) throw notFound();
  return context;
}

/** htmx posts from the box and gets the box back; without JavaScript the same form redirects. */
function fromBox(req: Request): boolean {
  return req.get('HX-Request') !== undefined && field(req.body, 'source') === 'box';
}

async function renderBox(req: Request, res: Response, { db, clock }: Deps, errors: Record<string, string>, message?: string, childId?: number) {
  const child = await childSummary(db, childId ?? req.targetId!, today(clock));
  if (!child) throw notFound();
  const box = await loadBox({ db, clock, child }, 'absence');
  if (!box) throw notFound();
  render(req, res, 'start/box', { box, child, errors, message, values: Object.keys(errors).length ? req.body : {} },
    Object.keys(errors).length ? 400 : 200);
}

const groupOfToday = prepared((db: Db, groupId: number) => db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
  .select(['groups.id', 'groups.name', 'groups.unit_id', 'units.name as unit_name', 'units.kind as unit_kind']).where('groups.id', '=', groupId));

async function renderToday(req: Request, res: Response, { db, clock }: Deps, groupId = req.targetId!) {
  const [group] = await groupOfToday(db, groupId);
  if (!group) throw notFound();
  const day = today(clock);
  const requested = typeof req.query.date === 'string' && isDate(req.query.date) ? req.query.date : day;
  const data = await groupDay(db, { id: group.id, unitId: group.unit_id }, requested, day);
  const view = req.get('HX-Request') ? 'absence/today-list' : 'absence/today';
  render(req, res, view, {
    group, day: requested, isToday: requested === day, previous: addDays(requested, -1), next: addDays(requested, 1), ...data,
    now: stockholmTime(clock.now()),
  });
}

function renderPage(req: Request, res: Response, context: AbsenceContext, errors: Record<string, string>, values: Record<string, unknown>, status = 200) {
  render(req, res, 'absence/page', { ...context, errors, values: { ...values, siblings: fields(req.body, 'siblings') } }, status);
}
