import type { Kysely } from 'kysely';
import { flagColumn, idColumn } from '../sql.ts';

// Strong login per municipality (server/e-id/settings.ts, staff-links.ts): the municipality's e-ID broker (an OpenID
// Connect provider; its client secret lives in the environment, never here), how long a strong login lasts idle and
// which other ways in it allows, every change of those (and of the staff links) kept, and the staff an admin linked to an identity of the
// provider (its subject or e-mail address), each identity once per municipality and provider.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('e_id_settings')
    .addColumn('municipality_id', 'integer', (c) => c.primaryKey().references('municipalities.id'))
    .addColumn('enabled', 'integer', flagColumn)
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('personnummer_claim', 'text', (c) => c.notNull().defaultTo('personal_number'))
    // the acr values that count as a strong login, one per line
    .addColumn('strong_acr', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('staff_match', 'text', (c) => c.notNull().defaultTo('subject'))
    .addColumn('changed_by', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('login_settings')
    .addColumn('municipality_id', 'integer', (c) => c.primaryKey().references('municipalities.id'))
    .addColumn('strong_idle_minutes', 'integer', (c) => c.notNull().defaultTo(20))
    .addColumn('sms_code_login', 'integer', flagColumn)
    .addColumn('passkeys_strong', 'integer', flagColumn)
    .addColumn('changed_by', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('login_settings_changes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('setting', 'text', (c) => c.notNull())
    // a staff link's change ('staffLink'): whose
    .addColumn('person_id', 'integer', (c) => c.references('persons.id').onDelete('set null'))
    // null: not set before (the default, or no e-ID at all)
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('changed_by', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_settings_changes_by_municipality').on('login_settings_changes').columns(['municipality_id', 'id']).execute();
  await db.schema.createTable('staff_e_id_links')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id').onDelete('cascade'))
    .addColumn('issuer', 'text', (c) => c.notNull())
    // exactly one of the two: the provider's subject, or the e-mail address (lower case) it vouches for
    .addColumn('subject', 'text')
    .addColumn('email', 'text')
    .addColumn('created_by', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('staff_e_id_links_person', ['municipality_id', 'person_id', 'issuer'])
    // each identity once per municipality: one person working for two municipalities on the same broker is linked in both
    .addUniqueConstraint('staff_e_id_links_subject', ['municipality_id', 'issuer', 'subject'])
    .addUniqueConstraint('staff_e_id_links_email', ['municipality_id', 'issuer', 'email'])
    .execute();
}
