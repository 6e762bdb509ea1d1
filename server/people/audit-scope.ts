// Who is who, as the municipality's statements and the audit trail's search need it: the municipalities (their names,
// the one a person belongs to) and, as pieces of the audit trail's own queries, the people of a municipality and those
// whose name matches what an admin typed.
import { sql } from 'kysely';
import { foldedContains } from '../../db/sql.ts';
import type { Db, OuterQuery } from '../kernel/db.ts';
import { parseId } from '../kernel/http.ts';

export interface MunicipalityName { id: number; name: string }

/** Every municipality of the database, by name (the public statements' choice when nobody is signed in). */
export async function allMunicipalities(db: Db): Promise<MunicipalityName[]> {
  return db.selectFrom('municipalities').select(['id', 'name']).orderBy('name').orderBy('id').execute();
}

/** The municipalities of these ids, by name. */
export async function municipalitiesOf(db: Db, ids: readonly number[]): Promise<MunicipalityName[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('municipalities').select(['id', 'name']).where('id', 'in', [...ids]).orderBy('name').orderBy('id').execute();
}

export interface AdministeredMunicipality { chosen: MunicipalityName; mine: MunicipalityName[] }

/**
 * The municipality an admin's page is about: the one the request names (`requested`, an id) if the admin administers
 * it, else the first of theirs by name. Reached through the actor, so another municipality is never found.
 */
export async function administeredMunicipality(db: Db, adminOf: ReadonlySet<number>, requested: string): Promise<AdministeredMunicipality | undefined> {
  const mine = await municipalitiesOf(db, [...adminOf]);
  if (mine.length === 0) return undefined;
  if (requested === '') return { chosen: mine[0], mine };
  const chosen = mine.find((m) => m.id === parseId(requested));
  return chosen && { chosen, mine };
}

/** The municipality the person is registered in. */
export async function municipalityOfPerson(db: Db, personId: number): Promise<number | undefined> {
  return (await db.selectFrom('persons').select('municipality_id').where('id', '=', personId).executeTakeFirst())?.municipality_id;
}

/** The ids of the people registered in the municipality, as a subquery of the outer query. */
export function peopleOfMunicipality(eb: OuterQuery, municipalityId: number) {
  return eb.selectFrom('persons').select('persons.id').where('persons.municipality_id', '=', municipalityId);
}

/**
 * The ids of the people of the municipality whose "First Last" holds every word typed, in any case, å, ä and ö
 * included, accents or not ("åsa lefevre" finds "Åsa Lefèvre"), as a subquery.
 */
export function peopleNamed(eb: OuterQuery, municipalityId: number, text: string) {
  const name = sql<string>`persons.first_name || ' ' || persons.last_name`;
  const words = text.split(/\s+/).filter(Boolean);
  return eb.selectFrom('persons').select('persons.id').where('persons.municipality_id', '=', municipalityId)
    .where((inner) => inner.and(words.map((w) => foldedContains(name, w))));
}
