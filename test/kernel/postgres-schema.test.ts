// The same migrations on PostgreSQL: the same tables with the same columns, the same unique keys and indexes as on
// SQLite, ids the database numbers, and the demo seed (server/demo/seed.ts) storing the same rows on both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, openPostgres, type Connection, type Db, type SqliteConnection } from '../../server/kernel/db.ts';
import { dialectOf } from '../../db/sql.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';

/** An index or unique key, by what it is rather than its name (SQLite names a column's `unique` sqlite_autoindex_…). */
interface IndexShape { table: string; columns: string; unique: boolean; partial: boolean }
const shape = (i: IndexShape) => `${i.table}(${i.columns})${i.unique ? ' unique' : ''}${i.partial ? ' partial' : ''}`;

async function tablesAndColumns(db: Db): Promise<Record<string, string[]>> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  const sorted = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  return Object.fromEntries(sorted.map((t) => [t.name, t.columns.map((c) => c.name).sort()]));
}

/** SQLite's indexes other than primary keys, with the names of those made by `create index`. */
function sqliteIndexes(connection: SqliteConnection): { shapes: string[]; named: string[] } {
  const tables = connection.sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[];
  const shapes: string[] = [];
  const named: string[] = [];
  for (const table of tables) {
    const list = connection.sqlite.prepare('select name, "unique", origin, partial from pragma_index_list(?)').all(table) as
      { name: string; unique: number; origin: string; partial: number }[];
    for (const index of list.filter((i) => i.origin !== 'pk')) {
      const columns = connection.sqlite.prepare('select name from pragma_index_info(?) order by seqno').pluck().all(index.name) as string[];
      shapes.push(shape({ table, columns: columns.join(', '), unique: index.unique === 1, partial: index.partial === 1 }));
      if (index.origin === 'c') named.push(index.name);
    }
  }
  return { shapes: shapes.sort(), named: named.sort() };
}

async function postgresIndexes(db: Db): Promise<{ shapes: string[]; names: string[] }> {
  const { rows } = await sql<{ table: string; name: string; columns: string; unique: boolean; partial: boolean }>`
    select t.relname as "table", i.relname as name, x.indisunique as "unique", x.indpred is not null as partial,
      (select string_agg(a.attname, ', ' order by k.n) from unnest(x.indkey) with ordinality as k(attnum, n)
        join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum) as columns
    from pg_index x join pg_class t on t.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
      join pg_namespace s on s.oid = t.relnamespace
    where s.nspname = 'public' and not x.indisprimary`.execute(db);
  return { shapes: rows.map(shape).sort(), names: rows.map((r) => r.name).sort() };
}

const NOW = new Date('2026-11-02T08:00:00Z');
const SEED = { passwordHash: 'not-a-real-hash', now: NOW, today: '2026-11-02' };

/** Every row of every table, each row as JSON, in the order of those texts: equal contents, equal results. */
async function contents(db: Db, tables: string[]): Promise<Record<string, string[]>> {
  const all: Record<string, string[]> = {};
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    all[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return all;
}

describe('the migrations on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let postgres: Connection;
  let sqlite: SqliteConnection;
  let dir: string;

  before(async () => {
    cluster = await startPostgres();
    postgres = openPostgres(await cluster.createDatabase());
    await migrateToLatest(postgres.db);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vardag-pg-schema-'));
    sqlite = openDatabase(path.join(dir, 'vardag.sqlite'));
    await migrateToLatest(sqlite.db);
  });

  after(async () => {
    await postgres?.close();
    await sqlite?.close();
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('run on PostgreSQL itself, not on a SQLite file', () => {
    assert.equal(postgres.dialect, 'postgres');
    assert.equal(dialectOf(postgres.db), 'postgres');
    assert.equal(dialectOf(sqlite.db), 'sqlite');
  });

  it('make the same tables with the same columns as on SQLite', async () => {
    const expected = await tablesAndColumns(sqlite.db);
    assert.ok(Object.keys(expected).length > 30);
    assert.deepEqual(await tablesAndColumns(postgres.db), expected);
  });

  it('make the same unique keys and indexes, the created ones under the same names', async () => {
    const lite = sqliteIndexes(sqlite);
    const pg = await postgresIndexes(postgres.db);
    assert.ok(lite.shapes.some((s) => s.includes('unique partial')), 'the open-closure-request index is there');
    assert.deepEqual(pg.shapes, lite.shapes);
    assert.deepEqual(lite.named.filter((name) => !pg.names.includes(name)), []);
  });

  it('number the rows of a table with an id', async () => {
    const insert = (kind: string) => postgres.db.insertInto('jobs').values({ kind, payload: '{}', run_at: NOW.toISOString(), created_at: NOW.toISOString() })
      .returning('id').executeTakeFirstOrThrow();
    const first = await insert('first');
    const second = await insert('second');
    assert.equal(typeof first.id, 'number');
    assert.equal(second.id, first.id + 1);
    await postgres.db.deleteFrom('jobs').execute();
  });

  it('take the demo seed: the same rows, ids and values in every table as on SQLite', async () => {
    await postgres.db.transaction().execute((trx) => seedDemo(trx, SEED));
    await sqlite.db.transaction().execute((trx) => seedDemo(trx, SEED));
    const tables = Object.keys(await tablesAndColumns(sqlite.db)).filter((t) => !t.startsWith('kysely_'));
    const expected = await contents(sqlite.db, tables);
    assert.ok(expected.persons.length > 10 && expected.standard_care_times.length > 0);
    const actual = await contents(postgres.db, tables);
    for (const table of tables) assert.deepEqual(actual[table], expected[table], table);
  });
});
