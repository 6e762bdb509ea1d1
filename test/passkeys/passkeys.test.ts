// Passkeys without a browser: a software authenticator (./authenticator.ts) answers the server's options as a browser
// would. Registering in the settings, logging in without a password, and what must fail: a replayed answer, an answer
// for another site, a removed passkey, another account's passkey, a closed account; weak unless the municipality
// counts passkeys as strong (then adding one needs a strong session first).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { saveLoginSettings } from '../../server/e-id/settings.ts';
import { addPasskey, credentialById, passkeysOf, removePasskeysOf } from '../../server/passkeys/queries.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { csrfFrom, csrfOf, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { municipalityId } from '../support/demo.ts';
import { SoftAuthenticator } from './authenticator.ts';

type Json = Record<string, unknown> & { challenge: string };

async function registerPasskey(agent: Agent, device: SoftAuthenticator, name = 'Min telefon', tamper: { origin?: string } = {}) {
  const token = await csrfOf(agent);
  const options = await agent.post('/settings/passkeys/options').set('x-csrf-token', token).set('accept', 'application/json').type('form').send({});
  if (options.status !== 200) return options;
  const answer = device.create(options.body as Json, tamper);
  return agent.post('/settings/passkeys').set('x-csrf-token', token).set('accept', 'application/json').type('form')
    .send({ name, response: JSON.stringify(answer) });
}

/** A fresh browser on the login page: its public CSRF token, and a challenge asked for. */
async function loginChallenge(t: TestApp): Promise<{ agent: Agent; token: string; options: Json }> {
  const agent = request.agent(t.app);
  const token = csrfFrom((await agent.get('/login')).text);
  const res = await agent.post('/login/passkey/options').set('x-csrf-token', token).set('accept', 'application/json').type('form').send({});
  assert.equal(res.status, 200);
  return { agent, token, options: res.body as Json };
}

function postLogin(agent: Agent, token: string, answer: unknown, extra: Record<string, string> = {}) {
  return agent.post('/login/passkey').set('x-csrf-token', token).set('accept', 'application/json').type('form')
    .send({ response: JSON.stringify(answer), ...extra });
}

async function sessionOf(t: TestApp, accountId: number): Promise<Record<string, unknown>[]> {
  const rows = await t.db.selectFrom('sessions').select('sess').where('account_id', '=', accountId).execute();
  return rows.map((r) => JSON.parse(r.sess) as Record<string, unknown>);
}

describe('passkeys', () => {
  let t: TestApp;
  let guardian: Agent;
  let guardianAccount: number;
  let device: SoftAuthenticator;

  before(async () => {
    t = await startTestApp();
    device = new SoftAuthenticator(new URL(t.config.publicUrl).origin);
    guardian = await signIn(t.app, 'vardnadshavare');
    guardianAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
  });
  after(() => t.close());

  it('are listed in the settings, with a link there from "Mina inställningar"', async () => {
    assert.match((await guardian.get('/settings')).text, /href="\/settings\/passkeys"/);
    const page = await guardian.get('/settings/passkeys');
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'private, no-store');
    assert.match(page.text, /Du har inga passkeys ännu/);
    assert.match(page.text, /<noscript><p class="notice">För att skapa en passkey behöver JavaScript/);
    assert.match(page.text, /vendor\/simplewebauthn-browser\.js/);
  });

  it('registers a passkey under its name, stored with its public key and a random user handle', async () => {
    const res = await registerPasskey(guardian, device, '  Emmas   telefon ');
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body, { next: '/settings/passkeys' });
    const [passkey] = await passkeysOf(t.db, guardianAccount);
    assert.equal(passkey?.name, 'Emmas telefon');
    const stored = await credentialById(t.db, Buffer.from(device.passkeys[0]?.credentialId ?? []).toString('base64url'));
    assert.equal(stored?.accountId, guardianAccount);
    assert.deepEqual(stored?.transports, ['internal', 'hybrid']);
    assert.notEqual(stored?.userHandle, String(guardianAccount));
    assert.equal(Buffer.from(stored?.userHandle ?? '', 'base64url').length, 32);
    const page = await guardian.get('/settings/passkeys');
    assert.match(page.text, /Passkeyn är tillagd/);
    assert.match(page.text, /<strong dir="auto">Emmas telefon<\/strong>/);
  });

  it('logs in without a password: a new session, weak, remembered when asked', async () => {
    const { agent, token, options } = await loginChallenge(t);
    const res = await postLogin(agent, token, device.get(options), { next: '/settings', remember: 'yes' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { next: '/settings' });
    const start = await agent.get('/');
    assert.equal(start.status, 200);
    assert.match(start.text, /Emma/);
    const sessions = await sessionOf(t, guardianAccount);
    assert.ok(sessions.some((s) => s.accountId === guardianAccount && !('strong' in s) && !('passkey' in s)));
    assert.ok(sessions.some((s) => (s.cookie as { originalMaxAge?: number }).originalMaxAge === t.config.rememberMeDays * 86_400_000), JSON.stringify(sessions));
    const [passkey] = await passkeysOf(t.db, guardianAccount);
    assert.equal(passkey?.lastUsedAt, t.clock.now().toISOString());
  });

  it('takes a challenge once: the same answer again, or one without a challenge, is refused', async () => {
    const { agent, token, options } = await loginChallenge(t);
    const answer = device.get(options);
    assert.equal((await postLogin(agent, token, answer)).status, 200);
    // The same browser, signed in now: a new login from it has no challenge left.
    const again = request.agent(t.app);
    const againToken = csrfFrom((await again.get('/login')).text);
    const replay = await postLogin(again, againToken, answer);
    assert.equal(replay.status, 400);
    assert.match(replay.body.error, /Det tog för lång tid/);
    // With a fresh challenge, the old answer (signed over another challenge) fails.
    const fresh = await loginChallenge(t);
    const stale = await postLogin(fresh.agent, fresh.token, answer);
    assert.equal(stale.status, 401);
    assert.match(stale.body.error, /Inloggningen med passkey misslyckades/);
    assert.equal((await fresh.agent.get('/')).status, 303);
  });

  it('refuses an answer made for another site, a challenge gone stale, and a passkey it does not know', async () => {
    const other = await loginChallenge(t);
    const phished = await postLogin(other.agent, other.token, device.get(other.options, undefined, { origin: 'https://vardag.example.net' }));
    assert.equal(phished.status, 401);
    const late = await loginChallenge(t);
    const now = t.clock.now().toISOString();
    t.clock.set(new Date(Date.parse(now) + 6 * 60_000).toISOString());
    try {
      assert.equal((await postLogin(late.agent, late.token, device.get(late.options))).status, 400);
    } finally {
      t.clock.set(now);
    }
    const stranger = new SoftAuthenticator(device.origin);
    stranger.create({ challenge: 'x', user: { id: 'AAAA' } });
    const unknown = await loginChallenge(t);
    const res = await postLogin(unknown.agent, unknown.token, stranger.get(unknown.options));
    assert.equal(res.status, 401);
    assert.match(res.body.error, /finns inte i Vardag/);
    assert.equal((await unknown.agent.get('/')).status, 303);
  });

  it('refuses an answer whose user handle is not the passkey\'s', async () => {
    const { agent, token, options } = await loginChallenge(t);
    const res = await postLogin(agent, token, device.get(options, undefined, { userHandle: Buffer.alloc(32, 1).toString('base64url') }));
    assert.equal(res.status, 401);
  });

  it('refuses a registration for another site, a replayed one, and the same passkey twice', async () => {
    const wrong = await registerPasskey(guardian, new SoftAuthenticator(device.origin), 'Fel', { origin: 'https://vardag.example.net' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.error, /kunde inte skapas/);
    // No challenge asked for: the answer has nothing to match.
    const token = await csrfOf(guardian);
    const answer = new SoftAuthenticator(device.origin).create({ challenge: 'bm90LWFza2Vk' });
    const noChallenge = await guardian.post('/settings/passkeys').set('x-csrf-token', token).set('accept', 'application/json').type('form')
      .send({ name: 'x', response: JSON.stringify(answer) });
    assert.equal(noChallenge.status, 400);
    assert.match(noChallenge.body.error, /Det tog för lång tid/);
    const long = await registerPasskey(guardian, new SoftAuthenticator(device.origin), 'x'.repeat(61));
    assert.equal(long.status, 400);
    assert.equal(long.body.field, 'name');
    assert.equal((await passkeysOf(t.db, guardianAccount)).length, 1);
  });

  it('answers a plain form post (no JavaScript) with the page and the message at the form', async () => {
    const token = await csrfOf(guardian);
    const res = await guardian.post('/settings/passkeys').type('form').send({ _csrf: token, name: 'Telefon', response: '{"nope":1}' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /Det tog för lång tid/);
    assert.match(res.text, /value="Telefon"/);
  });

  it('removes a passkey only for its own account; a removed one no longer logs in', async () => {
    const other = await signIn(t.app, 'vardnadshavare2');
    const otherDevice = new SoftAuthenticator(device.origin);
    assert.equal((await registerPasskey(other, otherDevice, 'Annans')).status, 201);
    const mine = (await passkeysOf(t.db, guardianAccount))[0];
    assert.ok(mine);
    const token = await csrfOf(other);
    assert.equal((await other.post(`/settings/passkeys/${mine.id}/remove`).type('form').send({ _csrf: token })).status, 404);
    assert.equal((await passkeysOf(t.db, guardianAccount)).length, 1);

    const own = await guardian.post(`/settings/passkeys/${mine.id}/remove`).type('form').send({ _csrf: await csrfOf(guardian) });
    assert.equal(own.status, 303);
    assert.match((await guardian.get('/settings/passkeys')).text, /Passkeyn är borttagen/);
    const { agent, token: loginToken, options } = await loginChallenge(t);
    const res = await postLogin(agent, loginToken, device.get(options));
    assert.equal(res.status, 401);
    assert.match(res.body.error, /finns inte i Vardag/);
  });

  it('never signs in a closed account, and closing one forgets its passkeys', async () => {
    const kim = await signIn(t.app, 'vardnadshavare3');
    const kimDevice = new SoftAuthenticator(device.origin);
    assert.equal((await registerPasskey(kim, kimDevice)).status, 201);
    const kimAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare3').executeTakeFirstOrThrow()).id;
    await t.db.updateTable('accounts').set({ closed_at: t.clock.now().toISOString() }).where('id', '=', kimAccount).execute();
    try {
      const { agent, token, options } = await loginChallenge(t);
      assert.equal((await postLogin(agent, token, kimDevice.get(options))).status, 401);
      assert.equal((await agent.get('/')).status, 303);
    } finally {
      await t.db.updateTable('accounts').set({ closed_at: null }).where('id', '=', kimAccount).execute();
    }
    await removePasskeysOf(t.db, kimAccount);
    assert.deepEqual(await passkeysOf(t.db, kimAccount), []);
  });

  it('stores one credential once, also when two registrations of it come at once', async () => {
    const made = new SoftAuthenticator(device.origin).made('Samma');
    const other = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare2').executeTakeFirstOrThrow()).id;
    const results = await Promise.all([addPasskey(t.db, guardianAccount, made, t.clock.now()), addPasskey(t.db, other, made, t.clock.now())]);
    assert.deepEqual(results.map((r) => r.ok).sort(), [false, true]);
    assert.deepEqual(results.filter((r) => !r.ok), [{ ok: false, error: 'taken' }]);
    const stored = await credentialById(t.db, made.credentialId);
    assert.ok(stored);
    await t.db.deleteFrom('passkeys').where('id', '=', stored.id).execute();
  });

  it('has a button on the login page for the script to show, hidden without it', async () => {
    const page = await request(t.app).get('/login');
    assert.match(page.text, /<div id="passkey-login" hidden>/);
    assert.match(page.text, /Logga in med passkey/);
    assert.match(page.text, /js\/passkeys\.js/);
    const script = await request(t.app).get(page.text.match(/src="([^"]+simplewebauthn-browser\.js)"/)?.[1] ?? '/none');
    assert.equal(script.status, 200);
    assert.match(script.text, /SimpleWebAuthnBrowser/);
  });

  it('are in the register extract by name, never their keys', async () => {
    const personId = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'vardnadshavare2').executeTakeFirstOrThrow()).person_id;
    const subject = await PERSONAL_DATA.subjectOf(t.db, personId);
    assert.ok(subject);
    const extract = await PERSONAL_DATA.extract(t.db, subject);
    const json = JSON.stringify(extract);
    assert.match(json, /Annans/);
    assert.doesNotMatch(json, /public_key|credential/);
  });

  describe('where the municipality counts passkeys as strong', () => {
    let teacher: Agent;
    let teacherDevice: SoftAuthenticator;
    before(async () => {
      teacher = await signIn(t.app, 'pedagog');
      teacherDevice = new SoftAuthenticator(device.origin);
      assert.equal((await registerPasskey(teacher, teacherDevice, 'Jobbtelefon')).status, 201);
      const admin = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'admin').executeTakeFirstOrThrow()).person_id;
      await saveLoginSettings(t.db, await municipalityId(t.db, 'Demokommun'), {
        eId: null, login: { strongIdleMinutes: 20, smsCodeLogin: false, passkeysStrong: true },
      }, admin, t.clock.now());
    });

    it('a passkey login is strong', async () => {
      const { agent, token, options } = await loginChallenge(t);
      assert.equal((await postLogin(agent, token, teacherDevice.get(options))).status, 200);
      const teacherAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).id;
      const sessions = await sessionOf(t, teacherAccount);
      assert.ok(sessions.some((s) => (s.strong as { acr?: string } | undefined)?.acr === 'passkey'));
    });

    it('a weak (password) session cannot add one: it is sent to BankID first', async () => {
      const page = await teacher.get('/settings/passkeys');
      assert.match(page.text, /logga in med BankID innan du lägger till en/);
      assert.match(page.text, /href="\/login\/e-id\?next=%2Fsettings%2Fpasskeys"/);
      assert.doesNotMatch(page.text, /id="passkey-register"/);
      const token = await csrfOf(teacher);
      const options = await teacher.post('/settings/passkeys/options').set('x-csrf-token', token).set('accept', 'application/json').type('form').send({});
      assert.equal(options.status, 403);
      const res = await teacher.post('/settings/passkeys').set('x-csrf-token', token).set('accept', 'application/json').type('form')
        .send({ name: 'x', response: JSON.stringify(new SoftAuthenticator(device.origin).create({ challenge: 'eA' })) });
      assert.equal(res.status, 400);
      assert.match(res.body.error, /Logga in med BankID/);
    });
  });
});
