// The nightly backup: once a night (from BACKUP_HOUR, Stockholm time) a backup into VARDAG_BACKUP_DIR, keeping the
// newest BACKUP_KEEP nightly backups. It runs as a durable job, so a backup that fails is tried again, and one that
// keeps failing is given up and shown to the admins (/admin/jobs and their start page). The copy is made by
// `npm run backup` in a process of its own, so that copying and checking a large SQLite file does not hold up this
// process's requests.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { stockholmDate, stockholmTime, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { enqueueJob, jobKind, jobQueued, type JobRunner } from '../kernel/jobs.ts';
import { log } from '../kernel/log.ts';
import { listBackups, pruneBackups, type Installation } from './backup.ts';

const BACKUP_SCRIPT = path.resolve(import.meta.dirname, '../../scripts/backup.ts');

/** `npm run backup -- --to DIR --nightly NIGHT` on this installation, in a process of its own. */
function backupInChild(config: Installation, backupDir: string, night: string): Promise<void> {
  const env = {
    ...process.env, LOG_LEVEL: 'warn', VARDAG_DATA_DIR: config.dataDir, VARDAG_DATABASE_URL: config.databaseUrl ?? '',
  };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', BACKUP_SCRIPT, '--to', backupDir, '--nightly', night],
      { cwd: path.resolve(import.meta.dirname, '../..'), env, maxBuffer: 1024 * 1024 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(stderr.trim() || err.message));
        else resolve();
      });
  });
}

export const NIGHTLY_BACKUP_JOB = jobKind('operations.nightly-backup');
/** How often each process looks whether tonight's backup is due. */
const CHECK_MS = 10 * 60_000;
const MAX_ATTEMPTS = 4;
/** A lock older than this is of a process that died while backing up. */
const STALE_LOCK_MS = 6 * 60 * 60_000;

export interface NightlyBackupDeps {
  db: Db;
  clock: Clock;
  config: Installation & Pick<Config, 'backupDir' | 'backupKeep' | 'backupHour'>;
}

/** The night a backup is due for now, or undefined before BACKUP_HOUR (Stockholm time) or with BACKUP_KEEP=0. */
export function dueNight(now: Date, config: Pick<Config, 'backupKeep' | 'backupHour'>): string | undefined {
  if (config.backupKeep <= 0) return undefined;
  const hour = Number(stockholmTime(now).slice(0, 2));
  return hour >= config.backupHour ? stockholmDate(now) : undefined;
}

/**
 * Queues tonight's backup job when it is due and none was queued for this night (by this or another process). Two
 * processes queueing it at the same moment make two jobs; the second finds the backup made and does nothing.
 */
export async function queueNightlyBackup({ db, clock, config }: NightlyBackupDeps): Promise<boolean> {
  const now = clock.now();
  const night = dueNight(now, config);
  if (!night || hasNightly(config.backupDir, night)) return false;
  if (await jobQueued(db, NIGHTLY_BACKUP_JOB, { night })) return false;
  await enqueueJob(db, NIGHTLY_BACKUP_JOB, { night }, now);
  return true;
}

function hasNightly(backupDir: string, night: string): boolean {
  return listBackups(backupDir).some((b) => b.manifest.kind === 'nightly' && b.manifest.night === night);
}

/** Takes the night's backup unless it exists or another process is taking it, then removes the oldest beyond BACKUP_KEEP. */
export async function runNightlyBackup({ config }: Omit<NightlyBackupDeps, 'db'>, night: string): Promise<'taken' | 'exists' | 'busy'> {
  if (hasNightly(config.backupDir, night)) return 'exists';
  fs.mkdirSync(config.backupDir, { recursive: true });
  const lock = path.join(config.backupDir, `.nightly-${night}.lock`);
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const age = Date.now() - fs.statSync(lock).mtimeMs;
    if (age < STALE_LOCK_MS) return 'busy';
    fs.writeFileSync(lock, String(process.pid));
  }
  try {
    const started = Date.now();
    await backupInChild(config, config.backupDir, night);
    const backup = listBackups(config.backupDir).find((b) => b.manifest.kind === 'nightly' && b.manifest.night === night);
    if (!backup) throw new Error(`npm run backup made no backup for the night of ${night} in ${config.backupDir}`);
    const removed = pruneBackups(config.backupDir, config.backupKeep);
    log.info({ backup: path.basename(backup.dir), bytes: backup.manifest.databaseBytes + backup.manifest.mediaBytes, ms: Date.now() - started, removed: removed.length },
      'nightly backup taken');
    return 'taken';
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** Registers the nightly backup with the process's job runner (nothing with BACKUP_KEEP=0). */
export function registerBackupJobs(runner: JobRunner, deps: NightlyBackupDeps): void {
  if (deps.config.backupKeep <= 0) return;
  runner.register(NIGHTLY_BACKUP_JOB, async (payload: { night: string }) => {
    await runNightlyBackup(deps, payload.night);
  }, { maxAttempts: MAX_ATTEMPTS });
  runner.every('nightly-backup', CHECK_MS, async () => {
    await queueNightlyBackup(deps);
  });
}
