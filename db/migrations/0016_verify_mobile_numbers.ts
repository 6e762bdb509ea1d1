import { sql, type Kysely } from 'kysely';

// A mobile number gets SMS only once its holder has typed in the code SMS:ed to it. `accounts.mobile` holds the
// verified number from now on; a number being verified waits in `account_mobile_verifications` (one per account) with
// the SHA-256 of its code, when the code expires and the wrong tries made. Numbers stored before this were never
// verified: they move to the waiting state without a code (code_hash NULL), so they get no SMS until their holder
// asks for a code and types it in; until then SMS go to the register's number, as for an account without one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('account_mobile_verifications')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text')
    .addColumn('code_expires_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_mobile_verifications_mobile').on('account_mobile_verifications').column('mobile').execute();

  const now = new Date().toISOString();
  await sql`insert into account_mobile_verifications (account_id, mobile, attempts, created_at)
    select id, mobile, 0, ${now} from accounts where mobile is not null`.execute(db);
  await sql`update accounts set mobile = null where mobile is not null`.execute(db);
}
