// `npm run import -- file.csv --municipality NAME [--apply --as USERNAME [--allow-mass-end]] [--map kolumn=Filens kolumn]...`:
// the registry import from the server's shell, for scheduled runs. Prints the same preview as the page (/admin/import);
// with --apply, applies it in one transaction when no row is refused, as the admin USERNAME (an administrator of the
// municipality: the invitations it sends are theirs), and prints what was done. A file that would end a large share of
// the placements or guardianships (a truncated export) is applied only with --allow-mass-end. Exit code 0: previewed
// or applied; 1: the file or a row was refused, or a mass end not allowed, nothing applied; 2: wrong use.
import fs from 'node:fs';
import { loadConfig } from '../server/config.ts';
import { systemClock } from '../server/kernel/clock.ts';
import { migrateToLatest, openConfiguredDatabase } from '../server/kernel/db.ts';
import { runImportCommand } from '../server/registry-import/cli.ts';
import { decodeFile } from '../server/registry-import/layout.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  const connection = openConfiguredDatabase(config);
  try {
    await migrateToLatest(connection.db);
    return await runImportCommand(process.argv.slice(2), { db: connection.db, config, clock: systemClock }, {
      read: (path) => decodeFile(fs.readFileSync(path)),
      out: (text) => process.stdout.write(text),
      err: (line) => console.error(line),
    });
  } finally {
    await connection.close();
  }
}

process.exitCode = await main();
