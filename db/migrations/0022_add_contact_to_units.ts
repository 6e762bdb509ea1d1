import type { Kysely } from 'kysely';

// A unit's public contact details (visiting address, phone, e-mail), shown in the footer to its guardians and staff and
// on paper invitations. Empty until someone fills them in (the admin pages come later; the demo seed fills its units).
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['street_address', 'postal_code', 'city', 'phone', 'email']) {
    await db.schema.alterTable('units').addColumn(column, 'text').execute();
  }
}
