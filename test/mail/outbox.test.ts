// The outbox with a real SMTP server on a loopback port: mails arrive in the recipient's language as text and HTML,
// a delivered mail's body is erased, a server that is down delays mail and loses none, and no mail holds a personnummer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JobRunner } from '../../server/kernel/jobs.ts';
import { languageByCode, type Language } from '../../server/kernel/i18n.ts';
import { composeMail, findIdentityNumbers } from '../../server/mail/compose.ts';
import { MAIL_SEND_JOB, queueMail } from '../../server/mail/outbox.ts';
import { MAIL_MAX_ATTEMPTS } from '../../server/mail/sender.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startMailDelivery, type MailDelivery } from '../support/mail.ts';
import type { TestSmtpServer } from '../support/smtp.ts';

const FROM = 'Vardag <no-reply@vardag.test>';
const SITE = 'https://vardag.test';
const sv = languageByCode('sv')!;
const en = languageByCode('en')!;

describe('the e-mail outbox', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let runner: JobRunner;
  let delivery: MailDelivery;
  const logs: string[] = [];

  before(async () => {
    t = await startTestApp();
    delivery = await startMailDelivery(t, { from: FROM, log: (m) => logs.push(m) });
    ({ smtp, runner } = delivery);
  });
  after(async () => {
    await delivery.stop();
    await t.close();
  });

  const testMail = (to: string, language: Language, name?: string) => ({ to, ...composeMail('test-mail', language, { name, publicUrl: SITE }) });
  const outboxRow = (id: number) => t.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const jobOf = (mailId: number) => t.db.selectFrom('jobs').selectAll().where('kind', '=', MAIL_SEND_JOB)
    .where('payload', '=', JSON.stringify({ mailId })).executeTakeFirstOrThrow();
  const later = (ms: number) => t.clock.set(new Date(t.clock.now().getTime() + ms).toISOString());
  const received = (to: string) => smtp.mails.filter((m) => m.envelopeTo.includes(to));

  it('sends queued mail in the recipient\'s language, as text and HTML, and erases the delivered body', async () => {
    const svId = await queueMail(t.db, testMail('emma@example.se', sv, 'Emma Andersson'), t.clock.now());
    const enId = await queueMail(t.db, testMail('john@example.com', en, 'John Smith'), t.clock.now());
    const queued = await outboxRow(svId);
    assert.equal(queued.sent_at, null);
    assert.match(queued.text_body ?? '', /Hej Emma Andersson!/, 'the body waits in the outbox until it is sent');

    assert.equal(await runner.runDue(), 2);
    await smtp.waitFor(2);

    const [swedish] = received('emma@example.se');
    assert.equal(swedish.subject, 'Testmejl från Vardag');
    assert.match(swedish.headers.get('from') ?? '', /no-reply@vardag\.test/);
    assert.match(swedish.headers.get('to') ?? '', /emma@example\.se/);
    assert.match(swedish.headers.get('content-type') ?? '', /multipart\/alternative/);
    assert.match(swedish.text ?? '', /^Hej Emma Andersson!\n\nDet här är ett testmejl från Vardag på https:\/\/vardag\.test\./);
    assert.match(swedish.text ?? '', /\n-- \nVardag: Det här mejlet skickades automatiskt\. Svara inte på det\.\n?$/);
    assert.match(swedish.html ?? '', /<html lang="sv" dir="ltr">/);
    assert.match(swedish.html ?? '', /<title>Testmejl från Vardag<\/title>/);
    assert.match(swedish.html ?? '', /<p[^>]*>Hej Emma Andersson!<\/p>/);
    assert.match(swedish.messageId, new RegExp(`^<${svId}\\.[0-9a-f]{16}@vardag\\.test>$`), 'a Message-ID made of the outbox id');

    const [english] = received('john@example.com');
    assert.equal(english.subject, 'Test e-mail from Vardag');
    assert.match(english.text ?? '', /^Hello John Smith,\n\nThis is a test e-mail from Vardag at https:\/\/vardag\.test\./);
    assert.match(english.html ?? '', /<html lang="en" dir="ltr">/);
    assert.match(english.html ?? '', /Please do not reply to it\./);
    assert.equal(english.messageId.split('.')[1], swedish.messageId.split('.')[1], 'one random per database');

    for (const id of [svId, enId]) {
      const row = await outboxRow(id);
      assert.equal(row.sent_at, t.clock.now().toISOString());
      assert.deepEqual([row.text_body, row.html_body, row.attempts, row.last_error, row.demo_mailbox], [null, null, 1, null, 0]);
      assert.notEqual((await jobOf(id)).done_at, null);
    }
    later(24 * 60 * 60_000);
    assert.equal(await runner.runDue(), 0);
    assert.equal(received('emma@example.se').length, 1);
    assert.equal(received('john@example.com').length, 1);
  });

  it('keeps a mail while the SMTP server is down, retries it with backoff, and sends it once when the server is back', async () => {
    const before = await queueMail(t.db, testMail('before@example.se', sv), t.clock.now());
    assert.equal(await runner.runDue(), 1);
    assert.equal(received('before@example.se').length, 1);

    await smtp.stop();
    const id = await queueMail(t.db, testMail('during@example.se', sv, 'Johan'), t.clock.now());
    const failedAt = t.clock.now().getTime();
    assert.equal(await runner.runDue(), 1, 'it tried');
    let row = await outboxRow(id);
    assert.equal(row.sent_at, null);
    assert.match(row.text_body ?? '', /Hej Johan!/, 'nothing lost: the body is still there');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error ?? '', /ECONNREFUSED|connect/i);
    let job = await jobOf(id);
    assert.equal(job.run_at, new Date(failedAt + 30_000).toISOString(), 'the next try in 30 s');
    assert.equal(await runner.runDue(), 0, 'not before then');

    later(30_000);
    assert.equal(await runner.runDue(), 1, 'tried again, still down');
    job = await jobOf(id);
    assert.equal(job.attempts, 2);
    assert.equal(job.run_at, new Date(failedAt + 30_000 + 60_000).toISOString(), 'then in 60 s');

    await smtp.start();
    later(59_000);
    assert.equal(await runner.runDue(), 0);
    later(1_000);
    assert.equal(await runner.runDue(), 1);
    const arrived = received('during@example.se');
    assert.equal(arrived.length, 1);
    assert.match(arrived[0].text ?? '', /Hej Johan!/);
    row = await outboxRow(id);
    assert.notEqual(row.sent_at, null);
    assert.deepEqual([row.text_body, row.html_body, row.attempts, row.last_error], [null, null, 3, null]);

    later(6 * 60 * 60_000);
    assert.equal(await runner.runDue(), 0);
    assert.equal(received('during@example.se').length, 1, 'exactly once');
    assert.equal(received('before@example.se').length, 1);
    assert.equal((await outboxRow(before)).text_body, null);
  });

  it('gives a mail up only after about two days of failures, and then erases its body too', async () => {
    await smtp.stop();
    try {
      const id = await queueMail(t.db, testMail('never@example.se', en), t.clock.now());
      const start = t.clock.now().getTime();
      for (let attempt = 1; attempt <= MAIL_MAX_ATTEMPTS; attempt++) {
        assert.equal(await runner.runDue(), 1, `attempt ${attempt}`);
        later(60 * 60_000);
      }
      const row = await outboxRow(id);
      assert.equal(row.sent_at, null);
      assert.notEqual(row.failed_at, null);
      assert.deepEqual([row.text_body, row.html_body], [null, null]);
      assert.equal(row.attempts, MAIL_MAX_ATTEMPTS);
      const job = await jobOf(id);
      assert.notEqual(job.failed_at, null);
      const hours = (new Date(job.failed_at!).getTime() - start) / 3_600_000;
      assert.ok(hours > 40, `given up after ${hours.toFixed(1)} hours`);
      assert.match(logs.join('\n'), new RegExp(`gave up mail\\.send job ${job.id} after ${MAIL_MAX_ATTEMPTS} attempts`));
      assert.equal(await runner.runDue(), 0);
    } finally {
      await smtp.start();
    }
  });

  it('stores a mail together with the change that causes it, or not at all', async () => {
    const count = async () => (await t.db.selectFrom('mail_outbox').select('id').execute()).length;
    const jobs = async () => (await t.db.selectFrom('jobs').select('id').execute()).length;
    const [mails, queuedJobs] = [await count(), await jobs()];
    await assert.rejects(t.db.transaction().execute(async (trx) => {
      await queueMail(trx, testMail('rollback@example.se', sv), t.clock.now());
      throw new Error('the change failed');
    }), /the change failed/);
    assert.equal(await count(), mails);
    assert.equal(await jobs(), queuedJobs);
  });

  it('refuses a recipient that is not one plain address', async () => {
    for (const to of ['emma@example.se\r\nBcc: all@example.se', 'Emma <emma@example.se>', 'a@example.se, b@example.se', 'no-at-sign', '']) {
      await assert.rejects(queueMail(t.db, testMail(to, sv), t.clock.now()), /not one plain e-mail address/, JSON.stringify(to));
    }
  });

  it('writes the text part as text and escapes the HTML part', () => {
    const mail = composeMail('test-mail', sv, { name: 'Åsa "Ö" <b>O\'Neil</b> & Co', publicUrl: SITE });
    assert.match(mail.text, /^Hej Åsa "Ö" <b>O'Neil<\/b> & Co!$/m);
    assert.match(mail.html, /Hej Åsa &quot;Ö&quot; &lt;b&gt;O&#39;Neil&lt;\/b&gt; &amp; Co!/);
    assert.doesNotMatch(mail.html, /<b>/);
  });
});

describe('no mail carries a personnummer', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  it('leaves out the identity number of a person record passed in whole', async () => {
    const emma = await t.db.selectFrom('persons').selectAll().where('first_name', '=', 'Emma').where('last_name', '=', 'Andersson')
      .executeTakeFirstOrThrow();
    assert.match(emma.identity_number ?? '', /^\d{8}-\d{4}$/, 'the demo person has a personnummer');
    for (const language of [sv, en]) {
      const mail = composeMail('test-mail', language, { ...emma, person: emma, name: `${emma.first_name} ${emma.last_name}`, publicUrl: SITE });
      const all = `${mail.subject}\n${mail.text}\n${mail.html}`;
      assert.match(mail.text, /Emma Andersson/);
      assert.deepEqual(findIdentityNumbers(all), []);
      const digits = emma.identity_number!.replace('-', '');
      assert.ok(!all.replace(/\D/g, ' ').split(/\s+/).some((run) => run.length >= 10 && digits.includes(run)), 'not even its digits');
    }
  });

  it('refuses to compose a mail that would show one', () => {
    const number = identityNumber('2019-03-12', 123);
    assert.throws(() => composeMail('test-mail', sv, { name: number, publicUrl: SITE }), /would contain a personal identity number/);
    assert.throws(() => composeMail('test-mail', en, { name: 'Nora', publicUrl: `${SITE}/?id=${number.replace('-', '')}` }), /personal identity number/);
  });

  it('recognises personnummer and samordningsnummer in every usual way of writing them, and little else', () => {
    const pnr = identityNumber('2019-03-12', 123); // 20190312-123X
    const short = pnr.slice(2);
    const samordning = identityNumber('1985-07-04', 456, true);
    const wrongCheck = `${pnr.slice(0, -1)}${(Number(pnr.slice(-1)) + 1) % 10}`;
    assert.deepEqual(findIdentityNumbers(`a ${pnr} b`), [pnr]);
    assert.deepEqual(findIdentityNumbers(`a ${pnr.replace('-', '')}.`), [pnr.replace('-', '')]);
    assert.deepEqual(findIdentityNumbers(`(${short})`), [short]);
    assert.deepEqual(findIdentityNumbers(`${short.replace('-', '+')}`), [short.replace('-', '+')], 'over 100 years old');
    assert.deepEqual(findIdentityNumbers(samordning), [samordning]);
    assert.deepEqual(findIdentityNumbers(`${wrongCheck} 070-123 45 67 0701234567 2026-11-24 12:00 2026-11-24T09:00:00.000Z id 4711 +46701234567 ${pnr.replace('-', '').slice(2)}`), [],
      'a wrong check digit, phone numbers, dates, ids');
  });
});
