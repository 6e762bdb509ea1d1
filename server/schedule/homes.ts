// Two homes (issue 26): the guardians' patterns of whose days are whose (care_home_patterns) and the registrations
// that met another guardian's different one on the same day (care_time_conflicts). Queries only; the rules are in
// homes-rules.ts.
import type { Db } from '../kernel/db.ts';
import { jsonValues } from '../../db/sql.ts';
import { accountName } from '../accounts/queries.ts';

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
