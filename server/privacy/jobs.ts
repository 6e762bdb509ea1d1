// The retention job: every few hours, in every process (removing what is due twice removes nothing the second time).
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { jobKind, type JobRunner } from '../kernel/jobs.ts';
import { log } from '../kernel/log.ts';
import type { PersonalDataRegistry } from '../kernel/personal-data.ts';
import { runRetention } from './retention.ts';

export const RETENTION_EVERY_MS = 6 * 60 * 60_000;

export function registerRetentionJobs(runner: JobRunner, { db, clock, personalData }: { db: Db; clock: Clock; personalData: PersonalDataRegistry }): void {
  runner.every(jobKind('privacy.retention'), RETENTION_EVERY_MS, async () => {
    const runs = await runRetention(db, personalData, today(clock));
    // Ids and counts only: which municipality and kind, how many children's records, how many rows went.
    for (const run of runs.filter((r) => r.removed > 0)) {
      log.info({ municipality: run.municipalityId, kind: run.kind, months: run.months, children: run.children, removed: run.removed }, 'retention removed records');
    }
  });
}
