// The Bedömning box and a pupil's assessment behind a strong login, through a real OpenID Connect provider: a weak
// session sees "Logga in med BankID för att se" in the box's place (and neither the page nor the box's partial gives
// the records), BankID at the municipality's broker brings the guardian back to the child's start page, now with the
// box's content; a municipality without e-ID tells the guardian to ask the school (seed 001).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { ACR_BANKID, configureEId, eIdLogin, identityOf, startTestProvider, type TestProvider } from '../support/oidc.ts';
import { personId } from '../support/demo.ts';
import { signInWithSession } from '../support/strong-login.ts';
import { assessmentsOfChild } from '../../server/assessment/queries.ts';

const nextOf = (location: unknown): string => new URL(String(location), 'http://x').searchParams.get('next') ?? '';

describe('the assessment behind BankID, through a real OpenID Connect provider', () => {
  let t: TestApp;
  let provider: TestProvider;
  let oskar: number;
  /** A comment of Oskar's published assessment (the demo's): it must never reach a weak session. */
  let secret: string;

  before(async () => {
    t = await startTestApp();
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    const guardian = await identityOf(t.db, 'vardnadshavare');
    provider = await startTestProvider({
      redirectUri: `${t.config.publicUrl}/login/e-id/callback`,
      identities: [{ subject: 'guardian', name: 'Emma Andersson', personnummer: guardian.personnummer }],
    });
    await configureEId(t.db, guardian.municipalityId, provider.issuer);
    const published = (await assessmentsOfChild(t.db, oskar)).filter((a) => a.status === 'published' && a.comment.length > 20);
    assert.ok(published.length > 0, 'the demo publishes an assessment of Oskar\'s');
    secret = published[0].comment.slice(0, 20);
  });
  after(async () => { await provider.close(); await t.close(); });

  it('a weak session gets the way to BankID in the box\'s place, never the records; BankID brings it back to them', async () => {
    const { agent } = await signInWithSession(t.app, 'vardnadshavare');
    const start = await agent.get(`/children/${oskar}`);
    assert.equal(start.status, 200);
    assert.match(start.text, /Logga in med BankID för att se/);
    assert.ok(!start.text.includes(secret));
    const partial = await agent.get(`/children/${oskar}/boxes/assessment`).set('HX-Request', 'true');
    assert.match(partial.text, /Logga in med BankID för att se/);
    assert.ok(!partial.text.includes(secret));
    const page = await agent.get(`/children/${oskar}/assessment`);
    assert.equal(page.status, 303);
    assert.ok(!page.text.includes(secret));

    const link = start.text.match(/href="(\/login\/strong\?[^"]+)"/)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(link, 'the box links to the strong login');
    const next = nextOf(link);
    assert.equal(next, `/children/${oskar}`);
    const back = await eIdLogin(agent, { subject: 'guardian', acr: ACR_BANKID }, next);
    assert.equal(back.status, 303);
    assert.equal(back.headers.location, next);
    const strong = await agent.get(next);
    assert.doesNotMatch(strong.text, /Logga in med BankID för att se/);
    assert.match(strong.text, new RegExp(`href="/children/${oskar}/assessment"`));
    const read = await agent.get(`/children/${oskar}/assessment`);
    assert.equal(read.status, 200);
    assert.ok(read.text.includes(secret), 'the published assessment, after BankID');
  });

  it('a login at the broker that is not strong (no BankID acr) opens nothing', async () => {
    const { agent } = await signInWithSession(t.app, 'vardnadshavare');
    await eIdLogin(agent, { subject: 'guardian', acr: 'urn:example:password' }, `/children/${oskar}`).catch(() => undefined);
    const page = await agent.get(`/children/${oskar}/assessment`);
    assert.notEqual(page.status, 200);
    assert.ok(!page.text.includes(secret));
  });
});
