// Passkeys without a browser: a software authenticator (./authenticator.ts) answers the server's options as a browser
// would. Registering in the settings, logging in without a password, and what must fail: a replayed answer, an answer
// for another site, a removed passkey, another account's passkey, a closed account; adding one only soon after a login
// (or from a strong one); weak unless the municipality counts passkeys as strong AND the passkey was added from a strong
// session; the login challenges an address may ask for are limited.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { saveLoginSettings } from '../../server/e-id/settings.ts';
import { addPasskey, credentialById, passkeysOf, removePasskeysOf } from '../../server/passkeys/queries.ts';
import { LOGIN_OPTIONS_PER_ADDRESS } from '../../server/passkeys/routes.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { csrfFrom, csrfOf, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { countRows, municipalityId } from '../support/demo.ts';
import { enableEId, markSessionStrong, signInWithSession } from '../support/strong-login.ts';
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
    // (the store rounds the cookie's age through its expiry date: a millisecond either way)
    const remembered = t.config.rememberMeDays * 86_400_000;
    assert.ok(sessions.some((s) => Math.abs(((s.cookie as { originalMaxAge?: number }).originalMaxAge ?? 0) - remembered) < 1000), JSON.stringify(sessions));
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
    assert.match(page.text, /<div id="passkey-login" hidden data-webauthn-library="[^"]+">/);
    assert.match(page.text, /Logga in med passkey/);
    assert.match(page.text, /data-later-script="[^"]+js\/passkeys\.js"/, 'fetched after the page has loaded');
    // The WebAuthn library is named for the script to fetch at the first tap, from our own origin.
    const script = await request(t.app).get(page.text.match(/data-webauthn-library="([^"]+simplewebauthn-browser\.js)"/)?.[1] ?? '/none');
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

  it('adds one only within 15 minutes of the login (or from a strong session): else "Logga in igen"', async () => {
    const { agent, sid } = await signInWithSession(t.app, 'vardnadshavare2');
    const start = t.clock.now().toISOString();
    t.clock.set(new Date(Date.parse(start) + 16 * 60_000).toISOString());
    try {
      const page = await agent.get('/settings/passkeys');
      assert.match(page.text, /Logga in igen för att lägga till en passkey/);
      assert.doesNotMatch(page.text, /id="passkey-register"/);
      const token = await csrfOf(agent);
      const options = await agent.post('/settings/passkeys/options').set('x-csrf-token', token).set('accept', 'application/json').type('form').send({});
      assert.equal(options.status, 403);
      assert.equal(options.body.error, 'Logga in igen för att lägga till en passkey.');
      const res = await agent.post('/settings/passkeys').set('x-csrf-token', token).set('accept', 'application/json').type('form')
        .send({ name: 'x', response: JSON.stringify(new SoftAuthenticator(device.origin).create({ challenge: 'eA' })) });
      assert.equal(res.status, 403);
      assert.match(res.body.error, /Logga in igen/);
      const plain = await agent.post('/settings/passkeys').type('form').send({ _csrf: token, name: 'Telefon', response: '{}' });
      assert.equal(plain.status, 403);
      assert.match(plain.text, /Logga in igen för att lägga till en passkey/);
      // A strong login (BankID) may add one however old the session is.
      await markSessionStrong(t.db, sid, t.clock.now());
      assert.match((await agent.get('/settings/passkeys')).text, /id="passkey-register"/);
      assert.equal((await registerPasskey(agent, new SoftAuthenticator(device.origin), 'Stark')).status, 201);
    } finally {
      t.clock.set(start);
    }
  });

  describe('where the municipality counts passkeys as strong', () => {
    let teacher: Agent;
    let teacherSid: string;
    let teacherDevice: SoftAuthenticator;
    let teacherAccount: number;
    before(async () => {
      // Added from a weak (password) session while passkeys did not count as strong; then an admin turns it on.
      ({ agent: teacher, sid: teacherSid } = await signInWithSession(t.app, 'pedagog'));
      teacherDevice = new SoftAuthenticator(device.origin);
      assert.equal((await registerPasskey(teacher, teacherDevice, 'Jobbtelefon')).status, 201);
      teacherAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).id;
      const demokommun = await municipalityId(t.db, 'Demokommun');
      const admin = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'admin').executeTakeFirstOrThrow()).person_id;
      await saveLoginSettings(t.db, demokommun, {
        eId: null, login: { strongIdleMinutes: 20, smsCodeLogin: false, passkeysStrong: true },
      }, admin, t.clock.now());
      await enableEId(t.db, demokommun, 'https://e-id.example.test', t.clock.now());
    });

    it('a passkey added from a weak session still logs in weak', async () => {
      const { agent, token, options } = await loginChallenge(t);
      assert.equal((await postLogin(agent, token, teacherDevice.get(options))).status, 200);
      const sessions = await sessionOf(t, teacherAccount);
      assert.ok(sessions.length > 0);
      assert.ok(sessions.every((s) => !('strong' in s)), JSON.stringify(sessions));
    });

    it('a weak session may add one, told that it will not count as BankID', async () => {
      const page = await teacher.get('/settings/passkeys');
      assert.match(page.text, /men bara om du lägger till den när du är inloggad med BankID/);
      assert.match(page.text, /href="\/login\/e-id\?next=%2Fsettings%2Fpasskeys"/);
      assert.match(page.text, /id="passkey-register"/);
      const weakDevice = new SoftAuthenticator(device.origin);
      assert.equal((await registerPasskey(teacher, weakDevice, 'Svag')).status, 201);
      const stored = await credentialById(t.db, Buffer.from(weakDevice.passkeys[0]?.credentialId ?? []).toString('base64url'));
      assert.equal(stored?.registeredStrong, false);
    });

    it('a passkey added from a strong session logs in strong', async () => {
      await markSessionStrong(t.db, teacherSid, t.clock.now());
      assert.doesNotMatch((await teacher.get('/settings/passkeys')).text, /men bara om du lägger till den/);
      const strongDevice = new SoftAuthenticator(device.origin);
      assert.equal((await registerPasskey(teacher, strongDevice, 'Stark')).status, 201);
      const stored = await credentialById(t.db, Buffer.from(strongDevice.passkeys[0]?.credentialId ?? []).toString('base64url'));
      assert.equal(stored?.registeredStrong, true);
      const { agent, token, options } = await loginChallenge(t);
      assert.equal((await postLogin(agent, token, strongDevice.get(options))).status, 200);
      const sessions = await sessionOf(t, teacherAccount);
      assert.ok(sessions.some((s) => (s.strong as { acr?: string } | undefined)?.acr === 'passkey'));
    });

    it('a passkey added strong logs in weak again once the municipality turns the setting off', async () => {
      const admin = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'admin').executeTakeFirstOrThrow()).person_id;
      await saveLoginSettings(t.db, await municipalityId(t.db, 'Demokommun'), {
        eId: null, login: { strongIdleMinutes: 20, smsCodeLogin: false, passkeysStrong: false },
      }, admin, t.clock.now());
      await t.db.deleteFrom('sessions').where('account_id', '=', teacherAccount).execute();
      const strongDevice = new SoftAuthenticator(device.origin);
      const made = strongDevice.made('Stark 2', true);
      assert.equal((await addPasskey(t.db, teacherAccount, made, t.clock.now())).ok, true);
      const { agent, token, options } = await loginChallenge(t);
      assert.equal((await postLogin(agent, token, strongDevice.get(options))).status, 200);
      assert.ok((await sessionOf(t, teacherAccount)).every((s) => !('strong' in s)));
    });
  });

  it('limits the login challenges one address asks for (each makes a session): a Swedish 429', async () => {
    await t.db.deleteFrom('rate_limit_hits').where('key', 'like', 'passkey-login-options/%').execute();
    const agent = request.agent(t.app);
    const token = csrfFrom((await agent.get('/login')).text);
    const ask = (a: Agent, csrf: string) => a.post('/login/passkey/options').set('x-csrf-token', csrf).set('accept', 'application/json').type('form').send({});
    for (let i = 0; i < LOGIN_OPTIONS_PER_ADDRESS; i += 1) assert.equal((await ask(agent, token)).status, 200, `challenge ${i + 1}`);
    const other = request.agent(t.app);
    const otherToken = csrfFrom((await other.get('/login')).text);
    const sessions = await countRows(t.db, 'sessions');
    const refused = await ask(other, otherToken);
    assert.equal(refused.status, 429);
    assert.match(refused.body.error, /För många försök att logga in med passkey/);
    assert.equal(await countRows(t.db, 'sessions'), sessions, 'a refused request writes no session');
    await t.db.deleteFrom('rate_limit_hits').where('key', 'like', 'passkey-login-options/%').execute();
  });
});
