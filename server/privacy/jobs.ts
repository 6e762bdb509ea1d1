// The retention job: every few hours, in every process (removing what is due twice removes nothing the second time),
// the records of children who left, the records kept for a time (uploaded registry files, sent mails), and the logo
// files no unit names.
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { jobKind, type JobRunner } from '../kernel/jobs.ts';
import { log } from '../kernel/log.ts';
import type { PersonalDataRegistry } from '../kernel/personal-data.ts';
import { sweepLogoFiles } from '../organisation/logo.ts';
import { unitLogoFiles } from '../people/personal-data.ts';
import { runRetention, runTimedRetention, type RetentionRun, type TimedRetentionRun } from './retention.ts';

export const RETENTION_EVERY_MS = 6 * 60 * 60_000;
/** A logo file no unit names is left this long: it may be an upload whose unit's row is about to commit. */
export const LOGO_FILE_GRACE_MS = 60 * 60_000;

export interface RetentionDeps { db: Db; personalData: PersonalDataRegistry; /** The data folder, whose media/units/ holds the logos. */ dataDir: string }

export interface RetentionRound { children: RetentionRun[]; timed: TimedRetentionRun[]; logoFiles: string[] }

/** One round of the job at `now` (the server's clock; tests pass a fixed one). */
export async function runRetentionRound({ db, personalData, dataDir }: RetentionDeps, now: Date): Promise<RetentionRound> {
  const children = await runRetention(db, personalData, today({ now: () => now }));
  const timed = await runTimedRetention(db, personalData, now);
  const logoFiles = await sweepLogoFiles(dataDir, await unitLogoFiles(db), new Date(now.getTime() - LOGO_FILE_GRACE_MS));
  return { children, timed, logoFiles };
}

export function registerRetentionJobs(runner: JobRunner, { clock, ...deps }: RetentionDeps & { clock: Clock }): void {
  runner.every(jobKind('privacy.retention'), RETENTION_EVERY_MS, async () => {
    const round = await runRetentionRound(deps, clock.now());
    // Ids and counts only: which municipality and kind, how many children's records, how many rows or files went.
    for (const run of round.children.filter((r) => r.removed > 0)) {
      log.info({ municipality: run.municipalityId, kind: run.kind, months: run.months, children: run.children, removed: run.removed }, 'retention removed records');
    }
    for (const run of round.timed.filter((r) => r.removed > 0)) {
      log.info({ municipality: run.municipalityId, kind: run.kind, days: run.days, removed: run.removed }, 'retention removed records');
    }
    if (round.logoFiles.length > 0) log.info({ files: round.logoFiles.length }, 'retention removed logo files no unit names');
  });
}
