// Being a demo is a property of the database, written once when it is created; the environment cannot change it.
import type { Transaction } from 'kysely';
import { insertMeta, readMeta, type Database, type Db, type DatabaseMode } from '../kernel/db.ts';

export class DemoDatabaseInProduction extends Error {
  constructor() {
    super('This database was created as a demo database. NODE_ENV=production refuses to run on it: '
      + 'start with an empty VARDAG_DATA_DIR to create a real database.');
  }
}

/**
 * Returns the database's mode. A new database becomes a demo unless created in production; a new demo database is
 * seeded in the same transaction that marks it, so a crash half-way leaves an empty database, never a half demo.
 */
export async function settleMode(
  db: Db, production: boolean, seed: (trx: Transaction<Database>) => Promise<void>,
): Promise<{ mode: DatabaseMode; created: boolean }> {
  const existing = await readMeta(db, 'mode');
  if (existing === 'demo' || existing === 'production') {
    if (existing === 'demo' && production) throw new DemoDatabaseInProduction();
    return { mode: existing, created: false };
  }
  const mode: DatabaseMode = production ? 'production' : 'demo';
  await db.transaction().execute(async (trx) => {
    await insertMeta(trx, 'mode', mode);
    if (mode === 'demo') await seed(trx);
  });
  return { mode, created: true };
}
