// Named demo records, found by name so tests read like the feature ("Elsa", "Blåbär", "Solrosen").
import { sql } from 'kysely';
import type { Db } from '../../server/kernel/db.ts';
import { recordWrites } from './database.ts';

export async function personId(db: Db, first: string, last: string): Promise<number> {
  const row = await db.selectFrom('persons').select('id').where('first_name', '=', first).where('last_name', '=', last).executeTakeFirstOrThrow();
  return row.id;
}

export async function groupId(db: Db, name: string): Promise<number> {
  return (await db.selectFrom('groups').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
}

export async function unitId(db: Db, name: string): Promise<number> {
  return (await db.selectFrom('units').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
}

export async function municipalityId(db: Db, name: string): Promise<number> {
  return (await db.selectFrom('municipalities').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
}

export async function countRows(db: Db, table: 'sessions' | 'accounts' | 'persons'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Tables a refused request may write: the sessions, the counters of failed password checks (a wrong password counts),
 * the rate limits' hits (a request counts before it is checked), and the audit trail (an allowed user's refused form of
 * an audited action is recorded as an attempt).
 */
const BOOKKEEPING = new Set(['sessions', 'login_limits', 'rate_limit_hits', 'audit_trail']);

/** Every row of every table but the bookkeeping, as one string: equal before and after a request that wrote nothing. */
export async function fingerprint(db: Db): Promise<string> {
  return [...(await tableContents(db))].map(([table, rows]) => `${table}:${rows}`).join('\n');
}

/** Every table but the bookkeeping, each with its rows as one string: compare two with `changedTables`. */
export async function tableContents(db: Db): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  for (const table of await dataTables(db)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    // Sorted: PostgreSQL returns rows in no set order (a row rewritten with its own values moves), SQLite by rowid.
    contents.set(table, JSON.stringify(rows.rows.map((row) => JSON.stringify(row)).sort()));
  }
  return contents;
}

const WATCH_PREFIX = 'test_writes';

/** Every table but the bookkeeping (sessions, migrations, a write watch's own table...). */
async function dataTables(db: Db): Promise<string[]> {
  return (await db.introspection.getTables()).map((tb) => tb.name)
    .filter((table) => !BOOKKEEPING.has(table) && !table.startsWith('kysely_') && !table.startsWith(WATCH_PREFIX));
}

/** The rows written since `clear`, as "table insert|update|delete", each once, sorted. */
export interface WriteWatch { clear(): Promise<void>; written(): Promise<string[]> }

/**
 * Watches every table but the bookkeeping for writes, by triggers (test/support/database.ts `recordWrites`): stricter
 * than comparing two `fingerprint`s (a row written back with its own values counts) and a query instead of reading the
 * whole database, for tests that check thousands of refused requests wrote nothing. Install it once the tables are made.
 */
export async function watchWrites(db: Db, name = WATCH_PREFIX): Promise<WriteWatch> {
  if (!name.startsWith(WATCH_PREFIX)) throw new Error(`a write watch's table starts with ${WATCH_PREFIX}`);
  await recordWrites(db, await dataTables(db), name);
  return {
    async clear() { await sql`delete from ${sql.table(name)}`.execute(db); },
    async written() {
      const rows = await sql<{ tbl: string; op: string }>`select distinct tbl, op from ${sql.table(name)}`.execute(db);
      return rows.rows.map((row) => `${row.tbl} ${row.op}`).sort();
    },
  };
}

/** The tables whose rows differ between two `tableContents`: what a request wrote (the bookkeeping left out). */
export function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((name) => before.get(name) !== after.get(name)).sort();
}

/** The demo people a test about siblings needs: Emma's children Elsa and Oskar, Nora (not hers), a Grannkommun child. */
export async function siblingsCast(db: Db): Promise<{ elsa: number; oskar: number; nora: number; neighbour: number }> {
  return {
    elsa: await personId(db, 'Elsa', 'Andersson'),
    oskar: await personId(db, 'Oskar', 'Andersson'),
    nora: await personId(db, 'Nora', 'Haddad'),
    neighbour: (await db.selectFrom('persons').select('id').where('last_name', '=', 'Grannberg').orderBy('id').executeTakeFirstOrThrow()).id,
  };
}
