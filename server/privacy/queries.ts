// The municipality's retention periods (retention_periods): only where it chose another period than the default.
import type { Db } from '../kernel/db.ts';
import { retryRaces } from '../kernel/races.ts';

/** The municipality's own periods by kind, in months. */
export async function retentionPeriods(db: Db, municipalityId: number): Promise<Map<string, number>> {
  const rows = await db.selectFrom('retention_periods').select(['kind', 'months']).where('municipality_id', '=', municipalityId).execute();
  return new Map(rows.map((r) => [r.kind, r.months]));
}

/**
 * Stores the periods (a period equal to the default is stored too: the municipality chose it) in one transaction, and
 * returns the kinds whose period changed. Two admins saving at once: the one whose insert meets the other's row (the
 * primary key) runs again, and the last save stands whole.
 */
export async function saveRetentionPeriods(
  db: Db, municipalityId: number, periods: ReadonlyMap<string, number>, by: number, at: Date,
): Promise<string[]> {
  return retryRaces(() => db.transaction().execute(async (trx) => {
    const before = await retentionPeriods(trx, municipalityId);
    const changed = [...periods].filter(([kind, months]) => before.get(kind) !== months).map(([kind]) => kind);
    for (const kind of changed) {
      await trx.deleteFrom('retention_periods').where('municipality_id', '=', municipalityId).where('kind', '=', kind).execute();
      await trx.insertInto('retention_periods')
        .values({ municipality_id: municipalityId, kind, months: periods.get(kind) ?? 0, changed_by: by, changed_at: at.toISOString() }).execute();
    }
    return changed;
  }), ['retention_periods_pk', 'retention_periods.kind']);
}

/** Every municipality that has set a period, for the retention job (the others keep the defaults). */
export async function municipalitiesWithPeriods(db: Db): Promise<number[]> {
  return (await db.selectFrom('retention_periods').select('municipality_id').distinct().execute()).map((r) => r.municipality_id);
}
