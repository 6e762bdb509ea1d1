import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { flagColumn, idColumn } from '../sql.ts';

// Notifications reach people at once, in an evening summary or only in Vardag, by e-mail and push (server/notifications/):
// - `notifications.topic`: the news a notification is part of (null: a notice only for the bell), so the bell leaves
//   out messages (the envelope counts those) while the summary and delivery still see them;
// - `notification_choices` replaces account_notification_choices: per account, topic and child (0: all children and
//   news about no child) when (now / summary / off) and by which channels. Its rows are carried over: e-mail chosen
//   becomes e-mail at the topic's default time (messages at once, the rest in the summary), "none" becomes off;
// - `notification_settings`: the hour of a municipality's evening summary (Europe/Stockholm), and its changes kept;
// - `notification_summary_runs`: one row per municipality and day, the claim that makes the summary go once a day;
// - `notification_summaries`: per account and day, what the summary covered (up to `until`), so the next one starts
//   there and a summary job run twice mails once;
// - `mail_outbox.delivery_key`: the idempotency key of a mail (unique), also its Message-ID.
// biome-ignore lint/suspicious/noExplicitAny: the migration reads the old table, which db/schema.ts no longer has
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('topic', 'text').execute();
  await db.schema.createIndex('notifications_created').on('notifications').columns(['created_at']).execute();

  await db.schema.createTable('notification_choices')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('child_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('timing', 'text', (c) => c.notNull().check(oneOf('timing', ['now', 'summary', 'off'])))
    .addColumn('email', 'integer', flagColumn)
    .addColumn('push', 'integer', flagColumn)
    .addColumn('sms', 'integer', flagColumn)
    .addPrimaryKeyConstraint('notification_choices_pk', ['account_id', 'topic', 'child_id'])
    .execute();
  const old = await db.selectFrom('account_notification_choices').select(['account_id', 'kind', 'channel']).execute();
  for (let i = 0; i < old.length; i += 200) {
    await db.insertInto('notification_choices').values(old.slice(i, i + 200).map((r: { account_id: number; kind: string; channel: string }) => ({
      account_id: r.account_id, topic: r.kind, child_id: 0,
      timing: r.channel === 'none' ? 'off' : r.kind === 'messages' ? 'now' : 'summary',
      email: r.channel === 'email' ? 1 : 0, push: r.channel === 'email' ? 1 : 0, sms: 0,
    }))).execute();
  }
  await db.schema.dropTable('account_notification_choices').execute();

  await db.schema.createTable('notification_settings')
    .addColumn('municipality_id', 'integer', (c) => c.primaryKey().references('municipalities.id'))
    .addColumn('summary_hour', 'integer', (c) => c.notNull().defaultTo(18))
    .execute();
  await db.schema.createTable('notification_settings_changes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('old_hour', 'integer', (c) => c.notNull())
    .addColumn('new_hour', 'integer', (c) => c.notNull())
    .addColumn('changed_by', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('notification_summary_runs')
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_summary_runs_pk', ['municipality_id', 'day'])
    .execute();
  await db.schema.createTable('notification_summaries')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('until', 'text', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_summaries_pk', ['account_id', 'day'])
    .execute();

  await db.schema.alterTable('mail_outbox').addColumn('delivery_key', 'text').execute();
  await db.schema.createIndex('mail_outbox_delivery_key').on('mail_outbox').column('delivery_key').unique().execute();
}
