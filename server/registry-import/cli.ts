// `npm run import` (scripts/import.ts) without the process around it: the arguments read, the preview printed, and with
// --apply the file applied as the named admin. Here so that a test can run it on its own database.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { findAccountByLogin } from '../accounts/queries.ts';
import { registryMailer } from '../invitations/registry-invitations.ts';
import { loadActor } from '../people/relations.ts';
import { municipalityNamed } from '../people/registry-sync.ts';
import { applyImport, previewImport } from './import.ts';
import { COLUMNS, type Column, type ColumnMapping, type Encoding } from './layout.ts';
import { outcomeText, previewText } from './report.ts';

export const USAGE = 'Usage: npm run import -- file.csv --municipality "Exempelkommun" [--apply --as anna.admin [--allow-mass-end]] [--map fornamn=Förnamn]...';

export interface CommandIo {
  /** The file named on the command line, decoded. */
  read: (path: string) => { text: string; encoding: Encoding };
  out: (text: string) => void;
  err: (line: string) => void;
}

/** Exit code 0: previewed or applied; 1: the file or a row was refused, or a mass end not allowed, nothing applied; 2: wrong use. */
export async function runImportCommand(args: readonly string[], deps: { db: Db; config: Config; clock: Clock }, io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args], allowPositionals: true,
    options: {
      municipality: { type: 'string' }, apply: { type: 'boolean', default: false }, as: { type: 'string' }, map: { type: 'string', multiple: true },
      'allow-mass-end': { type: 'boolean', default: false },
    },
  });
  const [path] = positionals;
  if (!path || !values.municipality || (values.apply && !values.as)) {
    io.err(USAGE);
    return 2;
  }
  const mapping: ColumnMapping = {};
  for (const pair of values.map ?? []) {
    const [ours, theirs] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    if (!COLUMNS.includes(ours as Column) || !theirs) {
      io.err(`--map ${pair}: write one of ${COLUMNS.join(', ')}, "=", and the file's column`);
      return 2;
    }
    mapping[ours as Column] = theirs;
  }
  const { text, encoding } = io.read(path);
  const { db, config, clock } = deps;
  const municipality = await municipalityNamed(db, values.municipality);
  if (!municipality) {
    io.err(`No municipality is named ${values.municipality}`);
    return 2;
  }
  const day = today(clock);
  if (!values.apply) {
    const preview = await previewImport(db, { municipalityId: municipality, text, encoding, mapping, today: day });
    io.out(previewText(preview.file, preview.plan));
    return preview.file.problem || (preview.plan?.refused.length ?? 0) > 0 ? 1 : 0;
  }
  const account = await findAccountByLogin(db, values.as ?? '');
  const actor = account && !account.closed_at ? await loadActor(db, account, 'password', day) : undefined;
  if (!account || !actor?.adminOf.has(municipality)) {
    io.err(`${values.as} is not an administrator of ${values.municipality}`);
    return 2;
  }
  const outcome = await applyImport(db, {
    municipalityId: municipality, text, encoding, mapping, today: day, now: clock.now(), by: { personId: account.person_id, accountId: account.id },
    source: 'import', mail: registryMailer(config), allowMassEnd: values['allow-mass-end'],
  });
  if (!outcome.ok && outcome.error === 'applied-already') return 1;
  io.out(previewText(outcome.file, 'plan' in outcome ? outcome.plan : undefined));
  io.out(`${outcomeText(outcome.ok ? 'applied' : outcome.error)}\n`);
  return outcome.ok ? 0 : 1;
}
