// The demo mailbox: on a demo database without SMTP_URL mail is delivered to /demo/mailbox, which admins can read;
// a real database has no such page and never uses the mailbox, whatever it is told.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { languageByCode } from '../../server/kernel/i18n.ts';
import { composeMail } from '../../server/mail/compose.ts';
import { queueMail } from '../../server/mail/outbox.ts';
import { chooseMailTransport, registerMailJobs } from '../../server/mail/sender.ts';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { municipalityId, personId } from '../support/demo.ts';

const SITE = 'https://vardag.test';
const sv = languageByCode('sv')!;

describe('the demo mailbox on a demo database', () => {
  let t: TestApp;
  let runner: JobRunner;
  let mailId: number;

  before(async () => {
    t = await startTestApp();
    const transport = chooseMailTransport(undefined, true);
    assert.equal(transport, 'demo-mailbox', 'a demo database without SMTP_URL delivers to the demo mailbox');
    runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerMailJobs(runner, { db: t.db, clock: t.clock, transport, from: 'Vardag <no-reply@localhost>' });
    const mail = composeMail('test-mail', sv, { name: 'Emma <script>alert(1)</script>', publicUrl: SITE });
    mailId = await queueMail(t.db, { to: 'emma.andersson@example.com', ...mail }, t.clock.now());
    assert.equal(await runner.runDue(), 1);
  });
  after(async () => {
    await runner.stop();
    await t.close();
  });

  it('delivers the mail to the mailbox and keeps its body there', async () => {
    const row = await t.db.selectFrom('mail_outbox').selectAll().where('id', '=', mailId).executeTakeFirstOrThrow();
    assert.equal(row.demo_mailbox, 1);
    assert.equal(row.sent_at, t.clock.now().toISOString());
    assert.match(row.text_body ?? '', /Det här är ett testmejl/);
    assert.match(row.html_body ?? '', /<html lang="sv"/);
  });

  it('lists the mails, newest first, for an admin of either municipality', async () => {
    t.clock.set('2026-11-24T10:00:00Z');
    const newer = await queueMail(t.db, { to: 'johan@example.com', ...composeMail('test-mail', languageByCode('en')!, { publicUrl: SITE }) }, t.clock.now());
    await runner.runDue();
    for (const admin of ['admin', 'grannadmin']) {
      const res = await (await signIn(t.app, admin)).get('/demo/mailbox');
      assert.equal(res.status, 200, admin);
      assert.match(res.text, /<h1>Demobrevlåda<\/h1>/);
      const links = [...res.text.matchAll(/<a href="\/demo\/mailbox\/(\d+)">([^<]+)<\/a>/g)].map((m) => [Number(m[1]), m[2]]);
      assert.deepEqual(links.slice(0, 2), [[newer, 'Test e-mail from Vardag'], [mailId, 'Testmejl från Vardag']]);
      assert.match(res.text, /till emma\.andersson@example\.com/);
    }
  });

  it('shows one mail\'s text, escaped, with its web addresses as links, and never its HTML', async () => {
    const res = await (await signIn(t.app, 'admin')).get(`/demo/mailbox/${mailId}`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Testmejl från Vardag<\/h1>/);
    assert.match(res.text, /<dd>emma\.andersson@example\.com<\/dd>/);
    assert.match(res.text, /Hej Emma &lt;script&gt;alert\(1\)&lt;\/script&gt;!/);
    assert.doesNotMatch(res.text, /<script>alert/);
    assert.match(res.text, /på <a href="https:\/\/vardag\.test">https:\/\/vardag\.test<\/a>\. Det har kommit fram/);
    assert.doesNotMatch(res.text, /max-width:36rem/, 'the HTML body is not rendered');
  });

  it('is not found for anyone but an admin, nor for a mail that is not in it', async () => {
    for (const user of ['vardnadshavare', 'pedagog', 'rektor']) {
      const agent = await signIn(t.app, user);
      assert.equal((await agent.get('/demo/mailbox')).status, 404, user);
      assert.equal((await agent.get(`/demo/mailbox/${mailId}`)).status, 404, user);
    }
    const anonymous = await request(t.app).get('/demo/mailbox');
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.location, /^\/login/);
    const queued = await queueMail(t.db, { to: 'later@example.com', ...composeMail('test-mail', sv, { publicUrl: SITE }) }, t.clock.now());
    assert.equal((await (await signIn(t.app, 'admin')).get(`/demo/mailbox/${queued}`)).status, 404, 'a mail not delivered yet');
  });
});

describe('the demo mailbox, scoped by municipality', () => {
  let t: TestApp;
  let runner: JobRunner;
  let invitationMail: number;
  let testMail: number;

  before(async () => {
    t = await startTestApp();
    runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerMailJobs(runner, { db: t.db, clock: t.clock, transport: 'demo-mailbox', from: 'Vardag <no-reply@localhost>' });
    // Staff of Blåbär invite Anna, Alice's guardian, the way the page does: the mail carries a key to Demokommun.
    const alice = await personId(t.db, 'Alice', 'Johansson');
    const anna = await personId(t.db, 'Anna', 'Johansson');
    const sent = await postForm(await signIn(t.app, 'pedagog'), `/children/${alice}/invitations/new`, `/children/${alice}/invitations`,
      { invite: String(anna), [`email_${anna}`]: 'anna.ny@example.com', [`language_${anna}`]: 'sv', confirm: 'yes' });
    assert.equal(sent.status, 303);
    testMail = await queueMail(t.db, { to: 'test@example.com', ...composeMail('test-mail', sv, { publicUrl: SITE }) }, t.clock.now());
    assert.equal(await runner.runDue(), 2);
    const row = await t.db.selectFrom('mail_outbox').select(['id', 'municipality_id']).where('recipient', '=', 'anna.ny@example.com')
      .executeTakeFirstOrThrow();
    invitationMail = row.id;
    assert.equal(row.municipality_id, await municipalityId(t.db, 'Demokommun'), 'the invitation mail records its municipality');
  });
  after(async () => {
    await runner.stop();
    await t.close();
  });

  const listed = (html: string) => [...html.matchAll(/<a href="\/demo\/mailbox\/(\d+)">/g)].map((m) => Number(m[1]));

  it("does not show Grannkommun's admin Demokommun's invitation, neither in the list nor by its address", async () => {
    const grannadmin = await signIn(t.app, 'grannadmin');
    const list = await grannadmin.get('/demo/mailbox');
    assert.equal(list.status, 200);
    assert.ok(!listed(list.text).includes(invitationMail), 'not in the list');
    assert.doesNotMatch(list.text, /anna\.ny@example\.com|Inbjudan till Vardag/);
    const direct = await grannadmin.get(`/demo/mailbox/${invitationMail}`);
    assert.equal(direct.status, 404);
    assert.doesNotMatch(direct.text, /register_invite/);
  });

  it("shows Demokommun's admin its invitation, key and all", async () => {
    const admin = await signIn(t.app, 'admin');
    assert.ok(listed((await admin.get('/demo/mailbox')).text).includes(invitationMail));
    const mail = await admin.get(`/demo/mailbox/${invitationMail}`);
    assert.equal(mail.status, 200);
    assert.match(mail.text, /\/register_invite\/[A-Z2-9]{12}/);
  });

  it("keeps an account's own mails (a password reset link, an address to verify) in its person's municipality", async () => {
    const before = (await t.db.selectFrom('mail_outbox').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id ?? 0;
    await t.db.updateTable('accounts').set({ email: 'emma@example.se', email_key: 'emma@example.se' }).where('username', '=', 'vardnadshavare').execute();
    assert.equal((await postForm(request.agent(t.app), '/password/forgot', '/password/forgot', { name: 'vardnadshavare' })).status, 200);
    assert.equal((await postForm(await signIn(t.app, 'vardnadshavare'), '/settings', '/settings/emails', { email: 'emma.ny@example.se' })).status, 303);
    assert.equal(await runner.runDue(), 2);
    const mails = await t.db.selectFrom('mail_outbox').select(['id', 'municipality_id']).where('id', '>', Number(before)).execute();
    assert.equal(mails.length, 2);
    const demokommun = await municipalityId(t.db, 'Demokommun');
    const grannadmin = await signIn(t.app, 'grannadmin');
    for (const mail of mails) {
      assert.equal(mail.municipality_id, demokommun);
      assert.equal((await grannadmin.get(`/demo/mailbox/${mail.id}`)).status, 404);
    }
  });

  it('shows a mail about no municipality (a test mail) to the admins of both', async () => {
    for (const admin of ['admin', 'grannadmin']) {
      const agent = await signIn(t.app, admin);
      assert.ok(listed((await agent.get('/demo/mailbox')).text).includes(testMail), admin);
      assert.equal((await agent.get(`/demo/mailbox/${testMail}`)).status, 200, admin);
    }
  });
});

describe('a real database', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ demo: false }); });
  after(() => t.close());

  it('has no demo mailbox page', async () => {
    assert.equal(t.routes.entries.filter((e) => e.path.startsWith('/demo')).length, 0);
    const res = await request(t.app).get('/demo/mailbox');
    assert.equal(res.status, 404, 'not even a login redirect: the page does not exist');
    assert.equal((await request(t.app).get('/demo/mailbox/1')).status, 404);
  });

  it('never delivers to the demo mailbox: without SMTP_URL mail stays queued, body and all', async () => {
    assert.equal(chooseMailTransport(undefined, false), undefined, 'no transport at all');
    // Even if the demo mailbox were wired in by mistake, the sender refuses on a real database.
    const runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerMailJobs(runner, { db: t.db, clock: t.clock, transport: 'demo-mailbox', from: 'Vardag <no-reply@localhost>' });
    const id = await queueMail(t.db, { to: 'anna@example.se', ...composeMail('test-mail', sv, { publicUrl: SITE }) }, t.clock.now());
    assert.equal(await runner.runDue(), 1);
    await runner.stop();
    const row = await t.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([row.sent_at, row.demo_mailbox], [null, 0]);
    assert.match(row.text_body ?? '', /testmejl/);
    assert.match(row.last_error ?? '', /only for demo databases.*SMTP_URL/);
  });
});
