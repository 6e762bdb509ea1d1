// What the admins see of the job runner's failures and of the backups: on /admin/jobs, and as a notice on their start
// page while jobs have given up lately.
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { failedJobs, type FailedJob } from '../kernel/jobs.ts';
import { scrub } from '../kernel/log.ts';
import { listBackups } from './backup.ts';

const DAY_MS = 24 * 60 * 60_000;
/** The page lists what gave up in this many days... */
export const JOBS_PAGE_DAYS = 30;
/** ...and the start page says so for this many. */
export const START_NOTICE_DAYS = 7;
const SHOWN = 100;

export interface FailedJobsPage {
  jobs: (Omit<FailedJob, 'lastError'> & { lastError: string })[];
  total: number;
  latestBackup: string | undefined;
  backupKeep: number;
  backupHour: number;
}

export async function failedJobsPage({ db, clock, config }: { db: Db; clock: Clock; config: Pick<Config, 'backupDir' | 'backupKeep' | 'backupHour'> }): Promise<FailedJobsPage> {
  const since = new Date(clock.now().getTime() - JOBS_PAGE_DAYS * DAY_MS).toISOString();
  const { jobs, total } = await failedJobs(db, since, SHOWN);
  return {
    jobs: jobs.map((j) => ({ ...j, lastError: scrub(j.lastError ?? '') })),
    total,
    latestBackup: listBackups(config.backupDir)[0]?.manifest.takenAt,
    backupKeep: config.backupKeep,
    backupHour: config.backupHour,
  };
}

/** How many jobs gave up in the last START_NOTICE_DAYS days (0: no notice on the admins' start page). */
export async function recentlyFailedJobs(db: Db, clock: Clock): Promise<number> {
  const since = new Date(clock.now().getTime() - START_NOTICE_DAYS * DAY_MS).toISOString();
  return (await failedJobs(db, since, 0)).total;
}
