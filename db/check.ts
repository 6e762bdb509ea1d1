import { sql } from 'kysely';

/** A portable CHECK constraint: the column holds one of the given values. */
export function oneOf(column: string, values: readonly string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
