// The demo SMS outbox: on a demo database without SMS_GATEWAY_URL every SMS is delivered to /demo/sms, which admins
// read (each about their own municipality's children); a real database has no such page and never uses it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { queueSms } from '../../server/sms/outbox.ts';
import { UNREPORTED_SMS_DELAY_MINUTES } from '../../server/absence/rules.ts';
import { chooseSmsGateway, registerSmsJobs } from '../../server/sms/sender.ts';
import { csrfOf, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe('the demo SMS outbox on a demo database', () => {
  let t: TestApp;
  let runner: JobRunner;
  let oskar: number;

  before(async () => {
    t = await startTestApp();
    const gateway = chooseSmsGateway(undefined, true);
    assert.equal(gateway, 'demo-outbox', 'a demo database without SMS_GATEWAY_URL delivers to the demo outbox');
    runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerSmsJobs(runner, { db: t.db, clock: t.clock, gateway, from: 'Vardag' });
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    // The admin marks Oskar's absence, the way school staff do (confirmed); once the minutes to undo it have passed,
    // the job delivers the SMS to the outbox.
    const admin = await signIn(t.app, 'admin');
    const res = await admin.post(`/children/${oskar}/absences/unreported`).type('form').send({ _csrf: await csrfOf(admin), confirmed: 'yes' });
    assert.equal(res.status, 303);
    assert.equal(await runner.runDue(), 0, 'not before the minutes to undo it have passed');
    t.clock.set(new Date(t.clock.now().getTime() + UNREPORTED_SMS_DELAY_MINUTES * 60_000).toISOString());
    assert.equal(await runner.runDue(), 1);
  });
  after(async () => {
    await runner.stop();
    await t.close();
  });

  it('delivers the SMS to the outbox instead of sending it', async () => {
    const [sms] = await t.db.selectFrom('sms_outbox').selectAll().where('child_id', '=', oskar).execute();
    assert.deepEqual([sms.demo_outbox, sms.sent_at, sms.attempts, sms.provider_id], [1, t.clock.now().toISOString(), 1, null]);
  });

  it('shows the admin each SMS: recipient, message, child and time', async () => {
    const res = await (await signIn(t.app, 'admin')).get('/demo/sms');
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Demo-sms<\/h1>/);
    const emma = await t.db.selectFrom('persons').select('phone').where('first_name', '=', 'Emma').where('last_name', '=', 'Andersson')
      .executeTakeFirstOrThrow();
    const mobile = `+46${emma.phone!.replace(/\D/g, '').slice(1)}`;
    assert.match(res.text, /<p>Vardag: Oskar har ogiltig frånvaro i dag tisdag 24 november \(Björkskolan\)\. Se Vardag för mer\.<\/p>/);
    assert.match(res.text, new RegExp(`till \\${mobile} om Oskar Andersson, 24 nov\\. 2026 10:05`));
  });

  it('escapes what it shows', async () => {
    await queueSms(t.db, { to: '+46701234567', message: 'Hej <script>alert(1)</script>' }, t.clock.now());
    await runner.runDue();
    const res = await (await signIn(t.app, 'admin')).get('/demo/sms');
    assert.match(res.text, /Hej &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(res.text, /<script>alert/);
  });

  it('shows another municipality\'s admin none of Demokommun\'s children', async () => {
    const res = await (await signIn(t.app, 'grannadmin')).get('/demo/sms');
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.text, /Oskar/);
  });

  it('is not found for anyone but an admin', async () => {
    for (const user of ['vardnadshavare', 'pedagog', 'rektor']) {
      assert.equal((await (await signIn(t.app, user)).get('/demo/sms')).status, 404, user);
    }
    const anonymous = await request(t.app).get('/demo/sms');
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.location, /^\/login/);
  });
});

describe('SMS on a real database', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ demo: false }); });
  after(() => t.close());

  it('has no demo SMS outbox page', async () => {
    assert.equal(t.routes.entries.filter((e) => e.path === '/demo/sms').length, 0);
    assert.equal((await request(t.app).get('/demo/sms')).status, 404, 'not even a login redirect: the page does not exist');
  });

  it('never delivers to the demo outbox: without a gateway SMS stay queued', async () => {
    assert.equal(chooseSmsGateway(undefined, false), undefined, 'no gateway at all');
    // Even if the demo outbox were wired in by mistake, the sender refuses on a real database.
    const runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerSmsJobs(runner, { db: t.db, clock: t.clock, gateway: 'demo-outbox', from: 'Vardag' });
    const id = (await queueSms(t.db, { to: '+46701234567', message: 'Vardag: test' }, t.clock.now()))!;
    assert.equal(await runner.runDue(), 1);
    await runner.stop();
    const row = await t.db.selectFrom('sms_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([row.sent_at, row.demo_outbox, row.message], [null, 0, 'Vardag: test']);
    assert.match(row.last_error ?? '', /only for demo databases.*SMS_GATEWAY_URL/);
  });
});
