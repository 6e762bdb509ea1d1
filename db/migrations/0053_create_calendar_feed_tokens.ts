import type { Kysely } from 'kysely';

// The calendar subscription (server/calendar/feed.ts): one secret token per account, kept only as its SHA-256 hash
// (`token_hash`, unique: the feed's URL finds the account by it). Renewing replaces the row, so the old URL is gone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('calendar_feed_tokens')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
