// The admin's login page (/admin/login) and staff links (/admin/login/staff): an admin of the municipality sets the
// e-ID broker and the login settings (field messages in Swedish for bad input, each change listed), tests the
// connection against a real discovery document, and links and unlinks staff; documentation's strong login can be
// turned on once the municipality has e-ID. Nobody else reaches the pages; another municipality's admin gets 404.
// In Chromium: admin-browser.test.ts.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { municipalityId } from '../support/demo.ts';
import { DEFAULT_LOGIN_SETTINGS, eIdConfigOf, loginSettingsChanges, loginSettingsOf, saveLoginSettings } from '../../server/e-id/settings.ts';
import { staffPersonForIdentity } from '../../server/e-id/staff-links.ts';
import { testDiscovery } from '../../server/e-id/admin.ts';
import { documentationSettings } from '../../server/documentation/settings.ts';

const ISSUER = 'https://broker.example.se/oidc';
const FORM = {
  e_id_enabled: 'yes', issuer: ISSUER, client_id: 'vardag-demo', personnummer_claim: 'personal_number', strong_acr: 'urn:loa3',
  staff_match: 'subject', strong_idle_minutes: '20',
};
const DOCUMENTATION = { image_max_mb: '25', video_max_mb: '200', video_max_seconds: '120', audio_max_mb: '25', audio_max_seconds: '300', export_grace_days: '90' };

/** A discovery document served on a loopback port (what an e-ID broker answers), or a broken one. */
async function discoveryServer(answer: (base: string) => { status: number; body: string }): Promise<{ base: string; close(): Promise<void> }> {
  let base = '';
  const server = http.createServer((req, res) => {
    const { status, body } = req.url === '/oidc/.well-known/openid-configuration' ? answer(base) : { status: 404, body: '' };
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc`;
  return { base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the admin’s login settings', () => {
  let t: TestApp;
  let demo: number;

  before(async () => {
    t = await startTestApp();
    demo = await municipalityId(t.db, 'Demokommun');
  });
  beforeEach(async () => {
    await t.db.deleteFrom('staff_e_id_links').execute();
    await t.db.deleteFrom('login_settings_changes').execute();
    await t.db.deleteFrom('login_settings').execute();
    await t.db.deleteFrom('e_id_settings').execute();
    await t.db.deleteFrom('documentation_settings_changes').execute();
    await t.db.deleteFrom('documentation_settings').execute();
  });
  after(() => t.close());

  it('shows no e-ID and the defaults, saves the settings and lists the changes; the secret only as a variable’s name', async () => {
    const agent = await signIn(t.app, 'admin');
    const page = await agent.get('/admin/login');
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'private, no-store');
    assert.match(page.text, /<h1>Inloggning/);
    assert.match(page.text, /name="strong_idle_minutes" type="text" value="20"/);
    assert.match(page.text, /name="personnummer_claim" type="text" value="personal_number"/);
    assert.match(page.text, new RegExp(`VARDAG_E_ID_CLIENT_SECRET_${demo}`));
    assert.match(page.text, /Inställningarna har inte ändrats/);
    assert.ok((await agent.get('/admin')).text.includes('href="/admin/login"'), 'listed on the admin overview');

    const res = await postForm(agent, '/admin/login', '/admin/login', { ...FORM, municipality: String(demo), strong_idle_minutes: '30', passkeys_strong: 'yes' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/admin/login?municipality=${demo}`);
    assert.equal((await eIdConfigOf(t.db, demo))?.clientId, 'vardag-demo');
    assert.deepEqual(await loginSettingsOf(t.db, demo), { strongIdleMinutes: 30, smsCodeLogin: false, passkeysStrong: true });
    const after = await agent.get(res.headers.location as string);
    assert.match(after.text, /Inställningarna är sparade\./);
    assert.match(after.text, /minuter för stark inloggning från 20 till 30/);
    assert.match(after.text, /passkey som stark inloggning från av till på/);
    assert.match(after.text, /id="e_id_enabled" name="e_id_enabled" value="yes" checked/);
    // The same again: nothing changed.
    const again = await postForm(agent, '/admin/login', '/admin/login', { ...FORM, municipality: String(demo), strong_idle_minutes: '30', passkeys_strong: 'yes' });
    assert.equal(again.status, 303);
    assert.match((await agent.get(again.headers.location as string)).text, /Inget ändrades\./);
  });

  it('gives the form back with what was typed and a Swedish message at each bad field, saving nothing', async () => {
    const agent = await signIn(t.app, 'admin');
    const res = await postForm(agent, '/admin/login', '/admin/login', {
      ...FORM, issuer: 'broker.example.se', client_id: '', strong_acr: '', strong_idle_minutes: '500', municipality: String(demo),
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /id="issuer-error"[\s\S]*Skriv en fullständig adress/);
    assert.match(res.text, /id="client_id-error"[\s\S]*Fyll i ett värde\./);
    assert.match(res.text, /id="strong_acr-error"[\s\S]*Skriv minst ett acr-värde/);
    assert.match(res.text, /id="strong_idle_minutes-error"[\s\S]*Skriv ett heltal från 5 till 480\./);
    assert.ok(res.text.includes('value="broker.example.se"'), 'kept as typed');
    assert.match(res.text, /http:\/\/ går bara i demo och test/, 'a test installation may use an http broker, and says so');
    assert.equal(await eIdConfigOf(t.db, demo), null);
    assert.deepEqual(await loginSettingsOf(t.db, demo), DEFAULT_LOGIN_SETTINGS);
    assert.equal((await loginSettingsChanges(t.db, demo)).length, 0);
  });

  it('refuses an http issuer outside demo and test', async () => {
    const result = await testDiscovery('http://127.0.0.1:1/oidc', { allowHttp: false, allowPrivate: false, claim: '' });
    assert.deepEqual(result, { ok: false, error: { key: 'loginAdmin.errors.issuerNotHttps' }, atIssuer: true });
  });

  it('asks no loopback, private or link-local address outside demo and test (every address of the name checked)', async () => {
    const good = await discoveryServer((base) => ({ status: 200, body: JSON.stringify({ issuer: base }) }));
    try {
      const refused = { ok: false, error: { key: 'loginAdmin.errors.issuerPrivate' }, atIssuer: true };
      const httpsBase = good.base.replace('http:', 'https:');
      for (const issuer of [httpsBase, 'https://localhost/oidc', 'https://[::1]/oidc', 'https://169.254.169.254/oidc', 'https://10.0.0.1/oidc']) {
        assert.deepEqual(await testDiscovery(issuer, { allowHttp: false, allowPrivate: false, claim: '' }), refused, issuer);
      }
      const mixed = async () => [{ address: '8.8.8.8', family: 4 }, { address: 'fd00::1', family: 6 }];
      assert.deepEqual(await testDiscovery('https://broker.example.se/oidc', { allowHttp: false, allowPrivate: false, claim: '', resolve: mixed }), refused);
      // The test installation's allowance: the same loopback broker is asked.
      assert.equal((await testDiscovery(good.base, { allowHttp: true, allowPrivate: true, claim: '' })).ok, true);
    } finally {
      await good.close();
    }
    // The page shows the address's problem at the field, as typed.
    const agent = await signIn(t.app, 'admin');
    const res = await postForm(agent, '/admin/login', '/admin/login/test', { ...FORM, issuer: 'ftp://broker.example.se', municipality: String(demo) });
    assert.equal(res.status, 400);
    assert.match(res.text, /id="issuer-error"[\s\S]*Adressen måste börja med https:\/\//);
    assert.ok(res.text.includes('value="ftp://broker.example.se"'));
  });

  it('lets documentation need a strong login once the municipality has e-ID, and then keeps e-ID from being switched off', async () => {
    const agent = await signIn(t.app, 'admin');
    const refused = await postForm(agent, '/admin/documentation', '/admin/documentation', { ...DOCUMENTATION, strong_login: 'yes', municipality: String(demo) });
    assert.equal(refused.status, 400, 'no e-ID yet');
    assert.equal((await postForm(agent, '/admin/login', '/admin/login', { ...FORM, municipality: String(demo) })).status, 303);
    assert.doesNotMatch((await agent.get('/admin/documentation')).text, /ingen metod för stark inloggning inställd/);
    const saved = await postForm(agent, '/admin/documentation', '/admin/documentation', { ...DOCUMENTATION, strong_login: 'yes', municipality: String(demo) });
    assert.equal(saved.status, 303);
    assert.equal((await documentationSettings(t.db, demo)).strongLogin, true);
    const off = await postForm(agent, '/admin/login', '/admin/login', { ...FORM, e_id_enabled: '', municipality: String(demo) });
    assert.equal(off.status, 400);
    assert.match(off.text, /id="e_id_enabled-error"[\s\S]*Dokumentationen kräver stark inloggning/);
    assert.ok(await eIdConfigOf(t.db, demo), 'still on');
  });

  it('tests the connection against the broker’s discovery document, saving nothing', async () => {
    const good = await discoveryServer((base) => ({ status: 200, body: JSON.stringify({ issuer: base, acr_values_supported: ['urn:loa3', 'urn:loa2'], claims_supported: ['sub'] }) }));
    const wrong = await discoveryServer(() => ({ status: 200, body: JSON.stringify({ issuer: 'https://someone.else' }) }));
    const broken = await discoveryServer(() => ({ status: 200, body: '<html>' }));
    try {
      const agent = await signIn(t.app, 'admin');
      const res = await postForm(agent, '/admin/login', '/admin/login/test', { ...FORM, issuer: good.base, municipality: String(demo) });
      assert.equal(res.status, 200);
      assert.match(res.text, /Anslutningen fungerar/);
      assert.match(res.text, /urn:loa3, urn:loa2/);
      assert.match(res.text, /listar inte fältet personal_number/);
      assert.ok(res.text.includes(`value="${good.base}"`), 'the form as typed');
      assert.equal(await eIdConfigOf(t.db, demo), null, 'nothing saved');
      const mismatch = await postForm(agent, '/admin/login', '/admin/login/test', { ...FORM, issuer: wrong.base, municipality: String(demo) });
      assert.match(mismatch.text, /Tjänsten kallar sig https:\/\/someone\.else/);
      const notJson = await postForm(agent, '/admin/login', '/admin/login/test', { ...FORM, issuer: broken.base, municipality: String(demo) });
      assert.match(notJson.text, /inget OpenID Connect-dokument/);
      const missing = await postForm(agent, '/admin/login', '/admin/login/test', { ...FORM, issuer: `${good.base}/nothing`, municipality: String(demo) });
      assert.match(missing.text, /felkod 404/);
    } finally {
      await Promise.all([good.close(), wrong.close(), broken.close()]);
    }
    const closed = await testDiscovery('http://127.0.0.1:9/oidc', { allowHttp: true, allowPrivate: true, claim: '' });
    assert.deepEqual(closed, { ok: false, error: { key: 'loginAdmin.test.unreachable' } });
  });

  it('links a staff member once to an identity and unlinks them; bad or taken identities at the field', async () => {
    const agent = await signIn(t.app, 'admin');
    assert.match((await agent.get('/admin/login/staff')).text, /Kommunen har ingen e-legitimation inställd/);
    await saveLoginSettings(t.db, demo, { eId: { enabled: true, issuer: ISSUER, clientId: 'c', personnummerClaim: 'pnr', strongAcr: ['a'], staffMatch: 'subject' }, login: DEFAULT_LOGIN_SETTINGS }, 1, new Date());
    const teacher = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const head = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'rektor').executeTakeFirstOrThrow();
    const guardian = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow();
    const list = await agent.get('/admin/login/staff');
    assert.equal(list.status, 200);
    assert.ok(list.text.includes(`id="identity-${teacher.person_id}"`));
    assert.ok(!list.text.includes(`id="identity-${guardian.person_id}"`), 'a guardian is not staff');

    const linked = await postForm(agent, '/admin/login/staff', '/admin/login/staff/link', { municipality: String(demo), person: String(teacher.person_id), [`identity-${teacher.person_id}`]: 'sub-sara' });
    assert.equal(linked.status, 303);
    assert.deepEqual(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'sub-sara' }), { personId: teacher.person_id, accountId: teacher.id });
    const page = await agent.get(linked.headers.location as string);
    assert.match(page.text, /Kopplingen är sparad\./);
    assert.match(page.text, /Kopplad till <span dir="ltr">sub-sara<\/span>/);

    const bad = await postForm(agent, '/admin/login/staff', '/admin/login/staff/link', { municipality: String(demo), person: String(head.person_id), [`identity-${head.person_id}`]: 'två ord' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, new RegExp(`id="identity-${head.person_id}-error"[\\s\\S]*Skriv användar-id utan mellanslag`));
    assert.ok(bad.text.includes('value="två ord"'), 'kept as typed');
    const taken = await postForm(agent, '/admin/login/staff', '/admin/login/staff/link', { municipality: String(demo), person: String(head.person_id), [`identity-${head.person_id}`]: 'sub-sara' });
    assert.equal(taken.status, 400);
    assert.match(taken.text, /redan kopplad till en annan person/);
    // A guardian, or a person of another municipality, cannot be linked: not found.
    const notStaff = await postForm(agent, '/admin/login/staff', '/admin/login/staff/link', { municipality: String(demo), person: String(guardian.person_id), [`identity-${guardian.person_id}`]: 'sub-g' });
    assert.equal(notStaff.status, 404);

    const unlinked = await postForm(agent, '/admin/login/staff', '/admin/login/staff/unlink', { municipality: String(demo), person: String(teacher.person_id) });
    assert.equal(unlinked.status, 303);
    assert.equal(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'sub-sara' }), null);
    const history = await agent.get('/admin/login');
    assert.match(history.text, /kopplingen av [^<]+ till sub-sara togs bort/);
    assert.equal((await loginSettingsChanges(t.db, demo)).filter((c) => c.setting === 'staffLink').length, 2);
  });

  it('is a municipality’s admins’ alone, each for their own municipality', async () => {
    for (const username of ['pedagog', 'rektor', 'vardnadshavare', 'elev']) {
      const agent = await signIn(t.app, username);
      for (const path of ['/admin/login', '/admin/login/staff']) assert.equal((await agent.get(path)).status, 404, `${username} ${path}`);
    }
    const neighbour = await signIn(t.app, 'grannadmin');
    assert.match((await neighbour.get('/admin/login')).text, /Grannkommun/);
    assert.equal((await neighbour.get(`/admin/login?municipality=${demo}`)).status, 404);
    assert.equal((await neighbour.get(`/admin/login/staff?municipality=${demo}`)).status, 404);
    const res = await postForm(neighbour, '/admin/login', '/admin/login', { ...FORM, municipality: String(demo) });
    assert.equal(res.status, 404);
    assert.equal(await eIdConfigOf(t.db, demo), null);
    const teacher = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const grann = await municipalityId(t.db, 'Grannkommun');
    await saveLoginSettings(t.db, grann, { eId: { enabled: true, issuer: ISSUER, clientId: 'c', personnummerClaim: 'pnr', strongAcr: ['a'], staffMatch: 'subject' }, login: DEFAULT_LOGIN_SETTINGS }, 1, new Date());
    const foreign = await postForm(neighbour, '/admin/login/staff', '/admin/login/staff/link', { municipality: String(grann), person: String(teacher.person_id), [`identity-${teacher.person_id}`]: 'x' });
    assert.equal(foreign.status, 404, 'another municipality’s staff member');
  });
});
