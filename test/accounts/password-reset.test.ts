// "Glömt lösenord?": the link travels by real SMTP (the outbox, the job runner, a loopback server), the test follows it
// from the received mail, and the link works once, for an hour, and ends every session of the account.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import request from 'supertest';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { linkPath, startMailDelivery, type MailDelivery } from '../support/mail.ts';
import type { ReceivedMail } from '../support/smtp.ts';

const SITE = 'https://vardag.test';
const NEW_PASSWORD = 'blå-cykel-regn-tisdag';

describe('forgotten password', () => {
  let t: TestApp;
  let delivery: MailDelivery;

  before(async () => {
    t = await startTestApp({ env: { PUBLIC_URL: SITE, RESET_LIMIT_PER_ACCOUNT: '3', RESET_LIMIT_PER_ADDRESS: '100' } });
    delivery = await startMailDelivery(t);
    await setAccount('vardnadshavare', { email: 'emma@example.se', language: 'sv' });
    await setAccount('vardnadshavare2', { email: 'johan@example.com', language: 'en' });
    await setAccount('pedagog3', { email: 'lena@example.se', language: 'sv' });
    await setAccount('admin', { email: 'karin@example.se', language: 'sv' });
  });
  after(async () => {
    await delivery.stop();
    await t.close();
  });

  async function setAccount(username: string, values: { email: string | null; language: string }) {
    await t.db.updateTable('accounts').set({ ...values, email_key: values.email?.toLowerCase() ?? null }).where('username', '=', username).execute();
  }

  const accountOf = (username: string) => t.db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirstOrThrow();

  async function askForLink(name: string, agent: Agent = request.agent(t.app)) {
    return postForm(agent, '/password/forgot', '/password/forgot', { name });
  }

  const deliver = (count: number) => delivery.deliver(count);

  function linkIn(mail: ReceivedMail): string {
    const url = linkPath(mail.text, SITE, /\/password\/reset\/[A-Za-z0-9_-]+/);
    assert.ok(url, `the mail holds a link: ${mail.text}`);
    assert.ok(mail.html?.includes(`${SITE}${url}`), 'the HTML part holds the same link');
    return url;
  }

  async function setPassword(path: string, password: string, agent: Agent = request.agent(t.app)) {
    const page = await agent.get(path);
    return { page, res: await agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), password }) };
  }

  async function canLogIn(username: string, password: string): Promise<boolean> {
    const res = await postForm(request.agent(t.app), '/login', '/login', { username, password });
    return res.status === 303;
  }

  it('is linked from the login page as "Glömt lösenord?"', async () => {
    const login = await request(t.app).get('/login');
    assert.match(login.text, /<a href="\/password\/forgot">Glömt lösenord\?<\/a>/);
    const page = await request(t.app).get('/password/forgot');
    assert.equal(page.status, 200);
    assert.match(page.text, /<label for="name">Användarnamn eller e-postadress<\/label>/);
  });

  it('mails a link that sets a new password, ends every session and sends the user to log in', async () => {
    const phone = await signIn(t.app, 'vardnadshavare');
    const laptop = await signIn(t.app, 'vardnadshavare');
    const res = await askForLink('  VardnadsHavare ');
    assert.equal(res.status, 200);
    assert.match(res.text, /Titta i din e-post/);
    assert.match(res.text, /Länken gäller i 60 minuter och kan bara användas en gång/);

    const [mail] = await deliver(1);
    assert.deepEqual(mail.envelopeTo, ['emma@example.se']);
    assert.equal(mail.subject, 'Välj ett nytt lösenord i Vardag');
    assert.match(mail.text ?? '', /^Hej Emma!/);
    assert.match(mail.text ?? '', /Ditt användarnamn är: vardnadshavare/);
    const emma = await t.db.selectFrom('persons').select('identity_number').where('first_name', '=', 'Emma').executeTakeFirstOrThrow();
    assert.ok(emma.identity_number && !mail.raw.includes(emma.identity_number), 'the mail holds no personnummer');

    // Only the SHA-256 of the token is stored.
    const path = linkIn(mail);
    const token = path.split('/').pop()!;
    const stored = await t.db.selectFrom('password_reset_tokens').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(stored.token_hash, crypto.createHash('sha256').update(token).digest('hex'));
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    assert.equal(new Date(stored.expires_at).getTime() - new Date(stored.created_at).getTime(), 60 * 60_000);
    assert.equal((await t.db.selectFrom('password_reset_tokens').select('id').where('token_hash', '=', token).execute()).length, 0);

    // A password the rules refuse: the message at the field, the password not written back.
    const oldHash = (await accountOf('vardnadshavare')).password_hash;
    const weak = await setPassword(path, 'kort');
    assert.match(weak.page.text, /Välj ett nytt lösenord/);
    assert.match(weak.page.text, /användarnamnet vardnadshavare/);
    assert.equal(weak.res.status, 400);
    assert.match(weak.res.text, /<title>Fel: Välj ett nytt lösenord/);
    assert.match(weak.res.text, /id="password-error"[^>]*>.*Lösenordet måste ha minst 10 tecken/s);
    assert.doesNotMatch(weak.res.text, /value="kort"/);
    assert.equal((await accountOf('vardnadshavare')).password_hash, oldHash, 'nothing saved');

    const browser = request.agent(t.app);
    const { res: done } = await setPassword(path, NEW_PASSWORD, browser);
    assert.equal(done.status, 303);
    assert.equal(done.headers.location, '/login');
    const login = await browser.get('/login');
    assert.match(login.text, /Ditt lösenord är bytt och du är utloggad på alla enheter/);

    for (const device of [phone, laptop]) {
      const start = await device.get('/');
      assert.equal(start.status, 303, 'every session of the account has ended');
      assert.match(start.headers.location, /^\/login/);
    }
    const sessions = await t.db.selectFrom('sessions').select('sid').where('account_id', '=', (await accountOf('vardnadshavare')).id).execute();
    assert.equal(sessions.length, 0);
    assert.equal(await canLogIn('vardnadshavare', 'vardag-demo'), false);
    assert.equal(await canLogIn('vardnadshavare', NEW_PASSWORD), true);

    // The link is used up: it says so, and cannot set a password again.
    const again = await request(t.app).get(path);
    assert.equal(again.status, 410);
    assert.match(again.text, /Länken är redan använd/);
    const hash = (await accountOf('vardnadshavare')).password_hash;
    const agent = request.agent(t.app);
    const form = await agent.get('/password/forgot');
    const replay = await agent.post(path).type('form').send({ _csrf: csrfFrom(form.text), password: 'ett-helt-annat-lösenord' });
    assert.equal(replay.status, 410);
    assert.equal((await accountOf('vardnadshavare')).password_hash, hash);
  });

  it('gives the same answer for an unknown name, an account without e-mail and a real account', async () => {
    const before = await t.db.selectFrom('mail_outbox').select('id').execute();
    const answers = await Promise.all(['ingen-sadan', 'pedagog2', 'vardnadshavare2'].map((name) => askForLink(name)));
    const shown = answers.map((res) => res.text.replace(/name="_csrf" value="[^"]+"/g, ''));
    assert.deepEqual(answers.map((res) => res.status), [200, 200, 200]);
    assert.equal(shown[0], shown[1]);
    assert.equal(shown[1], shown[2]);
    assert.match(shown[0], /Har du ingen e-postadress i Vardag\? Kontakta förskolan eller skolan/);
    const queued = await t.db.selectFrom('mail_outbox').select('recipient').where('id', 'not in', [0, ...before.map((r) => r.id)]).execute();
    assert.deepEqual(queued.map((r) => r.recipient), ['johan@example.com'], 'only the account with an address got mail');
    assert.equal((await t.db.selectFrom('password_reset_tokens').innerJoin('accounts', 'accounts.id', 'password_reset_tokens.account_id')
      .select('accounts.username').where('accounts.username', '=', 'pedagog2').execute()).length, 0);
    await deliver(1);
  });

  it("writes in the account's language and sends to its verified extra addresses, not to unverified ones", async () => {
    const johan = await accountOf('vardnadshavare2');
    const now = t.clock.now().toISOString();
    await t.db.insertInto('account_emails').values([
      { account_id: johan.id, email: 'johan.work@example.com', email_key: 'johan.work@example.com', created_at: now, verified_at: now, token_hash: null, token_expires_at: null },
      { account_id: johan.id, email: 'johan.old@example.com', email_key: 'johan.old@example.com', created_at: now, verified_at: null, token_hash: null, token_expires_at: null },
    ]).execute();
    const res = await askForLink('Johan.Work@example.com'); // a verified extra address names the account too
    assert.equal(res.status, 200);
    const fresh = await deliver(2);
    assert.deepEqual(fresh.flatMap((m) => m.envelopeTo).sort(), ['johan.work@example.com', 'johan@example.com']);
    for (const mail of fresh) {
      assert.equal(mail.subject, 'Choose a new password in Vardag');
      assert.match(mail.text ?? '', /^Hello Johan,/);
    }
    assert.equal(linkIn(fresh[0]), linkIn(fresh[1]), 'one link, to every address');
    assert.equal((await askForLink('johan.old@example.com')).status, 200);
    assert.equal((await t.db.selectFrom('mail_outbox').select('id').where('recipient', '=', 'johan.old@example.com').execute()).length, 0);
  });

  it('lets a link expire after one hour, and says so', async () => {
    await askForLink('pedagog3');
    const path = linkIn((await deliver(1))[0]);
    const start = t.clock.now();
    try {
      t.clock.set(new Date(start.getTime() + 59 * 60_000).toISOString());
      assert.equal((await request(t.app).get(path)).status, 200, 'still valid after 59 minutes');
      t.clock.set(new Date(start.getTime() + 60 * 60_000).toISOString());
      const expired = await request(t.app).get(path);
      assert.equal(expired.status, 410);
      assert.match(expired.text, /Länken har gått ut/);
      assert.match(expired.text, /Länken gällde i 60 minuter/);
      assert.match(expired.text, /href="\/password\/forgot"/);
      const hash = (await accountOf('pedagog3')).password_hash;
      const { res } = await setPassword(path, NEW_PASSWORD);
      assert.equal(res.status, 410);
      assert.equal((await accountOf('pedagog3')).password_hash, hash, 'an expired link changes nothing');
    } finally {
      t.clock.set(start.toISOString());
    }
  });

  it('says plainly that an unknown link is unknown', async () => {
    for (const token of ['abc', crypto.randomBytes(32).toString('base64url')]) {
      const res = await request(t.app).get(`/password/reset/${token}`);
      assert.equal(res.status, 404);
      assert.match(res.text, /Länken fungerar inte/);
      assert.match(res.text, /Vi känner inte igen länken/);
    }
  });

  it('uses up the other links of the account when one of them sets the password', async () => {
    await askForLink('admin');
    await askForLink('karin@example.se');
    const [first, second] = (await deliver(2)).map(linkIn);
    assert.notEqual(first, second);
    assert.equal((await setPassword(second, NEW_PASSWORD)).res.status, 303);
    const older = await request(t.app).get(first);
    assert.equal(older.status, 410);
    assert.match(older.text, /Länken är redan använd/);
  });

  it('puts a Swedish message at an empty field and keeps what was typed when it is too long', async () => {
    const empty = await askForLink('   ');
    assert.equal(empty.status, 400);
    assert.match(empty.text, /<title>Fel: Glömt lösenord\?/);
    assert.match(empty.text, /id="name-error"[^>]*>.*Skriv ditt användarnamn eller din e-postadress/s);
    assert.match(empty.text, /aria-describedby="name-error"/);
    const long = await askForLink('x'.repeat(300));
    assert.equal(long.status, 400);
    assert.match(long.text, /högst 254 tecken/);
    assert.match(long.text, new RegExp(`value="${'x'.repeat(300)}"`));
  });

  it('limits the links asked for one account, whatever the case, with a clear Swedish message', async () => {
    const before = await t.db.selectFrom('mail_outbox').select('id').execute();
    for (const name of ['pedagog', 'PEDAGOG', ' Pedagog ']) assert.equal((await askForLink(name)).status, 200);
    const blocked = await askForLink('pedagog');
    assert.equal(blocked.status, 429);
    assert.match(blocked.text, /Du har bett om för många länkar\. Vänta en timme/);
    assert.equal((await askForLink('pedagog2')).status, 200, 'another name is not blocked');
    const after = await t.db.selectFrom('mail_outbox').select('id').execute();
    assert.equal(after.length, before.length, 'accounts without e-mail get no mail');
  });
});
