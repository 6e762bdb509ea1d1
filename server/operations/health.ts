// /healthz: whether this Vardag process can do its work, for a load balancer, systemd's watchdog script or a
// monitoring service. JSON with no personal data: the database answers, the job runner runs and no due job waits for
// long, the disk has room. 200 when all is well, 503 otherwise. Answered before sessions, CSRF and the PUBLIC_URL
// check (app.ts): a probe on 127.0.0.1 is no user and must not be noted as a request to a wrong address.
import fs from 'node:fs';
import type { RequestHandler } from 'express';
import { sql } from 'kysely';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { failedJobs, oldestWaitingJob } from '../kernel/jobs.ts';
import { log } from '../kernel/log.ts';

/** What /healthz needs to know of the process's job runner (JobRunner.state). */
export interface RunnerHealth { state(): { running: boolean; lastPollAt: string | undefined; alive: boolean } }

export interface HealthDeps {
  db: Db;
  clock: Clock;
  /** The folders whose disk must have room: the data folder, the backup folder. */
  folders: string[];
  /** This process's job runner; none: the process runs no jobs, and says so. */
  runner?: RunnerHealth;
}

/** A due job waiting longer than this means no runner is taking jobs (in any process). */
export const JOB_WAIT_LIMIT_MS = 15 * 60_000;
/** Less free room than this (bytes, or share of the disk) fails the disk check. */
export const DISK_MIN_FREE_BYTES = 512 * 1024 * 1024;
export const DISK_MIN_FREE_SHARE = 0.05;
const DATABASE_TIMEOUT_MS = 2_000;

export interface Health {
  status: 'ok' | 'fail';
  checkedAt: string;
  database: { ok: boolean; ms: number };
  jobs: { ok: boolean; runner: 'running' | 'stalled' | 'stopped' | 'none'; oldestWaitingSince: string | null; failedLastDay: number };
  disk: { ok: boolean; folders: { freeBytes: number; freeShare: number }[] };
}

export async function checkHealth({ db, clock, folders, runner }: HealthDeps): Promise<Health> {
  const now = clock.now();
  const started = performance.now();
  let databaseOk = false;
  try {
    await withTimeout(sql`select 1`.execute(db), DATABASE_TIMEOUT_MS);
    databaseOk = true;
  } catch (err) {
    log.error({ err }, 'healthz: the database does not answer');
  }
  const databaseMs = Math.round(performance.now() - started);

  let waiting: { runAt: string } | undefined;
  let failedLastDay = 0;
  if (databaseOk) {
    [waiting, failedLastDay] = await Promise.all([
      oldestWaitingJob(db, new Date(now.getTime() - JOB_WAIT_LIMIT_MS).toISOString()),
      failedJobs(db, new Date(now.getTime() - 24 * 60 * 60_000).toISOString(), 0).then((f) => f.total),
    ]);
  }
  const state = runner?.state();
  const runnerState = !state ? 'none' : !state.running ? 'stopped' : state.alive ? 'running' : 'stalled';
  const jobsOk = databaseOk && waiting === undefined && (runnerState === 'running' || runnerState === 'none');

  const disks = folders.filter((f) => fs.existsSync(f)).map((folder) => {
    const stats = fs.statfsSync(folder);
    const freeBytes = stats.bavail * stats.bsize;
    const freeShare = stats.blocks > 0 ? stats.bavail / stats.blocks : 0;
    return { freeBytes, freeShare: Math.round(freeShare * 1000) / 1000, ok: freeBytes >= DISK_MIN_FREE_BYTES && freeShare >= DISK_MIN_FREE_SHARE };
  });
  const diskOk = disks.every((d) => d.ok);

  return {
    status: databaseOk && jobsOk && diskOk ? 'ok' : 'fail',
    checkedAt: now.toISOString(),
    database: { ok: databaseOk, ms: databaseMs },
    jobs: { ok: jobsOk, runner: runnerState, oldestWaitingSince: waiting?.runAt ?? null, failedLastDay },
    disk: { ok: diskOk, folders: disks.map(({ freeBytes, freeShare }) => ({ freeBytes, freeShare })) },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** GET /healthz. */
export function healthz(deps: HealthDeps): RequestHandler {
  return async (_req, res) => {
    const health = await checkHealth(deps);
    res.set('Cache-Control', 'no-store');
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  };
}
