import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { idColumn } from '../sql.ts';

// The municipality's statements about Vardag (server/about/): its data protection notice (controller, data protection
// officer, purpose, legal basis, recipients, retention, rights, sources, the data handled) and its accessibility
// statement (how well Vardag complies, what is not accessible, whom to tell, when it was assessed). Each save is a new
// version, never changed: the notice that was in force on a given day can always be shown again. Two admins saving
// at once cannot both make version n + 1 (the unique key). Also: the audit trail read by who did it and when, for the
// admins' search (server/audit/).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('municipality_statements')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('controller', 'text')
    .addColumn('dpo', 'text')
    .addColumn('purpose', 'text')
    .addColumn('legal_basis', 'text')
    .addColumn('recipients', 'text')
    .addColumn('retention', 'text')
    .addColumn('rights', 'text')
    .addColumn('sources', 'text')
    .addColumn('categories', 'text')
    .addColumn('compliance', 'text', (c) => c.check(oneOf('compliance', ['full', 'partial', 'none'])))
    .addColumn('known_problems', 'text')
    .addColumn('feedback_email', 'text')
    .addColumn('feedback_phone', 'text')
    .addColumn('assessed_on', 'text')
    .addColumn('saved_by', 'integer', (c) => c.notNull())
    .addColumn('saved_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('municipality_statements_version', ['municipality_id', 'version'])
    .execute();
  await db.schema.createIndex('audit_trail_person_at').on('audit_trail').columns(['person_id', 'at']).execute();
}
