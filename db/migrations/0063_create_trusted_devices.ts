import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// A PIN on a trusted device (server/pin/): a browser where a guardian chose a 4-digit PIN. The browser keeps a random
// token in an httpOnly cookie; the row keeps only its SHA-256 hash (`token_hash`, unique: the cookie finds the row) and
// the PIN's argon2id hash (of the PIN together with the token, so the hash alone cannot be tried against 10 000 PINs).
// `failures` counts wrong PINs since the last right one (five and the row is deleted). A new password, or the account
// closed, deletes the account's devices; a device goes with its account.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('trusted_devices')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('pin_hash', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('trusted_devices_account').on('trusted_devices').columns(['account_id']).execute();
}
