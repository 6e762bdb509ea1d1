// Named demo records, found by name so tests read like the feature ("Elsa", "Blåbär", "Solrosen").
import { sql } from 'kysely';
import type { Db } from '../../server/kernel/db.ts';

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
  for (const table of (await db.introspection.getTables()).filter((tb) => !BOOKKEEPING.has(tb.name) && !tb.name.startsWith('kysely_'))) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db);
    // Sorted: PostgreSQL returns rows in no set order (a row rewritten with its own values moves), SQLite by rowid.
    contents.set(table.name, JSON.stringify(rows.rows.map((row) => JSON.stringify(row)).sort()));
  }
  return contents;
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
