// Two homes (issue 26): the guardians' patterns of whose days are whose (care_home_patterns) and the registrations
// that met another guardian's different one on the same day (care_time_conflicts). Queries only; the rules are in
// homes-rules.ts.
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { jsonValues, lockedRows } from '../../db/sql.ts';
import type { CareHomePatternKind } from '../../db/schema.ts';
import { accountName } from '../accounts/queries.ts';
import { recordHistory } from '../history/queries.ts';
import { lockPerson, personName } from '../people/queries.ts';
import { dayBefore, type HomePattern, type NewPattern } from './homes-rules.ts';
import type { DayValue } from './rules.ts';

export interface CareRegistrar { registeredBy: string | null; conflict: boolean }

/**
 * For the Today page: who registered each child's care time on `date` (null: nobody, or the standard week) and
 * whether the day has a conflict between two guardians that nobody has settled yet. Every child asked for is in the map.
 */
export async function careRegistrarsOn(db: Db, childIds: readonly number[], date: string): Promise<Map<number, CareRegistrar>> {
  const result = new Map<number, CareRegistrar>(childIds.map((id) => [id, { registeredBy: null, conflict: false }]));
  if (childIds.length === 0) return result;
  const ids = JSON.stringify([...new Set(childIds)]);
  const [registered, conflicts] = await Promise.all([
    db.selectFrom('care_times').select((eb) => ['care_times.child_id', 'care_times.starts', 'care_times.day_off',
      accountName(eb, 'care_times.registered_by').as('registered_by')])
      .where('care_times.child_id', 'in', jsonValues(db, ids)).where('care_times.date', '=', date).execute(),
    db.selectFrom('care_time_conflicts').select('child_id').distinct()
      .where('child_id', 'in', jsonValues(db, ids)).where('date', '=', date).where('settled_at', 'is', null).execute(),
  ]);
  for (const r of registered) {
    const entry = result.get(r.child_id);
    if (entry && (r.starts !== null || r.day_off === 1)) entry.registeredBy = r.registered_by ?? null;
  }
  for (const c of conflicts) {
    const entry = result.get(c.child_id);
    if (entry) entry.conflict = true;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------------
// Patterns

/** The child's patterns (ended ones too, for the page's list), the earliest first. */
export async function patternsOf(db: Db, childId: number): Promise<HomePattern[]> {
  const rows = await db.selectFrom('care_home_patterns')
    .select((eb) => ['care_home_patterns.id', 'care_home_patterns.guardian_id', 'care_home_patterns.kind', 'care_home_patterns.weekdays',
      'care_home_patterns.valid_from', 'care_home_patterns.valid_to', personName(eb, 'care_home_patterns.guardian_id').as('guardian_name')])
    .where('care_home_patterns.child_id', '=', childId).orderBy('care_home_patterns.valid_from').orderBy('care_home_patterns.id').execute();
  return rows.map(toPattern);
}

function toPattern(r: { id: number; guardian_id: number; kind: CareHomePatternKind; weekdays: string | null; valid_from: string; valid_to: string | null; guardian_name: string | null }): HomePattern {
  return {
    id: r.id, guardianId: r.guardian_id, guardianName: r.guardian_name ?? '', kind: r.kind,
    weekdays: r.weekdays ? r.weekdays.split(',').map(Number) : [], validFrom: r.valid_from, validTo: r.valid_to,
  };
}

function patternJson(p: { kind: string; weekdays: number[]; validFrom: string; validTo: string | null }) {
  return { kind: p.kind, weekdays: p.weekdays, validFrom: p.validFrom, validTo: p.validTo };
}

export interface PatternWrite { childId: number; guardianId: number; accountId: number; now: Date }

/**
 * Ends the guardian's patterns from `from` on: one in force then gets the day before as its last, later ones go.
 * Each change is in the child's history (what: 'homes'). Run inside the transaction of the change.
 */
async function endFrom(trx: Db, w: PatternWrite, from: string): Promise<number> {
  const mine = await lockedRows(trx, trx.selectFrom('care_home_patterns').select(['id', 'kind', 'weekdays', 'valid_from', 'valid_to', 'guardian_id'])
    .where('child_id', '=', w.childId).where('guardian_id', '=', w.guardianId)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', from)]))).execute();
  for (const r of mine) {
    const old = toPattern({ ...r, guardian_name: null });
    if (r.valid_from >= from) {
      await trx.deleteFrom('care_home_patterns').where('id', '=', r.id).execute();
      await recordHistory(trx, { childId: w.childId, date: r.valid_from, what: 'homes', old: patternJson(old), new: null, by: w.accountId, at: w.now });
    } else {
      const last = dayBefore(from);
      await trx.updateTable('care_home_patterns').set({ valid_to: last }).where('id', '=', r.id).execute();
      await recordHistory(trx, { childId: w.childId, date: from, what: 'homes', old: patternJson(old), new: patternJson({ ...old, validTo: last }), by: w.accountId, at: w.now });
    }
  }
  return mine.length;
}

/**
 * Saves the guardian's new pattern from its first day, ending their earlier one the day before. The other guardians'
 * patterns are read again in the transaction and handed to `check`: a pattern that now shares a day with one of
 * theirs is not saved (its errors are returned).
 */
export async function savePattern(
  db: Db, w: PatternWrite & { pattern: NewPattern; others: readonly number[] }, check: (others: HomePattern[]) => FieldErrors,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  return retryRaces(() => db.transaction().execute(async (trx) => {
    await lockPerson(trx, w.childId);
    const others = (await patternsOf(trx, w.childId)).filter((p) => w.others.includes(p.guardianId));
    const errors = check(others);
    if (Object.keys(errors).length) return { ok: false as const, errors };
    await endFrom(trx, w, w.pattern.validFrom);
    await trx.insertInto('care_home_patterns').values({
      child_id: w.childId, guardian_id: w.guardianId, kind: w.pattern.kind, weekdays: w.pattern.weekdays.length ? w.pattern.weekdays.join(',') : null,
      valid_from: w.pattern.validFrom, valid_to: null, created_by: w.guardianId, created_at: w.now.toISOString(),
    }).execute();
    await recordHistory(trx, { childId: w.childId, date: w.pattern.validFrom, what: 'homes', old: null,
      new: patternJson({ ...w.pattern, validTo: null }), by: w.accountId, at: w.now });
    return { ok: true as const };
  }));
}

/** Ends the guardian's pattern from `from` (the day before is its last). The number of patterns changed. */
export async function endPattern(db: Db, w: PatternWrite & { from: string }): Promise<number> {
  return retryRaces(() => db.transaction().execute(async (trx) => {
    await lockPerson(trx, w.childId);
    return endFrom(trx, w, w.from);
  }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Conflicts: a registration that met another household's different one on the same day

export interface CareConflict {
  id: number; date: string; starts: string | null; ends: string | null; dayOff: boolean;
  /** The guardian whose registration waits (a person). */
  registeredBy: number; registeredByName: string; createdAt: string;
}

/** The child's unsettled conflicts from `from` to `to`, by date (one a day: a newer one replaces the older). */
export async function conflictsOf(db: Db, childId: number, from: string, to: string): Promise<Map<string, CareConflict>> {
  const rows = await db.selectFrom('care_time_conflicts')
    .select((eb) => ['care_time_conflicts.id', 'care_time_conflicts.date', 'care_time_conflicts.starts', 'care_time_conflicts.ends',
      'care_time_conflicts.day_off', 'care_time_conflicts.registered_by', 'care_time_conflicts.created_at',
      personName(eb, 'care_time_conflicts.registered_by').as('registered_by_name')])
    .where('care_time_conflicts.child_id', '=', childId).where('care_time_conflicts.date', '>=', from).where('care_time_conflicts.date', '<=', to)
    .where('care_time_conflicts.settled_at', 'is', null).orderBy('care_time_conflicts.id').execute();
  return new Map(rows.map((r) => [r.date, {
    id: r.id, date: r.date, starts: r.starts, ends: r.ends, dayOff: r.day_off === 1, registeredBy: r.registered_by,
    registeredByName: r.registered_by_name ?? '', createdAt: r.created_at,
  }]));
}

/**
 * Keeps a registration that met another household's different one: the day's care time stays as it is, this waits
 * beside it until a guardian settles it. A guardian's earlier unsettled one for the day is replaced. In the
 * transaction of the save.
 */
export async function raiseConflict(trx: Db, c: { childId: number; date: string; value: DayValue; person: number; accountId: number; now: Date }): Promise<void> {
  await trx.updateTable('care_time_conflicts').set({ settled_at: c.now.toISOString(), settled_by: c.person })
    .where('child_id', '=', c.childId).where('date', '=', c.date).where('registered_by', '=', c.person).where('settled_at', 'is', null).execute();
  await trx.insertInto('care_time_conflicts').values({
    child_id: c.childId, date: c.date, starts: c.value.dayOff ? null : c.value.starts, ends: c.value.dayOff ? null : c.value.ends,
    day_off: c.value.dayOff ? 1 : 0, registered_by: c.person, created_at: c.now.toISOString(), settled_at: null, settled_by: null,
  }).execute();
  await recordHistory(trx, { childId: c.childId, date: c.date, what: 'conflict', old: null,
    new: { starts: c.value.starts, ends: c.value.ends, dayOff: c.value.dayOff }, by: c.accountId, at: c.now });
}

/**
 * Settles the day's conflict: `keep` 'waiting' writes the waiting registration as the day's care time (registered by
 * the guardian who made it: `registrarAccount`), 'current' keeps the day as it is. Either way the conflict is closed.
 * False when there was no unsettled conflict that day (settled by the other guardian meanwhile).
 */
export async function settleConflict(db: Db, s: {
  childId: number; date: string; keep: 'waiting' | 'current'; person: number; accountId: number; registrarAccount: number | undefined; now: Date;
}): Promise<boolean> {
  return retryRaces(() => db.transaction().execute(async (trx) => {
    const conflict = await lockedRows(trx, trx.selectFrom('care_time_conflicts').select(['id', 'starts', 'ends', 'day_off'])
      .where('child_id', '=', s.childId).where('date', '=', s.date).where('settled_at', 'is', null).orderBy('id', 'desc')).executeTakeFirst();
    if (!conflict) return false;
    await trx.updateTable('care_time_conflicts').set({ settled_at: s.now.toISOString(), settled_by: s.person })
      .where('child_id', '=', s.childId).where('date', '=', s.date).where('settled_at', 'is', null).execute();
    const waiting = { starts: conflict.starts, ends: conflict.ends, dayOff: conflict.day_off === 1 };
    await recordHistory(trx, { childId: s.childId, date: s.date, what: 'conflict', old: waiting, new: null, by: s.accountId, at: s.now });
    if (s.keep === 'waiting') await overwriteDay(trx, s.childId, s.date, waiting, s.registrarAccount ?? s.accountId, s.accountId, s.now);
    return true;
  }));
}

/** Writes a settled day's care time (the winner of a conflict), bumping its version, with the change in the history. */
async function overwriteDay(trx: Db, childId: number, date: string, v: { starts: string | null; ends: string | null; dayOff: boolean },
  registrar: number, by: number, now: Date): Promise<void> {
  const row = await lockedRows(trx, trx.selectFrom('care_times').select(['starts', 'ends', 'day_off', 'comment', 'version'])
    .where('child_id', '=', childId).where('date', '=', date)).executeTakeFirst();
  const values = { starts: v.starts, ends: v.ends, day_off: v.dayOff ? 1 : 0, registered_by: registrar, updated_at: now.toISOString() };
  if (row) {
    await trx.updateTable('care_times').set({ ...values, version: row.version + 1 }).where('child_id', '=', childId).where('date', '=', date).execute();
  } else {
    const inserted = await trx.insertInto('care_times').values({ child_id: childId, date, ...values, comment: null, version: 1 })
      .onConflict((oc) => oc.columns(['child_id', 'date']).doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows) !== 1) throw new RaceLost(`care_times ${childId}/${date}: registered since read`);
  }
  const old = row ? { starts: row.starts, ends: row.ends, dayOff: row.day_off === 1, comment: row.comment } : null;
  await recordHistory(trx, { childId, date, what: 'times', old, new: { ...v, comment: row?.comment ?? null }, by, at: now });
}

/** A pattern written as it is, without a line in the child's history (the demo municipality: nobody changed anything). */
export async function insertDemoPattern(trx: Db, p: { childId: number; guardianId: number; kind: CareHomePatternKind; weekdays: number[]; validFrom: string; now: Date }): Promise<void> {
  await trx.insertInto('care_home_patterns').values({
    child_id: p.childId, guardian_id: p.guardianId, kind: p.kind, weekdays: p.weekdays.length ? p.weekdays.join(',') : null,
    valid_from: p.validFrom, valid_to: null, created_by: p.guardianId, created_at: p.now.toISOString(),
  }).execute();
}
