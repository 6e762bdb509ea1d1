import { sql, type Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Arrival and departure belong to a group: a pupil who leaves school for fritids has left the class, not fritids.
// The table is rebuilt with the group (SQLite cannot drop the old unique key); earlier rows go to the child's first group.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('attendances_by_group')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('arrived_at', 'text')
    .addColumn('left_at', 'text')
    .addColumn('updated_by', 'integer', (c) => c.notNull().references('accounts.id'))
    .addUniqueConstraint('attendances_child_group_date', ['child_id', 'group_id', 'date'])
    .execute();
  await sql`insert into attendances_by_group (child_id, group_id, date, arrived_at, left_at, updated_by)
    select a.child_id, (select p.group_id from placements p where p.child_id = a.child_id order by p.start_date limit 1),
      a.date, a.arrived_at, a.left_at, a.updated_by
    from attendances a
    where exists (select 1 from placements p where p.child_id = a.child_id)`.execute(db);
  await db.schema.dropTable('attendances').execute();
  await db.schema.alterTable('attendances_by_group').renameTo('attendances').execute();
}
