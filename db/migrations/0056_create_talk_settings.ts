import type { Kysely } from 'kysely';

// A unit's rules for development talks (server/talks/), set by its head: guardians book, change and cancel until
// `deadline_days` days before the talk, and a family in two homes books one talk together ('together') or one per
// home ('each'). A unit without a row uses the defaults of server/talks/rules.ts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('talk_settings')
    .addColumn('unit_id', 'integer', (c) => c.primaryKey().references('units.id'))
    .addColumn('deadline_days', 'integer', (c) => c.notNull())
    .addColumn('two_homes', 'text', (c) => c.notNull())
    .addColumn('updated_by_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
