// The child's care history: every change to care times, standard times, absence and arrivals, with who made it,
// when, and the value before and after. Absence, attendance and schedule write it in the transaction of the change;
// staff read it on the child's history page.
import { prepared, type Db } from '../kernel/db.ts';
import { accountName } from '../accounts/queries.ts';

const insertHistory = prepared((trx: Db, childId: number, date: string, what: string, old: string | null, value: string | null, by: number, at: string) =>
  trx.insertInto('care_history').values({ child_id: childId, date, what, old_value: old, new_value: value, changed_by: by, changed_at: at }));

/** What changed: `what` is the kind of change ('times', 'standard', 'absence', 'attendance'); values are kept as JSON. */
export interface HistoryChange { childId: number; date: string; what: string; old: unknown; new: unknown; by: number; at: Date }

/** Keeps one change in the child's history; pass the transaction of the change itself. */
export async function recordHistory(trx: Db, entry: HistoryChange): Promise<void> {
  await insertHistory(trx, entry.childId, entry.date, entry.what, entry.old === null ? null : JSON.stringify(entry.old),
    entry.new === null ? null : JSON.stringify(entry.new), entry.by, entry.at.toISOString());
}

export interface HistoryEntry { date: string; what: string; old: unknown; new: unknown; by: string; at: string }

const historyOf = prepared((db: Db, childId: number, limit: number) => db.selectFrom('care_history')
  .select((eb) => ['care_history.date', 'care_history.what', 'care_history.old_value', 'care_history.new_value', 'care_history.changed_at',
    accountName(eb, 'care_history.changed_by').as('changed_by_name')])
  .where('care_history.child_id', '=', childId).orderBy('care_history.id', 'desc').limit(limit));

/** The child's latest changes, newest first. */
export async function careHistory(db: Db, childId: number, limit = 100): Promise<HistoryEntry[]> {
  const rows = await historyOf(db, childId, limit);
  return rows.map((r) => ({
    date: r.date, what: r.what, at: r.changed_at, by: r.changed_by_name ?? '',
    old: r.old_value === null ? null : JSON.parse(r.old_value), new: r.new_value === null ? null : JSON.parse(r.new_value),
  }));
}
