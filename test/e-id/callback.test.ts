// Every way an e-ID login can fail lands on a Swedish page saying what happened, with password login offered: never
// a 500, never a session half made. A real provider on a loopback port plays the broker.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, DEFAULT_NOW, type TestApp } from '../support/app.ts';
import { ACR_BANKID, configureEId, identityOf, loginAtProvider, startTestProvider, type TestProvider } from '../support/oidc.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forgetProviders } from '../../server/e-id/client.ts';
import { LOGIN_START_WINDOW_MINUTES, LOGIN_STARTS_PER_ADDRESS } from '../../server/e-id/routes.ts';
import { failureOfError, isStrongAcr, loginFresh, personnummerFromClaim, providerErrorOf } from '../../server/e-id/rules.ts';

describe('the e-ID rules', () => {
  it('reads a personnummer claim as persons keep it, and nothing else', () => {
    assert.equal(personnummerFromClaim('199001012393'), '19900101-2393');
    assert.equal(personnummerFromClaim('19900101-2393'), '19900101-2393');
    assert.equal(personnummerFromClaim('900101-2393'), null, 'ten digits: the century would be a guess');
    assert.equal(personnummerFromClaim('9001012393'), null);
    assert.equal(personnummerFromClaim(199001012393), '19900101-2393');
    assert.equal(personnummerFromClaim('199001012391'), null, 'a wrong check digit');
    for (const bad of [undefined, null, '', 'abc', {}, ['199001012393'], '1'.repeat(40)]) assert.equal(personnummerFromClaim(bad), null);
  });

  it('counts only the municipality\'s strong acr values as strong', () => {
    assert.equal(isStrongAcr(ACR_BANKID, [ACR_BANKID]), true);
    assert.equal(isStrongAcr('http://id.elegnamnden.se/loa/1.0/loa2', [ACR_BANKID]), false);
    assert.equal(isStrongAcr(null, [ACR_BANKID]), false);
    assert.equal(isStrongAcr('', ['']), false);
  });

  it('keeps a login under way for ten minutes', () => {
    const at = '2026-11-24T09:00:00.000Z';
    assert.equal(loginFresh(at, new Date('2026-11-24T09:09:59Z')), true);
    assert.equal(loginFresh(at, new Date('2026-11-24T09:10:00Z')), false);
    assert.equal(loginFresh('not a date', new Date(at)), false);
    assert.equal(loginFresh(at, new Date('2026-11-24T08:50:00Z')), false, 'begun in the future');
  });

  it('tells a cancel from other errors and a network failure from a refusal', () => {
    assert.equal(providerErrorOf({ error: 'access_denied' }), 'cancelled');
    assert.equal(providerErrorOf({ error: 'server_error' }), 'provider');
    assert.equal(providerErrorOf({ code: 'x' }), null);
    assert.equal(failureOfError(new TypeError('fetch failed')), 'unreachable');
    assert.equal(failureOfError(Object.assign(new Error('x'), { name: 'ResponseBodyError', error: 'invalid_grant' })), 'invalid');
    assert.equal(failureOfError(Object.assign(new Error('x'), { name: 'ResponseBodyError', error: 'invalid_client' })), 'provider');
    assert.equal(failureOfError(Object.assign(new Error('x'), { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' })), 'invalid');
  });
});

describe('e-ID login failures', () => {
  let t: TestApp;
  let provider: TestProvider;
  let municipalityId: number;
  let guardianAccount: number;

  before(async () => {
    t = await startTestApp();
    const guardian = await identityOf(t.db, 'vardnadshavare');
    municipalityId = guardian.municipalityId;
    guardianAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
    provider = await startTestProvider({
      redirectUri: `${t.config.publicUrl}/login/e-id/callback`,
      identities: [{ subject: 'guardian', name: 'Emma Andersson', personnummer: guardian.personnummer }],
    });
    await configureEId(t.db, municipalityId, provider.issuer);
  });
  after(async () => { await provider.close(); await t.close(); });

  /** Nobody is signed in: no session of the guardian's account exists. */
  const noSession = async () => {
    const n = await t.db.selectFrom('sessions').select('sid').where('account_id', '=', guardianAccount).execute();
    assert.equal(n.length, 0, 'no session was made');
  };

  /** Begins a login and walks the provider: the agent and our callback's path, not yet called. */
  async function begun(choice: Parameters<typeof loginAtProvider>[1] = { subject: 'guardian', acr: ACR_BANKID }) {
    const agent = request.agent(t.app);
    const start = await agent.get('/login/e-id?next=/messages');
    assert.equal(start.status, 303);
    const location = new URL(String(start.headers.location));
    assert.equal(location.origin, provider.issuer);
    assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(location.searchParams.get('state') && location.searchParams.get('nonce') && location.searchParams.get('code_challenge'));
    assert.equal(location.searchParams.get('code_verifier'), null, 'the verifier stays in the session');
    return { agent, callback: await loginAtProvider(location.href, choice) };
  }

  it('refuses a tampered state', async () => {
    const { agent, callback } = await begun();
    const url = new URL(callback, 'http://x');
    url.searchParams.set('state', `${url.searchParams.get('state')}x`);
    const res = await agent.get(url.pathname + url.search);
    assert.equal(res.status, 400);
    assert.match(res.text, /Inloggningen tog för lång tid eller hörde inte till den här webbläsaren/);
    assert.match(res.text, /href="\/login\?next=%2Fmessages"/, 'password login offered, keeping next');
    // The login under way was used up by the tampered answer: the true one fails too.
    assert.equal((await agent.get(callback)).status, 400);
    await noSession();
  });

  it('refuses a callback from another browser (no login under way in its session)', async () => {
    const { callback } = await begun();
    const res = await request(t.app).get(callback);
    assert.equal(res.status, 400);
    await noSession();
  });

  it('refuses a replayed code: the same answer again, and the code with a new login\'s state', async () => {
    const { agent, callback } = await begun();
    const ok = await agent.get(callback);
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/messages');
    await t.db.deleteFrom('sessions').where('account_id', '=', guardianAccount).execute();
    assert.equal((await agent.get(callback)).status, 400, 'the same answer twice');
    // A new login under way, answered with the old code: the provider refuses it (used, and the wrong PKCE verifier).
    const other = request.agent(t.app);
    const start = await other.get('/login/e-id');
    const state = new URL(String(start.headers.location)).searchParams.get('state') ?? '';
    const replayed = new URL(callback, 'http://x');
    replayed.searchParams.set('state', state);
    const res = await other.get(replayed.pathname + replayed.search);
    assert.equal(res.status, 400);
    assert.match(res.text, /Svaret från tjänsten för e-legitimation kunde inte godkännas/);
    await noSession();
  });

  it('refuses an ID token with the wrong nonce', async () => {
    const { agent, callback } = await begun({ subject: 'guardian', acr: ACR_BANKID, tamper: (url) => url.searchParams.set('nonce', 'not-the-nonce') });
    const res = await agent.get(callback);
    assert.equal(res.status, 400);
    assert.match(res.text, /kunde inte godkännas/);
    await noSession();
  });

  it('says the login was cancelled when the user cancels at the provider (error=access_denied)', async () => {
    const { agent, callback } = await begun({ subject: 'guardian', cancel: true });
    assert.match(callback, /error=access_denied/);
    const res = await agent.get(callback);
    assert.equal(res.status, 400);
    assert.match(res.text, /Inloggningen avbröts/);
    await noSession();
  });

  it('refuses a login answered too late', async () => {
    const { agent, callback } = await begun();
    t.clock.set(new Date(Date.parse(DEFAULT_NOW) + 11 * 60_000).toISOString());
    try {
      const res = await agent.get(callback);
      assert.equal(res.status, 400);
      await noSession();
    } finally {
      t.clock.set(DEFAULT_NOW);
    }
  });

  it('answers a bare callback and a made-up one with the Swedish page, never a 500', async () => {
    for (const path of ['/login/e-id/callback', '/login/e-id/callback?code=x&state=y', '/login/e-id/callback?error=server_error&state=z']) {
      const res = await request(t.app).get(path);
      assert.equal(res.status, 400, path);
      assert.match(res.text, /Inloggningen med e-legitimation gick inte/);
    }
  });

  it('offers a choice when several municipalities have e-ID', async () => {
    const other = await t.db.selectFrom('municipalities').select(['id', 'name']).where('id', '!=', municipalityId).executeTakeFirstOrThrow();
    await configureEId(t.db, other.id, provider.issuer);
    try {
      const page = await request(t.app).get('/login/e-id?next=/messages');
      assert.equal(page.status, 200);
      assert.match(page.text, /Välj kommun/);
      assert.match(page.text, new RegExp(`href="/login/e-id\\?municipality=${municipalityId}&amp;next=%2Fmessages"`));
      assert.ok(page.text.includes(other.name));
      const chosen = await request(t.app).get(`/login/e-id?municipality=${municipalityId}&next=/messages`);
      assert.equal(chosen.status, 303);
      assert.ok(String(chosen.headers.location).startsWith(provider.issuer));
    } finally {
      await t.db.deleteFrom('e_id_settings').where('municipality_id', '=', other.id).execute();
    }
  });

  it('says so when no municipality has e-ID, and hides the button', async () => {
    await t.db.updateTable('e_id_settings').set({ enabled: 0 }).execute();
    try {
      const res = await request(t.app).get('/login/e-id');
      assert.equal(res.status, 404);
      assert.match(res.text, /Inloggning med e-legitimation finns inte här än/);
      assert.doesNotMatch((await request(t.app).get('/login')).text, /Logga in med BankID/);
    } finally {
      await t.db.updateTable('e_id_settings').set({ enabled: 1 }).execute();
    }
  });

  it('says the provider cannot be reached: at the start, and when it goes away before the answer', async () => {
    const gone = await startTestProvider({
      redirectUri: `${t.config.publicUrl}/login/e-id/callback`,
      identities: [{ subject: 'guardian', name: 'Emma Andersson', personnummer: (await identityOf(t.db, 'vardnadshavare')).personnummer }],
    });
    await configureEId(t.db, municipalityId, gone.issuer);
    try {
      const agent = request.agent(t.app);
      const start = await agent.get('/login/e-id');
      const callback = await loginAtProvider(String(start.headers.location), { subject: 'guardian', acr: ACR_BANKID });
      await gone.close(); // (forgets the discovered providers too: the callback discovers again, and fails)
      const res = await agent.get(callback);
      assert.equal(res.status, 503);
      assert.match(res.text, /Vi får inte kontakt med tjänsten för e-legitimation/);
      const again = await request(t.app).get('/login/e-id');
      assert.equal(again.status, 503);
      await noSession();
    } finally {
      forgetProviders();
      await configureEId(t.db, municipalityId, provider.issuer);
    }
  });

  it('asks a provider whose discovery failed again only after a minute', async () => {
    let asked = 0;
    const broken = http.createServer((_req, res) => { asked += 1; res.writeHead(500).end(); });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    await configureEId(t.db, municipalityId, `http://127.0.0.1:${(broken.address() as AddressInfo).port}`);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await request(t.app).get('/login/e-id');
        assert.equal(res.status, 503);
        assert.match(res.text, /Vi får inte kontakt med tjänsten för e-legitimation/);
      }
      assert.equal(asked, 1, 'one discovery request for three logins begun');
    } finally {
      forgetProviders();
      broken.closeAllConnections();
      await new Promise<void>((resolve) => broken.close(() => resolve()));
      await configureEId(t.db, municipalityId, provider.issuer);
    }
  });

  it('limits the logins one address begins, with a Swedish page', async () => {
    await t.db.deleteFrom('rate_limit_hits').execute(); // (the logins the tests above began count too)
    try {
      for (let i = 0; i < LOGIN_STARTS_PER_ADDRESS; i++) assert.equal((await request(t.app).get('/login/e-id')).status, 303);
      const refused = await request(t.app).get('/login/e-id?next=/messages');
      assert.equal(refused.status, 429);
      assert.match(refused.text, /för många inloggningsförsök med e-legitimation/);
      assert.match(refused.text, /href="\/login\?next=%2Fmessages"/, 'password login offered');
      const later = Date.parse(DEFAULT_NOW) + (LOGIN_START_WINDOW_MINUTES * 60 + 1) * 1000;
      t.clock.set(new Date(later).toISOString());
      assert.equal((await request(t.app).get('/login/e-id')).status, 303, 'a new window');
    } finally {
      t.clock.set(DEFAULT_NOW);
      await t.db.deleteFrom('rate_limit_hits').execute();
    }
  });
});
