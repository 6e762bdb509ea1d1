import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Web push (server/push/): the VAPID key pair of this installation (one row, made at the first start and kept here,
// never in the configuration), each account's push subscriptions (one per browser/device; `endpoint` is the push
// service's address for it, unique) and the push outbox: one row per subscription and delivery, unique
// (subscription_id, delivery_key) so a retried delivery never queues a second push. A subscription's outbox rows go
// with it when it is removed or the push service reports it gone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('push_keys')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('push_subscriptions')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('endpoint', 'text', (c) => c.notNull().unique())
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('push_subscriptions_account').on('push_subscriptions').columns(['account_id']).execute();

  await db.schema.createTable('push_outbox')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('subscription_id', 'integer', (c) => c.notNull().references('push_subscriptions.id').onDelete('cascade'))
    .addColumn('delivery_key', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('failed_at', 'text')
    .addUniqueConstraint('push_outbox_subscription_delivery', ['subscription_id', 'delivery_key'])
    .execute();
}
