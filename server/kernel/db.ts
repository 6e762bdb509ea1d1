// The database (the SQLite file, or PostgreSQL with VARDAG_DATABASE_URL): opening it, its migrations, queries compiled
// once (`prepared`), the work a request does with its first write (its audit row), and the app's own key-value store
// (app_meta).
import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, type Compilable, type DatabaseConnection, type Dialect, type Driver, type ExpressionBuilder,
  type QueryResult, type TransactionSettings,
} from 'kysely';
import type { Database } from '../../db/schema.ts';
import { migrations } from '../../db/migrations/index.ts';
import { registerSqlFunctions, type SqlDialect } from '../../db/sql.ts';
import { log } from './log.ts';

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
  dialect: SqlDialect;
  /** SQLite only: the file's own handle, for the few things kysely does not do (bulk loads, sqlite_master). */
  sqlite?: SQLite.Database;
  close(): Promise<void>;
}

export interface SqliteConnection extends Connection {
  dialect: 'sqlite';
  sqlite: SQLite.Database;
}

/** The database the configuration names: PostgreSQL when VARDAG_DATABASE_URL is set, else the SQLite file. */
export function openConfiguredDatabase(config: { databaseFile: string; databaseUrl: string | undefined }): Connection {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openDatabase(config.databaseFile);
}

/** Where the configured database is, for messages: the SQLite file, or PostgreSQL's host and database (no password). */
export function databaseName(config: { databaseFile: string; databaseUrl: string | undefined }): string {
  if (!config.databaseUrl) return config.databaseFile;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

/** Opens (creating if needed) the SQLite file in WAL mode: a killed process never loses a committed write. */
export function openDatabase(file: string): SqliteConnection {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite keeps 2 MiB of pages by default; a year of care times is hundreds of MB, and the pages a page's
  // queries touch (indexes of care times, absences, arrivals) are read again and again: keep 64 MiB.
  sqlite.pragma('cache_size = -65536');
  registerSqlFunctions(sqlite);
  const dialect = withQueue(new SqliteDialect({ database: withStatementCache(sqlite) }));
  const db = new Kysely<Database>({ dialect: withFirstWriteWork(dialect, 'begin immediate') });
  return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
}

/**
 * The queue for SQLite's one connection. kysely's own lock wakes every waiting query each time the connection is
 * released (all await one promise; one wins, the rest wait again): with n queries waiting a hand-over costs n wake-ups,
 * and 3,000 waiting queries took 7 s instead of 0.3 s. Here they wait in line, each woken once, and kysely's lock is
 * never contended.
 *
 * And SQLite answers at once (better-sqlite3 is synchronous), so the hand-overs are microtasks: while queries wait the
 * process never gets back to the event loop, and only between its turns does Node read new requests and accept
 * connections (one connection a turn). Under load a turn lasted 100 ms and more, and a new connection — a browser's,
 * a proxy's — waited seconds to be accepted (`npm run bench -- --messages`: a bulletin POST's p99 was that wait). After
 * `TURN_MS` of database work in one turn, the next query waits for the next turn (setImmediate), holding the connection
 * (the others could not have it before it anyway): turns stay short and nobody waits longer than behind the others.
 */
const TURN_MS = 5;

function withQueue(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new OneConnectionQueue(dialect.createDriver()),
  };
}

class OneConnectionQueue implements Driver {
  private inUse = false;
  private readonly waiting: (() => void)[] = [];
  /** When the current turn's database work began; undefined once the event loop has moved on. */
  private turnBegan: number | undefined;
  readonly savepoint: Driver['savepoint'];
  readonly rollbackToSavepoint: Driver['rollbackToSavepoint'];
  readonly releaseSavepoint: Driver['releaseSavepoint'];

  constructor(private readonly driver: Driver) {
    this.savepoint = driver.savepoint?.bind(driver);
    this.rollbackToSavepoint = driver.rollbackToSavepoint?.bind(driver);
    this.releaseSavepoint = driver.releaseSavepoint?.bind(driver);
  }

  init(): Promise<void> { return this.driver.init(); }
  destroy(): Promise<void> { return this.driver.destroy(); }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> { return this.driver.beginTransaction(connection, settings); }
  commitTransaction(connection: DatabaseConnection): Promise<void> { return this.driver.commitTransaction(connection); }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> { return this.driver.rollbackTransaction(connection); }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.inUse) await new Promise<void>((resolve) => this.waiting.push(resolve)); // (handed over: still in use)
    this.inUse = true;
    try {
      const connection = await this.driver.acquireConnection();
      if (this.turnBegan !== undefined && performance.now() - this.turnBegan > TURN_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        this.turnBegan = undefined;
      }
      if (this.turnBegan === undefined) this.beginTurn();
      return connection;
    } catch (err) {
      this.handOver();
      throw err;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.driver.releaseConnection(connection);
    } finally {
      this.handOver();
    }
  }

  private handOver(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inUse = false;
  }

  private beginTurn(): void {
    this.turnBegan = performance.now();
    setImmediate(() => { this.turnBegan = undefined; });
  }
}

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Opens a PostgreSQL database on a pool of `max` connections. `bigint` and `numeric` values (epoch milliseconds,
 * `count(*)`, `sum(…)`) come back as numbers, as they do from SQLite, instead of pg's strings.
 */
export function openPostgres(connectionString: string, max = 10): Connection {
  const getTypeParser = ((oid: number, format?: 'text' | 'binary') => (oid === INT8 || oid === NUMERIC) && format !== 'binary'
    ? (value: string) => Number(value)
    : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;
  const pool = new pg.Pool({ connectionString, max, types: { getTypeParser } });
  pool.on('connect', keepPreparedStatements);
  // A connection that breaks while it waits in the pool (PostgreSQL restarted, the network cut it) is dropped by the
  // pool, and the next query opens a new one; without a listener its error would end the process.
  pool.on('error', (err) => log.warn({ err }, 'A PostgreSQL connection waiting in the pool was lost; the next query opens a new one.'));
  const db = new Kysely<Database>({ dialect: withFirstWriteWork(new PostgresDialect({ pool })) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * kysely sends every statement to PostgreSQL unnamed, so the server parses and plans it anew each time: that cost
 * five times what running a page's queries did. The SQL texts of `prepared` queries are few and fixed by the code, so
 * each is sent as a named statement, which a connection parses and plans once and then only runs. (A pooler in
 * transaction mode in front of PostgreSQL, such as PgBouncer's, must keep prepared statements: PgBouncer 1.21+ does.)
 */
function keepPreparedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((text: unknown, ...rest: unknown[]) => {
    const name = typeof text === 'string' ? statementNames.get(text) : undefined;
    return name && Array.isArray(rest[0]) ? query({ name, text, values: rest[0] }) : query(text, ...rest);
  }) as typeof client.query;
}

/** The SQL text of each `prepared` query (on any database), with the name PostgreSQL keeps it under. */
const statementNames = new Map<string, string>();

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
  const query = preparedQuery(build);
  return async (db, ...args) => (await db.executeQuery(query(db, ...args))).rows;
}

/** As `prepared`, but gives the query to run instead of running it (for a connection of its own, see RequestWork). */
export function preparedQuery<A extends unknown[], R>(build: (db: Db, ...args: A) => Compilable<R>): (db: Db, ...args: A) => CompiledQuery<R> {
  // Kept per dialect adapter: a process that opens both databases (a test) must not run SQLite's SQL on PostgreSQL.
  const compiledFor = new Map<unknown, { sql: string; slots: ({ arg: number } | { value: unknown })[] }>();
  return (db, ...args) => {
    const adapter = db.getExecutor().adapter.constructor;
    let compiled = compiledFor.get(adapter);
    if (!compiled) {
      compiled = compileOnce(db, build, args.length);
      compiledFor.set(adapter, compiled);
    }
    const parameters = compiled.slots.map((slot) => ('arg' in slot ? args[slot.arg] : slot.value));
    return CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<R>;
  };
}


function compileOnce<A extends unknown[], R>(db: Db, build: (db: Db, ...args: A) => Compilable<R>, count: number) {
  const markers = Array.from({ length: count }, (_, i) => `\u0000vardag-argument-${i}-${crypto.randomUUID()}\u0000`);
  const query = build(db, ...(markers as unknown as A)).compile();
  if (markers.some((m) => query.sql.includes(m))) throw new Error(`prepared: an argument is part of the SQL text: ${query.sql}`);
  const slots = query.parameters.map((p) => (typeof p === 'string' && markers.includes(p) ? { arg: markers.indexOf(p) } : { value: p }));
  const used = new Set(slots.flatMap((s) => ('arg' in s ? [s.arg] : [])));
  if (used.size !== count) throw new Error(`prepared: ${count - used.size} argument(s) are not plain parameters of ${query.sql}`);
  statementNames.set(query.sql, `vardag_${crypto.createHash('sha256').update(query.sql).digest('hex').slice(0, 24)}`);
  return { sql: query.sql, slots };
}

/** Runs a compiled query: on the database, or on the connection of a transaction about to commit. */
export type Execute = (query: CompiledQuery) => Promise<QueryResult<unknown>>;

/**
 * Work that must be stored together with a request's first write: its audit row (server/audit/). The route table sets
 * it for the handler (`withRequestWork`); the database then runs it on the connection of the first transaction of the
 * request that writes, just before that transaction commits: if the work fails, the write rolls back with it. A write
 * outside a transaction gets one around it and the work. It is done once per request: a later transaction, or one that
 * nests inside the first (`db.isTransaction`), adds nothing. A transaction that only reads does not do it; neither does
 * a write once the answer has started (`close`: the session's own save), so the route table knows whether the request
 * wrote anything.
 */
export class RequestWork {
  private state: 'pending' | 'done' | 'closed' = 'pending';
  constructor(private readonly work: (execute: Execute) => Promise<void>) {}
  /** Whether the work was stored with a write. */
  get done(): boolean { return this.state === 'done'; }
  get pending(): boolean { return this.state === 'pending'; }
  /** Writes from now on are no longer the request's own. */
  close(): void { if (this.state === 'pending') this.state = 'closed'; }
  run(execute: Execute): Promise<void> { return this.work(execute); }
  markDone(): void { this.state = 'done'; }
}

const requestWork = new AsyncLocalStorage<RequestWork>();
let handlersWithWork = 0;

/**
 * Runs `fn` (a route's handler) with `work` to store with its first write. On Node 20 an AsyncLocalStorage in use
 * costs every promise of every request a hook, so it is turned off again whenever no handler with work is running.
 */
export async function withRequestWork<T>(work: RequestWork, fn: () => Promise<T> | T): Promise<T> {
  handlersWithWork++;
  try {
    return await requestWork.run(work, fn);
  } finally {
    if (--handlersWithWork === 0) requestWork.disable();
  }
}

/** Statements that change rows (a compiled query's text; values are always parameters, never in the text). */
const WRITE = /^\s*(?:with\b[\s\S]*?\b)?(?:insert|update|delete|replace|merge)\b/i;

/**
 * The dialect's own driver, which also runs the request's work with its first write (see RequestWork). It wraps any
 * kysely driver, so the PostgreSQL dialect gets it the same way.
 */
function withFirstWriteWork(dialect: Dialect, begin?: string): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new FirstWriteDriver(dialect.createDriver(), begin),
  };
}

interface ConnectionState { inTransaction: boolean; wrote: boolean }

class FirstWriteDriver implements Driver {
  private readonly states = new WeakMap<DatabaseConnection, ConnectionState>();
  readonly savepoint: Driver['savepoint'];
  readonly rollbackToSavepoint: Driver['rollbackToSavepoint'];
  readonly releaseSavepoint: Driver['releaseSavepoint'];

  /**
   * `begin` (SQLite: `begin immediate`) starts a transaction in place of the driver's own. SQLite's plain `begin` takes
   * the write lock only at the first write: when another process (VARDAG_WORKERS) wrote in between, that write fails
   * at once with SQLITE_BUSY_SNAPSHOT instead of waiting. `begin immediate` waits (busy_timeout) for the lock up front.
   */
  constructor(private readonly driver: Driver, private readonly begin?: string) {
    this.savepoint = driver.savepoint?.bind(driver);
    this.rollbackToSavepoint = driver.rollbackToSavepoint?.bind(driver);
    this.releaseSavepoint = driver.releaseSavepoint?.bind(driver);
  }

  init(): Promise<void> { return this.driver.init(); }
  destroy(): Promise<void> { return this.driver.destroy(); }
  releaseConnection(connection: DatabaseConnection): Promise<void> { return this.driver.releaseConnection(connection); }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.driver.acquireConnection();
    if (!this.states.has(connection)) this.watch(connection);
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (this.begin) await this.raw(connection)(CompiledQuery.raw(this.begin));
    else await this.driver.beginTransaction(connection, settings);
    this.state(connection).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const state = this.state(connection);
    const work = requestWork.getStore();
    const withWork = state.wrote && work?.pending;
    if (withWork) await work.run(this.raw(connection));
    await this.driver.commitTransaction(connection);
    Object.assign(state, { inTransaction: false, wrote: false });
    if (withWork) work.markDone();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    Object.assign(this.state(connection), { inTransaction: false, wrote: false });
    await this.driver.rollbackTransaction(connection);
  }

  private state(connection: DatabaseConnection): ConnectionState {
    const state = this.states.get(connection);
    if (!state) throw new Error('FirstWriteDriver: a connection it did not hand out');
    return state;
  }

  private raw(connection: DatabaseConnection & { [RAW]?: Execute }): Execute {
    return connection[RAW] ?? ((query) => connection.executeQuery(query));
  }

  /** Notes each write on the connection; a request's first write outside a transaction gets one, with the work. */
  private watch(connection: DatabaseConnection & { [RAW]?: Execute }): void {
    const state: ConnectionState = { inTransaction: false, wrote: false };
    this.states.set(connection, state);
    const execute = connection.executeQuery.bind(connection) as Execute;
    connection[RAW] = execute;
    connection.executeQuery = (async (query: CompiledQuery) => {
      const work = requestWork.getStore();
      if (!work?.pending || !WRITE.test(query.sql)) return execute(query);
      if (state.inTransaction) {
        state.wrote = true;
        return execute(query);
      }
      await this.beginTransaction(connection, {});
      try {
        const result = await execute(query);
        state.wrote = true;
        await this.commitTransaction(connection);
        return result;
      } catch (error) {
        if (state.inTransaction) await this.rollbackTransaction(connection);
        throw error;
      }
    }) as DatabaseConnection['executeQuery'];
  }
}

const RAW = Symbol('the connection without the first-write watch');

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
