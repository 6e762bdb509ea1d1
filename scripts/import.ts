// `npm run import -- file.csv --municipality NAME [--apply --as USERNAME] [--map kolumn=Filens kolumn]...`: the registry
// import from the server's shell, for scheduled runs. Prints the same preview as the page (/admin/import); with
// --apply, applies it in one transaction when no row is refused, as the admin USERNAME (an administrator of the
// municipality: the invitations it sends are theirs), and prints what was done. Exit code 0: previewed or applied;
// 1: the file or a row was refused, nothing applied; 2: wrong use.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { systemClock, today } from '../server/kernel/clock.ts';
import { migrateToLatest, openConfiguredDatabase } from '../server/kernel/db.ts';
import { findAccountByLogin } from '../server/accounts/queries.ts';
import { registryMailer } from '../server/invitations/registry-invitations.ts';
import { loadActor } from '../server/people/relations.ts';
import { municipalityNamed } from '../server/people/registry-sync.ts';
import { applyImport, previewImport } from '../server/registry-import/import.ts';
import { COLUMNS, decodeFile, type Column, type ColumnMapping } from '../server/registry-import/layout.ts';
import { outcomeText, previewText } from '../server/registry-import/report.ts';

const USAGE = `Usage: npm run import -- file.csv --municipality "Exempelkommun" [--apply --as anna.admin] [--map fornamn=Förnamn]...`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { municipality: { type: 'string' }, apply: { type: 'boolean', default: false }, as: { type: 'string' }, map: { type: 'string', multiple: true } },
  });
  const [path] = positionals;
  if (!path || !values.municipality || (values.apply && !values.as)) {
    console.error(USAGE);
    return 2;
  }
  const mapping: ColumnMapping = {};
  for (const pair of values.map ?? []) {
    const [ours, theirs] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    if (!COLUMNS.includes(ours as Column) || !theirs) {
      console.error(`--map ${pair}: write one of ${COLUMNS.join(', ')}, "=", and the file's column`);
      return 2;
    }
    mapping[ours as Column] = theirs;
  }
  const { text, encoding } = decodeFile(fs.readFileSync(path));
  const config = loadConfig();
  const connection = openConfiguredDatabase(config);
  try {
    const db = connection.db;
    await migrateToLatest(db);
    const municipality = await municipalityNamed(db, values.municipality);
    if (!municipality) {
      console.error(`No municipality is named ${values.municipality}`);
      return 2;
    }
    const day = today(systemClock);
    if (!values.apply) {
      const preview = await previewImport(db, { municipalityId: municipality, text, encoding, mapping, today: day });
      process.stdout.write(previewText(preview.file, preview.plan));
      return preview.file.problem || (preview.plan?.refused.length ?? 0) > 0 ? 1 : 0;
    }
    const account = await findAccountByLogin(db, values.as ?? '');
    const actor = account && !account.closed_at ? await loadActor(db, account, 'password', day) : undefined;
    if (!account || !actor?.adminOf.has(municipality)) {
      console.error(`${values.as} is not an administrator of ${values.municipality}`);
      return 2;
    }
    const outcome = await applyImport(db, {
      municipalityId: municipality, text, encoding, mapping, today: day, now: systemClock.now(), by: { personId: account.person_id, accountId: account.id },
      source: 'import', mail: registryMailer(config),
    });
    if (!outcome.ok && outcome.error === 'applied-already') return 1;
    process.stdout.write(previewText(outcome.file, 'plan' in outcome ? outcome.plan : undefined));
    console.log(outcomeText(outcome.ok ? 'applied' : outcome.error));
    return outcome.ok ? 0 : 1;
  } finally {
    await connection.close();
  }
}

process.exitCode = await main();
