// The background job runner on a real SQLite file: jobs run once, failures are retried with backoff and given up in
// the end, a job of a process that died runs again after its lock, and two processes never run one job twice. On a
// throw-away PostgreSQL: two processes share many due jobs, each run once, and pass over a job being claimed.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FixedClock } from '../../server/kernel/clock.ts';
import { migrateToLatest, openDatabase, openPostgres, type Connection } from '../../server/kernel/db.ts';
import { enqueueJob, JobRunner, retryDelay } from '../../server/kernel/jobs.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';
import { removeDir, tempDir } from '../support/system.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('the job runner', () => {
  let dir: string;
  let connection: Connection;
  let clock: FixedClock;
  let logs: string[];
  const runners: JobRunner[] = [];

  before(async () => {
    dir = tempDir('jobs');
    connection = openDatabase(path.join(dir, 'vardag.sqlite'));
    await migrateToLatest(connection.db);
  });
  after(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await connection.close();
    removeDir(dir);
  });
  beforeEach(async () => {
    await connection.db.deleteFrom('jobs').execute();
    clock = new FixedClock('2026-11-24T09:00:00Z');
    logs = [];
  });

  function runner(options: Partial<ConstructorParameters<typeof JobRunner>[0]> = {}): JobRunner {
    const r = new JobRunner({ db: connection.db, clock, log: (m) => logs.push(m), ...options });
    runners.push(r);
    return r;
  }
  const job = (id: number) => connection.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const later = (ms: number) => clock.set(new Date(clock.now().getTime() + ms).toISOString());

  it('runs a due job once, with its payload, and marks it done', async () => {
    const r = runner();
    const seen: unknown[] = [];
    r.register('test.echo', async (payload) => { seen.push(payload); });
    const id = await enqueueJob(connection.db, 'test.echo', { hello: 'värld', n: 1 }, clock.now());
    const future = await enqueueJob(connection.db, 'test.echo', { n: 2 }, new Date(clock.now().getTime() + MINUTE));
    assert.equal(await r.runDue(), 1);
    assert.deepEqual(seen, [{ hello: 'värld', n: 1 }]);
    const done = await job(id);
    assert.equal(done.done_at, clock.now().toISOString());
    assert.equal(done.locked_until, null);
    assert.equal(done.attempts, 1);
    assert.equal(await r.runDue(), 0, 'a done job does not run again, and the other is not due yet');
    later(MINUTE);
    assert.equal(await r.runDue(), 1);
    assert.deepEqual(seen, [{ hello: 'värld', n: 1 }, { n: 2 }]);
    assert.notEqual((await job(future)).done_at, null);
  });

  it('retries a failing job later and later: 30 s, doubling, at most an hour apart', async () => {
    assert.deepEqual([1, 2, 3, 4, 7, 8, 9, 30].map((n) => retryDelay(n) / SECOND), [30, 60, 120, 240, 1920, 3600, 3600, 3600]);
    const r = runner();
    let calls = 0;
    r.register('test.flaky', async () => {
      calls++;
      if (calls < 3) throw new Error(`down (${calls})`);
    });
    const id = await enqueueJob(connection.db, 'test.flaky', {}, clock.now());
    const start = clock.now().getTime();

    assert.equal(await r.runDue(), 1);
    let row = await job(id);
    assert.deepEqual([row.attempts, row.last_error, row.done_at, row.failed_at, row.locked_until], [1, 'down (1)', null, null, null]);
    assert.equal(row.run_at, new Date(start + 30 * SECOND).toISOString());
    assert.match(logs.join('\n'), /test\.flaky job \d+ failed \(attempt 1 of 20\), next try at .*: down \(1\)/);

    later(29 * SECOND);
    assert.equal(await r.runDue(), 0, 'not before its time');
    later(SECOND);
    assert.equal(await r.runDue(), 1);
    row = await job(id);
    assert.equal(row.attempts, 2);
    assert.equal(row.run_at, new Date(start + 30 * SECOND + 60 * SECOND).toISOString());

    later(60 * SECOND);
    assert.equal(await r.runDue(), 1);
    row = await job(id);
    assert.deepEqual([row.attempts, row.last_error, row.failed_at], [3, null, null]);
    assert.notEqual(row.done_at, null);
    assert.equal(calls, 3);
  });

  it('gives a job up after its attempts, says so, and calls onGiveUp once', async () => {
    const r = runner();
    const givenUp: unknown[] = [];
    r.register('test.broken', async () => { throw new Error('always'); }, {
      maxAttempts: 3, onGiveUp: async (payload, error) => { givenUp.push([payload, error]); },
    });
    const id = await enqueueJob(connection.db, 'test.broken', { mailId: 7 }, clock.now());
    for (let i = 0; i < 3; i++) {
      assert.equal(await r.runDue(), 1);
      later(2 * MINUTE);
    }
    const row = await job(id);
    assert.equal(row.attempts, 3);
    assert.notEqual(row.failed_at, null);
    assert.equal(row.done_at, null);
    assert.deepEqual(givenUp, [[{ mailId: 7 }, 'always']]);
    assert.match(logs.join('\n'), /gave up test\.broken job \d+ after 3 attempts: always/);
    later(24 * 60 * MINUTE);
    assert.equal(await r.runDue(), 0, 'a given-up job never runs again');
  });

  it('runs a job again once the lock of a process that died holding it has expired', async () => {
    const r = runner({ lockMs: 2 * MINUTE });
    let calls = 0;
    r.register('test.once', async () => { calls++; });
    const id = await enqueueJob(connection.db, 'test.once', {}, clock.now());
    // Another process claimed it and was killed: the lock and the attempt stay behind.
    await connection.db.updateTable('jobs').set({ locked_until: new Date(clock.now().getTime() + 2 * MINUTE).toISOString(), attempts: 1 })
      .where('id', '=', id).execute();
    assert.equal(await r.runDue(), 0, 'locked: not run');
    later(2 * MINUTE - 1);
    assert.equal(await r.runDue(), 0, 'still locked');
    later(1);
    assert.equal(await r.runDue(), 1);
    assert.equal(calls, 1);
    const row = await job(id);
    assert.equal(row.attempts, 2, 'the run that died counts as an attempt');
    assert.notEqual(row.done_at, null);
  });

  it('gives up, without running it yet again, a job whose every run ended with the process', async () => {
    const r = runner();
    let calls = 0;
    r.register('test.crasher', async () => { calls++; }, { maxAttempts: 2 });
    const id = await enqueueJob(connection.db, 'test.crasher', {}, clock.now());
    await connection.db.updateTable('jobs').set({ attempts: 2, locked_until: clock.now().toISOString() }).where('id', '=', id).execute();
    assert.equal(await r.runDue(), 1);
    assert.equal(calls, 0);
    const row = await job(id);
    assert.notEqual(row.failed_at, null);
    assert.match(row.last_error ?? '', /attempt 3 never finished/);
  });

  it('leaves jobs of kinds it has no handler for alone', async () => {
    const r = runner();
    r.register('test.mine', async () => undefined);
    const id = await enqueueJob(connection.db, 'test.theirs', {}, clock.now());
    assert.equal(await r.runDue(), 0);
    const row = await job(id);
    assert.deepEqual([row.attempts, row.locked_until, row.done_at, row.failed_at], [0, null, null, null]);
  });

  it('is queued with the transaction that causes it, or not at all', async () => {
    await assert.rejects(connection.db.transaction().execute(async (trx) => {
      await enqueueJob(trx, 'test.echo', {}, clock.now());
      throw new Error('the change failed');
    }), /the change failed/);
    assert.equal((await connection.db.selectFrom('jobs').selectAll().execute()).length, 0);
  });

  it('never runs one job in two processes at once', async () => {
    const other = openDatabase(path.join(dir, 'vardag.sqlite'));
    try {
      const ran: number[] = [];
      const slowHandler = async (payload: { n: number }) => {
        await sleep(2);
        ran.push(payload.n);
      };
      const a = runner();
      const b = new JobRunner({ db: other.db, clock, log: (m) => logs.push(m) });
      a.register('test.slow', slowHandler);
      b.register('test.slow', slowHandler);
      for (let n = 0; n < 20; n++) await enqueueJob(connection.db, 'test.slow', { n }, clock.now());
      const [byA, byB] = await Promise.all([a.runDue(), b.runDue()]);
      assert.equal(byA + byB, 20);
      assert.ok(byA > 0 && byB > 0, `both took part (${byA} and ${byB})`);
      assert.deepEqual([...ran].sort((x, y) => x - y), Array.from({ length: 20 }, (_, n) => n), 'each job ran exactly once');
      await b.stop();
    } finally {
      await other.close();
    }
  });

  it('polls by itself once started, and stop() waits for the job it is running', async () => {
    const r = runner({ pollMs: 10 });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    let started = false;
    let finished = false;
    r.register('test.long', async () => {
      started = true;
      await released;
      finished = true;
    });
    const id = await enqueueJob(connection.db, 'test.long', {}, clock.now());
    r.start();
    for (let i = 0; i < 200 && !started; i++) await sleep(5);
    assert.ok(started, 'the poll found the job');
    let stopped = false;
    const stopping = r.stop().then(() => { stopped = true; });
    await sleep(30);
    assert.equal(stopped, false, 'stop() waits for the running job');
    release();
    await stopping;
    assert.ok(finished);
    assert.notEqual((await job(id)).done_at, null, 'the job finished and was marked done before stop() resolved');
    await enqueueJob(connection.db, 'test.long', {}, clock.now());
    await sleep(50);
    assert.equal((await connection.db.selectFrom('jobs').select('id').where('done_at', 'is', null).execute()).length, 1, 'a stopped runner runs nothing');
  });

  it('runs periodic tasks while started, and no more once stopped', async () => {
    const r = runner({ pollMs: 1000 });
    let runs = 0;
    r.every('count', 10, async () => { runs++; });
    r.start();
    for (let i = 0; i < 100 && runs < 3; i++) await sleep(10);
    assert.ok(runs >= 3, `${runs} runs`);
    await r.stop();
    const after = runs;
    await sleep(50);
    assert.equal(runs, after);
  });
});

describe('the job runner on PostgreSQL, in two processes', () => {
  let cluster: PostgresCluster;
  let one: Connection;
  let two: Connection;
  const clock = new FixedClock('2026-11-24T09:00:00Z');
  const logs: string[] = [];

  before(async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase();
    one = openPostgres(url);
    two = openPostgres(url);
    await migrateToLatest(one.db);
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await cluster?.stop();
  });
  beforeEach(async () => {
    await one.db.deleteFrom('jobs').execute();
  });

  const runnerOn = (connection: Connection) => new JobRunner({ db: connection.db, clock, log: (m) => logs.push(m) });

  it('shares many due jobs between the two: each runs exactly once, claimed once', async () => {
    const ran: number[] = [];
    const handler = async (payload: { n: number }) => {
      await sleep(1);
      ran.push(payload.n);
    };
    const [a, b] = [runnerOn(one), runnerOn(two)];
    a.register('test.many', handler);
    b.register('test.many', handler);
    const count = 200;
    for (let n = 0; n < count; n++) await enqueueJob(one.db, 'test.many', { n }, clock.now());
    const [byA, byB] = await Promise.all([a.runDue(), b.runDue()]);
    assert.equal(byA + byB, count);
    assert.ok(byA > 0 && byB > 0, `both took part (${byA} and ${byB})`);
    assert.deepEqual([...ran].sort((x, y) => x - y), Array.from({ length: count }, (_, n) => n), 'each job ran exactly once');
    const rows = await one.db.selectFrom('jobs').select(['attempts', 'done_at', 'locked_until']).execute();
    assert.ok(rows.every((r) => r.attempts === 1 && r.done_at !== null && r.locked_until === null), 'each claimed once and done');
    assert.deepEqual(logs, []);
  });

  it('passes over a job another process is claiming instead of waiting for it', async () => {
    const ran: number[] = [];
    const a = runnerOn(one);
    a.register('test.locked', async (payload: { n: number }) => { ran.push(payload.n); });
    const first = await enqueueJob(one.db, 'test.locked', { n: 1 }, clock.now());
    for (const n of [2, 3]) await enqueueJob(one.db, 'test.locked', { n }, clock.now());
    // The other process is in the middle of claiming the first job: its row is locked until that transaction ends.
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => { locked = resolve; });
    const holder = two.db.transaction().execute(async (trx) => {
      await trx.selectFrom('jobs').select('id').where('id', '=', first).forUpdate().execute();
      locked();
      await released;
    });
    await isLocked;
    try {
      const outcome = await Promise.race([a.runDue(), sleep(10_000).then(() => 'waited' as const)]);
      assert.equal(outcome, 2, 'the two free jobs ran without waiting for the locked one');
      assert.deepEqual(ran, [2, 3]);
    } finally {
      release();
      await holder;
    }
    assert.equal(await a.runDue(), 1, 'the first job runs once its row is free');
    assert.deepEqual(ran, [2, 3, 1]);
  });
});
