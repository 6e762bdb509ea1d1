// The SMS outbox with a local 46elks stand-in on a loopback port: an SMS arrives as a form POST of from/to/message with
// the right Basic auth and keeps the provider's id; a gateway that is down (503, or nothing listening) delays SMS and
// loses none; one the gateway refuses is given up after a few attempts; and a stale SMS is not sent at all.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../server/config.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import { queueSms, SMS_SEND_JOB } from '../../server/sms/outbox.ts';
import { isE164, swedishMobile } from '../../server/sms/rules.ts';
import {
  chooseSmsGateway, createElksGateway, registerSmsJobs, SMS_MAX_ATTEMPTS, SMS_MAX_REFUSED_ATTEMPTS, SMS_STALE_HOURS,
} from '../../server/sms/sender.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { TestSmsGateway } from '../support/sms-gateway.ts';

describe('sending SMS through a 46elks-style gateway', () => {
  let t: TestApp;
  let gateway: TestSmsGateway;
  let runner: JobRunner;
  const logs: string[] = [];

  before(async () => {
    t = await startTestApp({ demo: false }); // a demo database texts none of its made-up people (unreported-absence.test.ts)
    gateway = await TestSmsGateway.start();
    runner = new JobRunner({ db: t.db, clock: t.clock, log: (m) => logs.push(m) });
    const elks = createElksGateway({ url: gateway.url, ...gateway.credentials });
    registerSmsJobs(runner, { db: t.db, clock: t.clock, gateway: elks, from: 'Vardag', log: (m) => logs.push(m) });
  });
  after(async () => {
    await runner.stop();
    await gateway.stop();
    await t.close();
  });
  beforeEach(async () => {
    gateway.status = 200;
    await gateway.start();
  });

  const smsRow = (id: number) => t.db.selectFrom('sms_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const jobOf = (smsId: number) => t.db.selectFrom('jobs').selectAll().where('kind', '=', SMS_SEND_JOB)
    .where('payload', '=', JSON.stringify({ smsId })).executeTakeFirstOrThrow();
  const later = (ms: number) => t.clock.set(new Date(t.clock.now().getTime() + ms).toISOString());
  const arrivedAt = (to: string) => gateway.delivered.filter((r) => r.form.to === to);

  it('posts from, to and message as a form with Basic auth, and keeps the provider\'s id', async () => {
    const message = 'Vardag: Oskar har ogiltig frånvaro i dag 2026-11-24 (Björkskolan). Se Vardag för mer.';
    const id = await queueSms(t.db, { to: '+46701234567', message }, t.clock.now());
    assert.ok(id);
    assert.equal((await smsRow(id)).sent_at, null, 'queued, not sent');
    assert.equal(gateway.requests.length, 0, 'nothing is sent before the job runs');

    assert.equal(await runner.runDue(), 1);
    const [received] = gateway.requests;
    assert.equal(gateway.requests.length, 1);
    assert.equal(received.method, 'POST');
    assert.equal(received.path, '/a1/sms');
    assert.match(received.contentType ?? '', /^application\/x-www-form-urlencoded/);
    assert.deepEqual(received.auth, gateway.credentials, 'HTTP Basic auth with the configured username and password');
    assert.deepEqual(received.form, { from: 'Vardag', to: '+46701234567', message }, 'å, ä and ö arrive as written');
    assert.equal(received.status, 200);

    const row = await smsRow(id);
    assert.equal(row.sent_at, t.clock.now().toISOString());
    assert.deepEqual([row.attempts, row.last_error, row.demo_outbox, row.failed_at], [1, null, 0, null]);
    assert.match(row.provider_id ?? '', /^s[0-9a-f]{32}$/, 'the id from the JSON answer');
    assert.notEqual((await jobOf(id)).done_at, null);

    later(24 * 60 * 60_000);
    assert.equal(await runner.runDue(), 0);
    assert.equal(arrivedAt('+46701234567').length, 1, 'sent once');
  });

  it('retries with backoff while the gateway answers 503, and sends the SMS once when it is back', async () => {
    gateway.status = 503;
    const id = (await queueSms(t.db, { to: '+46702222222', message: 'Vardag: test 503' }, t.clock.now()))!;
    const failedAt = t.clock.now().getTime();
    assert.equal(await runner.runDue(), 1, 'it tried');
    let row = await smsRow(id);
    assert.deepEqual([row.sent_at, row.failed_at, row.attempts], [null, null, 1]);
    assert.match(row.last_error ?? '', /answered 503: Test gateway says 503/);
    assert.equal((await jobOf(id)).run_at, new Date(failedAt + 30_000).toISOString(), 'the next try in 30 s');
    assert.equal(await runner.runDue(), 0, 'not before then');

    later(30_000);
    assert.equal(await runner.runDue(), 1, 'tried again, still 503');
    assert.equal((await jobOf(id)).run_at, new Date(failedAt + 30_000 + 60_000).toISOString(), 'then in 60 s');

    gateway.status = 200;
    later(59_000);
    assert.equal(await runner.runDue(), 0);
    later(1_000);
    assert.equal(await runner.runDue(), 1);
    assert.equal(gateway.requests.filter((r) => r.form.to === '+46702222222').length, 3, 'three tries reached the gateway');
    assert.equal(arrivedAt('+46702222222').length, 1, 'one SMS arrived');
    row = await smsRow(id);
    assert.notEqual(row.sent_at, null);
    assert.deepEqual([row.attempts, row.last_error], [3, null]);

    later(6 * 60 * 60_000);
    assert.equal(await runner.runDue(), 0);
    assert.equal(arrivedAt('+46702222222').length, 1, 'exactly once');
  });

  it('retries while nothing listens on the gateway\'s port, and sends the SMS once it does', async () => {
    await gateway.stop();
    const id = (await queueSms(t.db, { to: '+46703333333', message: 'Vardag: test closed port' }, t.clock.now()))!;
    assert.equal(await runner.runDue(), 1);
    let row = await smsRow(id);
    assert.equal(row.sent_at, null);
    // (A kept-alive connection to the stopped server may fail first as a closed socket.)
    assert.match(row.last_error ?? '', /could not be reached: (ECONNREFUSED|UND_ERR_SOCKET)/);
    later(30_000);
    assert.equal(await runner.runDue(), 1, 'still down');
    assert.equal((await jobOf(id)).attempts, 2);
    assert.match((await smsRow(id)).last_error ?? '', /could not be reached: ECONNREFUSED/, 'nothing listens');

    await gateway.start();
    later(60_000);
    assert.equal(await runner.runDue(), 1);
    assert.equal(arrivedAt('+46703333333').length, 1);
    row = await smsRow(id);
    assert.notEqual(row.sent_at, null);
    assert.equal(row.attempts, 3);
    later(6 * 60 * 60_000);
    assert.equal(await runner.runDue(), 0);
    assert.equal(arrivedAt('+46703333333').length, 1, 'exactly once');
  });

  it('gives an SMS the gateway refuses (4xx) up after a few attempts, without waiting for the long backoff', async () => {
    gateway.status = 400;
    const id = (await queueSms(t.db, { to: '+46704444444', message: 'Vardag: test refused' }, t.clock.now()))!;
    for (let attempt = 1; attempt <= SMS_MAX_REFUSED_ATTEMPTS; attempt++) {
      assert.equal(await runner.runDue(), 1, `attempt ${attempt}`);
      later(10 * 60_000);
    }
    const row = await smsRow(id);
    assert.equal(row.sent_at, null);
    assert.notEqual(row.failed_at, null);
    assert.equal(row.attempts, SMS_MAX_REFUSED_ATTEMPTS);
    assert.match(row.last_error ?? '', /answered 400/);
    assert.notEqual((await jobOf(id)).done_at, null, 'the job ended');
    assert.match(logs.join('\n'), new RegExp(`gave up SMS ${id} after ${SMS_MAX_REFUSED_ATTEMPTS} attempts`));
    later(24 * 60 * 60_000);
    assert.equal(await runner.runDue(), 0);
    assert.equal(gateway.requests.filter((r) => r.form.to === '+46704444444').length, SMS_MAX_REFUSED_ATTEMPTS);
  });

  it('counts wrong credentials as refused: 401 is given up, never sent', async () => {
    const wrong = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    // Only this runner's gateway has the wrong password; the SMS is queued where the shared runner cannot see it yet.
    registerSmsJobs(wrong, { db: t.db, clock: t.clock, from: 'Vardag', log: () => undefined,
      gateway: createElksGateway({ url: gateway.url, username: gateway.credentials.username, password: 'fel' }) });
    await runner.stop();
    try {
      const id = (await queueSms(t.db, { to: '+46705555555', message: 'Vardag: test 401' }, t.clock.now()))!;
      for (let attempt = 1; attempt <= SMS_MAX_REFUSED_ATTEMPTS; attempt++) {
        await wrong.runDue();
        later(10 * 60_000);
      }
      const row = await smsRow(id);
      assert.notEqual(row.failed_at, null);
      assert.match(row.last_error ?? '', /answered 401/);
      assert.doesNotMatch(row.last_error ?? '', /fel|hemligt/, 'no password in the error');
      assert.equal(arrivedAt('+46705555555').length, 0);
    } finally {
      await wrong.stop();
      runner = new JobRunner({ db: t.db, clock: t.clock, log: (m) => logs.push(m) });
      registerSmsJobs(runner, { db: t.db, clock: t.clock, from: 'Vardag', log: (m) => logs.push(m),
        gateway: createElksGateway({ url: gateway.url, ...gateway.credentials }) });
    }
  });

  it('gives a failing SMS up after about nine hours of failures', async () => {
    gateway.status = 500;
    const id = (await queueSms(t.db, { to: '+46706666666', message: 'Vardag: test 500' }, t.clock.now()))!;
    const start = t.clock.now().getTime();
    for (let attempt = 1; attempt <= SMS_MAX_ATTEMPTS; attempt++) {
      assert.equal(await runner.runDue(), 1, `attempt ${attempt}`);
      const job = await jobOf(id);
      if (job.failed_at === null) t.clock.set(job.run_at);
    }
    const job = await jobOf(id);
    assert.notEqual(job.failed_at, null);
    const row = await smsRow(id);
    assert.notEqual(row.failed_at, null);
    assert.equal(row.sent_at, null);
    const hours = (new Date(job.failed_at!).getTime() - start) / 3_600_000;
    assert.ok(hours > 8 && hours < SMS_STALE_HOURS, `given up after ${hours.toFixed(1)} hours`);
  });

  it('does not send an SMS that waited more than a day (a gateway configured late sends no old news)', async () => {
    const id = (await queueSms(t.db, { to: '+46707777777', message: 'Vardag: old news' }, t.clock.now()))!;
    later((SMS_STALE_HOURS + 1) * 60 * 60_000);
    assert.equal(await runner.runDue(), 1);
    const row = await smsRow(id);
    assert.deepEqual([row.sent_at, row.attempts], [null, 0]);
    assert.notEqual(row.failed_at, null);
    assert.match(row.last_error ?? '', /older than 24 hours/);
    assert.equal(gateway.requests.filter((r) => r.form.to === '+46707777777').length, 0);
  });
});

describe('queueing an SMS', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  it('queues at most one SMS per child, day and number, and any number of SMS about no child', async () => {
    const child = (await t.db.selectFrom('persons').select('id').where('first_name', '=', 'Oskar').executeTakeFirstOrThrow()).id;
    const now = t.clock.now();
    const first = await queueSms(t.db, { to: '+46701111111', message: 'ett', childId: child, day: '2026-11-24' }, now);
    assert.ok(first);
    assert.equal(await queueSms(t.db, { to: '+46701111111', message: 'två', childId: child, day: '2026-11-24' }, now), undefined);
    assert.ok(await queueSms(t.db, { to: '+46701111111', message: 'annan dag', childId: child, day: '2026-11-23' }, now));
    assert.ok(await queueSms(t.db, { to: '+46709999999', message: 'annat nummer', childId: child, day: '2026-11-24' }, now));
    assert.ok(await queueSms(t.db, { to: '+46701111111', message: 'inget barn' }, now));
    assert.ok(await queueSms(t.db, { to: '+46701111111', message: 'inget barn' }, now));
    const jobs = await t.db.selectFrom('jobs').select('payload').where('kind', '=', SMS_SEND_JOB).execute();
    assert.equal(jobs.length, 5, 'a job for each stored SMS, none for the one held back');
  });

  it('stores an SMS together with the change that causes it, or not at all', async () => {
    const count = async () => (await t.db.selectFrom('sms_outbox').select('id').execute()).length;
    const before = await count();
    await assert.rejects(t.db.transaction().execute(async (trx) => {
      await queueSms(trx, { to: '+46701212121', message: 'rullas tillbaka' }, t.clock.now());
      throw new Error('the change failed');
    }), /the change failed/);
    assert.equal(await count(), before);
  });

  it('refuses a number that is not E.164 and a text with a personnummer', async () => {
    for (const to of ['0701234567', '+46 70 123 45 67', '46701234567', '+4670123456789012345', '']) {
      await assert.rejects(queueSms(t.db, { to, message: 'x' }, t.clock.now()), /E\.164/, JSON.stringify(to));
    }
    const number = identityNumber('2018-06-02', 123);
    await assert.rejects(queueSms(t.db, { to: '+46701234567', message: `Oskar ${number}` }, t.clock.now()), /personal identity number/);
    await assert.rejects(queueSms(t.db, { to: '+46701234567', message: '   ' }, t.clock.now()), /empty/);
  });

  it('reads Swedish mobile numbers as people write them, and nothing else', () => {
    assert.equal(swedishMobile('070-123 45 67'), '+46701234567');
    assert.equal(swedishMobile('+46 73 987 65 43'), '+46739876543');
    assert.equal(swedishMobile('0046701234567'), '+46701234567');
    for (const other of ['08-123 456 78', '031-12 34 56', '', null, undefined, '070-123']) assert.equal(swedishMobile(other), undefined, String(other));
    assert.ok(isE164('+46701234567'));
    assert.ok(!isE164('0701234567'));
  });
});

describe('SMS configuration', () => {
  it('reads the gateway, its login and the sender from the environment', () => {
    const config = loadConfig({ SMS_GATEWAY_URL: 'https://api.46elks.com/a1/sms', SMS_GATEWAY_USERNAME: 'u1', SMS_GATEWAY_PASSWORD: 'p1' });
    assert.deepEqual([config.smsGatewayUrl, config.smsGatewayUsername, config.smsGatewayPassword, config.smsFrom],
      ['https://api.46elks.com/a1/sms', 'u1', 'p1', 'Vardag']);
    assert.equal(loadConfig({}).smsGatewayUrl, undefined);
    assert.equal(loadConfig({ SMS_FROM: 'Skolan' }).smsFrom, 'Skolan');
    assert.equal(loadConfig({ SMS_FROM: '+46766860000' }).smsFrom, '+46766860000');
  });

  it('refuses a sender operators would refuse, and a login in the URL', () => {
    assert.throws(() => loadConfig({ SMS_FROM: 'Vardag Kommun' }), /SMS_FROM/);
    assert.throws(() => loadConfig({ SMS_FROM: 'Förskolan' }), /SMS_FROM/);
    assert.throws(() => loadConfig({ SMS_FROM: 'Exempelkommunen' }), /SMS_FROM/, 'more than 11 characters');
    assert.throws(() => loadConfig({ SMS_GATEWAY_URL: 'https://u:p@api.46elks.com/a1/sms' }), /SMS_GATEWAY_USERNAME/);
    assert.throws(() => loadConfig({ SMS_GATEWAY_URL: 'ftp://example.se/sms' }), /https/);
    assert.throws(() => loadConfig({ SMS_GATEWAY_URL: 'api.46elks.com' }), /SMS_GATEWAY_URL/);
  });

  it('sends through the gateway when one is set, to the demo outbox on a demo database, and else not at all', () => {
    assert.equal(typeof chooseSmsGateway({ url: 'https://api.46elks.com/a1/sms', username: 'u', password: 'p' }, false), 'object');
    assert.equal(typeof chooseSmsGateway({ url: 'https://api.46elks.com/a1/sms' }, true), 'object', 'a gateway wins on a demo database too');
    assert.equal(chooseSmsGateway(undefined, true), 'demo-outbox');
    assert.equal(chooseSmsGateway(undefined, false), undefined, 'a real database never uses the demo outbox');
  });
});
