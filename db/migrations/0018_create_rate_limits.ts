import type { Kysely } from 'kysely';

// The hit counters of the rate limits on requests that send mail or SMS (server/kernel/rate-limits.ts): one row per
// limit and client ("verify-sms-number/+46701234567") with its hits in the current window and when that window ends.
// In the database, not in a process's memory, so that every process behind the load balancer counts the same hits.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('rate_limit_hits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('resets_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limit_hits_resets_at').on('rate_limit_hits').column('resets_at').execute();
}
