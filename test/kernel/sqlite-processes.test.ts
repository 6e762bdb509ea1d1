// Several processes on one SQLite file (VARDAG_WORKERS=N without PostgreSQL): a transaction that reads and then
// writes must wait for another process's write, not fail. With SQLite's plain `begin` the write lock is taken only at
// the first write, and a process that wrote in between makes that write fail at once (SQLITE_BUSY_SNAPSHOT).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { migrateToLatest, openDatabase } from '../../server/kernel/db.ts';
import { removeTempDirs, tempDir } from '../support/system.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROUNDS = 300;

async function writer(file: string, name: string): Promise<{ failed: number; codes: string[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/support/sqlite-writer.ts', file, name, String(ROUNDS)],
    { cwd: ROOT });
  return JSON.parse(stdout) as { failed: number; codes: string[] };
}

describe('two processes writing one SQLite file', () => {
  it('runs every read-then-write transaction of both, none failing and none lost', async () => {
    const file = path.join(tempDir('sqlite-processes'), 'vardag.sqlite');
    try {
      const migrated = openDatabase(file);
      await migrateToLatest(migrated.db);
      await migrated.close();
      const results = await Promise.all([writer(file, 'a'), writer(file, 'b')]);
      assert.deepEqual(results, [{ failed: 0, codes: [] }, { failed: 0, codes: [] }]);
      const connection = openDatabase(file);
      try {
        const rows = await connection.db.selectFrom('app_meta').select('value').where('value', 'in', ['a', 'b']).execute();
        assert.equal(rows.length, 2 * ROUNDS);
      } finally {
        await connection.close();
      }
    } finally {
      removeTempDirs();
    }
  });
});
