// A real Vardag on a real database per test app (a SQLite file, or a PostgreSQL database with
// VARDAG_TEST_DATABASE=postgres: test/support/database.ts), with the demo municipality and a clock the test controls.
import request from 'supertest';
import { createApp } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { FixedClock, today } from '../../server/kernel/clock.ts';
import { migrateToLatest, openConfiguredDatabase, readMeta, type Db } from '../../server/kernel/db.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/seed.ts';
import { settleMode } from '../../server/demo/mode.ts';
import type express from 'express';
import type { RouteTable } from '../../server/kernel/http.ts';
import { removeDir, tempDir } from './system.ts';
import { databaseEnv, dropTestDatabase, newTestDatabaseUrl } from './database.ts';

/** Tuesday 24 November 2026, 10:00 in Stockholm. */
export const DEFAULT_NOW = '2026-11-24T09:00:00Z';
export const CHEAP_HASHING = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

let demoHash: Promise<string> | undefined;
export const demoPasswordHash = () => (demoHash ??= hashPassword(DEMO_PASSWORD, CHEAP_HASHING));

export interface TestApp {
  app: express.Express; db: Db; clock: FixedClock; routes: RouteTable; dir: string; config: Config;
  close(): Promise<void>;
}

export interface TestAppOptions {
  now?: string;
  /**
   * `VARDAG_DATABASE_URL` in `env` chooses the database whatever the run's is: a PostgreSQL URL, or '' for a SQLite
   * file (a test of SQLite's own behaviour).
   */
  env?: Record<string, string>;
  demo?: boolean;
  /**
   * Open the database already in this folder (made e.g. by `npm run admin` or `npm start`) as it is: no seed, and demo
   * or real as the database says (`demo` is ignored). The folder is left in place on close. On PostgreSQL, pass the
   * database's URL in `env` too.
   */
  existingDataDir?: string;
  /** Seed the demo's standard care times too (off: tests register what they need). */
  careTimes?: boolean;
  /** Seed the demo's families' records too: two homes (with care times), pickup lists, a ban, today's notes (off: tests make their own). */
  families?: boolean;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const existing = options.existingDataDir;
  const dir = existing ?? tempDir('test');
  // The test's own choice (a URL, or '' for SQLite whatever the run's database) or else the run's database.
  const ownDatabase = existing || options.env?.VARDAG_DATABASE_URL !== undefined ? undefined : await newTestDatabaseUrl();
  const config = loadConfig({ VARDAG_DATA_DIR: dir, ...databaseEnv(ownDatabase), ...options.env });
  const connection = openConfiguredDatabase(config);
  await migrateToLatest(connection.db);
  const clock = new FixedClock(options.now ?? DEFAULT_NOW);
  const passwordHash = await demoPasswordHash();
  let production = options.demo === false;
  if (existing) {
    const mode = await readMeta(connection.db, 'mode');
    if (mode !== 'demo' && mode !== 'production') throw new Error(`The database in ${existing} has no mode: it was never settled`);
    production = mode === 'production';
  } else {
    await settleMode(connection.db, production, (trx) => seedDemo(trx, { passwordHash, now: clock.now(), today: today(clock), careTimes: options.careTimes ?? false, families: options.families ?? false, dataDir: dir }));
  }
  const { app, routes, close } = createApp({
    db: connection.db, clock, config, demo: !production, sessionSecret: 'test-secret', dummyHash: passwordHash, hashing: CHEAP_HASHING,
  });
  return {
    app, db: connection.db, clock, routes, dir, config,
    close: async () => {
      close();
      await connection.close();
      if (ownDatabase) await dropTestDatabase(ownDatabase);
      if (!existing) removeDir(dir);
    },
  };
}

/** The CSRF token of the first form on a page. */
export function csrfFrom(html: string): string {
  const token = html.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (!token) throw new Error('No CSRF token on the page');
  return token;
}

export type Agent = ReturnType<typeof request.agent>;

/** An agent logged in as one of the demo accounts. */
export async function signIn(app: express.Express, username: string, password = DEMO_PASSWORD): Promise<Agent> {
  const agent = request.agent(app);
  const res = await postForm(agent, '/login', '/login', { username, password });
  if (res.status !== 303) throw new Error(`Login as ${username} failed with ${res.status}`);
  return agent;
}

/** A form's fields by name (a list sends the field once per value), or as name–value pairs in the order sent. */
export type FormFields = Record<string, string | string[]> | [string, string][];

/**
 * Posts a form the way its page does: opens `page` for the CSRF token it carries, then sends `fields` to `action`.
 * `headers` go with the post (as htmx sends `HX-Request`).
 */
export async function postForm(agent: Agent, page: string, action: string, fields: FormFields = {}, headers: Record<string, string> = {}) {
  const opened = await agent.get(page);
  const body = new URLSearchParams({ _csrf: csrfFrom(opened.text) });
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields).flatMap(([name, value]) => [value].flat().map((v) => [name, v]));
  for (const [name, value] of pairs) body.append(name, value);
  return agent.post(action).set(headers).type('form').send(body.toString());
}

/** A fresh CSRF token for a signed-in agent, read from the start page. */
export async function csrfOf(agent: Agent): Promise<string> {
  return csrfFrom((await agent.get('/')).text);
}

/** The session cookie of a fresh login, for clients other than supertest (raw http, a browser). */
export async function sessionCookie(app: express.Express, username: string, password = DEMO_PASSWORD): Promise<string> {
  const page = await request(app).get('/login');
  const anonymous = String(page.headers['set-cookie']).split(';')[0];
  const res = await request(app).post('/login').set('Cookie', anonymous).type('form')
    .send({ _csrf: csrfFrom(page.text), username, password });
  if (res.status !== 303) throw new Error(`Login as ${username} failed with ${res.status}`);
  return String(res.headers['set-cookie']).split(';')[0];
}
