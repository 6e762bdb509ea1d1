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

type Trx = Kysely<Database>;

const reportedOn = prepared((trx: Trx, childId: number, date: string) => trx.selectFrom('absences').select(['id', 'starts', 'ends', 'comment', 'kind'])
  .where('child_id', '=', childId).where('date', '=', date).where('cancelled_at', 'is', null));

const insertAbsence = prepared((trx: Trx, childId: number, date: string, starts: string | null, ends: string | null,
  kind: 'reported' | 'unreported', comment: string | null, by: number, at: string) => trx.insertInto('absences').values({
  child_id: childId, date, starts, ends, kind, comment, created_by: by, created_at: at,
}));

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
export async function reportAbsence(db: Db, a: NewAbsence, inTrx?: Trx): Promise<number> {
  const report = async (trx: Trx) => {
    let created = 0;
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
        await insertAbsence(trx, childId, date, a.starts, a.ends, a.kind, a.comment, a.by, a.now.toISOString());
        await recordHistory(trx, { childId, date, what: 'absence', old: existing ? absenceValue(existing) : null,
          new: absenceValue({ starts: a.starts, ends: a.ends, comment: a.comment }), by: a.by, at: a.now });
        created++;
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
}

function absenceList(db: Db) {
  return db.selectFrom('absences')
    .select((eb) => ['absences.id', 'absences.child_id', 'absences.date', 'absences.starts', 'absences.ends', 'absences.comment',
      'absences.kind', personFirstName(eb, 'absences.child_id').as('child_name'), accountName(eb, 'absences.created_by').as('reported_by'),
      accountIsStaff(eb, 'absences.created_by').as('by_staff')])
    .where('absences.cancelled_at', 'is', null);
}

function toItem(r: {
  id: number; child_id: number; date: string; starts: string | null; ends: string | null; comment: string | null; kind: 'reported' | 'unreported';
  child_name: string | null; reported_by: string | null; by_staff: unknown;
}): AbsenceItem {
  return {
    id: r.id, childId: r.child_id, childName: r.child_name ?? '', date: r.date, starts: r.starts, ends: r.ends, comment: r.comment, kind: r.kind,
    reportedBy: r.reported_by ?? '', reportedByStaff: Boolean(r.by_staff),
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
export async function cancelAbsence(db: Db, absence: AbsenceItem, by: number, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const cancelled = await trx.updateTable('absences').set({ cancelled_at: now.toISOString(), cancelled_by: by })
      .where('id', '=', absence.id).where('cancelled_at', 'is', null).executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) !== 1) return false;
    await recordHistory(trx, { childId: absence.childId, date: absence.date, what: 'absence',
      old: absenceValue(absence), new: null, by, at: now });
    return true;
  });
}

const guardianReportOn = prepared((db: Db, childId: number, date: string) => db.selectFrom('absences').select('id')
  .where('child_id', '=', childId).where('date', '=', date).where('kind', '=', 'reported').where('cancelled_at', 'is', null));

/** Whether a guardian (or staff on their behalf) has reported the child absent on the day. */
export async function isReportedAbsent(db: Db, childId: number, date: string): Promise<boolean> {
  return (await guardianReportOn(db, childId, date)).length > 0;
}
