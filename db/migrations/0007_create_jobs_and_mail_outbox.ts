import type { Kysely } from 'kysely';
import { flagColumn, idColumn } from '../sql.ts';

// The durable background jobs (server/kernel/jobs.ts) and the e-mail outbox (server/mail/): a mail is a row here
// before anything tries to send it, so a mail server that is down delays mail and loses none.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('jobs')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('done_at', 'text')
    .addColumn('failed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['done_at', 'failed_at', 'run_at']).execute();

  await db.schema.createTable('mail_outbox')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text')
    .addColumn('html_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('failed_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('demo_mailbox', 'integer', flagColumn)
    .execute();
  await db.schema.createIndex('mail_outbox_sent').on('mail_outbox').columns(['demo_mailbox', 'sent_at']).execute();
}
