// `npm run backup`: takes a backup of the installation now, while Vardag runs (see server/operations/backup.ts).
//
//   npm run backup                         into VARDAG_BACKUP_DIR (default: data/backups)
//   npm run backup -- --to /mnt/backup     into another folder
//   npm run backup -- --list               the backups there, newest first
//
// The database is the configured one: VARDAG_DATABASE_URL (pg_dump -Fc), else the SQLite file in VARDAG_DATA_DIR.
import os from 'node:os';
import { parseArgs } from 'node:util';

// A backup is background work beside a server that answers people: it takes the CPU the server leaves (pg_dump,
// started from here, inherits the priority). On two cores at full priority it cost the start page's load a fifth.
// Lowered before Vardag's modules are loaded (and, the first time, compiled), which is work too.
try { os.setPriority(os.constants.priority.PRIORITY_LOW); } catch { /* not allowed here: run as it is */ }
const { loadConfig } = await import('../server/config.ts');
const { databaseName } = await import('../server/kernel/db.ts');
const { listBackups, takeBackup } = await import('../server/operations/backup.ts');

const USAGE = `Usage:
  npm run backup [-- --to FOLDER]     take a backup now (Vardag may run meanwhile)
  npm run backup -- --list [--to FOLDER]   list the backups in the folder, newest first

FOLDER defaults to VARDAG_BACKUP_DIR, else data/backups (VARDAG_DATA_DIR/backups). Restore one with npm run restore.`;

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    // --nightly DAY: the nightly backup job's run (server/operations/nightly-backup.ts), marked as that night's
    options: { to: { type: 'string' }, list: { type: 'boolean' }, nightly: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  const folder = values.to ?? config.backupDir;
  if (values.list) {
    const backups = listBackups(folder);
    if (!backups.length) console.log(`No backups in ${folder}.`);
    for (const b of backups) {
      console.log(`${b.dir}  ${b.manifest.takenAt}  ${b.manifest.kind}  ${b.manifest.database}  ${size(b.manifest.databaseBytes + b.manifest.mediaBytes)}  ${b.manifest.migration ?? ''}`);
    }
    return 0;
  }
  const started = Date.now();
  const backup = await takeBackup(config, folder, values.nightly ? { now: new Date(), kind: 'nightly', night: values.nightly } : { now: new Date(), kind: 'manual' });
  console.log(`Backed up ${databaseName(config)} into ${backup.dir} (${size(backup.manifest.databaseBytes)} database`
    + `${backup.manifest.mediaFolders.length ? `, ${size(backup.manifest.mediaBytes)} media` : ''}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(`The backup failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
