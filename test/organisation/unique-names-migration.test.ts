// Migration 0026 makes names unique (areas and units in a municipality, groups in a unit): a database that already
// has a name twice upgrades all the same, the later record's name getting its id, for an admin to rename.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator } from 'kysely';
import { migrations } from '../../db/migrations/index.ts';
import { newInstallation, type TestInstallation } from '../support/database.ts';

describe('migration 0026 on names given twice', () => {
  let installation: TestInstallation;
  before(async () => { installation = await newInstallation('names-0026'); });
  after(() => installation.remove());

  it('upgrades, keeping the first name and adding the id to the later ones', async () => {
    const connection = installation.open();
    try {
      const migrator = new Migrator({ db: connection.db, provider: { getMigrations: async () => migrations } });
      assert.equal((await migrator.migrateTo('0025_create_register_changes')).error, undefined);
      const db = connection.db;
      const at = '2026-11-01T00:00:00Z';
      const { id: kommun } = await db.insertInto('municipalities').values({ name: 'Provkommun', created_at: at, terms_of_use: null }).returning('id').executeTakeFirstOrThrow();
      const area = async () => (await db.insertInto('areas').values({ municipality_id: kommun, name: 'Norr' }).returning('id').executeTakeFirstOrThrow()).id;
      const unit = async () => (await db.insertInto('units').values({ municipality_id: kommun, area_id: null, name: 'Solrosen', kind: 'preschool' })
        .returning('id').executeTakeFirstOrThrow()).id;
      const [area1, area2] = [await area(), await area()];
      const [unit1, unit2] = [await unit(), await unit()];
      const group = async (unitId: number) => (await db.insertInto('groups').values({ unit_id: unitId, name: 'Blåbär' }).returning('id').executeTakeFirstOrThrow()).id;
      const [group1, group2, otherUnitsGroup] = [await group(unit1), await group(unit1), await group(unit2)];

      assert.equal((await migrator.migrateToLatest()).error, undefined, 'the upgrade runs');
      const names = async (table: 'areas' | 'units' | 'groups') => (await db.selectFrom(table).select(['id', 'name']).orderBy('id').execute())
        .map((r) => [r.id, r.name]);
      assert.deepEqual(await names('areas'), [[area1, 'Norr'], [area2, `Norr (${area2})`]]);
      assert.deepEqual(await names('units'), [[unit1, 'Solrosen'], [unit2, `Solrosen (${unit2})`]]);
      assert.deepEqual(await names('groups'), [[group1, 'Blåbär'], [group2, `Blåbär (${group2})`], [otherUnitsGroup, 'Blåbär']],
        'a group of another unit keeps its name');
    } finally {
      await connection.close();
    }
  });
});
