import type { Kysely } from 'kysely';
import { flagColumn, idColumn } from '../sql.ts';

// The SMS outbox (server/sms/): an SMS is a row here before anything tries to send it, like a mail in mail_outbox.
// `child_id` and `day` say what an SMS is about; the unique (child_id, day, recipient) is the "at most one SMS per
// child per day to a number" rule, so two stores at once cannot both queue one (NULLs never collide: an SMS about
// no child is never held back by it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('sms_outbox')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('child_id', 'integer', (c) => c.references('persons.id'))
    .addColumn('day', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('failed_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('demo_outbox', 'integer', flagColumn)
    .addColumn('provider_id', 'text')
    .addUniqueConstraint('sms_outbox_child_day_recipient', ['child_id', 'day', 'recipient'])
    .execute();
  await db.schema.createIndex('sms_outbox_sent').on('sms_outbox').columns(['demo_outbox', 'sent_at']).execute();
}
