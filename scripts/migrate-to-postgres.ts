// `npm run migrate-to-postgres`: moves an installation from its SQLite file to an empty PostgreSQL database. Stop
// Vardag first (every process of it): the copy refuses to start while anything else has the SQLite file open.
//
//   VARDAG_DATA_DIR=/srv/vardag VARDAG_DATABASE_URL=postgres://vardag:secret@localhost/vardag npm run migrate-to-postgres
//   npm run migrate-to-postgres -- /srv/vardag/vardag.sqlite postgres://vardag:secret@localhost/vardag
//   npm run migrate-to-postgres -- --verify-only [same arguments]     compare an earlier copy again, copy nothing
//
// Steps: refuse when the SQLite file is in use, is from another version of Vardag, or the PostgreSQL database holds a
// row; migrate the PostgreSQL database to this version's tables; copy every table, parents before the rows that
// refer to them, in one transaction (a failure leaves the database empty again); let PostgreSQL's ids continue after
// the highest the SQLite file ever gave; then compare each table on both sides, its rows and a checksum of them, and
// print the comparison. Exit status: 0 every table the same, 1 refused, failed or a table differs, 2 wrong usage.
// The SQLite file is only read, and stays as it was: keep it as the backup of the day of the move.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../server/config.ts';
import { databaseName, migrateToLatest, openDatabase, openPostgres, type Db, type SqliteConnection } from '../server/kernel/db.ts';
import { migrations } from '../db/migrations/index.ts';
import { continueIds } from '../db/sql.ts';

const USAGE = `Usage:
  npm run migrate-to-postgres [-- [SQLITE_FILE_OR_DATA_DIR] [POSTGRES_URL] [--verify-only]]

Copies Vardag's SQLite database (default: VARDAG_DATA_DIR's vardag.sqlite) into an empty PostgreSQL database
(default: VARDAG_DATABASE_URL), then compares every table on both sides. Stop Vardag first.
  --verify-only   only compare the two databases again (before Vardag has been started on the copy).`;

/** The move did not start: the message says why and what to do; nothing was written. */
export class Refusal extends Error {}

/** One table on both sides: its rows and the checksum of its rows, in SQLite and in PostgreSQL. */
export interface TableCheck {
  table: string;
  rows: number;
  copiedRows: number;
  checksum: string;
  copiedChecksum: string;
  ok: boolean;
}

export interface MoveOptions {
  /** The SQLite file (data/vardag.sqlite). */
  sqliteFile: string;
  /** The PostgreSQL database, postgres://user:password@host:5432/name. */
  databaseUrl: string;
  /** Progress, a line per table copied. */
  log?: (line: string) => void;
  /** Rows per INSERT (fewer for wide tables: PostgreSQL takes at most 65,535 parameters in one statement). */
  batchRows?: number;
}

/** A table of the SQLite file as the copy needs it. */
interface SourceTable {
  name: string;
  columns: string[];
  /** The primary key's columns, in key order (empty: none). */
  key: string[];
  /** The tables its foreign keys refer to. */
  parents: string[];
  /** For a table numbered by `id`: the highest id SQLite ever gave (kept in sqlite_sequence after a delete). */
  lastId?: number;
}

/** Copies the SQLite file into the empty PostgreSQL database and compares the two; see the header. */
export async function moveToPostgres(options: MoveOptions): Promise<TableCheck[]> {
  const log = options.log ?? (() => {});
  const source = openSource(options.sqliteFile);
  try {
    const tables = sourceTables(source);
    const target = openPostgres(options.databaseUrl, 1);
    try {
      const where = databaseName({ databaseFile: options.sqliteFile, databaseUrl: options.databaseUrl });
      await refuseRows(target.db, tables, where);
      await migrateToLatest(target.db);
      await refuseOtherTables(target.db, tables, where);
      await target.db.transaction().execute(async (trx) => {
        await refuseRows(trx, tables, where);
        for (const table of parentsFirst(tables)) {
          const rows = await copyTable(source, trx, table, options.batchRows ?? 1000);
          if (table.lastId !== undefined) await continueIds(trx, table.name, table.lastId);
          log(`${table.name}: ${rows} ${rows === 1 ? 'row' : 'rows'} copied`);
        }
      });
      return await compareTables(source.db, target.db, tables);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** Compares an earlier copy with the SQLite file again, table by table; copies nothing. */
export async function verifyCopy(options: Pick<MoveOptions, 'sqliteFile' | 'databaseUrl'>): Promise<TableCheck[]> {
  const source = openSource(options.sqliteFile);
  try {
    const tables = sourceTables(source);
    const target = openPostgres(options.databaseUrl, 1);
    try {
      await refuseOtherTables(target.db, tables, databaseName({ databaseFile: options.sqliteFile, databaseUrl: options.databaseUrl }));
      return await compareTables(source.db, target.db, tables);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/**
 * Opens the SQLite file for the move and keeps it to itself until closed: SQLite gives the exclusive lock only when
 * no other connection has the file open (a running Vardag always does), and while it is held Vardag cannot write.
 * Everything is read in that one transaction, so the copy and the comparison see the same rows.
 */
function openSource(file: string): SqliteConnection {
  if (!fs.existsSync(file)) {
    throw new Refusal(`There is no SQLite database at ${file}: set VARDAG_DATA_DIR to Vardag's data folder, or give the file's path.`);
  }
  let connection: SqliteConnection | undefined;
  try {
    connection = openDatabase(file);
    connection.sqlite.pragma('busy_timeout = 0');
    connection.sqlite.pragma('locking_mode = EXCLUSIVE');
    connection.sqlite.exec('begin exclusive');
  } catch (error) {
    connection?.sqlite.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Refusal(`${file} is in use by another process. Stop Vardag (every process of it) first, then run this again.`);
    }
    throw error;
  }
  const { sqlite, close } = connection;
  return {
    ...connection,
    close: async () => {
      if (sqlite.inTransaction) sqlite.exec('rollback');
      await close();
      // kysely closes the file only when it ran a query on it; the lock must go either way.
      if (sqlite.open) sqlite.close();
    },
  };
}

/** The SQLite file's tables (not the migrations' own), once it is known to be this version of Vardag's. */
function sourceTables({ sqlite }: SqliteConnection): SourceTable[] {
  const file = sqlite.name;
  const names = sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite~_%' escape '~' order by name")
    .pluck().all() as string[];
  if (!names.includes('kysely_migration') || !names.includes('app_meta')) throw new Refusal(`${file} is not a Vardag database.`);
  const applied = sqlite.prepare('select name from kysely_migration order by name').pluck().all() as string[];
  const known = Object.keys(migrations).sort();
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length) throw new Refusal(`${file} was last used by a newer Vardag (migration ${unknown.at(-1)}): run the move with that version.`);
  const missing = known.filter((name) => !applied.includes(name));
  if (missing.length) {
    throw new Refusal(`${file} is from an older Vardag (it lacks migration ${missing[0]}): start this version of Vardag on it once `
      + '(that brings the file up to date), stop it, and run this again.');
  }
  const sequences = new Map(sqlite.prepare('select name, seq from sqlite_sequence').raw().all() as [string, number][]);
  return names.filter((name) => !name.startsWith('kysely_')).map((name) => {
    const info = sqlite.prepare('select name, pk from pragma_table_info(?) order by cid').all(name) as { name: string; pk: number }[];
    const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const parents = sqlite.prepare('select distinct "table" from pragma_foreign_key_list(?)').pluck().all(name) as string[];
    const table: SourceTable = { name, columns: info.map((c) => c.name), key, parents: parents.filter((p) => p !== name) };
    if (key.length === 1 && key[0] === 'id') {
      const highest = sqlite.prepare(`select coalesce(max(id), 0) from ${quote(name)}`).pluck().get() as number;
      table.lastId = Math.max(highest, sequences.get(name) ?? 0);
    }
    return table;
  });
}

/** The tables in an order where each comes after the tables its foreign keys refer to (by name among equals). */
function parentsFirst(tables: SourceTable[]): SourceTable[] {
  const ordered: SourceTable[] = [];
  const done = new Set<string>();
  const pending = [...tables];
  while (pending.length) {
    const next = pending.findIndex((t) => t.parents.every((p) => done.has(p) || !tables.some((other) => other.name === p)));
    if (next < 0) throw new Error(`The foreign keys of ${pending.map((t) => t.name).join(', ')} refer to each other in a circle: no order copies them.`);
    const [table] = pending.splice(next, 1);
    ordered.push(table);
    done.add(table.name);
  }
  return ordered;
}

/** Refuses when a table Vardag has holds a row in PostgreSQL: the move copies into an empty database, never merges. */
async function refuseRows(db: Db, tables: SourceTable[], where: string): Promise<void> {
  const existing = new Set((await db.introspection.getTables()).map((t) => t.name));
  for (const table of tables.filter((t) => existing.has(t.name))) {
    const { rows } = await sql`select 1 as one from ${sql.table(table.name)} limit 1`.execute(db);
    if (rows.length) {
      throw new Refusal(`The database ${where} is not empty (its table ${table.name} has rows). `
        + 'The move copies into a new, empty database only: create one (createdb) and give its URL.');
    }
  }
}

/** Refuses when PostgreSQL's tables and columns are not the SQLite file's (after both are migrated, they are). */
async function refuseOtherTables(db: Db, tables: SourceTable[], where: string): Promise<void> {
  const theirs = new Map((await db.introspection.getTables()).map((t) => [t.name, t.columns.map((c) => c.name).sort().join(', ')]));
  const differ = tables.filter((t) => theirs.get(t.name) !== [...t.columns].sort().join(', ')).map((t) => t.name);
  if (differ.length) throw new Refusal(`The database ${where} does not have Vardag's tables as the SQLite file has them (${differ.join(', ')}).`);
}

/** Copies one table's rows in the order of its key, a batch of rows per INSERT; the number of rows. */
async function copyTable(source: SqliteConnection, db: Db, table: SourceTable, batchRows: number): Promise<number> {
  const size = Math.max(1, Math.min(batchRows, Math.floor(30_000 / table.columns.length)));
  const columns = sql.join(table.columns.map((c) => sql.ref(c)));
  const insert = (batch: unknown[][]) =>
    sql`insert into ${sql.table(table.name)} (${columns}) values ${sql.join(batch.map((row) => sql`(${sql.join(row)})`))}`.execute(db);
  const order = table.key.length ? ` order by ${table.key.map(quote).join(', ')}` : '';
  const select = source.sqlite.prepare(`select ${table.columns.map(quote).join(', ')} from ${quote(table.name)}${order}`).raw();
  let batch: unknown[][] = [];
  let count = 0;
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    if (batch.length === size) {
      await insert(batch);
      count += batch.length;
      batch = [];
    }
  }
  if (batch.length) await insert(batch);
  return count + batch.length;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Every table's rows and checksum on both sides, by table name. */
async function compareTables(source: Db, target: Db, tables: SourceTable[]): Promise<TableCheck[]> {
  const checks: TableCheck[] = [];
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) {
    const mine = await tableChecksum(source, table);
    const copied = await tableChecksum(target, table);
    checks.push({
      table: table.name, rows: mine.rows, copiedRows: copied.rows, checksum: mine.checksum, copiedChecksum: copied.checksum,
      ok: mine.rows === copied.rows && mine.checksum === copied.checksum,
    });
  }
  return checks;
}

const PAGE = 5_000;
const MOD = 1n << 256n;

/**
 * A table's rows and checksum, read the same way from either database: each row as its values in column-name order,
 * each value as what it means (a number, a text, null; true/false as 1/0; a big integer as a number), the row's
 * sha256, and the sum of those modulo 2^256. The sum does not depend on the rows' order, which differs between the
 * databases for text keys (SQLite compares bytes, PostgreSQL by its collation); a changed, missing or extra row
 * changes it. Read a page at a time, after the last key of the page before.
 */
export async function tableChecksum(db: Db, table: { name: string; columns: string[]; key: string[] }): Promise<{ rows: number; checksum: string }> {
  const columns = [...table.columns].sort();
  const keys = sql.join(table.key.map((k) => sql.ref(k)));
  let rows = 0;
  let sum = 0n;
  let after: unknown[] | undefined;
  for (;;) {
    const query = !table.key.length
      ? sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`
      : sql<Record<string, unknown>>`select * from ${sql.table(table.name)}
          ${after ? sql`where (${keys}) > (${sql.join(after)})` : sql``} order by ${keys} limit ${PAGE}`;
    const page = (await query.execute(db)).rows;
    for (const row of page) {
      const digest = crypto.createHash('sha256').update(JSON.stringify(columns.map((c) => normalised(row[c])))).digest('hex');
      sum = (sum + BigInt(`0x${digest}`)) % MOD;
    }
    rows += page.length;
    if (!table.key.length || page.length < PAGE) break;
    const last = page[page.length - 1];
    after = table.key.map((k) => last[k]);
  }
  return { rows, checksum: sum.toString(16).padStart(64, '0') };
}

function normalised(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  return String(value);
}

/** The comparison as a table a person reads: each table, its rows, its checksum (the first 16 digits), ok or not. */
export function formatChecks(checks: TableCheck[]): string {
  const lines = checks.map((c) => [
    c.table,
    c.rows === c.copiedRows ? String(c.rows) : `${c.rows} ≠ ${c.copiedRows}`,
    c.checksum === c.copiedChecksum ? c.checksum.slice(0, 16) : `${c.checksum.slice(0, 16)} ≠ ${c.copiedChecksum.slice(0, 16)}`,
    c.ok ? 'ok' : 'DIFFERS',
  ]);
  const all = [['table', 'rows', 'checksum', 'ok'], ...lines];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((line) => line[i].length)));
  return all.map(([table, rows, checksum, ok]) =>
    `${table.padEnd(widths[0])}  ${rows.padStart(widths[1])}  ${checksum.padEnd(widths[2])}  ${ok}`).join('\n');
}

/** Runs the command; its exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(argv, env);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { sqliteFile, databaseUrl, verifyOnly } = parsed;
  const target = databaseName({ databaseFile: sqliteFile, databaseUrl });
  try {
    if (!verifyOnly) console.log(`Copying ${sqliteFile} into ${target}…`);
    const checks = verifyOnly ? await verifyCopy(parsed) : await moveToPostgres({ ...parsed, log: (line) => console.log(`  ${line}`) });
    console.log(`\n${formatChecks(checks)}\n`);
    const differ = checks.filter((c) => !c.ok);
    if (differ.length) {
      console.error(`${differ.length} table(s) differ between ${sqliteFile} and ${target}: ${differ.map((c) => c.table).join(', ')}. `
        + 'Do not start Vardag on this copy: drop the database, create an empty one, and run the move again.');
      return 1;
    }
    const rows = checks.reduce((n, c) => n + c.rows, 0);
    console.log(`Every table is the same on both sides (${checks.length} tables, ${rows} rows).`);
    if (!verifyOnly) console.log(`Start Vardag with VARDAG_DATABASE_URL set to this database. Keep ${sqliteFile} as a backup; Vardag no longer uses it.`);
    return 0;
  } catch (error) {
    console.error(error instanceof Refusal ? error.message : `The ${verifyOnly ? 'comparison' : 'move'} failed: ${(error as Error).message}`);
    return 1;
  }
}

function parseCommand(argv: string[], env: NodeJS.ProcessEnv) {
  const { values, positionals } = parseArgs({
    args: argv, options: { 'verify-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true,
  });
  if (values.help) return 'help' as const;
  const config = loadConfig(env);
  let sqliteFile = config.databaseFile;
  let databaseUrl = config.databaseUrl;
  for (const argument of positionals) {
    if (/^postgres(?:ql)?:\/\//.test(argument)) databaseUrl = argument;
    else if (fs.existsSync(argument) && fs.statSync(argument).isDirectory()) sqliteFile = loadConfig({ ...env, VARDAG_DATA_DIR: argument }).databaseFile;
    else sqliteFile = path.resolve(argument);
  }
  if (!databaseUrl) throw new Error('No PostgreSQL database: set VARDAG_DATABASE_URL or give its URL (postgres://user:password@host:5432/name).');
  return { sqliteFile, databaseUrl, verifyOnly: values['verify-only'] ?? false };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
