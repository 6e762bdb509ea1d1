import { sql, type Kysely } from 'kysely';

// At most one absence in force per child and day: a new report replaces the one before it (server/absence/), and with
// several processes two reports of the same day at once must not both stay. Should a database hold two in force
// already, the newest stays and the older ones count as replaced by it when it was made.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update absences set cancelled_at = (
      select min(newer.created_at) from absences newer
      where newer.child_id = absences.child_id and newer.date = absences.date and newer.cancelled_at is null and newer.id > absences.id)
    where cancelled_at is null and exists (
      select 1 from absences newer
      where newer.child_id = absences.child_id and newer.date = absences.date and newer.cancelled_at is null and newer.id > absences.id)`
    .execute(db);
  await db.schema.createIndex('absences_one_per_day').on('absences').columns(['child_id', 'date']).unique()
    .where(sql.ref('cancelled_at'), 'is', null).execute();
}
