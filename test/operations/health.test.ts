// /healthz: JSON for monitoring, 200 when the database answers, the job runner runs and no due job waits, 503 otherwise;
// no personal data in it, and no session or PUBLIC_URL note made by a probe.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { enqueueJob, JobRunner } from '../../server/kernel/jobs.ts';
import { checkHealth, JOB_WAIT_LIMIT_MS } from '../../server/operations/health.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { countRows } from '../support/demo.ts';

describe('GET /healthz', () => {
  let test: TestApp;
  before(async () => { test = await startTestApp({ demo: false }); });
  after(() => test.close());

  it('answers 200 with the checks, no cookie, nothing stored and nothing about anyone', async () => {
    const sessions = await countRows(test.db, 'sessions');
    const res = await request(test.app).get('/healthz').set('Host', '10.0.0.5:3000');
    assert.equal(res.status, 200, res.text);
    assert.match(String(res.headers['content-type']), /application\/json/);
    assert.equal(res.headers['set-cookie'], undefined);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.database.ok, true);
    assert.deepEqual({ ...res.body.jobs }, { ok: true, runner: 'none', oldestWaitingSince: null, failedLastDay: 0 });
    assert.equal(res.body.disk.ok, true);
    assert.ok(res.body.disk.folders.length >= 1);
    assert.deepEqual(Object.keys(res.body).sort(), ['checkedAt', 'database', 'disk', 'jobs', 'status']);
    assert.equal(await countRows(test.db, 'sessions'), sessions);
    // A probe by another address than PUBLIC_URL's is no user's request: no note for the admins.
    const notes = await test.db.selectFrom('app_meta').select('key').where('key', 'like', 'public_url_mismatch%').execute();
    assert.deepEqual(notes, []);
  });

  it('answers 503 when a due job has waited longer than the limit: no runner takes jobs', async () => {
    const waitingSince = new Date(test.clock.now().getTime() - JOB_WAIT_LIMIT_MS - 60_000);
    const id = await enqueueJob(test.db, 'test.nobody-runs-this', {}, waitingSince);
    try {
      const res = await request(test.app).get('/healthz');
      assert.equal(res.status, 503);
      assert.equal(res.body.status, 'fail');
      assert.equal(res.body.jobs.ok, false);
      assert.equal(res.body.jobs.oldestWaitingSince, waitingSince.toISOString());
      assert.equal(res.body.database.ok, true);
    } finally {
      await test.db.deleteFrom('jobs').where('id', '=', id).execute();
    }
    assert.equal((await request(test.app).get('/healthz')).status, 200);
  });

  it("counts the process's job runner: running, then stopped", async () => {
    const runner = new JobRunner({ db: test.db, clock: test.clock, pollMs: 10 });
    const deps = { db: test.db, clock: test.clock, folders: [test.dir], runner };
    const idle = await checkHealth(deps);
    assert.equal(idle.jobs.runner, 'stopped');
    assert.equal(idle.status, 'fail');
    runner.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const running = await checkHealth(deps);
    assert.equal(running.jobs.runner, 'running');
    assert.equal(running.status, 'ok');
    await runner.stop();
    assert.equal((await checkHealth(deps)).jobs.runner, 'stopped');
  });

  it('answers 503 when the database does not answer', async () => {
    const other = await startTestApp();
    await other.db.destroy();
    try {
      const res = await request(other.app).get('/healthz');
      assert.equal(res.status, 503);
      assert.equal(res.body.database.ok, false);
      assert.equal(res.body.jobs.ok, false);
    } finally {
      await other.close().catch(() => undefined);
    }
  });
});
