// A PostgreSQL connection that breaks while it waits in the pool (the server restarted, a firewall cut it, an
// administrator ended it) must not take the Vardag process down: the pool drops it and the next query gets a new one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openPostgres, type Connection } from '../../server/kernel/db.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';

describe('a PostgreSQL connection lost while idle', () => {
  let cluster: PostgresCluster;
  let connection: Connection;
  let admin: Connection;
  const uncaught: unknown[] = [];
  const listener = (err: unknown) => { uncaught.push(err); };

  before(async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase();
    connection = openPostgres(url, 2);
    admin = openPostgres(url, 1);
    process.on('uncaughtException', listener);
  });
  after(async () => {
    process.off('uncaughtException', listener);
    await connection?.close();
    await admin?.close();
    await cluster?.stop();
  });

  it('is dropped from the pool without an uncaught error, and the next query works', async () => {
    const pid = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(connection.db)).rows[0].pid;
    const idle = await pid(); // the connection goes back to the pool and waits there
    await sql`select pg_terminate_backend(${idle})`.execute(admin.db);
    for (let i = 0; i < 50 && uncaught.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(uncaught.map(String), [], 'no uncaught error');
    assert.notEqual(await pid(), idle, 'a new connection');
  });
});
