// Processes started together on a new database (VARDAG_WORKERS aside: one port per process, or a restart during the
// first start) each settle demo or real: one seeds it, the others take the mode it chose instead of stopping.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrateToLatest, readMeta, type Connection } from '../../server/kernel/db.ts';
import { settleMode } from '../../server/demo/mode.ts';
import { newInstallation, type TestInstallation } from '../support/database.ts';

describe('settling a new database from two processes at once', () => {
  let installation: TestInstallation;
  let connection: Connection;
  before(async () => {
    installation = await newInstallation('settle');
    connection = installation.open();
    await migrateToLatest(connection.db);
  });
  after(async () => {
    await connection.close();
    await installation.remove();
  });

  // Two calls on one pool: on PostgreSQL two connections side by side; on SQLite (one connection, transactions one
  // after the other, as two processes' are) the second reads the empty mode before the first one's transaction.
  it('seeds it once; the other gets the same mode, not an error', async () => {
    let seeds = 0;
    const seed = async () => {
      seeds++;
      await new Promise((resolve) => setTimeout(resolve, 50)); // the other process reads the empty mode meanwhile
    };
    const results = await Promise.all([settleMode(connection.db, false, seed), settleMode(connection.db, false, seed)]);
    assert.deepEqual(results.map((r) => r.mode), ['demo', 'demo']);
    assert.deepEqual(results.map((r) => r.created).sort(), [false, true]);
    assert.equal(seeds, 1);
    assert.equal(await readMeta(connection.db, 'mode'), 'demo');
  });
});
