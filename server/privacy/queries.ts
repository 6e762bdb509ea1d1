// The municipality's retention periods (retention_periods): only where it chose another period than the default, each
// in its unit (months after a child left, days from a record's own event); and every change of them, who, when, from
// what to what (retention_period_changes).
import type { Db } from '../kernel/db.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { personName } from '../people/queries.ts';
import type { RetentionUnit } from '../../db/schema.ts';

/** The municipality's own periods of the kinds counted in `unit`, by kind. */
export async function retentionPeriods(db: Db, municipalityId: number, unit: RetentionUnit = 'months'): Promise<Map<string, number>> {
  const rows = await db.selectFrom('retention_periods').select(['kind', 'length'])
    .where('municipality_id', '=', municipalityId).where('unit', '=', unit).execute();
  return new Map(rows.map((r) => [r.kind, r.length]));
}

/**
 * The periods a form saves: those of the kinds kept after a child left, in months, and those kept for a time, in days;
 * and the kinds' defaults, so that a kind first set to its default (nothing a reader sees changes) makes no change.
 */
export interface RetentionPeriods {
  months?: ReadonlyMap<string, number>; days?: ReadonlyMap<string, number>; defaults?: ReadonlyMap<string, number>;
}

/**
 * Stores the periods (a period equal to the default is stored too: the municipality chose it) and, in the same
 * transaction, a change for each whose length differs from what it was (its own period, else its default), and
 * returns those kinds. Two admins saving at once: the one whose write meets the other's (the primary key, or a period
 * no longer what it read) runs again on what the other saved, so the last save stands whole and each change says
 * truly from what.
 */
export async function saveRetentionPeriods(
  db: Db, municipalityId: number, periods: RetentionPeriods, by: number, at: Date,
): Promise<string[]> {
  return retryRaces(() => db.transaction().execute(async (trx) => {
    const changed: string[] = [];
    for (const unit of ['months', 'days'] as const) {
      const before = await retentionPeriods(trx, municipalityId, unit);
      for (const [kind, length] of periods[unit] ?? []) {
        const old = before.get(kind);
        if (old === length) continue;
        const row = { length, unit, changed_by: by, changed_at: at.toISOString() };
        if (old === undefined) {
          // A row of the kind in the other unit (the kind changed its unit) goes: it no longer says anything.
          await trx.deleteFrom('retention_periods').where('municipality_id', '=', municipalityId).where('kind', '=', kind).where('unit', '<>', unit).execute();
          await trx.insertInto('retention_periods').values({ municipality_id: municipalityId, kind, ...row }).execute();
        } else {
          const result = await trx.updateTable('retention_periods').set(row)
            .where('municipality_id', '=', municipalityId).where('kind', '=', kind).where('unit', '=', unit).where('length', '=', old).executeTakeFirst();
          if (Number(result.numUpdatedRows) !== 1) throw new RaceLost('a retention period changed meanwhile');
        }
        if ((old ?? periods.defaults?.get(kind)) === length) continue;
        await trx.insertInto('retention_period_changes').values({
          municipality_id: municipalityId, kind, unit, old_length: old ?? null, new_length: length, changed_by: by, changed_at: at.toISOString(),
        }).execute();
        changed.push(kind);
      }
    }
    return changed;
  }), ['retention_periods_pk', 'retention_periods.kind']);
}

export interface RetentionChange {
  kind: string; unit: RetentionUnit; oldLength: number | null; newLength: number; changedAt: string; changedBy: string | null;
}

/** The municipality's latest changes of its periods, newest first, with the name of who made each. */
export async function retentionChanges(db: Db, municipalityId: number, limit = 50): Promise<RetentionChange[]> {
  const rows = await db.selectFrom('retention_period_changes')
    .select(['kind', 'unit', 'old_length', 'new_length', 'changed_at', (eb) => personName(eb, 'retention_period_changes.changed_by').as('by')])
    .where('municipality_id', '=', municipalityId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    kind: r.kind, unit: r.unit, oldLength: r.old_length, newLength: r.new_length, changedAt: r.changed_at, changedBy: r.by ?? null,
  }));
}
