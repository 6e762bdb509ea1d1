// A list of ids given as one JSON parameter (`jsonValues`, db/sql.ts) picks the rows out of a large table through its
// index on PostgreSQL, as the pages' lists (a group's children, their schedules) must at any municipality's size; and
// gives the same rows on both databases.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { openDatabase, openPostgres, type Connection } from '../../server/kernel/db.ts';
import { jsonValues } from '../../db/sql.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';

interface Rows { rows: { id: number; child_id: number; weekday: number } }
const ROWS = 20_000;

async function fill(connection: Connection): Promise<Kysely<Rows>> {
  const db = connection.db as unknown as Kysely<Rows>;
  await sql`create table rows (id integer primary key, child_id integer not null, weekday integer not null)`.execute(db);
  await sql`create index rows_child on rows (child_id)`.execute(db);
  for (let from = 0; from < ROWS; from += 1000) {
    await db.insertInto('rows').values(Array.from({ length: 1000 }, (_, i) => ({ id: from + i + 1, child_id: from + i + 1, weekday: 1 + ((from + i) % 5) }))).execute();
  }
  await sql`analyze rows`.execute(db);
  return db;
}

const query = (db: Kysely<Rows>, ids: number[]) =>
  db.selectFrom('rows').select(['id', 'child_id']).where('child_id', 'in', jsonValues(db, JSON.stringify(ids))).where('weekday', '=', 2).orderBy('id');

describe('jsonValues: a list of ids as one parameter', () => {
  let cluster: PostgresCluster;
  let postgres: Connection;
  let sqlite: Connection;
  let dir: string;

  before(async () => {
    cluster = await startPostgres();
    postgres = openPostgres(await cluster.createDatabase());
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vardag-json-values-'));
    sqlite = openDatabase(path.join(dir, 'rows.sqlite'));
  });

  after(async () => {
    await postgres?.close();
    await sqlite?.close();
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on PostgreSQL looks the listed ids up in the index instead of reading the whole table', async () => {
    const db = await fill(postgres);
    const { sql: text, parameters } = query(db, [2, 7, 12, 17, 19_997]).compile();
    const plan = (await postgres.db.executeQuery<{ 'QUERY PLAN': string }>({ sql: `explain ${text}`, parameters, query: undefined as never, queryId: undefined as never }))
      .rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /Index Scan using rows_child|Bitmap Index Scan on rows_child/, plan);
    assert.doesNotMatch(plan, /Seq Scan on rows/, plan);
  });

  it('gives the same rows on both databases, none for an empty list', async () => {
    const onSqlite = await fill(sqlite);
    const onPostgres = postgres.db as unknown as Kysely<Rows>;
    for (const ids of [[2, 7, 12, 17, 19_997], [3], []]) {
      assert.deepEqual(await query(onPostgres, ids).execute(), await query(onSqlite, ids).execute(), JSON.stringify(ids));
    }
    assert.deepEqual(await query(onSqlite, [2, 7, 12, 17, 19_997]).execute(), [
      { id: 2, child_id: 2 }, { id: 7, child_id: 7 }, { id: 12, child_id: 12 }, { id: 17, child_id: 17 }, { id: 19_997, child_id: 19_997 },
    ]);
  });
});
