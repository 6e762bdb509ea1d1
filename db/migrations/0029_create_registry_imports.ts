import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// A registry file uploaded for import (server/registry-import/): kept, decoded, from its upload until it is applied,
// so that what a person approves is the file they previewed. Its content is emptied when it is applied: the
// register's history (register_changes) keeps what changed, and the file need not outlive that.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('registry_imports')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('encoding', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addColumn('applied_by', 'integer')
    .addColumn('applied_at', 'text')
    .addColumn('summary', 'text')
    .execute();
  await db.schema.createIndex('registry_imports_municipality').on('registry_imports').columns(['municipality_id', 'id']).execute();
}
