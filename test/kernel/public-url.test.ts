// Links in mails and on paper invitations are made from PUBLIC_URL: on a real database a start with a PUBLIC_URL that
// reaches no one says so in the log, and the first request that arrives by another address (or through a proxy Vardag
// does not trust) is noted once, in the database, for the admins' start page (test/start/public-url-notice.test.ts).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { createApp } from '../../server/app.ts';
import { loadConfig, publicUrlWarning } from '../../server/config.ts';
import { publicUrlMismatch } from '../../server/kernel/public-url.ts';
import { readMeta } from '../../server/kernel/db.ts';
import { CHEAP_HASHING, startTestApp } from '../support/app.ts';
import { newInstallation } from '../support/database.ts';
import { freePort, removeTempDirs } from '../support/system.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const running = new Set<ChildProcess>();

after(() => {
  for (const child of running) child.kill('SIGKILL');
  removeTempDirs();
});

/** `npm start` (server/main.ts) with NODE_ENV=production on a new installation: its log once it serves, then stopped. */
async function startLog(extraEnv: Record<string, string>): Promise<string> {
  const installation = await newInstallation('public-url');
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()), ...installation.env, NODE_ENV: 'production' };
  delete env.PUBLIC_URL;
  delete env.SESSION_SECRET;
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.on('close', resolve));
  try {
    const started = Date.now();
    while (!output.includes('Vardag serves') && child.exitCode === null) {
      if (Date.now() - started > 60_000) throw new Error(`the server did not start:\n${output}`);
      await sleep(20);
    }
    assert.match(output, /Vardag serves .*real database/, output);
    return output;
  } finally {
    child.kill('SIGTERM');
    await exited;
    running.delete(child);
    await installation.remove();
  }
}

describe('PUBLIC_URL at start', () => {
  it('is a problem when unset, on localhost or on plain http, and fine as an https address', () => {
    assert.match(publicUrlWarning(loadConfig({})) ?? '', /PUBLIC_URL is not set.*http:\/\/localhost:3000/);
    assert.match(publicUrlWarning(loadConfig({ PUBLIC_URL: 'https://localhost:8443' })) ?? '', /only this machine/);
    assert.match(publicUrlWarning(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3000' })) ?? '', /only this machine/);
    assert.match(publicUrlWarning(loadConfig({ PUBLIC_URL: 'http://vardag.kommun.se' })) ?? '', /plain http/);
    assert.equal(publicUrlWarning(loadConfig({ PUBLIC_URL: 'https://vardag.kommun.se' })), undefined);
  });

  it('is logged by npm start on a real database when PUBLIC_URL is unset, and not when it is an https address', async () => {
    const [unset, set] = await Promise.all([startLog({}), startLog({ PUBLIC_URL: 'https://vardag.kommun.se' })]);
    assert.match(unset, /Warning: PUBLIC_URL is not set, so links in e-mails and on paper invitations lead to http:\/\/localhost:\d+/);
    assert.match(unset, /Set PUBLIC_URL to the https address/);
    assert.doesNotMatch(set, /PUBLIC_URL/);
  });
});

describe('the first request that PUBLIC_URL does not match', () => {
  it('is noted once, with what was seen, and later ones neither add nor change the note', async () => {
    const t = await startTestApp({ demo: false, env: { PUBLIC_URL: 'http://vardag.example.se' } });
    try {
      await request(t.app).get('/login').set('Host', 'vardag.example.se').expect(200);
      assert.equal(await publicUrlMismatch(t.db, t.config), undefined, 'a request to PUBLIC_URL is no mismatch');
      await request(t.app).get('/login').set('Host', 'VARDAG.example.se').expect(200);
      assert.equal(await publicUrlMismatch(t.db, t.config), undefined, 'host names are compared without case');

      await request(t.app).get('/login').set('Host', '10.0.0.5:3000').expect(200);
      const note = await publicUrlMismatch(t.db, t.config);
      assert.deepEqual(note, { seen: 'http://10.0.0.5:3000', proxy: false, at: t.clock.now().toISOString() });

      t.clock.set(new Date(t.clock.now().getTime() + 5 * 60_000).toISOString());
      await request(t.app).get('/login').set('Host', 'other.example.se').expect(200);
      assert.deepEqual(await publicUrlMismatch(t.db, t.config), note, 'the first mismatch stays');
      // Another process on the same database (its own memory, the same note): it reads the note, and keeps the first.
      const other = createApp({ db: t.db, clock: t.clock, config: t.config, demo: false, sessionSecret: 's', dummyHash: 'x', hashing: CHEAP_HASHING });
      await request(other.app).get('/login').set('Host', 'third.example.se').expect(200);
      other.close();
      assert.deepEqual(await publicUrlMismatch(t.db, t.config), note);
    } finally {
      await t.close();
    }
  });

  it('counts a request through a proxy while TRUST_PROXY is off, even to the right host', async () => {
    const t = await startTestApp({ demo: false, env: { PUBLIC_URL: 'http://vardag.example.se' } });
    try {
      await request(t.app).get('/login').set('Host', 'vardag.example.se').set('X-Forwarded-For', '203.0.113.7').expect(200);
      assert.deepEqual(await publicUrlMismatch(t.db, t.config), { seen: 'http://vardag.example.se', proxy: true, at: t.clock.now().toISOString() });
    } finally {
      await t.close();
    }
  });

  it('is no mismatch behind a trusted proxy that passes https and the host on', async () => {
    const t = await startTestApp({ demo: false, env: { PUBLIC_URL: 'https://vardag.example.se', TRUST_PROXY: '1' } });
    try {
      await request(t.app).get('/login').set('Host', '127.0.0.1:3000')
        .set('X-Forwarded-Proto', 'https').set('X-Forwarded-Host', 'vardag.example.se').set('X-Forwarded-For', '203.0.113.7').expect(200);
      assert.equal(await publicUrlMismatch(t.db, t.config), undefined);
      // Plain http through the same proxy is not what PUBLIC_URL says.
      await request(t.app).get('/login').set('Host', '127.0.0.1:3000')
        .set('X-Forwarded-Proto', 'http').set('X-Forwarded-Host', 'vardag.example.se').set('X-Forwarded-For', '203.0.113.7').expect(200);
      assert.equal((await publicUrlMismatch(t.db, t.config))?.seen, 'http://vardag.example.se');
    } finally {
      await t.close();
    }
  });

  it('keeps only a plausible host name of what the client sent', async () => {
    const t = await startTestApp({ demo: false, env: { PUBLIC_URL: 'http://vardag.example.se' } });
    try {
      await request(t.app).get('/login').set('Host', 'evil"<script>.example').expect((res) => assert.ok(res.status < 500));
      assert.equal((await publicUrlMismatch(t.db, t.config))?.seen, 'http://?');
    } finally {
      await t.close();
    }
  });

  it('is a note of that PUBLIC_URL and TRUST_PROXY only: once they change, it no longer applies', async () => {
    const t = await startTestApp({ demo: false, env: { PUBLIC_URL: 'http://vardag.example.se' } });
    try {
      await request(t.app).get('/login').set('Host', 'elsewhere.example.se').expect(200);
      assert.ok(await publicUrlMismatch(t.db, t.config));
      assert.equal(await publicUrlMismatch(t.db, { ...t.config, publicUrl: 'https://elsewhere.example.se' }), undefined);
      assert.equal(await publicUrlMismatch(t.db, { ...t.config, trustProxy: 'loopback' }), undefined);
    } finally {
      await t.close();
    }
  });

  it('is never noted on a demo database', async () => {
    const t = await startTestApp({ env: { PUBLIC_URL: 'https://vardag.example.se' } });
    try {
      await request(t.app).get('/login').set('Host', 'elsewhere.example.se').set('X-Forwarded-For', '203.0.113.7').expect(200);
      assert.equal(await publicUrlMismatch(t.db, t.config), undefined);
      assert.equal(await readMeta(t.db, `public_url_mismatch ${t.config.publicUrl} trust_proxy=false`), undefined);
    } finally {
      await t.close();
    }
  });
});
