import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Logging in with a code SMS:ed to the account's verified mobile number (server/accounts/sms-login*.ts): one row per
// code asked for, holding only the code's SHA-256 (`code_hash`), when it expires (10 minutes), when it was used (once:
// a conditional update sets `used_at`) and the tries made (at most 5). A request that names no account (or one that
// gets no SMS) gets a row too, with no account and the hash of a code nobody has, so both answers look the same.
// Rows are deleted a day after they expired.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('sms_login_codes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('account_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sms_login_codes_account').on('sms_login_codes').column('account_id').execute();
  await db.schema.createIndex('sms_login_codes_expires').on('sms_login_codes').column('expires_at').execute();
}
