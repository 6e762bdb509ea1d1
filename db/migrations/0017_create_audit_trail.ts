import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// The audit trail (server/audit/): one row for each request of an audited action — who (account and person), what
// (the action), about which child and which other record, GET or POST and what came of it, and when. Ids only, no
// foreign keys: a row must outlive the account or record it names. Read by child and time, and by time alone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('audit_trail')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('child_id', 'integer')
    .addColumn('record_id', 'integer')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_trail_child_at').on('audit_trail').columns(['child_id', 'at']).execute();
  await db.schema.createIndex('audit_trail_at').on('audit_trail').column('at').execute();
}
