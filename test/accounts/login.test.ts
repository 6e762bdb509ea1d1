import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfFrom, postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { countRows } from '../support/demo.ts';

describe('login', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ env: { MAX_ANONYMOUS_SESSIONS: '5', LOGIN_LIMIT_PER_ACCOUNT: '5' } }); });
  after(() => t.close());

  const postLogin = (fields: Record<string, string>, agent = request.agent(t.app)) => postForm(agent, '/login', '/login', fields);

  it('shows a labelled form in Swedish', async () => {
    const res = await request(t.app).get('/login');
    assert.equal(res.status, 200);
    assert.match(res.text, /<html lang="sv" dir="ltr">/);
    assert.match(res.text, /<label for="username">Användarnamn eller e-postadress<\/label>/);
    assert.match(res.text, /<label for="password">Lösenord<\/label>/);
    assert.match(res.text, /Håll mig inloggad/);
  });

  it('ignores the case of the username and the spaces around username and password', async () => {
    const agent = request.agent(t.app);
    const res = await postLogin({ username: '  VardnadsHavare ', password: ' vardag-demo  ' }, agent);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
    const start = await agent.get('/');
    assert.match(start.text, /Emma Andersson/);
    assert.match(start.text, /Oskar/);
    assert.match(start.text, /Elsa/);
  });

  it('logs in by e-mail address regardless of case', async () => {
    await t.db.updateTable('accounts').set({ email: 'Emma.Andersson@Example.com', email_key: 'emma.andersson@example.com' })
      .where('username', '=', 'vardnadshavare').execute();
    const res = await postLogin({ username: 'EMMA.ANDERSSON@example.COM', password: 'vardag-demo' });
    assert.equal(res.status, 303);
  });

  it('gives an unknown user and a wrong password the same answer, keeping the username but never the password', async () => {
    const unknown = await postLogin({ username: 'ingen-sadan', password: 'vardag-demo' });
    const wrong = await postLogin({ username: 'pedagog', password: 'fel-losenord' });
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    const message = 'Användarnamnet eller lösenordet stämmer inte.';
    assert.ok(unknown.text.includes(message) && wrong.text.includes(message));
    assert.match(wrong.text, /<title>Fel: Logga in/);
    assert.match(wrong.text, /value="pedagog"/);
    assert.doesNotMatch(wrong.text, /fel-losenord/);
  });

  it('puts a Swedish message at each empty or over-long field', async () => {
    const res = await postLogin({ username: 'x'.repeat(300), password: '' });
    assert.equal(res.status, 400);
    assert.match(res.text, /id="username-error"[^>]*>.*Användarnamnet får vara högst 254 tecken/s);
    assert.match(res.text, /id="password-error"[^>]*>.*Skriv ditt lösenord/s);
    assert.match(res.text, /aria-describedby="username-error"/);
    assert.match(res.text, new RegExp(`value="${'x'.repeat(300)}"`));
  });

  it('gives a new session id at login and stores the account on the session row', async () => {
    const agent = request.agent(t.app);
    // A session from before the login (an anonymous language choice makes one; the login form itself makes none).
    const before = sessionCookie((await postForm(agent, '/login', '/language', { language: 'sv', next: '/login' })).headers['set-cookie']);
    const page = await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), username: 'rektor', password: 'vardag-demo' });
    const afterLogin = sessionCookie(res.headers['set-cookie']);
    assert.ok(before && afterLogin);
    assert.notEqual(before, afterLogin);
    assert.match(res.headers['set-cookie'][0], /HttpOnly/);
    assert.match(res.headers['set-cookie'][0], /SameSite=Lax/);
    const rows = await t.db.selectFrom('sessions').innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .select('accounts.username').where('accounts.username', '=', 'rektor').execute();
    assert.equal(rows.length, 1);
  });

  it('keeps a session for 30 days with "Håll mig inloggad" and 2 hours without', async () => {
    const remembered = await postLogin({ username: 'vardnadshavare2', password: 'vardag-demo', remember: 'yes' });
    const plain = await postLogin({ username: 'vardnadshavare2', password: 'vardag-demo' });
    const lifetime = (res: request.Response) => {
      const expires = String(res.headers['set-cookie']).match(/Expires=([^;]+)/)?.[1];
      return Math.round((Date.parse(expires ?? '') - Date.now()) / 60_000); // minutes
    };
    assert.ok(Math.abs(lifetime(remembered) - 30 * 24 * 60) <= 1, `${lifetime(remembered)} minutes`);
    assert.ok(Math.abs(lifetime(plain) - 120) <= 1, `${lifetime(plain)} minutes`);
  });

  it('logs out with a POST and forgets the session', async () => {
    const agent = await signIn(t.app, 'pedagog');
    const start = await agent.get('/');
    assert.equal(start.status, 200);
    const out = await agent.post('/logout').type('form').send({ _csrf: csrfFrom(start.text) });
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/login');
    const again = await agent.get('/');
    assert.equal(again.status, 303);
    assert.match(again.headers.location, /^\/login/);
  });

  it('refuses a form without a valid CSRF token with a page that says to reload', async () => {
    const agent = request.agent(t.app);
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ _csrf: 'stale', username: 'pedagog', password: 'vardag-demo' });
    assert.equal(res.status, 403);
    assert.match(res.text, /Ladda om sidan/);
  });

  it('rate-limits repeated failures on one account with a clear Swedish message', async () => {
    const agent = request.agent(t.app);
    for (let i = 0; i < 5; i++) assert.equal((await postLogin({ username: 'pedagog2', password: `fel${i}` }, agent)).status, 401);
    const blocked = await postLogin({ username: 'PEDAGOG2', password: 'vardag-demo' }, agent);
    assert.equal(blocked.status, 429);
    assert.match(blocked.text, /För många inloggningsförsök/);
  });

  it('keeps anonymous sessions under the cap however many visitors come', async () => {
    // The login form itself stores no session; a language chosen before login does.
    for (let i = 0; i < 20; i++) await postForm(request.agent(t.app), '/login', '/language', { language: 'en', next: '/login' });
    const anonymous = await t.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', 'is', null).executeTakeFirstOrThrow();
    assert.equal(Number(anonymous.n), 5, `${anonymous.n} anonymous sessions`);
    assert.ok((await countRows(t.db, 'sessions')) > 0);
  });

  it('sends an anonymous visitor to the login page and back after login', async () => {
    const agent = request.agent(t.app);
    const res = await agent.get('/units/1');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login?next=%2Funits%2F1');
    const page = await agent.get(res.headers.location);
    const login = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), username: 'admin', password: 'vardag-demo', next: '/units/1' });
    assert.equal(login.headers.location, '/units/1');
  });

  it('sends a visitor with an address too long to return to to the login page without it', async () => {
    // Its whole address went into the Location header: a long enough query string made one no HTTP client accepts.
    const res = await request(t.app).get(`/units/1?week=${'x'.repeat(5_000)}`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login');
  });
});

function sessionCookie(header: string[] | string | undefined): string | undefined {
  return String(header ?? '').match(/vardag\.sid=([^;]+)/)?.[1];
}

describe('what a person types never carries a personnummer', () => {
  it('refuses a username, a name or an e-mail address that holds one', async () => {
    const { usernameProblem, isEmail } = await import('../../server/accounts/rules.ts');
    const { identityNumber } = await import('../../server/people/identity-numbers.ts');
    const number = identityNumber('2015-01-01', 123);
    assert.equal(usernameProblem(number), 'account.errors.usernameIdentity');
    assert.equal(usernameProblem(`anna ${number.replace('-', '')}`), 'account.errors.usernameIdentity');
    assert.equal(usernameProblem('anna 2015'), undefined);
    assert.equal(isEmail(`${number}@example.com`), false);
    assert.equal(isEmail('anna.2015@example.com'), true);
  });
});
