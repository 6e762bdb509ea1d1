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

/** Tables a refused request may write: the sessions, and the counters of failed password checks (a wrong password counts). */
const BOOKKEEPING = new Set(['sessions', 'login_limits']);

/** Every row of every table but the bookkeeping, as one string: equal before and after a request that wrote nothing. */
export async function fingerprint(db: Db): Promise<string> {
  const tables = await db.introspection.getTables();
  const parts: string[] = [];
  for (const table of tables.filter((tb) => !BOOKKEEPING.has(tb.name) && !tb.name.startsWith('kysely_'))) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db);
    parts.push(`${table.name}:${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
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
