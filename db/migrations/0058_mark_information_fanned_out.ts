import { sql, type Kysely } from 'kysely';

// An information item's notifications are written once (server/information/write.ts fanOutItem): `notified_at` says
// when its audience was told. A municipality's item is told by a job, which a crash may run twice; the conditional
// update of this column decides which run writes them. Items published before this were told at publishing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('information_items').addColumn('notified_at', 'text').execute();
  await sql`UPDATE information_items SET notified_at = published_at`.execute(db);
}
