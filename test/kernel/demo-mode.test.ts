// Demo or real is a property of the database, settled when `npm start` creates it: the real server (server/main.ts in a
// child process) on real data folders, started and stopped the way an operator would.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { readMeta } from '../../server/kernel/db.ts';
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { newInstallation, type TestInstallation } from '../support/database.ts';
import { freePort, removeTempDirs } from '../support/system.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const START_TIMEOUT = 60_000;

const children = new Set<ChildProcess>();

after(() => {
  for (const child of children) child.kill('SIGKILL');
  removeTempDirs();
});

interface Server {
  port: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Resolves once the server says it serves; rejects if it exits first. */
  serving(): Promise<void>;
  stop(): Promise<number | string>;
}

/** `node --import tsx server/main.ts` on a data folder, with NODE_ENV=production or without NODE_ENV at all. */
async function startServer(installation: TestInstallation, production: boolean): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), ...installation.env };
  delete env.NODE_ENV;
  delete env.SESSION_SECRET;
  if (production) env.NODE_ENV = 'production';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk) => { stdout += chunk; for (const l of listeners) l(); });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      for (const l of listeners) l();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  let ended = false;
  void exited.then(() => { ended = true; });
  return {
    port,
    get stdout() { return stdout; },
    get stderr() { return stderr; },
    exited,
    serving: () => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`The server did not start in time.\n${stdout}\n${stderr}`)), START_TIMEOUT);
      const check = () => {
        if (stdout.includes('Vardag serves')) done();
        else if (ended || child.exitCode !== null) done(new Error(`The server exited before serving.\n${stdout}\n${stderr}`));
      };
      function done(error?: Error) {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error); else resolve();
      }
      listeners.add(check);
      check();
    }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

async function get(port: number, pathname: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`);
  return { status: res.status, text: await res.text() };
}

async function inspect(installation: TestInstallation) {
  const c = installation.open();
  try {
    const count = async (table: 'persons' | 'accounts' | 'municipalities') =>
      Number((await c.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { mode: await readMeta(c.db, 'mode'), persons: await count('persons'), accounts: await count('accounts'),
      municipalities: await count('municipalities') };
  } finally {
    await c.close();
  }
}

const BANNER = /class="demo-banner"|Demoläge/;

describe('npm start: demo or real', { concurrency: true }, () => {
  it('makes an empty database a demo without NODE_ENV=production, which production then refuses', async () => {
    const installation = await newInstallation('mode');
    const demo = await startServer(installation, false);
    await demo.serving();
    await waitForOutput(demo, DEMO_LOGINS[DEMO_LOGINS.length - 1].username);
    assert.match(demo.stdout, /demo database/);
    assert.match(demo.stdout, new RegExp(`Demoläge.*lösenord: ${DEMO_PASSWORD}`));
    for (const login of ['admin', 'vardnadshavare', ...DEMO_LOGINS.map((l) => l.username)]) {
      assert.match(demo.stdout, new RegExp(`^ +${login} +\\S`, 'm'), `the demo login ${login} is printed`);
    }
    const login = await get(demo.port, '/login');
    assert.equal(login.status, 200);
    assert.match(login.text, /<p class="demo-banner">/);
    assert.match(login.text, /Demoläge\./);
    assert.equal(await demo.stop(), 0);

    const seeded = await inspect(installation);
    assert.equal(seeded.mode, 'demo');
    assert.ok(seeded.persons > 50, `${seeded.persons} persons in the demo`);
    assert.equal(seeded.accounts, DEMO_LOGINS.length);

    const refused = await startServer(installation, true);
    const code = await refused.exited;
    assert.equal(code, 1);
    assert.match(refused.stderr, /created as a demo database\. NODE_ENV=production refuses to run on it/);
    assert.doesNotMatch(refused.stdout, /Vardag serves/);
    await assert.rejects(get(refused.port, '/login'), 'nothing listens on the port');
    assert.deepEqual(await inspect(installation), seeded);
  });

  it('makes an empty database real with NODE_ENV=production, and it stays real without NODE_ENV', async () => {
    const installation = await newInstallation('mode');
    const real = await startServer(installation, true);
    await real.serving();
    assert.match(real.stdout, /real database/);
    const login = await get(real.port, '/login');
    assert.equal(login.status, 200);
    assert.match(login.text, /<form method="post" action="\/login"/);
    assert.doesNotMatch(login.text, BANNER);
    assert.equal(await real.stop(), 0);
    assert.deepEqual(await inspect(installation), { mode: 'production', persons: 0, accounts: 0, municipalities: 0 });

    const again = await startServer(installation, false);
    await again.serving();
    assert.match(again.stdout, /real database/);
    const page = await get(again.port, '/login');
    assert.equal(page.status, 200);
    assert.match(page.text, /<form method="post" action="\/login"/);
    assert.doesNotMatch(page.text, BANNER);
    assert.equal(await again.stop(), 0);
    assert.doesNotMatch(again.stdout, /Demoläge|demo database/);
    for (const login of DEMO_LOGINS) assert.doesNotMatch(again.stdout, new RegExp(`^ +${login.username} `, 'm'));
    assert.deepEqual(await inspect(installation), { mode: 'production', persons: 0, accounts: 0, municipalities: 0 });
  });
});

/** Waits until the server has written `text` (the demo logins follow the "serves" line). */
function waitForOutput(server: Server, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (server.stdout.includes(text)) return resolve();
      if (Date.now() - started > START_TIMEOUT) return reject(new Error(`No "${text}" in the output:\n${server.stdout}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}
