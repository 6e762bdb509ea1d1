// The demo's stand-in e-ID broker: mounted at /demo-e-id on a demo database only; the demo's municipalities pointed at
// it (an admin's own settings left alone); its test identities log a guardian in strong and staff in through their
// subject, after `npm start` as here on a real port. And a confidential client: the secret from the environment.
import net, { type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { ACR_BANKID, ACR_FREJA_WEAK, configureEId, eIdLogin, identityOf, loginAtProvider, startTestProvider } from '../support/oidc.ts';
import { DEMO_E_ID_CLIENT, useDemoEId } from '../../server/demo/e-id-provider.ts';
import { forgetProviders } from '../../server/e-id/client.ts';

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('the demo e-ID provider', () => {
  it('is never mounted on a real database', async () => {
    const real = await startTestApp({ demo: false });
    try {
      const res = await request(real.app).get('/demo-e-id/.well-known/openid-configuration');
      assert.equal(res.status, 404);
      assert.equal((await request(real.app).get('/demo-e-id/interaction/x')).status, 404);
    } finally {
      await real.close();
    }
  });

  describe('on a demo database served on a real port', () => {
    let t: TestApp;
    let server: Server;
    let base: string;
    let issuer: string;
    before(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      t = await startTestApp({ env: { PUBLIC_URL: base } });
      server = await new Promise<Server>((resolve) => { const s = t.app.listen(port, '127.0.0.1', () => resolve(s)); });
      issuer = `${base}/demo-e-id`;
      await useDemoEId(t.db, issuer, t.clock.now());
    });
    after(async () => {
      forgetProviders();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    });

    it('publishes its discovery document under the app\'s PUBLIC_URL', async () => {
      const res = await request(base).get('/demo-e-id/.well-known/openid-configuration');
      assert.equal(res.status, 200);
      assert.equal(res.body.issuer, issuer);
      assert.ok(res.body.acr_values_supported.includes(ACR_BANKID));
    });

    it('points every demo municipality at it, strong with BankID only, and follows a new PUBLIC_URL', async () => {
      const rows = await t.db.selectFrom('e_id_settings').selectAll().execute();
      const municipalities = await t.db.selectFrom('municipalities').select('id').execute();
      assert.equal(rows.length, municipalities.length);
      for (const row of rows) {
        assert.equal(row.issuer, issuer);
        assert.equal(row.client_id, DEMO_E_ID_CLIENT);
        assert.equal(row.strong_acr, ACR_BANKID);
      }
      await useDemoEId(t.db, 'http://example.test/demo-e-id', t.clock.now());
      assert.ok((await t.db.selectFrom('e_id_settings').select('issuer').execute()).every((r) => r.issuer === 'http://example.test/demo-e-id'));
      await useDemoEId(t.db, issuer, t.clock.now());
    });

    it('leaves a municipality\'s own e-ID settings alone', async () => {
      const [first] = await t.db.selectFrom('municipalities').select('id').orderBy('id').execute();
      assert.ok(first);
      await t.db.updateTable('e_id_settings').set({ issuer: 'https://broker.example.se' }).where('municipality_id', '=', first.id).execute();
      await useDemoEId(t.db, issuer, t.clock.now());
      const row = await t.db.selectFrom('e_id_settings').select('issuer').where('municipality_id', '=', first.id).executeTakeFirstOrThrow();
      assert.equal(row.issuer, 'https://broker.example.se');
      await t.db.updateTable('e_id_settings').set({ issuer }).where('municipality_id', '=', first.id).execute();
    });

    it('lists the demo\'s people and logs a guardian in strong, staff through their subject, and weak with Freja', async () => {
      const guardian = await identityOf(t.db, 'vardnadshavare');
      const agent = request.agent(base);
      // Two municipalities have the demo's e-ID: the guardian's is chosen.
      const begun = await agent.get(`/login/e-id?municipality=${guardian.municipalityId}&next=/messages`);
      assert.equal(begun.status, 303);
      const authorization = String(begun.headers.location);
      assert.ok(authorization.startsWith(`${issuer}/auth?`));
      const page = await request.agent(base).get(new URL(authorization).pathname + new URL(authorization).search).redirects(1);
      assert.equal(page.status, 200);
      assert.match(page.text, /\(vardnadshavare\) — BankID/);
      assert.match(page.text, /\(pedagog\) — Freja \(svag\)/);
      assert.match(page.text, /Ingen riktig BankID/);
      const callback = await loginAtProvider(authorization, { subject: `person-${guardian.personId}`, acr: ACR_BANKID });
      const res = await agent.get(callback);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/messages');
      const account = await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow();
      const sessions = await t.db.selectFrom('sessions').select('sess').where('account_id', '=', account.id).execute();
      assert.ok(sessions.some((s) => (JSON.parse(s.sess) as { strong?: { acr: string } }).strong?.acr === ACR_BANKID));

      const staff = await identityOf(t.db, 'pedagog');
      const staffAgent = request.agent(base);
      const staffStart = await staffAgent.get(`/login/e-id?municipality=${staff.municipalityId}`);
      const staffCallback = await loginAtProvider(String(staffStart.headers.location), { subject: `person-${staff.personId}`, acr: ACR_FREJA_WEAK });
      const staffRes = await staffAgent.get(staffCallback);
      assert.equal(staffRes.status, 303);
      assert.equal(staffRes.headers.location, '/');
      const staffAccount = await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow();
      const staffSessions = await t.db.selectFrom('sessions').select('sess').where('account_id', '=', staffAccount.id).execute();
      assert.equal(staffSessions.length, 1);
      assert.equal((JSON.parse(staffSessions[0]?.sess ?? '{}') as { strong?: unknown }).strong, undefined, 'Freja is weak');
    });
  });
});

describe('a confidential e-ID client', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  it('authenticates with the secret from the environment; a wrong secret is the broker\'s refusal, not a 500', async () => {
    const guardian = await identityOf(t.db, 'vardnadshavare');
    const provider = await startTestProvider({
      redirectUri: `${t.config.publicUrl}/login/e-id/callback`, clientSecret: 'the-right-secret',
      identities: [{ subject: 'guardian', name: 'Emma Andersson', personnummer: guardian.personnummer }],
    });
    const variable = `VARDAG_E_ID_CLIENT_SECRET_${guardian.municipalityId}`;
    try {
      await configureEId(t.db, guardian.municipalityId, provider.issuer);
      process.env[variable] = 'the-right-secret';
      const ok = await eIdLogin(request.agent(t.app), { subject: 'guardian', acr: ACR_BANKID });
      assert.equal(ok.status, 303);
      forgetProviders();
      process.env[variable] = 'a-wrong-secret';
      const refused = await eIdLogin(request.agent(t.app), { subject: 'guardian', acr: ACR_BANKID });
      assert.equal(refused.status, 502);
      assert.match(refused.text, /Tjänsten för e-legitimation svarade med ett fel/);
    } finally {
      delete process.env[variable];
      await provider.close();
    }
  });
});
