import type { Kysely } from 'kysely';

// The counters of failed password checks (server/accounts/login-limits.ts): one row per subject ("address:…",
// "account:…", "key:…") with its failures in the current window and when that window ends. Rows whose window has
// ended count for nothing and are deleted as new failures come in.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('login_limits')
    .addColumn('subject', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_ends_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_limits_window_ends_at').on('login_limits').column('window_ends_at').execute();
}
