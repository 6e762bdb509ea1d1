// Which database the tests run on. `npm test` runs them on SQLite files; `VARDAG_TEST_DATABASE=postgres npm test` runs
// the same tests on PostgreSQL: scripts/test.mjs then starts one throw-away cluster for the run, migrates one database
// in it (the template), and every test app gets its own copy of that (`create database … template`), dropped when the
// app closes. A single file run on its own (`node --test FILE`) with the variable starts a cluster of its own.
import fs from 'node:fs';
import { sql } from 'kysely';
import { dialectOf } from '../../db/sql.ts';
import { loadConfig } from '../../server/config.ts';
import { migrateToLatest, openConfiguredDatabase, openPostgres, type Connection, type Db } from '../../server/kernel/db.ts';
import { createDatabase, dropDatabase, startPostgres, type PostgresCluster } from './postgres.ts';
import { removeDir, tempDir } from './system.ts';

export type TestDatabase = 'sqlite' | 'postgres';

export const TEST_DATABASE: TestDatabase = process.env.VARDAG_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/** The migrated database every test database is a copy of. */
export const TEMPLATE = 'vardag_template';

/** The run's cluster (set by scripts/test.mjs): `postgres://vardag@127.0.0.1:PORT`, with TEMPLATE in it. */
const RUN_CLUSTER = 'VARDAG_TEST_POSTGRES';

let ownCluster: Promise<PostgresCluster> | undefined;

/** Starts a cluster and migrates its template (for the run, or for one file run by itself). */
export async function startTestCluster(): Promise<PostgresCluster> {
  const cluster = await startPostgres();
  const connection = openPostgres(await cluster.createDatabase(TEMPLATE), 1);
  try {
    await migrateToLatest(connection.db);
  } finally {
    await connection.close();
  }
  return cluster;
}

async function clusterBase(): Promise<string> {
  const run = process.env[RUN_CLUSTER];
  if (run) return run;
  ownCluster ??= startTestCluster().then((cluster) => {
    process.once('exit', () => void cluster.stop());
    return cluster;
  });
  return (await ownCluster).base;
}

/**
 * The PostgreSQL URL of a new migrated database for one test app, or undefined when the tests run on SQLite (the
 * app then makes its file in its data folder).
 */
export async function newTestDatabaseUrl(): Promise<string | undefined> {
  if (TEST_DATABASE === 'sqlite') return undefined;
  return createDatabase(await clusterBase(), undefined, TEMPLATE);
}

/** Drops a database `newTestDatabaseUrl` made. */
export async function dropTestDatabase(url: string): Promise<void> {
  await dropDatabase(await clusterBase(), url);
}

/** The environment a test's own Vardag process needs to use the same database (nothing on SQLite: the data folder). */
export function databaseEnv(url: string | undefined): Record<string, string> {
  return url ? { VARDAG_DATABASE_URL: url } : {};
}

/**
 * A new installation for a test that runs Vardag's own programs (`npm start`, `npm run admin`) and reads what they
 * stored: a data folder, and on PostgreSQL an empty database (the programs migrate it, as on a real first start).
 */
export interface TestInstallation {
  dataDir: string;
  /** VARDAG_DATA_DIR, and VARDAG_DATABASE_URL on PostgreSQL: pass it to the program and to `startTestApp`. */
  env: Record<string, string>;
  /** The installation's database, opened by the test itself. */
  open(): Connection;
  remove(): Promise<void>;
}

export async function newInstallation(name: string): Promise<TestInstallation> {
  return installationAt(tempDir(name), TEST_DATABASE === 'postgres' ? await createDatabase(await clusterBase()) : undefined);
}

/** A copy of an installation whose programs have stopped (its data folder, and its PostgreSQL database). */
export async function copyInstallation(source: TestInstallation, name: string): Promise<TestInstallation> {
  const dataDir = tempDir(name);
  fs.cpSync(source.dataDir, dataDir, { recursive: true });
  const sourceUrl = source.env.VARDAG_DATABASE_URL;
  const url = sourceUrl ? await createDatabase(await clusterBase(), undefined, new URL(sourceUrl).pathname.slice(1)) : undefined;
  return installationAt(dataDir, url);
}

function installationAt(dataDir: string, url: string | undefined): TestInstallation {
  const config = loadConfig({ VARDAG_DATA_DIR: dataDir, ...databaseEnv(url) });
  return {
    dataDir,
    env: { VARDAG_DATA_DIR: dataDir, ...databaseEnv(url) },
    open: () => openConfiguredDatabase(config),
    async remove() {
      if (url) await dropTestDatabase(url);
      removeDir(dataDir);
    },
  };
}

/**
 * Makes every insert into `table` fail with `message` (a trigger), for a test of what happens when a write cannot be
 * stored; the function it returns allows inserts again.
 */
export async function refuseInserts(db: Db, table: string, message: string): Promise<() => Promise<void>> {
  const name = `refuse_${table}`;
  if (dialectOf(db) === 'sqlite') {
    await sql`create trigger ${sql.id(name)} before insert on ${sql.table(table)} begin select raise(abort, ${sql.lit(message)}); end`.execute(db);
    return async () => { await sql`drop trigger ${sql.id(name)}`.execute(db); };
  }
  await sql`create function ${sql.id(name)}() returns trigger language plpgsql as ${sql.lit(`begin raise exception '${message.replaceAll("'", "''")}'; end`)}`.execute(db);
  await sql`create trigger ${sql.id(name)} before insert on ${sql.table(table)} for each row execute function ${sql.id(name)}()`.execute(db);
  return async () => {
    await sql`drop trigger ${sql.id(name)} on ${sql.table(table)}`.execute(db);
    await sql`drop function ${sql.id(name)}()`.execute(db);
  };
}

/**
 * Records every row written to `tables` in the table `log` (made here: `tbl`, `op` = insert/update/delete), by
 * triggers, so that a test sees a write however it was made.
 */
export async function recordWrites(db: Db, tables: string[], log: string): Promise<void> {
  await sql`create table ${sql.table(log)} (tbl text not null, op text not null)`.execute(db);
  const postgres = dialectOf(db) === 'postgres';
  const recorder = `${log}_record`;
  if (postgres) {
    await sql`create function ${sql.id(recorder)}() returns trigger language plpgsql as ${sql.lit(
      `begin insert into "${log}" values (TG_TABLE_NAME, lower(TG_OP)); return null; end`)}`.execute(db);
  }
  for (const table of tables) {
    for (const op of ['insert', 'update', 'delete']) {
      const name = sql.id(`${log}_${table}_${op}`);
      await (postgres
        ? sql`create trigger ${name} after ${sql.raw(op)} on ${sql.table(table)} for each row execute function ${sql.id(recorder)}()`
        : sql`create trigger ${name} after ${sql.raw(op)} on ${sql.table(table)} begin insert into ${sql.table(log)} values (${sql.lit(table)}, ${sql.lit(op)}); end`
      ).execute(db);
    }
  }
}

/**
 * The `env` for `startTestApp` that puts it on the given database whatever the run's: a SQLite file, or a new
 * PostgreSQL database (from the run's cluster, or one of this process's own). For a test of one database's own
 * behaviour, such as two transactions at once, which it runs on each.
 */
export async function databaseOf(kind: TestDatabase): Promise<{ VARDAG_DATABASE_URL: string }> {
  if (kind === 'sqlite') return { VARDAG_DATABASE_URL: '' };
  return { VARDAG_DATABASE_URL: await createDatabase(await clusterBase(), undefined, TEMPLATE) };
}
