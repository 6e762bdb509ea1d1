import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Passkeys (server/passkeys/): the WebAuthn credentials an account registered to log in without a password. The
// credential id (base64url) is unique over the whole installation (a login names only it: discoverable credentials);
// the public key is the COSE key as base64url text (text on both databases); `user_handle` is the random WebAuthn user
// id the account's passkeys share (never the account id); `counter` the authenticator's signature counter (0 for most
// synced passkeys); `transports` the browser's hints, comma separated; `registered_strong` 1 when it was added from a
// strong (e-ID) session — only such a passkey can log in strong, where the municipality counts passkeys as strong (a
// passkey added from a weak session stays a weak way in, whatever the setting becomes later). An account's passkeys go
// with the account.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('passkeys')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('user_handle', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('registered_strong', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('passkeys_account').on('passkeys').columns(['account_id']).execute();
}
