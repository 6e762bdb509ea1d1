// Named demo records, found by name so tests read like the feature ("Elsa", "Blåbär", "Solrosen").
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
