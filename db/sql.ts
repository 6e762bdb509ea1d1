// The few pieces of SQL that are SQLite's own live here, so a PostgreSQL port changes this file and nothing else.
import { sql, type RawBuilder } from 'kysely';

/**
 * The values of a list given as one JSON text (`JSON.stringify(ids)`), for `where(column, 'in', jsonValues(json))`:
 * a prepared query keeps one shape however long the list is. PostgreSQL: `select jsonb_array_elements_text(...)`.
 */
export function jsonValues<T extends number | string>(json: string): RawBuilder<T> {
  return sql<T>`(select value from json_each(${json}))`;
}
