// An account by e-ID (seed 004): a guardian the e-ID login matched, without an account, registers an e-mail address and
// has an account, signed in, the address waiting for the link mailed to it (no mail, no password reset link goes to it
// before the link is opened; then it is the account's address); a protected identity, a person who is no guardian, one with an account, a login that is
// missing or too old: a Swedish page, nothing created. The pending e-ID login is put in the session as the callback
// (server/e-id/callback.ts) leaves it; the whole way through a real provider is in test/e-id/login.test.ts.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfFrom, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { municipalityId, personId } from '../support/demo.ts';
import { pendingEIdAgent } from '../support/e-id-pending.ts';
import { DEFAULT_LOGIN_SETTINGS, saveLoginSettings } from '../../server/e-id/settings.ts';
import { PENDING_MINUTES } from '../../server/e-id/new-account-rules.ts';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { notificationRecipients } from '../../server/accounts/notification-recipients.ts';
import { linkPath, startMailDelivery, type MailDelivery } from '../support/mail.ts';

const PATH = '/account/new/e-id';
const STRONG = 'http://id.elegnamnden.se/loa/1.0/loa3';
const WEAK = 'http://id.elegnamnden.se/loa/1.0/loa2';
const SITE = 'https://vardag.test';

describe('an account by e-ID', () => {
  let t: TestApp;
  let delivery: MailDelivery;
  let demo: number;
  let anna: number; // guardian of Alice (Blåbär), no account
  let leila: number; // guardian of Nora, protected identity
  let emma: number; // guardian with the account 'vardnadshavare'
  let alice: number; // a child, no guardian of anyone

  before(async () => {
    t = await startTestApp({ env: { PUBLIC_URL: SITE } });
    delivery = await startMailDelivery(t);
    demo = await municipalityId(t.db, 'Demokommun');
    anna = await personId(t.db, 'Anna', 'Johansson');
    leila = await personId(t.db, 'Leila', 'Haddad');
    emma = await personId(t.db, 'Emma', 'Andersson');
    alice = await personId(t.db, 'Alice', 'Johansson');
    const admin = await t.db.selectFrom('accounts').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    await saveLoginSettings(t.db, demo, {
      eId: { enabled: true, issuer: 'https://e-id.example.com', clientId: 'vardag', personnummerClaim: 'personal_number', strongAcr: [STRONG], staffMatch: 'subject' },
      login: DEFAULT_LOGIN_SETTINGS,
    }, admin.id, t.clock.now());
  });
  after(async () => {
    await delivery.stop();
    await t.close();
  });
  beforeEach(() => t.clock.set('2026-11-24T09:00:00Z'));

  /** A browser whose session holds a pending e-ID login, as the callback leaves it (made `minutesAgo` ago). */
  const pending = (personIdOf: number, acr = STRONG, minutesAgo = 1) => pendingEIdAgent(t, { municipalityId: demo, personId: personIdOf, acr, minutesAgo });

  async function submit(agent: Agent, fields: Record<string, string>) {
    const page = await agent.get(PATH);
    return agent.post(PATH).type('form').send(new URLSearchParams({ _csrf: csrfFrom(page.text), ...fields }).toString());
  }

  const good = (n: string) => ({ email: `anna.${n}@example.com`, email_confirm: `anna.${n}@example.com`, username: `anna.${n}`, language: 'sv', terms: 'yes' });
  const accountsOf = (person: number) => t.db.selectFrom('accounts').selectAll().where('person_id', '=', person).execute();
  const removeAccount = async (id: number) => {
    await t.db.deleteFrom('sessions').where('account_id', '=', id).execute();
    await t.db.deleteFrom('password_reset_tokens').where('account_id', '=', id).execute();
    await t.db.deleteFrom('account_emails').where('account_id', '=', id).execute();
    await t.db.deleteFrom('accounts').where('id', '=', id).execute();
  };
  const queuedTo = async (address: string) => (await t.db.selectFrom('mail_outbox').select('id').where('recipient', '=', address).execute()).length;
  /** "Glömt lösenord?" asked for `name` by someone without a session. */
  const forgot = async (name: string) => {
    const page = await request(t.app).get('/password/forgot');
    const res = await request(t.app).post('/password/forgot').set('Cookie', String(page.headers['set-cookie']).split(';')[0]).type('form')
      .send({ _csrf: csrfFrom(page.text), name });
    assert.equal(res.status, 200, res.text);
  };

  it('without a pending e-ID login: a Swedish page that sends to the e-ID login, and nothing is made', async () => {
    const page = await request(t.app).get(PATH);
    assert.equal(page.status, 200);
    assert.match(page.text, /Logga in med e-legitimation igen/);
    assert.match(page.text, /href="\/login\/e-id"/);
    assert.match(page.text, /href="\/login"/, 'password login offered');
    const login = await request(t.app).get('/login');
    const post = await request(t.app).post(PATH).set('Cookie', String(login.headers['set-cookie']).split(';')[0]).type('form')
      .send({ _csrf: csrfFrom(login.text), ...good('x') });
    assert.equal(post.status, 400);
    assert.equal((await accountsOf(anna)).length, 0);
  });

  it(`a pending login older than ${PENDING_MINUTES} minutes is not used`, async () => {
    const { agent } = await pending(anna, STRONG, PENDING_MINUTES + 1);
    const page = await agent.get(PATH);
    assert.match(page.text, /Inloggningen med e-legitimation har gått ut/);
    assert.doesNotMatch(page.text, /name="email"/);
  });

  it('a protected identity is told, in seed 004\'s words, to contact the preschool/school; nothing is made', async () => {
    const { agent } = await pending(leila);
    const page = await agent.get(PATH);
    assert.equal(page.status, 200);
    assert.match(page.text, /sekretessmarkering hos Skatteverket eller inte har BankID ska du vända dig till ditt barns förskola\/skola/);
    assert.doesNotMatch(page.text, /name="email"/);
    const login = await request(t.app).get('/login');
    const post = await agent.post(PATH).type('form').send({ _csrf: csrfFrom(login.text), ...good('leila') });
    assert.ok(post.status === 400 || post.status === 403, `status ${post.status}`);
    assert.equal((await accountsOf(leila)).length, 0);
  });

  it('a person who is no guardian, or one with an account already, gets no account', async () => {
    const child = await (await pending(alice)).agent.get(PATH);
    assert.match(child.text, /Inget barn hittades/);
    const { agent } = await pending(emma);
    assert.match((await agent.get(PATH)).text, /Du har redan ett konto/);
    const post = await submit(agent, good('emma')).catch(() => undefined);
    assert.equal(post, undefined, 'the page has no form to send');
    assert.equal((await accountsOf(emma)).length, 1);
  });

  it('refuses a wrong form at its fields and keeps what was typed', async () => {
    const { agent } = await pending(anna);
    const page = await agent.get(PATH);
    assert.equal(page.status, 200);
    assert.match(page.text, /Anna Johansson/);
    assert.match(page.text, /vårdnadshavare till Alice/);
    const res = await submit(agent, { email: 'anna@', email_confirm: 'x', username: '', language: 'xx', terms: '' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /Skriv en giltig e-postadress/);
    assert.match(res.text, /Välj ett av språken/);
    assert.match(res.text, /godkänna villkoren/);
    assert.match(res.text, /value="anna@"/);
    const taken = await submit(agent, { ...good('y'), username: 'vardnadshavare' });
    assert.equal(taken.status, 400);
    assert.match(taken.text, /Användarnamnet är upptaget/);
    // The address is no login (it waits for its link, as under "Mina inställningar"), so the answer says nothing of
    // another account that logs in with it (the demo's accounts log in by username: one is given an address here).
    const emmasLogin = 'Emma.Andersson@Example.com';
    await t.db.updateTable('accounts').set({ email: emmasLogin, email_key: emmasLogin.toLowerCase() }).where('username', '=', 'vardnadshavare2').execute();
    const email = await submit(agent, { ...good('z'), username: 'vardnadshavare', email: ' emma.andersson@example.com', email_confirm: 'emma.andersson@example.com' });
    assert.equal(email.status, 400);
    assert.match(email.text, /Användarnamnet är upptaget/);
    assert.doesNotMatch(email.text, /E-postadressen används redan/);
    assert.equal((await accountsOf(anna)).length, 0);
    assert.equal(await queuedTo('emma.andersson@example.com'), 0, 'no mail for a refused form');
  });

  it('makes the account in one go: signed in, strong from the e-ID login, no password that works, the pending login used once', async () => {
    const { agent, sid } = await pending(anna);
    const res = await submit(agent, { ...good('one'), language: 'en' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
    const [account] = await accountsOf(anna);
    assert.equal(account.username, 'anna.one');
    assert.equal(account.email, null, 'the typed address is no login address before it is confirmed');
    assert.equal(account.language, 'en');
    assert.equal(account.closed_at, null);
    const waiting = await t.db.selectFrom('account_emails').selectAll().where('account_id', '=', account.id).execute();
    assert.deepEqual(waiting.map((e) => [e.email, e.verified_at]), [['anna.one@example.com', null]], 'stored, waiting for its link');
    const start = await agent.get('/');
    assert.equal(start.status, 200);
    assert.match(start.text, /Alice/);
    assert.match(start.text, /Your account has been created\. We have e-mailed a link to anna\.one@example\.com\. Open the link to confirm the address/);
    const session = await t.db.selectFrom('sessions').select(['sid', 'sess']).where('account_id', '=', account.id).executeTakeFirstOrThrow();
    assert.notEqual(session.sid, sid, 'a new session id');
    const sess = JSON.parse(session.sess) as { strong?: { acr: string }; eIdPending?: unknown };
    assert.equal(sess.strong?.acr, STRONG, 'strong: the acr is one the municipality counts as strong');
    assert.equal(sess.eIdPending, undefined);
    assert.equal(await t.db.selectFrom('sessions').select('sid').where('sid', '=', sid).executeTakeFirst(), undefined, 'the pending session is gone');
    for (const password of ['', DEMO_PASSWORD, account.password_hash]) {
      const login = await request(t.app).get('/login');
      const tried = await request(t.app).post('/login').set('Cookie', String(login.headers['set-cookie']).split(';')[0]).type('form')
        .send({ _csrf: csrfFrom(login.text), username: 'anna.one', password });
      assert.notEqual(tried.status, 303, 'no password logs in to an e-ID account');
    }
    // The mail, through the outbox to a real SMTP server, in the account's language, with the settings' link.
    const [mail] = await delivery.deliver(1);
    assert.deepEqual(mail.envelopeTo.map((to) => to.toLowerCase()), ['anna.one@example.com']);
    assert.match(mail.text ?? '', /anna\.one@example\.com/);
    const link = linkPath(mail.text, SITE, /\/email\/verify\/[A-Za-z0-9_-]{43}/);
    assert.ok(link, mail.text);
    // Until the link is opened nothing goes to the address: "Glömt lösenord?" by the address or the username mails no link.
    assert.equal((await notificationRecipients(t.db, [account.id])).get(account.id)?.email, null, 'no notification mail to it');
    await forgot('anna.one@example.com');
    await forgot('anna.one');
    assert.equal(await queuedTo('anna.one@example.com'), 1, 'only the verification mail');
    assert.equal((await t.db.selectFrom('password_reset_tokens').select('id').where('account_id', '=', account.id).execute()).length, 0);
    // Its holder confirms it (the link's page, no login needed): now it is the account's address, and a reset link goes there.
    const confirm = await request(t.app).get(link);
    assert.equal(confirm.status, 200);
    const confirmed = await request(t.app).post(link).set('Cookie', String(confirm.headers['set-cookie']).split(';')[0]).type('form')
      .send({ _csrf: csrfFrom(confirm.text) });
    assert.equal(confirmed.status, 200);
    const stored = await t.db.selectFrom('account_emails').select('verified_at').where('account_id', '=', account.id).executeTakeFirstOrThrow();
    assert.ok(stored.verified_at);
    assert.equal((await notificationRecipients(t.db, [account.id])).get(account.id)?.email, 'anna.one@example.com');
    await forgot('anna.one@example.com');
    const [reset] = await delivery.deliver(1);
    assert.deepEqual(reset.envelopeTo.map((to) => to.toLowerCase()), ['anna.one@example.com']);
    assert.ok(linkPath(reset.text, SITE, /\/password\/reset\/\S+/), reset.text);
    // The same form again (the back button): the pending login is used, so nothing more is made.
    const again = await agent.post(PATH).type('form').send({ _csrf: csrfFrom(start.text), ...good('two') });
    assert.ok(again.status === 400, `status ${again.status}`);
    assert.equal((await accountsOf(anna)).length, 1);
    await removeAccount(account.id);
  });

  it('an acr the municipality does not count as strong makes a weak session', async () => {
    const { agent } = await pending(anna, WEAK);
    const res = await submit(agent, good('weak'));
    assert.equal(res.status, 303);
    const [account] = await accountsOf(anna);
    const session = await t.db.selectFrom('sessions').select('sess').where('account_id', '=', account.id).executeTakeFirstOrThrow();
    assert.equal((JSON.parse(session.sess) as { strong?: unknown }).strong, undefined);
    assert.equal((await agent.get('/')).status, 200, 'signed in all the same');
    await removeAccount(account.id);
  });

  it('two forms sent at once make one account', async () => {
    const { agent } = await pending(anna);
    const page = await agent.get(PATH);
    const token = csrfFrom(page.text);
    const send = (n: string) => agent.post(PATH).type('form').send(new URLSearchParams({ _csrf: token, ...good(n) }).toString());
    const answers = await Promise.all([send('race1'), send('race2'), send('race3')]);
    assert.equal(answers.filter((a) => a.status === 303).length, 1, answers.map((a) => a.status).join(' '));
    assert.ok(answers.every((a) => a.status === 303 || a.status === 400));
    assert.equal((await accountsOf(anna)).length, 1);
    const [account] = await accountsOf(anna);
    const emails = await t.db.selectFrom('account_emails').select('email').where('account_id', '=', account.id).execute();
    assert.equal(emails.length, 1, 'the one account has its one address waiting');
    const won = emails[0].email;
    for (const n of ['race1', 'race2', 'race3']) {
      assert.equal(await queuedTo(`anna.${n}@example.com`), `anna.${n}@example.com` === won ? 1 : 0, 'a mail only from the form that made the account');
    }
  });

  it('a signed-in user is not sent here by a stale link: without a pending login they see the expired page', async () => {
    const agent = await signIn(t.app, 'vardnadshavare');
    const page = await agent.get(PATH);
    assert.match(page.text, /Logga in med e-legitimation igen/);
  });
});
