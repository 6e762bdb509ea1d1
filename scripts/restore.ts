// `npm run restore -- FOLDER`: puts a backup made by `npm run backup` (or the nightly backup) in place of the
// installation's database and media. Stop Vardag first; start it again afterwards (it runs any newer migrations).
//
//   systemctl stop vardag
//   npm run restore -- /var/backups/vardag/vardag-20261205T010000Z
//   systemctl start vardag
//
// SQLite: the current file is kept beside it as vardag.sqlite.before-restore-<time>; PostgreSQL: the schema public
// made anew and the dump loaded, in one transaction, into VARDAG_DATABASE_URL (take a backup first if the current data
// may be wanted).
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { databaseName } from '../server/kernel/db.ts';
import { listBackups, RestoreRefused, restoreBackup } from '../server/operations/backup.ts';

const USAGE = `Usage:
  npm run restore -- FOLDER           restore the backup in FOLDER (a vardag-… folder)
  npm run restore -- --latest         restore the newest backup in VARDAG_BACKUP_DIR (default: data/backups)

Stop Vardag before restoring, and start it afterwards.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { latest: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  const config = loadConfig();
  const folder = values.latest ? listBackups(config.backupDir)[0]?.dir : positionals[0];
  if (values.help || !folder || positionals.length > 1) {
    console.log(values.latest && !folder ? `No backups in ${config.backupDir}.` : USAGE);
    return values.help ? 0 : 2;
  }
  const { kept } = await restoreBackup(config, folder, new Date());
  console.log(`Restored ${folder} into ${databaseName(config)}.`);
  for (const k of kept) console.log(`  what was there before is kept as ${k}`);
  console.log('Start Vardag again: it runs the migrations the backup is missing, if any.');
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(err instanceof RestoreRefused ? `Not restored: ${err.message}` : `The restore failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
