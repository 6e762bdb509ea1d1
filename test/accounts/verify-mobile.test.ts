// A mobile number gets SMS only once its holder has typed in the code SMS:ed to it. A new number in "Mina
// inställningar" gets a 6-digit code and waits; until the right code, SMS go to the number verified before (else the
// register's). A code is used once, expires after 15 minutes and allows 5 wrong tries; codes are limited per account
// and per number; and numbers stored before numbers were verified get no SMS until their holders verify them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, type Kysely } from 'kysely';
import { migrations } from '../../db/migrations/index.ts';
import * as verifyMobileNumbers from '../../db/migrations/0016_verify_mobile_numbers.ts';
import { FixedClock, today } from '../../server/kernel/clock.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { settleMode } from '../../server/demo/mode.ts';
import { createElksGateway, registerSmsJobs } from '../../server/sms/sender.ts';
import { isOpenAccountMobile } from '../../server/accounts/queries.ts';
import { swedishMobile } from '../../server/sms/rules.ts';
import { csrfOf, demoPasswordHash, postForm, signIn, startTestApp, type Agent, type FormFields, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { TestSmsGateway } from '../support/sms-gateway.ts';
import { newInstallation, type TestInstallation } from '../support/database.ts';

const post = (agent: Agent, path: string, fields: FormFields = {}) => postForm(agent, '/settings', path, fields);
/** A page's text as read, without its tags (a phone number stands in a span of its own). */
const shown = (html: string) => html.replace(/<[^>]*>/g, '');

/** The codes SMS:ed to a number, oldest first. */
async function codesTo(t: TestApp, mobile: string): Promise<string[]> {
  const rows = await t.db.selectFrom('sms_outbox').select('message').where('recipient', '=', mobile).where('child_id', 'is', null).orderBy('id').execute();
  return rows.map((r) => r.message.match(/\b(\d{6})\b/)?.[1] ?? `no code in "${r.message}"`);
}

const lastCode = async (t: TestApp, mobile: string) => (await codesTo(t, mobile)).at(-1)!;
const otherCode = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0');
const accountOf = (t: TestApp, username: string) => t.db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
const waiting = async (t: TestApp, username: string) => t.db.selectFrom('account_mobile_verifications').selectAll()
  .where('account_id', '=', (await accountOf(t, username)).id).executeTakeFirst();

/** School staff mark Oskar's absence unreported on `date`: the SMS queued to his guardians, by recipient. */
async function markOskar(t: TestApp, date: string): Promise<string[]> {
  const oskar = await personId(t.db, 'Oskar', 'Andersson');
  const teacher = await signIn(t.app, 'larare2b');
  const res = await teacher.post(`/children/${oskar}/absences/unreported`).type('form').send({ _csrf: await csrfOf(teacher), date, confirmed: 'yes' });
  assert.equal(res.status, 303, res.text);
  const rows = await t.db.selectFrom('sms_outbox').select('recipient').where('child_id', '=', oskar).where('day', '=', date).execute();
  return rows.map((r) => r.recipient);
}

async function registerMobileOfEmma(t: TestApp): Promise<string> {
  const emma = await t.db.selectFrom('persons').select('phone').where('first_name', '=', 'Emma').where('last_name', '=', 'Andersson').executeTakeFirstOrThrow();
  const mobile = swedishMobile(emma.phone);
  assert.ok(mobile, 'Emma has a mobile number in the register');
  return mobile;
}

describe('verifying a mobile number', () => {
  let t: TestApp;
  let registers: string; // Emma's number in the register
  before(async () => {
    t = await startTestApp({ env: { VERIFY_SMS_LIMIT_PER_ACCOUNT: '4', VERIFY_SMS_LIMIT_PER_NUMBER: '3' } });
    registers = await registerMobileOfEmma(t);
  });
  after(() => t.close());

  it('SMS a code to a new number, which gets no other SMS until the code is typed in; the right code makes it the one SMS go to', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    const res = await post(emma, '/settings/mobile', { mobile: '070-765 43 21' });
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, '/settings#mobile-section');

    const sms = await t.db.selectFrom('sms_outbox').selectAll().where('recipient', '=', '+46707654321').execute();
    assert.equal(sms.length, 1, 'one SMS to the new number');
    assert.match(sms[0].message, /^Vardag: Din kod är \d{6}\. Den gäller i 15 minuter\. Har du inte bett om en kod kan du strunta i det här sms:et\.$/);
    assert.ok(sms[0].message.length <= 160, 'fits in one SMS');
    const jobs = await t.db.selectFrom('jobs').select('payload').where('kind', '=', 'sms.send').execute();
    assert.ok(jobs.some((j) => JSON.parse(j.payload).smsId === sms[0].id), 'and a job to send it');
    const code = await lastCode(t, '+46707654321');

    assert.equal((await accountOf(t, 'vardnadshavare')).mobile, null, 'not the account\'s number yet');
    const row = await waiting(t, 'vardnadshavare');
    assert.equal(row?.mobile, '+46707654321');
    assert.notEqual(row?.code_hash, code, 'the code is stored hashed');
    assert.doesNotMatch(row?.code_hash ?? '', new RegExp(code));

    const page = await emma.get('/settings');
    assert.match(page.text, /Vi har skickat en kod i ett sms till numret\. Skriv in den under Mobilnummer\./);
    assert.match(shown(page.text), /Vi har skickat en kod till 070-765 43 21\. Skriv in den här för att bekräfta att numret är ditt\. Koden gäller i 15 minuter\./);
    assert.match(page.text, /<span class="phone-number" dir="ltr">070-765 43 21<\/span>/, 'a number keeps together, left to right in Arabic too');
    assert.match(page.text, /<form method="post" action="\/settings\/mobile\/verify" novalidate>/);
    assert.match(page.text, /id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"/);
    assert.match(page.text, /action="\/settings\/mobile\/resend"/);
    assert.match(page.text, /action="\/settings\/mobile\/cancel"/);

    assert.deepEqual(await markOskar(t, '2026-11-24'), [registers], 'waiting: the SMS goes to the register\'s number, not the new one');

    const verified = await post(emma, '/settings/mobile/verify', { code });
    assert.equal(verified.status, 303, verified.text);
    assert.equal(verified.headers.location, '/settings#mobile-section');
    assert.equal((await accountOf(t, 'vardnadshavare')).mobile, '+46707654321');
    assert.equal(await waiting(t, 'vardnadshavare'), undefined, 'nothing waits any more');
    const after = await emma.get('/settings');
    assert.match(after.text, /Mobilnumret är bekräftat\. Sms från Vardag går nu dit\./);
    assert.match(shown(after.text), /Sms går till 070-765 43 21\./);
    assert.match(after.text, /name="mobile" type="tel" value="070-765 43 21"/);
    assert.doesNotMatch(after.text, /action="\/settings\/mobile\/verify"/);

    assert.deepEqual(await markOskar(t, '2026-11-23'), ['+46707654321'], 'verified: the SMS goes to her own number');

    const again = await post(emma, '/settings/mobile/verify', { code });
    assert.equal(again.status, 400, 'a code is used once');
    assert.match(again.text, /Det finns inget nummer som väntar på en kod\. Skriv numret igen\./);
  });

  it('keeps the verified number while a new one waits, and a code verifies only the number it was sent to', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    assert.equal((await post(emma, '/settings/mobile', { mobile: '0731112233' })).status, 303);
    const first = await lastCode(t, '+46731112233');
    assert.equal((await post(emma, '/settings/mobile', { mobile: '0731112244' })).status, 303, 'changed her mind');
    const page = await emma.get('/settings');
    assert.match(shown(page.text), /Vi har skickat en kod till 073-111 22 44\./);
    assert.match(shown(page.text), /Tills du har bekräftat det nya numret går sms till 070-765 43 21\./);
    assert.deepEqual(await markOskar(t, '2026-11-20'), ['+46707654321'], 'the verified number, while the new one waits');

    const stale = await post(emma, '/settings/mobile/verify', { code: first });
    if (first !== (await lastCode(t, '+46731112244'))) {
      assert.equal(stale.status, 400, 'the code of the number before does not verify this one');
      assert.match(stale.text, /Koden stämmer inte\. Du har 4 försök kvar\./);
    }
    assert.equal((await accountOf(t, 'vardnadshavare')).mobile, '+46707654321');

    const cancelled = await post(emma, '/settings/mobile/cancel');
    assert.equal(cancelled.status, 303);
    assert.equal(await waiting(t, 'vardnadshavare'), undefined);
    assert.equal((await accountOf(t, 'vardnadshavare')).mobile, '+46707654321', 'cancelling keeps the verified number');
    assert.match((await emma.get('/settings')).text, /Det obekräftade numret är borttaget\./);

    const same = await post(emma, '/settings/mobile', { mobile: '+46 70 765 43 21' });
    assert.equal(same.status, 400, 'her verified number again: no code');
    assert.match(same.text, /id="mobile-error"[^>]*>.*Det är redan ditt bekräftade mobilnummer/s);
    assert.equal((await codesTo(t, '+46707654321')).length, 1);
  });

  it('counts wrong codes: a message at the field each time, and after 5 wrong tries not even the right code is taken', async () => {
    const johan = await signIn(t.app, 'vardnadshavare2');
    assert.equal((await post(johan, '/settings/mobile', { mobile: '070-222 33 44' })).status, 303);
    const code = await lastCode(t, '+46702223344');

    for (const typed of ['', '12345', '12a456', '1234567']) {
      const res = await post(johan, '/settings/mobile/verify', { code: typed });
      assert.equal(res.status, 400, typed);
      assert.match(res.text, typed ? /Koden är 6 siffror, till exempel 123456/ : /Skriv koden från sms:et/);
      assert.match(res.text, /<title>Fel: Mina inställningar/);
      if (typed) assert.match(res.text, new RegExp(`id="code" name="code"[^>]*value="${typed}"`), 'what was typed stays');
    }
    assert.equal((await waiting(t, 'vardnadshavare2'))?.attempts, 0, 'what cannot be a code is no try');

    for (let n = 1; n <= 5; n++) {
      const res = await post(johan, '/settings/mobile/verify', { code: otherCode(code, n) });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="code-error"/);
      if (n < 5) assert.match(res.text, new RegExp(`Koden stämmer inte\\. Du har ${5 - n} försök kvar\\.`), `try ${n}`);
      else assert.match(res.text, /Du har skrivit fel kod för många gånger\. Skicka en ny kod\./);
      assert.equal((await waiting(t, 'vardnadshavare2'))?.attempts, n);
    }
    const sixth = await post(johan, '/settings/mobile/verify', { code });
    assert.equal(sixth.status, 400, 'the 6th try, with the right code');
    assert.match(sixth.text, /Du har skrivit fel kod för många gånger\. Skicka en ny kod\./);
    assert.equal((await accountOf(t, 'vardnadshavare2')).mobile, null, 'not verified');
    assert.equal((await waiting(t, 'vardnadshavare2'))?.attempts, 5, 'a refused try is not counted past the limit');

    assert.equal((await post(johan, '/settings/mobile/resend')).status, 303, 'a new code');
    const fresh = await lastCode(t, '+46702223344');
    assert.equal((await codesTo(t, '+46702223344')).length, 2);
    assert.equal((await waiting(t, 'vardnadshavare2'))?.attempts, 0, 'the new code has its own tries');
    if (fresh !== code) assert.equal((await post(johan, '/settings/mobile/verify', { code })).status, 400, 'the old code is gone');
    assert.equal((await post(johan, '/settings/mobile/verify', { code: ` ${fresh.slice(0, 3)} ${fresh.slice(3)} ` })).status, 303, 'spaces are fine');
    assert.equal((await accountOf(t, 'vardnadshavare2')).mobile, '+46702223344');
  });

  it('never lets requests at once look at a code more than 5 times', async () => {
    const karim = await signIn(t.app, 'vardnadshavare3');
    assert.equal((await post(karim, '/settings/mobile', { mobile: '070-333 44 55' })).status, 303);
    const code = await lastCode(t, '+46703334455');
    const token = await csrfOf(karim);
    const tries = Array.from({ length: 12 }, (_, i) => karim.post('/settings/mobile/verify').type('form').send({ _csrf: token, code: otherCode(code, i + 1) }));
    const answers = await Promise.all(tries);
    assert.ok(answers.every((r) => r.status === 400));
    assert.equal((await waiting(t, 'vardnadshavare3'))?.attempts, 5);
    assert.equal((await post(karim, '/settings/mobile/verify', { code })).status, 400, 'the right code after that');
    assert.equal((await accountOf(t, 'vardnadshavare3')).mobile, null);
  });

  it('refuses an expired code, and a new code works', async () => {
    const pedagog = await signIn(t.app, 'pedagog');
    assert.equal((await post(pedagog, '/settings/mobile', { mobile: '070-444 55 66' })).status, 303);
    const code = await lastCode(t, '+46704445566');
    const start = t.clock.now().toISOString();
    t.clock.set(new Date(t.clock.now().getTime() + 15 * 60_000).toISOString());
    try {
      const res = await post(pedagog, '/settings/mobile/verify', { code });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="code-error"[^>]*>.*Koden har gått ut\. Skicka en ny kod\./s);
      assert.match(shown(res.text), /Koden vi skickade till 070-444 55 66 har gått ut\. Skicka en ny kod\./);
      assert.equal((await accountOf(t, 'pedagog')).mobile, null);
      assert.equal((await post(pedagog, '/settings/mobile/resend')).status, 303);
      assert.equal((await post(pedagog, '/settings/mobile/verify', { code: await lastCode(t, '+46704445566') })).status, 303);
      assert.equal((await accountOf(t, 'pedagog')).mobile, '+46704445566');
    } finally {
      t.clock.set(start);
    }
  });

  it('limits the codes to one number, whichever accounts ask, with the message at the field and nothing stored', async () => {
    const victim = '+46705556677';
    const rektor = await signIn(t.app, 'rektor');
    assert.equal((await post(rektor, '/settings/mobile', { mobile: '070-555 66 77' })).status, 303);
    assert.equal((await post(rektor, '/settings/mobile/resend')).status, 303, 'a new code to the same number counts too');
    const admin = await signIn(t.app, 'admin');
    assert.equal((await post(admin, '/settings/mobile', { mobile: '0705556677' })).status, 303);
    const outbox = await t.db.selectFrom('sms_outbox').select('id').execute();
    const refused = await post(await signIn(t.app, 'pedagog2'), '/settings/mobile', { mobile: '+46 70 555 66 77' });
    assert.equal(refused.status, 429);
    assert.match(refused.text, /id="mobile-error"[^>]*>.*Du har bett om för många koder\. Vänta en timme och försök sedan igen\./s);
    assert.match(refused.text, /name="mobile" type="tel" value="\+46 70 555 66 77"/, 'what was typed stays');
    assert.equal((await t.db.selectFrom('sms_outbox').select('id').execute()).length, outbox.length, 'no SMS queued');
    assert.equal(await waiting(t, 'pedagog2'), undefined, 'nothing stored');
    const resend = await post(rektor, '/settings/mobile/resend');
    assert.equal(resend.status, 429, 'nor a new code from the first account');
    assert.match(resend.text, /id="resend-error"[^>]*>.*Du har bett om för många koder/s);
    assert.equal((await codesTo(t, victim)).length, 3);
  });

  it('limits the codes one account asks for, counting only those sent', async () => {
    const grannadmin = await signIn(t.app, 'grannadmin');
    for (const typed of ['08-123 456 78', '070-12', '']) assert.notEqual((await post(grannadmin, '/settings/mobile', { mobile: typed })).status, 429);
    for (let i = 1; i <= 4; i++) assert.equal((await post(grannadmin, '/settings/mobile', { mobile: `076-600 00 0${i}` })).status, 303, `code ${i} of 4`);
    const outbox = (await t.db.selectFrom('sms_outbox').select('id').execute()).length;
    const refused = await post(grannadmin, '/settings/mobile', { mobile: '076-600 00 05' });
    assert.equal(refused.status, 429);
    assert.match(refused.text, /Du har bett om för många koder/);
    assert.equal((await post(grannadmin, '/settings/mobile/resend')).status, 429);
    assert.equal((await t.db.selectFrom('sms_outbox').select('id').execute()).length, outbox, 'no SMS queued');
    assert.equal((await waiting(t, 'grannadmin'))?.mobile, '+46766000004', 'the number waiting before stays');
    // another account is not limited by these
    assert.equal((await post(await signIn(t.app, 'pedagog3'), '/settings/mobile', { mobile: '076-600 00 09' })).status, 303);
  });

  it('says it in English and in Arabic, the SMS in the account\'s language', async () => {
    const elev = await signIn(t.app, 'elev');
    await postForm(elev, '/settings', '/language', { language: 'en', next: '/settings' });
    assert.equal((await post(elev, '/settings/mobile', { mobile: '072-777 88 99' })).status, 303);
    const [sms] = await t.db.selectFrom('sms_outbox').select('message').where('recipient', '=', '+46727778899').execute();
    assert.match(sms.message, /^Vardag: Your code is \d{6}\. It is valid for 15 minutes\./);
    const wrong = await post(elev, '/settings/mobile/verify', { code: otherCode(await lastCode(t, '+46727778899')) });
    assert.match(wrong.text, /The code is not right\. You have 4 tries left\./);
    await postForm(elev, '/settings', '/language', { language: 'ar', next: '/settings' });
    const page = await elev.get('/settings');
    assert.match(shown(page.text), /أرسلنا رمزًا إلى 072-777 88 99/);
    const arabicDigits = (await lastCode(t, '+46727778899')).replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
    assert.equal((await post(elev, '/settings/mobile/verify', { code: arabicDigits })).status, 303, 'the code typed on an Arabic keyboard');
    assert.equal((await accountOf(t, 'elev')).mobile, '+46727778899');
  });
});

describe('numbers stored before numbers were verified (migration 0016)', () => {
  let t: TestApp;
  let installation: TestInstallation;
  let registers: string;

  before(async () => {
    // Today's demo on a database put back to how it was before 0016 (no numbers waiting; Emma's own number in her
    // account, never verified), then 0016 itself runs on it. (Seeding on the schema of 0015 would need every later
    // column the seed writes.)
    installation = await newInstallation('mobile-0016');
    const connection = installation.open();
    const migrated = await new Migrator({ db: connection.db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
    assert.equal(migrated.error, undefined);
    const now = new Date('2026-11-24T09:00:00Z');
    await settleMode(connection.db, false, async (trx) => seedDemo(trx, { passwordHash: await demoPasswordHash(), now, today: today(new FixedClock(now.toISOString())), careTimes: false }));
    await connection.db.schema.dropTable('account_mobile_verifications').execute();
    await connection.db.updateTable('accounts').set({ mobile: '+46739876543' }).where('username', '=', 'vardnadshavare').execute();
    await verifyMobileNumbers.up(connection.db as unknown as Kysely<unknown>);
    await connection.close();
    t = await startTestApp({ existingDataDir: installation.dataDir, env: installation.env });
    registers = await registerMobileOfEmma(t);
  });
  after(async () => {
    await t.close();
    await installation.remove();
  });

  it('moves them to wait for a code: no SMS goes to them, and the settings page asks to verify', async () => {
    assert.equal((await accountOf(t, 'vardnadshavare')).mobile, null);
    const row = await waiting(t, 'vardnadshavare');
    assert.deepEqual([row?.mobile, row?.code_hash, row?.attempts], ['+46739876543', null, 0]);

    assert.deepEqual(await markOskar(t, '2026-11-24'), [registers], 'the register\'s number, never the unverified one');

    const emma = await signIn(t.app, 'vardnadshavare');
    const page = await emma.get('/settings');
    assert.match(shown(page.text), /Numret 073-987 65 43 är inte bekräftat, så Vardag skickar inga sms dit\. Skicka en kod till numret för att bekräfta det\./);
    assert.match(page.text, /<button type="submit" id="resend" class="secondary">Skicka en kod<\/button>/);
    assert.doesNotMatch(page.text, /action="\/settings\/mobile\/verify"/, 'no code to type in yet');

    const early = await post(emma, '/settings/mobile/verify', { code: '123456' });
    assert.equal(early.status, 400);
    assert.match(early.text, /Vi har inte skickat någon kod till numret än\. Välj Skicka en kod\./);

    assert.equal((await post(emma, '/settings/mobile/resend')).status, 303);
    const code = await lastCode(t, '+46739876543');
    assert.equal((await post(emma, '/settings/mobile/verify', { code })).status, 303);
    assert.equal((await accountOf(t, 'vardnadshavare')).mobile, '+46739876543');
    assert.deepEqual(await markOskar(t, '2026-11-23'), ['+46739876543'], 'verified: now it gets the SMS');
  });

  it('a number waiting can be removed instead', async () => {
    const johan = await signIn(t.app, 'vardnadshavare2');
    const johanId = (await accountOf(t, 'vardnadshavare2')).id;
    await t.db.insertInto('account_mobile_verifications').values({ account_id: johanId, mobile: '+46708889900', created_at: t.clock.now().toISOString() }).execute();
    assert.match((await johan.get('/settings')).text, /Ta bort numret/);
    assert.equal((await post(johan, '/settings/mobile/cancel')).status, 303);
    assert.equal(await waiting(t, 'vardnadshavare2'), undefined);
  });
});

describe('the code SMS on a demo database', () => {
  let t: TestApp;
  let gateway: TestSmsGateway;
  let runner: JobRunner;
  before(async () => {
    t = await startTestApp();
    gateway = await TestSmsGateway.start();
    runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
  });
  after(async () => {
    await runner.stop();
    await gateway.stop();
    await t.close();
  });

  it('shows in the demo SMS outbox without a gateway; with one, it reaches the number being verified', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    assert.equal((await post(emma, '/settings/mobile', { mobile: '070-765 43 21' })).status, 303);
    const outbox = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerSmsJobs(outbox, { db: t.db, clock: t.clock, gateway: 'demo-outbox', from: 'Vardag' });
    assert.equal(await outbox.runDue(), 1);
    await outbox.stop();
    const code = await lastCode(t, '+46707654321');
    const page = await (await signIn(t.app, 'admin')).get('/demo/sms');
    assert.match(page.text, new RegExp(`Vardag: Din kod är ${code}\\.`));

    // With SMS_GATEWAY_URL a demo database texts only numbers users entered themselves: the code goes out.
    registerSmsJobs(runner, {
      db: t.db, clock: t.clock, from: 'Vardag', gateway: createElksGateway({ url: gateway.url, ...gateway.credentials }),
      isOwnNumber: (mobile) => isOpenAccountMobile(t.db, mobile), // as server/main.ts wires it
    });
    assert.equal((await post(emma, '/settings/mobile/resend')).status, 303);
    await runner.runDue();
    assert.equal(gateway.delivered.length, 1);
    assert.equal(gateway.delivered[0].form.to, '+46707654321');
    assert.match(gateway.delivered[0].form.message, /^Vardag: Din kod är \d{6}\./);
  });
});
