// The SQLite database: opening it, its migrations, queries compiled once (`prepared`), and the app's own key-value
// store (app_meta).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, SqliteDialect, type Compilable, type ExpressionBuilder } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { migrations } from '../../db/migrations/index.ts';

export type Db = Kysely<Database>;
export type { Database };

/**
 * The query a query fragment (a correlated subquery such as `personName(eb, ref)`) is placed in: the fragment reads
 * only the outer query's column `ref`, whatever tables the outer query has.
 */
// biome-ignore lint/suspicious/noExplicitAny: any outer query will do: only its column `ref` is read
export type OuterQuery = ExpressionBuilder<Database, any>;

export interface Connection {
  db: Db;
  sqlite: SQLite.Database;
  close(): Promise<void>;
}

/** Opens (creating if needed) the SQLite file in WAL mode: a killed process never loses a committed write. */
export function openDatabase(file: string): Connection {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite keeps 2 MiB of pages by default; a year of care times is hundreds of MB, and the pages a page's
  // queries touch (indexes of care times, absences, arrivals) are read again and again: keep 64 MiB.
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, sqlite, close: () => db.destroy() };
}

/**
 * kysely prepares every statement anew, and preparing costs three times what running one does here. The same few
 * hundred SQL texts come back on every page, so each is prepared once and reused (unless it is still being iterated).
 */
function withStatementCache(sqlite: SQLite.Database, size = 1000) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SQLite.Statement {
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
  };
}

/**
 * A query that kysely builds and compiles once instead of on every call (building a query costs more than running
 * it: a page asks a dozen). `build` is called once with a marker for each argument; the compiled SQL is kept, with
 * which parameter is which argument, and every call runs that SQL with its own values, on the `db` it is given (a
 * transaction too). Only for a query whose shape does not depend on its arguments: each argument must be a plain
 * value compared in the query (not an `in` list, not used in a condition of `build`), which the first call checks.
 */
export function prepared<A extends unknown[], R>(build: (db: Db, ...args: A) => Compilable<R>): (db: Db, ...args: A) => Promise<R[]> {
  let compiled: { sql: string; slots: ({ arg: number } | { value: unknown })[] } | undefined;
  return async (db, ...args) => {
    compiled ??= compileOnce(db, build, args.length);
    const parameters = compiled.slots.map((slot) => ('arg' in slot ? args[slot.arg] : slot.value));
    const { rows } = await db.executeQuery(CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<R>);
    return rows;
  };
}


function compileOnce<A extends unknown[], R>(db: Db, build: (db: Db, ...args: A) => Compilable<R>, count: number) {
  const markers = Array.from({ length: count }, (_, i) => `\u0000vardag-argument-${i}-${crypto.randomUUID()}\u0000`);
  const query = build(db, ...(markers as unknown as A)).compile();
  if (markers.some((m) => query.sql.includes(m))) throw new Error(`prepared: an argument is part of the SQL text: ${query.sql}`);
  const slots = query.parameters.map((p) => (typeof p === 'string' && markers.includes(p) ? { arg: markers.indexOf(p) } : { value: p }));
  const used = new Set(slots.flatMap((s) => ('arg' in s ? [s.arg] : [])));
  if (used.size !== count) throw new Error(`prepared: ${count - used.size} argument(s) are not plain parameters of ${query.sql}`);
  return { sql: query.sql, slots };
}

export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
}

export type DatabaseMode = 'demo' | 'production';

export async function readMeta(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('app_meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function writeMeta(db: Db, key: string, value: string): Promise<void> {
  await db.insertInto('app_meta').values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** Stores a value under a key that has none yet; fails when it has one (so two processes cannot both set it up). */
export async function insertMeta(db: Db, key: string, value: string): Promise<void> {
  await db.insertInto('app_meta').values({ key, value }).execute();
}

/** The value stored under `key`; the first call stores `make()` (of two processes racing, both get the first one's). */
export async function readOrCreateMeta(db: Db, key: string, make: () => string): Promise<string> {
  const existing = await readMeta(db, key);
  if (existing !== undefined) return existing;
  await db.insertInto('app_meta').values({ key, value: make() }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const stored = await readMeta(db, key);
  if (stored === undefined) throw new Error(`app_meta: "${key}" was not stored`);
  return stored;
}
