// Migration 0045 carries each account's old choices (by e-mail or not at all, per topic) over to the new ones: e-mail
// chosen becomes e-mail (and push) at the topic's time, messages at once and the rest in the summary; "none" becomes
// only in Vardag. Notifications already stored keep working in the bell (no topic: bell only).
// Migration 0047 marks summarised what an account's last summary covered (the next summary picks what none had, not a
// window of time), marks the urgent messages' notifications (never in a summary), ticks the absence SMS of every stored
// choice (until then the box changed nothing: everyone got the SMS), and leaves push where e-mail was chosen.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Kysely, Migrator } from 'kysely';
import { migrations } from '../../db/migrations/index.ts';
import { newInstallation, type TestInstallation } from '../support/database.ts';

describe('migrations 0045 and 0047 on choices and notifications made before them', () => {
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

      assert.equal((await migrator.migrateTo('0045_choose_how_notifications_reach_people')).error, undefined, 'the upgrade runs');
      const choices = () => db.selectFrom('notification_choices').select(['topic', 'child_id', 'timing', 'email', 'push', 'sms'])
        .where('account_id', '=', account).orderBy('topic').execute();
      assert.deepEqual(await choices(), [
        { topic: 'absence', child_id: 0, timing: 'summary', email: 1, push: 1, sms: 0 },
        { topic: 'blog', child_id: 0, timing: 'off', email: 0, push: 0, sms: 0 },
        { topic: 'messages', child_id: 0, timing: 'now', email: 1, push: 1, sms: 0 },
      ]);
      const stored = await db.selectFrom('notifications').select(['topic', 'read_at']).where('account_id', '=', account).execute();
      assert.deepEqual(stored, [{ topic: null, read_at: null }]);

      // 0047: a summary covered everything up to 18.00 on 1 December; an urgent message and a late one came after
      const news = (kind: string, created: string) => ({ account_id: account, child_id: null, kind, params: '{}', url: '/messages/1', created_at: created, read_at: null, topic: 'messages' });
      await db.insertInto('notifications').values([
        news('message', '2026-12-01T10:00:00.000Z'), news('messageUrgent', '2026-12-01T19:00:00.000Z'), news('message', '2026-12-01T20:00:00.000Z'),
      ]).execute();
      await db.insertInto('notification_summaries').values({ account_id: account, day: '2026-12-01', until: '2026-12-01T17:00:00.000Z', items: 1, created_at: '2026-12-01T17:00:01.000Z' }).execute();
      assert.equal((await migrator.migrateTo('0047_mark_notifications_summarised_and_urgent')).error, undefined, 'the upgrade runs');
      const marked = await db.selectFrom('notifications').select(['kind', 'created_at', 'summarised_at', 'urgent']).where('account_id', '=', account).orderBy('id').execute();
      assert.deepEqual(marked, [
        { kind: 'childAdded', created_at: at, summarised_at: '2026-12-01T17:00:00.000Z', urgent: 0 },
        { kind: 'message', created_at: '2026-12-01T10:00:00.000Z', summarised_at: '2026-12-01T17:00:00.000Z', urgent: 0 },
        { kind: 'messageUrgent', created_at: '2026-12-01T19:00:00.000Z', summarised_at: null, urgent: 1 },
        { kind: 'message', created_at: '2026-12-01T20:00:00.000Z', summarised_at: null, urgent: 0 },
      ]);
      assert.deepEqual(await choices(), [
        { topic: 'absence', child_id: 0, timing: 'summary', email: 1, push: 1, sms: 1 },
        { topic: 'blog', child_id: 0, timing: 'off', email: 0, push: 0, sms: 0 },
        { topic: 'messages', child_id: 0, timing: 'now', email: 1, push: 1, sms: 0 },
      ], 'the absence SMS ticked; push where e-mail was chosen kept');
      assert.equal((await migrator.migrateToLatest()).error, undefined, 'the rest runs');
    } finally {
      await connection.close();
    }
  });
});
