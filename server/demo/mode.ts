// Being a demo is a property of the database, written once when it is created; the environment cannot change it.
import type { Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/sql.ts';
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
  const settled = await settledMode(db, production);
  if (settled) return settled;
  const mode: DatabaseMode = production ? 'production' : 'demo';
  try {
    await db.transaction().execute(async (trx) => {
      await insertMeta(trx, 'mode', mode);
      if (mode === 'demo') await seed(trx);
    });
  } catch (err) {
    // Another process started on the same new database settled it first (its row came first): take its mode.
    const theirs = isUniqueViolation(err, 'app_meta.key') ? await settledMode(db, production) : undefined;
    if (!theirs) throw err;
    return theirs;
  }
  return { mode, created: true };
}

async function settledMode(db: Db, production: boolean): Promise<{ mode: DatabaseMode; created: false } | undefined> {
  const existing = await readMeta(db, 'mode');
  if (existing !== 'demo' && existing !== 'production') return undefined;
  if (existing === 'demo' && production) throw new DemoDatabaseInProduction();
  return { mode: existing, created: false };
}
