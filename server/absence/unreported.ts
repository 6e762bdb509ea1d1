// School staff mark a child's absence as unreported (ogiltig frånvaro): the whole day or the lessons' time span, today
// or up to a week back. The absence is stored the way every absence is (reportAbsence, kind 'unreported') and the
// guardians are told (server/sms/absence.ts) in the same transaction: a notification each time, an SMS at most once
// per child and day.
import type { Request, Response } from 'express';
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { field, flash, notFound, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import { allows, type Location } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { notifyUnreportedAbsence } from './unreported-notice.ts';
import { reportAbsence } from './queries.ts';
import { isDate, isTime, addDays } from '../kernel/dates.ts';
import { unitCalendar, isOpen } from '../settings/calendar.ts';

interface Deps { db: Db; clock: Clock }

/** How many days back staff may still mark an absence as unreported. */
export const UNREPORTED_DAYS_BACK = 7;

export interface UnreportedRequest { date: string; from: string | null; to: string | null }
export type UnreportedErrors = Record<string, string>;

/**
 * Reads the form: `date` (YYYY-MM-DD, empty for today; today or up to a week back) and, for part of the day, `from`
 * and `to` (HH:MM, from before to; today not starting later than now).
 */
export function parseUnreported(form: (name: string) => string, context: { today: string; now: string }):
  { ok: true; value: UnreportedRequest } | { ok: false; errors: UnreportedErrors } {
  const errors: UnreportedErrors = {};
  const date = form('date').trim() || context.today;
  if (!isDate(date)) errors.date = 'unreportedAbsence.errors.dateFormat';
  else if (date > context.today) errors.date = 'unreportedAbsence.errors.future';
  else if (date < addDays(context.today, -UNREPORTED_DAYS_BACK)) errors.date = 'unreportedAbsence.errors.tooOld';
  const from = form('from').trim();
  const to = form('to').trim();
  if (from || to) {
    if (!from) errors.from = 'unreportedAbsence.errors.fromMissing';
    else if (!isTime(from)) errors.from = 'unreportedAbsence.errors.timeFormat';
    else if (date === context.today && from > context.now) errors.from = 'unreportedAbsence.errors.notYet';
    if (!to) errors.to = 'unreportedAbsence.errors.toMissing';
    else if (!isTime(to)) errors.to = 'unreportedAbsence.errors.timeFormat';
    else if (isTime(from) && to <= from) errors.to = 'unreportedAbsence.errors.toBeforeFrom';
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { date, from: from || null, to: to || null } };
}

interface SchoolPlacement { groupId: number; unitId: number; unitName: string; startDate: string; endDate: string | null }

/** The child's placements in a school (not preschool, not fritids) that have started by `day` and not ended a week before. */
async function schoolPlacements(db: Db, childId: number, day: string): Promise<SchoolPlacement[]> {
  const rows = await db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
    .innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['placements.group_id', 'groups.unit_id', 'units.name', 'placements.start_date', 'placements.end_date'])
    .where('placements.child_id', '=', childId).where('units.kind', '=', 'school').where('placements.start_date', '<=', day)
    .where((eb) => eb.or([eb('placements.end_date', 'is', null), eb('placements.end_date', '>=', addDays(day, -UNREPORTED_DAYS_BACK))]))
    .orderBy('placements.start_date').execute();
  return rows.map((r) => ({ groupId: r.group_id, unitId: r.unit_id, unitName: r.name, startDate: r.start_date, endDate: r.end_date }));
}

export function unreportedAbsenceRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.post('/children/:childId/absences/unreported', 'child.absence.markUnreported', async (req, res) => {
    const childId = req.targetId!;
    const day = today(clock);
    // The policy allowed the user for one of the child's groups; it must be for a school group: fritids staff and a
    // preschool's head do not mark school absence. The same rules, asked about the child's school placements only.
    const placements = await schoolPlacements(db, childId, day);
    const school: Location = {
      municipalityId: req.target!.municipalityId, childIds: [childId],
      unitIds: placements.map((p) => p.unitId), groupIds: placements.map((p) => p.groupId),
    };
    if (placements.length === 0 || !allows(req.actor, 'child.absence.markUnreported', school)) throw notFound();
    const child = await db.selectFrom('persons').select('first_name').where('id', '=', childId).executeTakeFirstOrThrow();

    const parsed = parseUnreported((name) => field(req.body, name), { today: day, now: stockholmTime(clock.now()) });
    if (!parsed.ok) return renderForm(req, res, { id: childId, firstName: child.first_name }, parsed.errors);
    const { date, from, to } = parsed.value;
    const placement = placements.find((p) => p.startDate <= date && (p.endDate === null || p.endDate >= date));
    if (!placement) return renderForm(req, res, { id: childId, firstName: child.first_name }, { date: 'unreportedAbsence.errors.notPlaced' });
    if (!isOpen(date, await unitCalendar(db, placement.unitId, date, date))) {
      return renderForm(req, res, { id: childId, firstName: child.first_name }, { date: 'unreportedAbsence.errors.closed' });
    }
    // A day a guardian has reported absence for is not unreported; marking it would replace the guardian's report.
    const reported = await db.selectFrom('absences').select('id').where('child_id', '=', childId).where('date', '=', date)
      .where('kind', '=', 'reported').where('cancelled_at', 'is', null).executeTakeFirst();
    if (reported) return renderForm(req, res, { id: childId, firstName: child.first_name }, { date: 'unreportedAbsence.errors.alreadyReported' });

    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await reportAbsence(db, {
        childIds: [childId], days: { [childId]: [date] }, starts: from, ends: to, comment: null, kind: 'unreported', by: req.account!.id, now,
      }, trx);
      await notifyUnreportedAbsence(trx, {
        childId, date, from: from ?? undefined, to: to ?? undefined, childFirstName: child.first_name, schoolName: placement.unitName, now,
      });
    });
    flash(req, 'unreportedAbsence.marked');
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/groups/${placement.groupId}/today`));
  });
}

/** The form again, with what was wrong: the Today page's small form has no room for errors. */
function renderForm(req: Request, res: Response, child: { id: number; firstName: string }, errors: UnreportedErrors): void {
  const values = { date: field(req.body, 'date'), from: field(req.body, 'from'), to: field(req.body, 'to'), next: field(req.body, 'next') };
  render(req, res, 'absence/mark-unreported', { title: req.t('unreportedAbsence.title', { name: child.firstName }), child, errors, values }, 400);
}
