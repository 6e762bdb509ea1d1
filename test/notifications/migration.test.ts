// Migration 0045 carries each account's old choices (by e-mail or not at all, per topic) over to the new ones: e-mail
// chosen becomes e-mail (and push) at the topic's time, messages at once and the rest in the summary; "none" becomes
// only in Vardag. Notifications already stored keep working in the bell (no topic: bell only).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Kysely, Migrator } from 'kysely';
import { migrations } from '../../db/migrations/index.ts';
import { newInstallation, type TestInstallation } from '../support/database.ts';

describe('migration 0045 on choices made before it', () => {
  let installation: TestInstallation;
  before(async () => { installation = await newInstallation('choices-0045'); });
  after(() => installation.remove());

  it('upgrades the old choices and keeps the stored notifications', async () => {
    const connection = installation.open();
    try {
      const migrator = new Migrator({ db: connection.db, provider: { getMigrations: async () => migrations } });
      assert.equal((await migrator.migrateTo('0044_create_message_attachments_and_out_of_office')).error, undefined);
      // biome-ignore lint/suspicious/noExplicitAny: the old table is no longer in db/schema.ts
      const db = connection.db as unknown as Kysely<any>;
      const at = '2026-11-01T00:00:00Z';
      const { id: kommun } = await db.insertInto('municipalities').values({ name: 'Provkommun', created_at: at, terms_of_use: null }).returning('id').executeTakeFirstOrThrow();
      const { id: person } = await db.insertInto('persons').values({ municipality_id: kommun, first_name: 'Lisa', last_name: 'Prov', identity_number: null,
        identity_kind: null, birth_date: null, protected_identity: 0, street_address: null, postal_code: null, city: null, email: null, phone: null, created_at: at })
        .returning('id').executeTakeFirstOrThrow();
      const { id: account } = await db.insertInto('accounts').values({ person_id: person, username: 'lisa', username_key: 'lisa', email: null, email_key: null,
        password_hash: 'x', language: 'sv', created_at: at }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('account_notification_choices').values([
        { account_id: account, kind: 'messages', channel: 'email' }, { account_id: account, kind: 'absence', channel: 'email' },
        { account_id: account, kind: 'blog', channel: 'none' },
      ]).execute();
      await db.insertInto('notifications').values({ account_id: account, child_id: null, kind: 'childAdded', params: '{}', url: '/', created_at: at, read_at: null }).execute();

      assert.equal((await migrator.migrateToLatest()).error, undefined, 'the upgrade runs');
      const choices = await connection.db.selectFrom('notification_choices').select(['topic', 'child_id', 'timing', 'email', 'push', 'sms'])
        .where('account_id', '=', account).orderBy('topic').execute();
      assert.deepEqual(choices, [
        { topic: 'absence', child_id: 0, timing: 'summary', email: 1, push: 1, sms: 0 },
        { topic: 'blog', child_id: 0, timing: 'off', email: 0, push: 0, sms: 0 },
        { topic: 'messages', child_id: 0, timing: 'now', email: 1, push: 1, sms: 0 },
      ]);
      const stored = await connection.db.selectFrom('notifications').select(['topic', 'read_at']).where('account_id', '=', account).execute();
      assert.deepEqual(stored, [{ topic: null, read_at: null }]);
    } finally {
      await connection.close();
    }
  });
});
