// Absence reports: a guardian's (or staff's on their behalf), or a school's mark of unreported absence. Each change
// is kept in the child's care history (who, when, old → new).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { prepared, type Db } from '../kernel/db.ts';
import { jsonValues } from '../../db/sql.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { locateChild } from '../people/relations.ts';
import { personFirstName } from '../people/queries.ts';
import { accountIsStaff, accountName } from '../accounts/queries.ts';
import { recordHistory } from '../history/queries.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { queuedSmsState } from '../sms/outbox.ts';
import { stockholmDate, stockholmTime } from '../kernel/clock.ts';

type Trx = Kysely<Database>;

const reportedOn = prepared((trx: Trx, childId: number, date: string) => trx.selectFrom('absences').select(['id', 'starts', 'ends', 'comment', 'kind'])
  .where('child_id', '=', childId).where('date', '=', date).where('cancelled_at', 'is', null));

const insertAbsence = prepared((trx: Trx, childId: number, date: string, starts: string | null, ends: string | null,
  kind: 'reported' | 'unreported', comment: string | null, by: number, at: string) => trx.insertInto('absences').values({
  child_id: childId, date, starts, ends, kind, comment, created_by: by, created_at: at,
}).returning('id'));

export interface NewAbsence {
  childIds: number[]; days: Record<number, string[]>; starts: string | null; ends: string | null; comment: string | null;
  kind: 'reported' | 'unreported'; by: number; now: Date;
}

/**
 * Reports absence for each child on its open days; a day already reported is replaced by the new report. In its own
 * transaction, or in `inTrx` (the caller's, e.g. with the notices the report causes; the caller runs it through
 * retryRaces with ABSENCE_RACES). Two reports of one day at once: one of them finds the day taken (the unique
 * absences_one_per_day, or the report it replaces already replaced), gives up and runs again, replacing the other's.
 */
export async function reportAbsence(db: Db, a: NewAbsence, inTrx?: Trx): Promise<number[]> {
  const report = async (trx: Trx) => {
    const created: number[] = [];
    for (const childId of a.childIds) {
      for (const date of a.days[childId] ?? []) {
        const [existing] = await reportedOn(trx, childId, date);
        // A school's mark of unreported absence stays: a report afterwards does not replace it (staff may cancel it).
        if (existing?.kind === 'unreported' && a.kind === 'reported') continue;
        if (existing) {
          const replaced = await trx.updateTable('absences').set({ cancelled_at: a.now.toISOString(), cancelled_by: a.by })
            .where('id', '=', existing.id).where('cancelled_at', 'is', null).executeTakeFirst();
          if (Number(replaced.numUpdatedRows) !== 1) throw new RaceLost(`absence ${existing.id}: replaced since read`);
        }
        const [made] = await insertAbsence(trx, childId, date, a.starts, a.ends, a.kind, a.comment, a.by, a.now.toISOString());
        await recordHistory(trx, { childId, date, what: 'absence', old: existing ? absenceValue(existing) : null,
          new: absenceValue({ starts: a.starts, ends: a.ends, comment: a.comment }), by: a.by, at: a.now });
        created.push(made.id);
      }
    }
    return created;
  };
  return inTrx ? report(inTrx) : retryRaces(() => db.transaction().execute(report), ABSENCE_RACES);
}

/** What a report of a day that another report took at the same moment fails with (see retryRaces). */
export const ABSENCE_RACES = ['absences.date'];

function absenceValue(a: { starts: string | null; ends: string | null; comment: string | null }) {
  return { wholeDay: a.starts === null, starts: a.starts, ends: a.ends, comment: a.comment };
}

export interface AbsenceItem {
  id: number; childId: number; childName: string; date: string; starts: string | null; ends: string | null; comment: string | null;
  kind: 'reported' | 'unreported'; reportedBy: string; reportedByStaff: boolean;
  /** The account that made it and when (ISO): the report an "Ångra" takes back is the user's own, made moments ago. */
  createdBy: number; createdAt: string;
  /** A guardian's answer to the school about an unreported absence: the text, who and when. */
  answer: { text: string; by: string; at: string } | null;
  /** Of a mark of unreported absence: whether the SMS it queued went ('sent'), still waits ('waiting'), or none was queued. */
  sms: 'sent' | 'waiting' | null;
}

function absenceList(db: Db) {
  return db.selectFrom('absences')
    .select((eb) => ['absences.id', 'absences.child_id', 'absences.date', 'absences.starts', 'absences.ends', 'absences.comment',
      'absences.kind', personFirstName(eb, 'absences.child_id').as('child_name'), accountName(eb, 'absences.created_by').as('reported_by'),
      accountIsStaff(eb, 'absences.created_by').as('by_staff'), 'absences.created_by', 'absences.created_at', 'absences.guardian_answer',
      'absences.answered_at', accountName(eb, 'absences.answered_by').as('answered_by_name'),
      queuedSmsState(eb, 'absences.child_id', 'absences.date', 'absences.created_at').as('sms')])
    .where('absences.cancelled_at', 'is', null);
}

function toItem(r: {
  id: number; child_id: number; date: string; starts: string | null; ends: string | null; comment: string | null; kind: 'reported' | 'unreported';
  child_name: string | null; reported_by: string | null; by_staff: unknown; created_by: number; created_at: string;
  guardian_answer: string | null; answered_at: string | null; answered_by_name: string | null; sms: 'sent' | 'waiting' | null;
}): AbsenceItem {
  return {
    id: r.id, childId: r.child_id, childName: r.child_name ?? '', date: r.date, starts: r.starts, ends: r.ends, comment: r.comment, kind: r.kind,
    reportedBy: r.reported_by ?? '', reportedByStaff: Boolean(r.by_staff), createdBy: r.created_by, createdAt: r.created_at,
    answer: r.guardian_answer !== null && r.answered_at !== null ? { text: r.guardian_answer, by: r.answered_by_name ?? '', at: r.answered_at } : null,
    sms: r.kind === 'unreported' ? r.sms ?? null : null,
  };
}

const childsAbsencesFrom = prepared((db: Db, childId: number, from: string) => absenceList(db)
  .where('absences.child_id', 'in', [childId]).where('absences.date', '>=', from).orderBy('absences.date').orderBy('absences.child_id'));

const absencesBetween = prepared((db: Db, childIds: string, from: string, to: string) => absenceList(db)
  .where('absences.child_id', 'in', jsonValues(db, childIds)).where('absences.date', '>=', from).where('absences.date', '<=', to)
  .orderBy('absences.date').orderBy('absences.child_id'));

/** Reports for the children from `from` on (to `to`), in date order. */
export async function absencesOf(db: Db, childIds: number[], from: string, to?: string): Promise<AbsenceItem[]> {
  if (childIds.length === 0) return [];
  if (childIds.length === 1 && !to) return (await childsAbsencesFrom(db, childIds[0], from)).map(toItem);
  if (to) return (await absencesBetween(db, JSON.stringify(childIds), from, to)).map(toItem);
  const query = absenceList(db).where('absences.child_id', 'in', childIds).where('absences.date', '>=', from);
  return (await query.orderBy('absences.date').orderBy('absences.child_id').execute()).map(toItem);
}

export async function absenceById(db: Db, id: number): Promise<AbsenceItem | undefined> {
  const row = await absenceList(db).where('absences.id', '=', id).executeTakeFirst();
  return row && toItem(row);
}

/** An absence sits where its child is. */
async function locateAbsence(db: Db, absenceId: number, today: string): Promise<Location | null> {
  const row = await db.selectFrom('absences').select('child_id').where('id', '=', absenceId).where('cancelled_at', 'is', null).executeTakeFirst();
  return row ? locateChild(db, row.child_id, today) : null;
}

/** The records of this module that routes name by id. */
export const absenceLocators = { absence: locateAbsence } satisfies Partial<Locators>;

/** Cancels the absence, unless it was cancelled or replaced meanwhile (false: a second press of "Ta bort" changes nothing). */
export async function cancelAbsence(db: Db, absence: AbsenceItem, by: number, now: Date, inTrx?: Trx): Promise<boolean> {
  const cancel = async (trx: Trx) => {
    const cancelled = await trx.updateTable('absences').set({ cancelled_at: now.toISOString(), cancelled_by: by })
      .where('id', '=', absence.id).where('cancelled_at', 'is', null).executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) !== 1) return false;
    await recordHistory(trx, { childId: absence.childId, date: absence.date, what: 'absence',
      old: absenceValue(absence), new: null, by, at: now });
    return true;
  };
  return inTrx ? cancel(inTrx) : db.transaction().execute(cancel);
}

/**
 * The user's own reports of the children made since `since`, newest first, each with every absence it made (all its
 * days, and the siblings reported with it): the absences one account made at one moment are one report.
 */
export async function ownReportsSince(db: Db, childIds: number[], since: Date): Promise<{ by: number; at: string; absences: AbsenceItem[] }[]> {
  if (childIds.length === 0) return [];
  const made = await db.selectFrom('absences').select(['created_by', 'created_at']).distinct()
    .where('child_id', 'in', childIds).where('kind', '=', 'reported').where('cancelled_at', 'is', null).where('created_at', '>=', since.toISOString())
    .orderBy('created_at', 'desc').execute();
  const reports = [];
  for (const m of made) {
    const absences = (await absenceList(db).where('absences.created_by', '=', m.created_by).where('absences.created_at', '=', m.created_at)
      .where('absences.kind', '=', 'reported').orderBy('absences.date').orderBy('absences.child_id').execute()).map(toItem);
    reports.push({ by: m.created_by, at: m.created_at, absences });
  }
  return reports;
}

export interface ReportUndo { ids: number[]; childIds: number[]; by: number; since: Date; now: Date }

/**
 * Takes back the user's own report made since `since`: each of its absences (of the given children, by the id posted)
 * is cancelled, and a report of the same day it replaced is in force again. An absence changed by someone else
 * meanwhile is left as it is. Returns the absences taken back.
 */
export async function undoReport(db: Db, u: ReportUndo): Promise<AbsenceItem[]> {
  if (u.ids.length === 0 || u.childIds.length === 0) return [];
  return retryRaces(() => db.transaction().execute(async (trx) => {
    const mine = (await absenceList(trx).where('absences.id', 'in', u.ids).where('absences.child_id', 'in', u.childIds)
      .where('absences.created_by', '=', u.by).where('absences.kind', '=', 'reported')
      .where('absences.created_at', '>=', u.since.toISOString()).execute()).map(toItem);
    const undone: AbsenceItem[] = [];
    for (const absence of mine) {
      const cancelled = await trx.updateTable('absences').set({ cancelled_at: u.now.toISOString(), cancelled_by: u.by })
        .where('id', '=', absence.id).where('cancelled_at', 'is', null).executeTakeFirst();
      if (Number(cancelled.numUpdatedRows) !== 1) continue;
      // The report of the day it replaced was cancelled by it: the one before it, by the same account at the same moment.
      const before = await trx.selectFrom('absences').select('id').where('child_id', '=', absence.childId).where('date', '=', absence.date)
        .where('id', '<', absence.id).where('cancelled_at', '=', absence.createdAt).where('cancelled_by', '=', u.by)
        .orderBy('id', 'desc').limit(1).executeTakeFirst();
      const replaced = before && await trx.updateTable('absences').set({ cancelled_at: null, cancelled_by: null })
        .where('id', '=', before.id).where('cancelled_at', '=', absence.createdAt)
        .returning(['starts', 'ends', 'comment']).executeTakeFirst();
      await recordHistory(trx, { childId: absence.childId, date: absence.date, what: 'absence', old: absenceValue(absence),
        new: replaced ? absenceValue(replaced) : null, by: u.by, at: u.now });
      undone.push(absence);
    }
    return undone;
  }), ABSENCE_RACES);
}

/**
 * The children's reports of the day that were taken back on the day itself (undone, withdrawn, removed) and not
 * reported again: what the staff's Today says ("Frånvaro återtagen 07:15"), by child, with the time (HH:MM) of the last.
 */
export async function withdrawnOn(db: Db, childIds: number[], date: string): Promise<Map<number, { at: string }>> {
  if (childIds.length === 0) return new Map();
  const rows = await db.selectFrom('absences').select(['child_id', 'cancelled_at'])
    .where('child_id', 'in', childIds).where('date', '=', date).where('kind', '=', 'reported').where('cancelled_at', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('absences as inForce').select('inForce.id')
      .whereRef('inForce.child_id', '=', 'absences.child_id').whereRef('inForce.date', '=', 'absences.date').where('inForce.cancelled_at', 'is', null))))
    .orderBy('cancelled_at').execute();
  const withdrawn = new Map<number, { at: string }>();
  for (const r of rows) {
    const at = new Date(r.cancelled_at ?? '');
    if (stockholmDate(at) === date) withdrawn.set(r.child_id, { at: stockholmTime(at) });
  }
  return withdrawn;
}

/** Stores a guardian's answer to the school about an unreported absence (a new answer replaces the one before). */
export async function answerAbsence(db: Db, absenceId: number, answer: string, by: number, now: Date): Promise<boolean> {
  const answered = await db.updateTable('absences').set({ guardian_answer: answer, answered_at: now.toISOString(), answered_by: by })
    .where('id', '=', absenceId).where('kind', '=', 'unreported').where('cancelled_at', 'is', null).executeTakeFirst();
  return Number(answered.numUpdatedRows) === 1;
}

const guardianReportOn = prepared((db: Db, childId: number, date: string) => db.selectFrom('absences').select('id')
  .where('child_id', '=', childId).where('date', '=', date).where('kind', '=', 'reported').where('cancelled_at', 'is', null));

/** Whether a guardian (or staff on their behalf) has reported the child absent on the day. */
export async function isReportedAbsent(db: Db, childId: number, date: string): Promise<boolean> {
  return (await guardianReportOn(db, childId, date)).length > 0;
}
