// The migrations were rewritten so that PostgreSQL runs them too (db/sql.ts's column kinds). Installations on SQLite
// ran them long ago and never will again: on SQLite they must still make exactly the schema they made before. The
// fixture is sqlite_master of a file migrated by the migrations as they were before the rewrite.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator } from 'kysely';
import { openDatabase } from '../../server/kernel/db.ts';
import { migrations } from '../../db/migrations/index.ts';

interface MasterRow { type: string; name: string; tbl_name: string; sql: string | null }

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/sqlite-schema.json');
/** The last migration the fixture was made with: later ones may change the schema, and are not compared. */
const LAST = '0017_create_audit_trail';

describe('the migrations on SQLite', () => {
  it('make byte for byte the schema they made before they were made portable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vardag-portable-'));
    const connection = openDatabase(path.join(dir, 'vardag.sqlite'));
    try {
      const migrator = new Migrator({ db: connection.db, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo(LAST);
      assert.equal(error, undefined);
      const actual = connection.sqlite.prepare('select type, name, tbl_name, sql from sqlite_master order by name').all() as MasterRow[];
      const expected = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as MasterRow[];
      // kysely's own two tables (kysely_migration, kysely_migration_lock) are in both.
      assert.deepEqual(actual, expected);
      assert.ok(expected.some((row) => row.sql?.includes('"id" integer primary key autoincrement')), 'the fixture has SQLite ids');
    } finally {
      await connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
