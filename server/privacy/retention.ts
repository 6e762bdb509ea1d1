// Retention: the records of children who left are removed once their last placement ended longer ago than the
// municipality's period for each kind of record (or the kind's default), each kind by the domain that declared it
// through the registry. Run by the job runner on the server's clock; tests run it on a fixed one.
import { addMonths } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import type { PersonalDataRegistry, RetentionRule } from '../kernel/personal-data.ts';
import { retentionPeriods } from './queries.ts';

/** How long a kind is kept in a municipality: its own period, or the default, never shorter than the registry's minimum. */
export function effectiveMonths(registry: PersonalDataRegistry, rule: RetentionRule, periods: ReadonlyMap<string, number>): number {
  return Math.max(registry.minimumMonths(), periods.get(rule.kind) ?? rule.defaultMonths);
}

export interface RetentionRun { municipalityId: number; kind: string; months: number; endedBefore: string; children: number; removed: number }

/**
 * Removes, in each municipality and for each kind of record, the records of the children whose placements all ended
 * before `today` less the kind's period. Each kind of each municipality in its own transaction: a kind that fails
 * leaves the others done, and is tried again on the next run (removing what is gone already removes nothing).
 */
export async function runRetention(db: Db, registry: PersonalDataRegistry, today: string): Promise<RetentionRun[]> {
  const runs: RetentionRun[] = [];
  for (const municipalityId of await registry.register.municipalities(db)) {
    const periods = await retentionPeriods(db, municipalityId);
    for (const rule of registry.rules()) {
      const months = effectiveMonths(registry, rule, periods);
      const endedBefore = addMonths(today, -months);
      const children = await registry.register.childrenWhoLeftBefore(db, municipalityId, endedBefore);
      const removed = children.length === 0 ? 0 : await db.transaction().execute((trx) => rule.remove(trx, children));
      runs.push({ municipalityId, kind: rule.kind, months, endedBefore, children: children.length, removed });
    }
  }
  return runs;
}
