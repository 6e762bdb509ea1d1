import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';

// The contact list (server/contacts/): what each guardian lets the other guardians of their children's groups see of
// their own registered details: nothing, the phone number, the e-mail address or both. One row per guardian (a person),
// written when they first choose; no row means 'none', the default. Never an address: the list has no column for one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('contact_visibility')
    .addColumn('person_id', 'integer', (c) => c.primaryKey().references('persons.id').onDelete('cascade'))
    .addColumn('shows', 'text', (c) => c.notNull().check(oneOf('shows', ['none', 'phone', 'email', 'both'])))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
