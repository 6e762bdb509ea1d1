// SQLite answers synchronously, so queries waiting for its one connection are handed it in microtasks; without turn
// taking (server/kernel/db.ts TURN_MS) a long queue of them keeps the process from ever reaching the event loop, and a
// new connection or request waits until the whole queue is done. This asks a plain HTTP server for an answer while
// 20,000 queries wait, and counts how many were done when the answer came.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { openDatabase, type Connection } from '../../server/kernel/db.ts';

interface Rows { rows: { id: number; name: string } }
const QUERIES = 3_000;

describe('the SQLite connection lets the event loop turn', () => {
  let dir: string;
  let connection: Connection;
  let db: Kysely<Rows>;
  let server: http.Server;
  let port: number;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vardag-db-turns-'));
    connection = openDatabase(path.join(dir, 'turns.sqlite'));
    db = connection.db as unknown as Kysely<Rows>;
    await sql`create table rows (id integer primary key, name text not null)`.execute(db);
    await db.insertInto('rows').values(Array.from({ length: 100 }, (_, i) => ({ id: i + 1, name: `rad ${i + 1}` }))).execute();
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await connection.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers a new connection while thousands of queries still wait for the database', async () => {
    let done = 0;
    const queries = Array.from({ length: QUERIES }, (_, i) =>
      db.selectFrom('rows').select('name').where('id', '=', 1 + (i % 100)).executeTakeFirstOrThrow().then((row) => {
        done++;
        return row.name;
      }));
    const answeredAfter = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(done));
      }).on('error', reject);
    });
    const names = await Promise.all(queries);
    assert.equal(names.length, QUERIES);
    assert.equal(names[QUERIES - 1], `rad ${((QUERIES - 1) % 100) + 1}`);
    assert.ok(answeredAfter < QUERIES / 2, `the answer came after ${answeredAfter} of ${QUERIES} queries were done`);
  });

  it('keeps a transaction whole while it waits for a turn', async () => {
    // (a transaction's queries share the connection it holds: others wait for its end, never run between its queries)
    const seen: string[] = [];
    const busy = Array.from({ length: 2000 }, () => db.selectFrom('rows').select('id').where('id', '=', 1).execute());
    const transaction = db.transaction().execute(async (trx) => {
      await trx.updateTable('rows').set({ name: 'ändrad' }).where('id', '=', 2).execute();
      for (let i = 0; i < 200; i++) await trx.selectFrom('rows').select('id').where('id', '=', 3).execute();
      seen.push((await trx.selectFrom('rows').select('name').where('id', '=', 2).executeTakeFirstOrThrow()).name);
      await trx.updateTable('rows').set({ name: 'rad 2' }).where('id', '=', 2).execute();
    });
    const outside = db.selectFrom('rows').select('name').where('id', '=', 2).executeTakeFirstOrThrow().then((r) => seen.push(r.name));
    await Promise.all([...busy, transaction, outside]);
    assert.deepEqual(seen.sort(), ['rad 2', 'ändrad']);
  });
});
