import { sql, type Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { idColumn } from '../sql.ts';

// A person's own account: forgotten-password links, extra e-mail addresses verified by link, a mobile number,
// notification choices, and requests to close the account. Every token is stored only as its SHA-256.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('mobile', 'text').execute();

  await db.schema.createTable('password_reset_tokens')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('password_reset_tokens_account').on('password_reset_tokens').column('account_id').execute();

  await db.schema.createTable('account_emails')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text')
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('token_expires_at', 'text')
    .addUniqueConstraint('account_emails_account_email', ['account_id', 'email_key'])
    .execute();
  await db.schema.createIndex('account_emails_email').on('account_emails').column('email_key').execute();

  await db.schema.createTable('account_notification_choices')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(oneOf('channel', ['email', 'none'])))
    .addPrimaryKeyConstraint('account_notification_choices_pk', ['account_id', 'kind'])
    .execute();

  await db.schema.createTable('account_closure_requests')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('handled_at', 'text')
    .addColumn('handled_by', 'integer', (c) => c.references('accounts.id'))
    .addColumn('outcome', 'text', (c) => c.check(oneOf('outcome', ['closed', 'withdrawn'])))
    .execute();
  // At most one open request per account.
  await db.schema.createIndex('account_closure_requests_open').on('account_closure_requests').column('account_id').unique()
    .where(sql.ref('handled_at'), 'is', null).execute();
}
