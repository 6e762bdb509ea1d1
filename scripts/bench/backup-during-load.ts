// The bench's backup figure: the start-page load once more while `npm run backup` runs again and again (a new backup
// as soon as the last is done, in its own process, as an operator's or the nightly one would), compared with the same
// load without it. Issue 20's target: the backups cost the load less than 20 % of its requests per second.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const BACKUP_COST_LIMIT = 0.2;

export interface BackupFigure {
  rpsWithout: number;
  rpsWith: number;
  /** 1 − rpsWith / rpsWithout. */
  cost: number;
  backups: number;
  /** Seconds each backup took, on average, under the load. */
  backupSeconds: number;
  databaseBytes: number;
  target: string;
  met: boolean;
}

/**
 * Runs `load` (the start page's load job) while backups of the installation (its data folder, or its PostgreSQL
 * database) are taken one after another into a temporary folder of `benchDir`, which is removed afterwards.
 */
export async function backupDuringLoad(options: {
  root: string; benchDir: string; dataDir: string; databaseUrl: string | undefined; rpsWithout: number;
  load: () => Promise<{ rps: number }>;
}): Promise<BackupFigure> {
  const to = fs.mkdtempSync(path.join(options.benchDir, 'backups-'));
  const env = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', VARDAG_DATA_DIR: options.dataDir, VARDAG_DATABASE_URL: options.databaseUrl ?? '' };
  let stop = false;
  let backups = 0;
  let seconds = 0;
  let databaseBytes = 0;
  let failure: Error | undefined;
  const once = () => new Promise<void>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(options.root, 'scripts/backup.ts'), '--to', to], { cwd: options.root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`npm run backup exited with ${code}: ${err}`));
      seconds += (performance.now() - started) / 1000;
      backups++;
      for (const name of fs.readdirSync(to)) {
        const manifest = path.join(to, name, 'backup.json');
        if (fs.existsSync(manifest)) databaseBytes = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { databaseBytes: number }).databaseBytes;
        fs.rmSync(path.join(to, name), { recursive: true, force: true });
      }
      resolve();
    });
  });
  const loop = (async () => {
    while (!stop && !failure) await once().catch((err: Error) => { failure = err; });
  })();
  try {
    const result = await options.load();
    stop = true;
    await loop;
    if (failure) throw failure;
    const cost = options.rpsWithout > 0 ? 1 - result.rps / options.rpsWithout : 0;
    return {
      rpsWithout: options.rpsWithout, rpsWith: result.rps, cost: Math.round(cost * 1000) / 1000, backups,
      backupSeconds: backups ? Math.round((seconds / backups) * 10) / 10 : 0, databaseBytes,
      // No requests answered without the backups (an overloaded machine): nothing was measured, so nothing is met.
      target: `< ${BACKUP_COST_LIMIT * 100} %`, met: options.rpsWithout > 0 && cost < BACKUP_COST_LIMIT,
    };
  } finally {
    stop = true;
    await loop;
    fs.rmSync(to, { recursive: true, force: true });
  }
}
