// Retention: the records of children who left are removed once their last placement ended longer ago than the
// municipality's period for each kind of record (or the kind's default), each kind by the domain that declared it
// through the registry; and the records kept for a time whoever they are about (an uploaded registry file, a sent
// mail) once that many days have passed since their event. Run by the job runner on the server's clock; tests run it
// on a fixed one.
import { addMonths } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import type { PersonalDataRegistry, RetentionRule, TimedRetentionRule } from '../kernel/personal-data.ts';
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
      const removed = children.length === 0 ? 0 : await db.transaction().execute((trx) => rule.remove(trx, children, { municipalityId, today }));
      runs.push({ municipalityId, kind: rule.kind, months, endedBefore, children: children.length, removed });
    }
  }
  return runs;
}

/** How many days a timed kind is kept in a municipality: its own period, or the default. */
export function effectiveDays(rule: TimedRetentionRule, periods: ReadonlyMap<string, number>): number {
  return periods.get(rule.kind) ?? rule.defaultDays;
}

const DAY_MS = 24 * 60 * 60_000;

export interface TimedRetentionRun { municipalityId: number | null; kind: string; days: number; before: string; removed: number }

/**
 * Removes, in each municipality and for each timed kind, the records whose event came longer ago than the kind's
 * period (days of 24 hours before `now`); then those about no municipality (a test mail), after the default period.
 * Each kind of each municipality in its own transaction, as runRetention.
 */
export async function runTimedRetention(db: Db, registry: PersonalDataRegistry, now: Date): Promise<TimedRetentionRun[]> {
  const runs: TimedRetentionRun[] = [];
  const rules = registry.timedRules();
  if (rules.length === 0) return runs;
  const municipalities: (number | null)[] = [...await registry.register.municipalities(db), null];
  for (const municipalityId of municipalities) {
    const periods = municipalityId === null ? new Map<string, number>() : await retentionPeriods(db, municipalityId, 'days');
    for (const rule of rules) {
      const days = effectiveDays(rule, periods);
      const before = new Date(now.getTime() - days * DAY_MS);
      const removed = await db.transaction().execute((trx) => rule.remove(trx, municipalityId, before));
      runs.push({ municipalityId, kind: rule.kind, days, before: before.toISOString(), removed });
    }
  }
  return runs;
}
