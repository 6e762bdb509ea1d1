// "Logga in med SMS-kod" (seed 000, issue 24 item 5): where the municipality has turned it on, a person types their
// username, e-mail address or mobile number and a 6-digit code goes by SMS to the account's VERIFIED number; the answer
// is the same whether or not such an account exists. A code lives 10 minutes, allows 5 tries, is stored hashed and is
// used once (two posts of it at once: one session). SMS cost money: limited per address, typed name, account and
// number. The login is a weak one.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { createElksGateway, registerSmsJobs } from '../../server/sms/sender.ts';
import { isOpenAccountMobile } from '../../server/accounts/queries.ts';
import { SMS_LOGIN_PER_ACCOUNT, smsLogin } from '../../server/accounts/sms-login.ts';
import { loginSettingsOf } from '../../server/e-id/settings.ts';
import { SMS_LOGIN_PER_ADDRESS, SMS_LOGIN_PER_NAME } from '../../server/accounts/sms-login-routes.ts';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { municipalityId } from '../support/demo.ts';
import { requestClosure } from '../../server/accounts/closure-queries.ts';
import { TestSmsGateway } from '../support/sms-gateway.ts';

const EMMA_MOBILE = '+46701112233';
const shown = (html: string) => html.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ');

const accountOf = (t: TestApp, username: string) => t.db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirstOrThrow();

/** Turns SMS code login on or off for a municipality (its login settings, as the admin page saves them). */
async function smsLoginIn(t: TestApp, municipality: string, on: boolean): Promise<void> {
  const id = await municipalityId(t.db, municipality);
  const admin = await accountOf(t, 'admin');
  const at = t.clock.now().toISOString();
  await t.db.insertInto('login_settings').values({ municipality_id: id, sms_code_login: on ? 1 : 0, changed_by: admin.id, changed_at: at })
    .onConflict((oc) => oc.column('municipality_id').doUpdateSet({ sms_code_login: on ? 1 : 0 })).execute();
}

async function setMobile(t: TestApp, username: string, mobile: string | null): Promise<void> {
  await t.db.updateTable('accounts').set({ mobile }).where('username', '=', username).execute();
}

/** The login SMS queued to a number, oldest first. */
async function smsTo(t: TestApp, mobile: string): Promise<string[]> {
  const rows = await t.db.selectFrom('sms_outbox').select('message').where('recipient', '=', mobile).orderBy('id').execute();
  return rows.map((r) => r.message);
}
const codeIn = (message: string | undefined) => message?.match(/\b(\d{6})\b/)?.[1] ?? assert.fail(`no code in "${message}"`);
const otherCode = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0');

/** Asks for a code as a fresh browser (or `agent`) would: the form's page, then the post. */
async function ask(t: TestApp, name: string, agent: Agent = request.agent(t.app), next?: string) {
  const res = await postForm(agent, '/login', '/login/sms', next ? { name, next } : { name }); // (any public page's token will do)
  return { agent, res };
}
const typeCode = (agent: Agent, code: string) => postForm(agent, '/login', '/login/sms/code', { code });

async function signedInAs(t: TestApp, agent: Agent): Promise<string | undefined> {
  const res = await agent.get('/settings');
  if (res.status !== 200) return undefined;
  const accounts = await t.db.selectFrom('accounts').select('username').execute();
  return accounts.find((a) => res.text.includes(`value="${a.username}"`))?.username;
}

describe('logging in with an SMS code', () => {
  let t: TestApp;
  beforeEach(async () => {
    await t.db.deleteFrom('rate_limit_hits').execute();
    await t.db.deleteFrom('login_limits').execute();
    await t.db.deleteFrom('sms_outbox').execute();
  });
  before(async () => {
    t = await startTestApp();
    await setMobile(t, 'vardnadshavare', EMMA_MOBILE);
  });
  after(() => t.close());

  it('is not offered where no municipality has turned it on', async () => {
    const login = await request(t.app).get('/login');
    assert.doesNotMatch(login.text, /Logga in med SMS-kod/);
    assert.equal((await request(t.app).get('/login/sms')).status, 404);
    const { res } = await ask(t, 'vardnadshavare');
    assert.equal(res.status, 303, 'the same answer as anywhere');
    assert.deepEqual(await smsTo(t, EMMA_MOBILE), [], 'but no SMS');
  });

  it('sends a code to the verified number of the account a username names; the right code signs in, weakly, and goes where the login was headed', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    const login = await request(t.app).get('/login?next=/settings');
    assert.match(login.text, /<a href="\/login\/sms\?next=%2Fsettings">Logga in med SMS-kod<\/a>/);
    const page = await request(t.app).get('/login/sms?next=/settings');
    assert.equal(page.status, 200);
    assert.match(page.text, /<title>Logga in med SMS-kod/);
    assert.match(page.text, /<form method="post" action="\/login\/sms" novalidate>/);
    assert.match(page.text, /<input type="hidden" name="next" value="\/settings">/);
    assert.match(page.text, /<label for="name">Användarnamn, e-postadress eller mobilnummer<\/label>/);

    const { agent, res } = await ask(t, 'Vardnadshavare ', undefined, '/settings');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login/sms/code', 'nothing of the name, number or code in the URL');
    const sent = await smsTo(t, EMMA_MOBILE);
    assert.equal(sent.length, 1);
    assert.match(sent[0], /^Vardag: Din inloggningskod är \d{6}\. Den gäller i 10 minuter\. Ge aldrig koden till någon annan\.$/);
    assert.ok(sent[0].length <= 160, 'one SMS');
    const code = codeIn(sent[0]);
    const rows = await t.db.selectFrom('sms_login_codes').selectAll().where('account_id', '=', (await accountOf(t, 'vardnadshavare')).id).execute();
    assert.equal(rows.length, 1);
    assert.doesNotMatch(rows[0].code_hash, new RegExp(code), 'stored hashed');
    assert.equal(rows[0].expires_at, new Date(t.clock.now().getTime() + 10 * 60_000).toISOString());

    const codePage = await agent.get('/login/sms/code');
    assert.equal(codePage.status, 200);
    assert.match(shown(codePage.text), /Om det finns ett konto med de uppgifterna, och kontot har ett bekräftat mobilnummer, har vi skickat en kod dit med sms\./);
    assert.match(codePage.text, /id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"/);

    const wrong = await typeCode(agent, otherCode(code));
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /<title>Fel:/);
    assert.match(wrong.text, /Koden stämmer inte\. Du har 4 försök kvar\./);

    const right = await typeCode(agent, ` ${code.slice(0, 3)} ${code.slice(3)} `);
    assert.equal(right.status, 303, right.text);
    assert.equal(right.headers.location, '/settings');
    assert.equal(await signedInAs(t, agent), 'vardnadshavare');
    const session = await t.db.selectFrom('sessions').select('sess').where('account_id', '=', (await accountOf(t, 'vardnadshavare')).id)
      .orderBy('expires', 'desc').executeTakeFirstOrThrow();
    const data = JSON.parse(session.sess);
    assert.equal(data.strong, undefined, 'a weak login');
    assert.equal(data.smsLogin, undefined, 'the code login under way is forgotten');
    assert.doesNotMatch(session.sess, new RegExp(code));
    assert.ok((await t.db.selectFrom('sms_login_codes').select('used_at').where('id', '=', rows[0].id).executeTakeFirstOrThrow()).used_at, 'used');
  });

  it('answers the same, and sends nothing, for an unknown name, an account without a verified number, a closed account and another municipality', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    await setMobile(t, 'grannadmin', '+46701119999'); // Grannkommun has not turned it on
    const known = await ask(t, 'vardnadshavare');
    const knownPage = shown((await known.agent.get('/login/sms/code')).text);
    for (const name of ['ingen-sadan', 'vardnadshavare2', 'grannadmin', '0709999999']) {
      const { agent, res } = await ask(t, name);
      assert.equal(res.status, 303, name);
      assert.equal(res.headers.location, '/login/sms/code', name);
      const page = await agent.get('/login/sms/code');
      assert.equal(shown(page.text).replace(/name="_csrf" value="[^"]*"/, ''), knownPage.replace(/name="_csrf" value="[^"]*"/, ''), `${name}: the same page`);
      const tried = await typeCode(agent, '123456');
      assert.equal(tried.status, 400, name);
      assert.match(tried.text, /Koden stämmer inte\. Du har 4 försök kvar\./, `${name}: the same answer to a code`);
    }
    assert.deepEqual(await smsTo(t, '+46701119999'), [], 'Grannkommun: none');
    const outbox = await t.db.selectFrom('sms_outbox').select('recipient').execute();
    assert.deepEqual(outbox.map((r) => r.recipient), [EMMA_MOBILE], 'only the one known account got an SMS');
    await setMobile(t, 'grannadmin', null);
  });

  it('finds the account by its e-mail address or its mobile number however written; a number two accounts share gets no code', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    const emma = await accountOf(t, 'vardnadshavare');
    for (const name of ['070-111 22 33', '+46 70 111 22 33', ...(emma.email ? [emma.email.toUpperCase()] : [])]) {
      const { agent } = await ask(t, name);
      const code = codeIn((await smsTo(t, EMMA_MOBILE)).at(-1));
      const res = await typeCode(agent, code);
      assert.equal(res.status, 303, name);
      assert.equal(await signedInAs(t, agent), 'vardnadshavare', name);
    }
    await setMobile(t, 'vardnadshavare2', EMMA_MOBILE); // the other guardian verified the same phone
    const before = (await smsTo(t, EMMA_MOBILE)).length;
    const { agent } = await ask(t, '0701112233');
    const after = await smsTo(t, EMMA_MOBILE);
    assert.equal(after.length, before + 1);
    assert.equal(after.at(-1), 'Vardag: Flera konton har det här mobilnumret. Skriv ditt användarnamn i stället för numret när du loggar in med SMS-kod.');
    assert.equal((await typeCode(agent, '000000')).status, 400);
    const byName = await ask(t, 'vardnadshavare2');
    const res = await typeCode(byName.agent, codeIn((await smsTo(t, EMMA_MOBILE)).at(-1)));
    assert.equal(res.status, 303);
    assert.equal(await signedInAs(t, byName.agent), 'vardnadshavare2');
    await setMobile(t, 'vardnadshavare2', null);
  });

  it('allows five tries: then the code is dead, the right one too', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    const { agent } = await ask(t, 'vardnadshavare');
    const code = codeIn((await smsTo(t, EMMA_MOBILE)).at(-1));
    for (let left = 4; left >= 1; left--) assert.match((await typeCode(agent, otherCode(code, left))).text, new RegExp(`Du har ${left} försök kvar`));
    assert.match((await typeCode(agent, otherCode(code, 7))).text, /Du har skrivit fel kod för många gånger\. Be om en ny kod\./);
    const right = await typeCode(agent, code);
    assert.equal(right.status, 400);
    assert.match(right.text, /Du har skrivit fel kod för många gånger\. Be om en ny kod\./);
    assert.equal(await signedInAs(t, agent), undefined);
    assert.match((await typeCode(agent, 'abc')).text, /Koden är 6 siffror, till exempel 123456/);
  });

  it('expires after 10 minutes; a newer code replaces an older one', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    const start = t.clock.now().toISOString();
    try {
      const first = await ask(t, 'vardnadshavare');
      const firstCode = codeIn((await smsTo(t, EMMA_MOBILE)).at(-1));
      const second = await ask(t, 'vardnadshavare');
      const secondCode = codeIn((await smsTo(t, EMMA_MOBILE)).at(-1));
      if (firstCode !== secondCode) {
        const old = await typeCode(first.agent, firstCode);
        assert.equal(old.status, 400, 'the first code stopped working');
        assert.match(old.text, /Koden gäller inte längre\. Be om en ny kod\./);
      }
      t.clock.set(new Date(Date.parse(start) + 10 * 60_000).toISOString());
      const late = await typeCode(second.agent, secondCode);
      assert.equal(late.status, 303, 'the code page itself is gone: back to asking');
      assert.equal(late.headers.location, '/login/sms');
      assert.equal((await second.agent.get('/login/sms/code')).headers.location, '/login/sms');
      // Even with the session's clock still running, the code row has expired.
      t.clock.set(new Date(Date.parse(start) + 20 * 60_000).toISOString());
      const third = await ask(t, 'vardnadshavare');
      const thirdCode = codeIn((await smsTo(t, EMMA_MOBILE)).at(-1));
      await t.db.updateTable('sms_login_codes').set({ expires_at: t.clock.now().toISOString() }).where('used_at', 'is', null).where('account_id', 'is not', null).execute();
      const expired = await typeCode(third.agent, thirdCode);
      assert.equal(expired.status, 400);
      assert.match(expired.text, /Koden gäller inte längre/);
    } finally {
      t.clock.set(start);
    }
  });

  it('lets exactly one of two posts of the right code at once in: one session', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    const emma = await accountOf(t, 'vardnadshavare');
    await t.db.deleteFrom('sessions').where('account_id', '=', emma.id).execute();
    const { agent } = await ask(t, 'vardnadshavare');
    const code = codeIn((await smsTo(t, EMMA_MOBILE)).at(-1));
    const page = await agent.get('/login/sms/code');
    const token = csrfFrom(page.text);
    const post = () => agent.post('/login/sms/code').type('form').send({ _csrf: token, code });
    const answers = await Promise.all([post(), post(), post()]);
    const got = answers.map((r) => `${r.status} ${r.headers.location ?? ''}`).join(', ');
    assert.equal(answers.filter((r) => r.headers.location === '/').length, 1, got);
    // The others found the code used, or (their session already replaced by the winner's new one) no code under way.
    for (const r of answers.filter((a) => a.headers.location !== '/')) {
      assert.ok(r.status === 400 ? /Koden är redan använd\. Be om en ny kod\./.test(r.text) : r.headers.location === '/login/sms', got);
    }
    const sessions = await t.db.selectFrom('sessions').select('sid').where('account_id', '=', emma.id).execute();
    assert.equal(sessions.length, 1, 'one session');
  });

  it('uses a code once, also through the use case at once from two processes', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    const use = smsLogin(t.db, t.clock, (id) => loginSettingsOf(t.db, id));
    const codeId = await use.request('vardnadshavare', t.clock.now());
    const code = codeIn((await smsTo(t, EMMA_MOBILE)).at(-1));
    const results = await Promise.all([1, 2, 3, 4].map(() => use.use(codeId, code, t.clock.now())));
    assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
    assert.ok(results.filter((r) => !r.ok).every((r) => !r.ok && r.error === 'used'), JSON.stringify(results));
  });

  it('lets nobody in whose account closed, or whose municipality turned it off, after the code was sent', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    const { agent } = await ask(t, 'vardnadshavare');
    const code = codeIn((await smsTo(t, EMMA_MOBILE)).at(-1));
    await smsLoginIn(t, 'Demokommun', false);
    const off = await typeCode(agent, code);
    assert.equal(off.status, 400);
    assert.match(off.text, /Inloggning med SMS-kod är inte påslagen för ditt konto\. Logga in med lösenord\./);
    assert.equal(await signedInAs(t, agent), undefined);
    assert.equal((await request(t.app).get('/login/sms')).status, 404);
  });

  it('forgets the codes of an account closed meanwhile: its code lets nobody in', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    await setMobile(t, 'vardnadshavare3', '+46701114455');
    const karim = await accountOf(t, 'vardnadshavare3');
    const { agent } = await ask(t, 'vardnadshavare3');
    const code = codeIn((await smsTo(t, '+46701114455')).at(-1));
    const closure = await requestClosure(t.db, karim.id, t.clock.now());
    const admin = await signIn(t.app, 'admin');
    assert.equal((await postForm(admin, '/', `/closure-requests/${closure.id}/close`, { next: '/' })).status, 303);
    assert.deepEqual(await t.db.selectFrom('sms_login_codes').select('id').where('account_id', '=', karim.id).execute(), [], 'its codes gone');
    const res = await typeCode(agent, code);
    assert.equal(res.status, 400);
    assert.match(res.text, /Koden gäller inte längre/);
    assert.equal(await signedInAs(t, agent), undefined);
    const again = await ask(t, 'vardnadshavare3');
    assert.equal(again.res.status, 303, 'the same answer as for anyone');
    assert.equal((await smsTo(t, '+46701114455')).length, 1, 'but no SMS to a closed account');
  });

  it('limits the SMS: per typed name and per address visibly, per account and per number silently', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    for (let i = 0; i < SMS_LOGIN_PER_NAME; i++) assert.equal((await ask(t, 'vardnadshavare')).res.status, 303);
    const refused = (await ask(t, 'vardnadshavare')).res;
    assert.equal(refused.status, 429);
    assert.match(refused.text, /Du har bett om för många koder\. Vänta en timme och försök sedan igen\./);
    assert.equal((await smsTo(t, EMMA_MOBILE)).length, SMS_LOGIN_PER_ACCOUNT);
    // Another way of naming the same account: the same answer, but no more SMS to it this hour.
    const other = await ask(t, '0701112233');
    assert.equal(other.res.status, 303);
    assert.equal((await smsTo(t, EMMA_MOBILE)).length, SMS_LOGIN_PER_ACCOUNT, 'no sixth SMS');

    await t.db.deleteFrom('rate_limit_hits').execute();
    for (let i = 0; i < SMS_LOGIN_PER_ADDRESS; i++) assert.equal((await ask(t, `okand-${i}`)).res.status, 303, `request ${i}`);
    assert.equal((await ask(t, 'okand-sista')).res.status, 429, 'per address');
  });

  it('refuses an empty or overlong name at the field, and a code post without a code asked for goes back to asking', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    const empty = (await ask(t, '  ')).res;
    assert.equal(empty.status, 400);
    assert.match(empty.text, /<title>Fel:/);
    assert.match(empty.text, /Skriv ditt användarnamn, din e-postadress eller ditt mobilnummer/);
    assert.match(empty.text, /aria-describedby="name-error" aria-invalid="true"/);
    const long = (await ask(t, 'x'.repeat(255))).res;
    assert.equal(long.status, 400);
    const fresh = request.agent(t.app);
    assert.equal((await fresh.get('/login/sms/code')).headers.location, '/login/sms');
    const res = await postForm(fresh, '/login/sms', '/login/sms/code', { code: '123456' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login/sms');
    const emma = await signIn(t.app, 'vardnadshavare');
    assert.equal((await emma.get('/login/sms')).headers.location, '/', 'signed in: nothing to do here');
  });
});

describe('the login code SMS through the gateway', () => {
  let t: TestApp;
  let gateway: TestSmsGateway;
  let runner: JobRunner;
  before(async () => {
    t = await startTestApp();
    gateway = await TestSmsGateway.start();
    runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerSmsJobs(runner, {
      db: t.db, clock: t.clock, from: 'Vardag', gateway: createElksGateway({ url: gateway.url, ...gateway.credentials }),
      isOwnNumber: (mobile) => isOpenAccountMobile(t.db, mobile), // as server/main.ts wires it
    });
  });
  after(async () => {
    await runner.stop();
    await gateway.stop();
    await t.close();
  });

  it('reaches the verified number, in the account\'s language, and the code from it signs in', async () => {
    await smsLoginIn(t, 'Demokommun', true);
    await setMobile(t, 'vardnadshavare', EMMA_MOBILE);
    await t.db.updateTable('accounts').set({ language: 'en' }).where('username', '=', 'vardnadshavare').execute();
    const { agent } = await ask(t, 'vardnadshavare');
    await runner.runDue();
    assert.equal(gateway.delivered.length, 1);
    assert.equal(gateway.delivered[0].form.to, EMMA_MOBILE);
    assert.match(gateway.delivered[0].form.message, /^Vardag: Your login code is \d{6}\. It is valid for 10 minutes\./);
    const res = await typeCode(agent, codeIn(gateway.delivered[0].form.message));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
  });
});
