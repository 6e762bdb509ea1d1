// A municipality's strong login settings (server/e-id/settings.ts, staff-links.ts, admin-rules.ts): the e-ID broker's
// configuration (none by default; the client secret only from the environment), the login settings with their
// defaults, the form's rules, every change kept, and staff found by the identity an admin linked — never by an
// identity of another issuer, another municipality or another kind than the municipality matches by.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { municipalityId } from '../support/demo.ts';
import {
  acrList, clientSecretFor, DEFAULT_LOGIN_SETTINGS, eIdConfigOf, loginSettingsChanges, loginSettingsOf, municipalitiesWithEId, saveLoginSettings,
  type StoredEIdSettings,
} from '../../server/e-id/settings.ts';
import { addressesProblem, isPublicAddress, issuerProblem, parseLoginForm, parseStaffIdentity } from '../../server/e-id/admin-rules.ts';
import { isStaffOfMunicipality, linkStaff, staffPersonForIdentity, staffWithLinks, unlinkStaff } from '../../server/e-id/staff-links.ts';

const ISSUER = 'https://broker.example.se/oidc';
const EID: StoredEIdSettings = {
  enabled: true, issuer: ISSUER, clientId: 'vardag', personnummerClaim: 'personal_number', strongAcr: ['urn:loa3', 'urn:bankid'], staffMatch: 'subject',
};
const FORM: Record<string, string> = {
  e_id_enabled: 'yes', issuer: ISSUER, client_id: 'vardag', personnummer_claim: 'personal_number', strong_acr: 'urn:loa3\r\nurn:bankid\r\n',
  staff_match: 'subject', strong_idle_minutes: '20',
};
const parse = (fields: Record<string, string>, options = { allowHttp: false, documentationNeedsStrongLogin: false }) =>
  parseLoginForm((name) => fields[name] ?? '', options);

describe('the login settings form’s rules', () => {
  it('reads a whole form', () => {
    const parsed = parse({ ...FORM, sms_code_login: 'yes' });
    assert.deepEqual(parsed, { ok: true, value: { eId: EID, login: { strongIdleMinutes: 20, smsCodeLogin: true, passkeysStrong: false } } });
  });

  it('needs an https issuer outside demo and test, with no user, query or fragment', () => {
    assert.equal(issuerProblem('https://login.example.se', false), null);
    assert.equal(issuerProblem('http://127.0.0.1:4000/oidc', false), 'loginAdmin.errors.issuerNotHttps');
    assert.equal(issuerProblem('http://127.0.0.1:4000/oidc', true), null);
    assert.equal(issuerProblem('ftp://example.se', true), 'loginAdmin.errors.issuerNotHttps');
    for (const bad of ['login.example.se', 'https://user:pw@example.se', 'https://example.se/?a=1', 'https://example.se/#x', 'https://exa mple.se']) {
      assert.ok(issuerProblem(bad, true), bad);
    }
    assert.equal(issuerProblem('', false), 'loginAdmin.errors.required');
  });

  it('gives a field message for each bad field', () => {
    const parsed = parse({ ...FORM, issuer: 'http://broker.example.se', client_id: '', personnummer_claim: 'person nummer', strong_acr: ' \n ', strong_idle_minutes: '481' });
    assert.ok(!parsed.ok);
    assert.deepEqual(Object.fromEntries(Object.entries(parsed.errors).map(([k, v]) => [k, v.key])), {
      issuer: 'loginAdmin.errors.issuerNotHttps', client_id: 'loginAdmin.errors.required', personnummer_claim: 'loginAdmin.errors.claimInvalid',
      strong_acr: 'loginAdmin.errors.acrRequired', strong_idle_minutes: 'loginAdmin.errors.idleRange',
    });
    for (const minutes of ['4', 'tjugo', '', '20.5', '-5']) assert.ok(!parse({ ...FORM, strong_idle_minutes: minutes }).ok, minutes);
    for (const minutes of ['5', '480', ' 60 ']) assert.ok(parse({ ...FORM, strong_idle_minutes: minutes }).ok, minutes);
    assert.ok(!parse({ ...FORM, staff_match: 'name' }).ok);
    assert.ok(!parse({ ...FORM, strong_acr: Array.from({ length: 11 }, (_, i) => `acr${i}`).join('\n') }).ok);
  });

  it('reads an empty e-ID part as no e-ID, and refuses to switch e-ID off while documentation needs a strong login', () => {
    const none = parse({ staff_match: 'subject', strong_idle_minutes: '30', passkeys_strong: 'yes' });
    assert.deepEqual(none, { ok: true, value: { eId: null, login: { strongIdleMinutes: 30, smsCodeLogin: false, passkeysStrong: true } } });
    const off = parse({ ...FORM, e_id_enabled: '' });
    assert.ok(off.ok && off.value.eId?.enabled === false, 'switched off, kept');
    const locked = parse({ ...FORM, e_id_enabled: '' }, { allowHttp: false, documentationNeedsStrongLogin: true });
    assert.ok(!locked.ok && locked.errors.e_id_enabled.key === 'loginAdmin.errors.documentationNeedsEId');
    assert.ok(parse(FORM, { allowHttp: false, documentationNeedsStrongLogin: true }).ok);
  });

  it('reads a staff identity as a subject or an e-mail address in lower case', () => {
    assert.deepEqual(parseStaffIdentity(' 1234-abcd ', 'subject'), { ok: true, value: '1234-abcd' });
    assert.ok(!parseStaffIdentity('a b', 'subject').ok);
    assert.ok(!parseStaffIdentity('', 'subject').ok);
    assert.deepEqual(parseStaffIdentity('Sara.Lind@Kommun.SE', 'email'), { ok: true, value: 'sara.lind@kommun.se' });
    assert.ok(!parseStaffIdentity('sara.lind', 'email').ok);
  });

  it('lets the connection test ask only public addresses outside demo and test', () => {
    for (const address of ['8.8.8.8', '172.32.0.1', '2a00:1450:4001::1', '::ffff:8.8.8.8']) assert.ok(isPublicAddress(address), address);
    const internal = [
      '127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1',
      '::1', '::', 'fd12:3456::1', 'fe80::1%eth0', 'ff02::1', '::ffff:127.0.0.1', '64:ff9b::a00:1', '2002:c0a8:0101::1', '2001:db8::1', 'nonsense',
    ];
    for (const address of internal) assert.ok(!isPublicAddress(address), address);
    assert.equal(addressesProblem(['8.8.8.8'], false), null);
    assert.equal(addressesProblem(['8.8.8.8', '127.0.0.1'], false), 'loginAdmin.errors.issuerPrivate', 'every address counts');
    assert.equal(addressesProblem([], false), 'loginAdmin.errors.issuerPrivate');
    assert.equal(addressesProblem(['127.0.0.1'], true), null, 'demo and test may use a local broker');
  });

  it('lists acr values one a line, each once', () => {
    assert.deepEqual(acrList(' a \r\n\r\nb\na\n'), ['a', 'b']);
  });
});

describe('a municipality’s e-ID and login settings', () => {
  let t: TestApp;
  let demo: number;
  let grann: number;

  before(async () => {
    t = await startTestApp();
    demo = await municipalityId(t.db, 'Demokommun');
    grann = await municipalityId(t.db, 'Grannkommun');
  });
  beforeEach(async () => {
    await t.db.deleteFrom('staff_e_id_links').execute();
    await t.db.deleteFrom('login_settings_changes').execute();
    await t.db.deleteFrom('login_settings').execute();
    await t.db.deleteFrom('e_id_settings').execute();
  });
  after(() => t.close());

  it('has no e-ID and the default login settings until an admin saves them', async () => {
    assert.equal(await eIdConfigOf(t.db, demo), null);
    assert.deepEqual(await municipalitiesWithEId(t.db), []);
    assert.deepEqual(await loginSettingsOf(t.db, demo), DEFAULT_LOGIN_SETTINGS);
    assert.deepEqual(DEFAULT_LOGIN_SETTINGS, { strongIdleMinutes: 20, smsCodeLogin: false, passkeysStrong: false });
  });

  it('saves them, keeps each change and gives the configuration with the secret from the environment', async () => {
    const changed = await saveLoginSettings(t.db, demo, { eId: EID, login: { strongIdleMinutes: 30, smsCodeLogin: true, passkeysStrong: false } }, 1, new Date());
    assert.deepEqual(changed.sort(), ['clientId', 'eIdEnabled', 'issuer', 'personnummerClaim', 'smsCodeLogin', 'staffMatch', 'strongAcr', 'strongIdleMinutes']);
    const config = await eIdConfigOf(t.db, demo);
    assert.deepEqual({ ...config, clientSecret: undefined }, {
      municipalityId: demo, issuer: ISSUER, clientId: 'vardag', clientSecret: undefined, personnummerClaim: 'personal_number',
      strongAcr: ['urn:loa3', 'urn:bankid'], staffMatch: 'subject',
    });
    assert.deepEqual(await municipalitiesWithEId(t.db), [{ id: demo, name: 'Demokommun' }]);
    assert.equal(await eIdConfigOf(t.db, grann), null, 'another municipality untouched');
    assert.deepEqual(await loginSettingsOf(t.db, demo), { strongIdleMinutes: 30, smsCodeLogin: true, passkeysStrong: false });
    assert.deepEqual(await loginSettingsOf(t.db, grann), DEFAULT_LOGIN_SETTINGS);
    // Nothing of the secret in the database, whatever the environment says.
    const stored = JSON.stringify(await t.db.selectFrom('e_id_settings').selectAll().execute());
    assert.doesNotMatch(stored, /secret/i);
    assert.equal(clientSecretFor(demo, { VARDAG_E_ID_CLIENT_SECRET: 'all' }), 'all');
    assert.equal(clientSecretFor(demo, { VARDAG_E_ID_CLIENT_SECRET: 'all', [`VARDAG_E_ID_CLIENT_SECRET_${demo}`]: 'own' }), 'own');
    assert.equal(clientSecretFor(demo, {}), undefined);
    // Switched off: kept for the form, but no e-ID login.
    const again = await saveLoginSettings(t.db, demo, { eId: { ...EID, enabled: false }, login: { strongIdleMinutes: 30, smsCodeLogin: true, passkeysStrong: false } }, 2, new Date());
    assert.deepEqual(again, ['eIdEnabled']);
    assert.equal(await eIdConfigOf(t.db, demo), null);
    const [latest] = await loginSettingsChanges(t.db, demo);
    assert.deepEqual([latest.setting, latest.oldValue, latest.newValue], ['eIdEnabled', '1', '0']);
    assert.deepEqual(await saveLoginSettings(t.db, demo, { eId: { ...EID, enabled: false }, login: { strongIdleMinutes: 30, smsCodeLogin: true, passkeysStrong: false } }, 2, new Date()), []);
    // Removed altogether.
    await saveLoginSettings(t.db, demo, { eId: null, login: DEFAULT_LOGIN_SETTINGS }, 2, new Date());
    assert.equal(await t.db.selectFrom('e_id_settings').select('municipality_id').executeTakeFirst(), undefined);
    assert.deepEqual(await loginSettingsOf(t.db, demo), DEFAULT_LOGIN_SETTINGS);
  });

  it('keeps both of two saves at once, each from what the other left', async () => {
    await Promise.all([
      saveLoginSettings(t.db, demo, { eId: EID, login: { ...DEFAULT_LOGIN_SETTINGS, strongIdleMinutes: 10 } }, 1, new Date()),
      saveLoginSettings(t.db, demo, { eId: { ...EID, clientId: 'other' }, login: { ...DEFAULT_LOGIN_SETTINGS, strongIdleMinutes: 40 } }, 2, new Date()),
    ]);
    const minutes = (await loginSettingsChanges(t.db, demo)).filter((c) => c.setting === 'strongIdleMinutes').reverse();
    assert.equal(minutes.length, 2);
    assert.equal(minutes[0].oldValue, '20');
    assert.equal(minutes[1].oldValue, minutes[0].newValue, 'the second from what the first saved');
    assert.equal(String((await loginSettingsOf(t.db, demo)).strongIdleMinutes), minutes[1].newValue);
  });

  it('finds linked staff by subject or e-mail as the municipality matches, and nobody else', async () => {
    await saveLoginSettings(t.db, demo, { eId: EID, login: DEFAULT_LOGIN_SETTINGS }, 1, new Date());
    const teacher = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const today = '2026-11-24';
    assert.ok(await isStaffOfMunicipality(t.db, demo, teacher.person_id, today));
    assert.ok(!(await isStaffOfMunicipality(t.db, grann, teacher.person_id, today)));
    const guardian = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow();
    assert.ok(!(await isStaffOfMunicipality(t.db, demo, guardian.person_id, today)), 'a guardian is no staff');

    assert.equal(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'sub-sara' }), null, 'not linked yet');
    assert.equal(await linkStaff(t.db, { municipalityId: demo, personId: teacher.person_id, issuer: ISSUER, match: 'subject', identity: 'sub-sara' }, 1, new Date()), 'linked');
    assert.deepEqual(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'sub-sara' }), { personId: teacher.person_id, accountId: teacher.id });
    assert.equal(await staffPersonForIdentity(t.db, demo, { issuer: 'https://other.example.se', subject: 'sub-sara' }), null, 'another issuer');
    assert.equal(await staffPersonForIdentity(t.db, grann, { issuer: ISSUER, subject: 'sub-sara' }), null, 'another municipality');
    assert.equal(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'sub-other' }), null, 'another subject');

    const list = await staffWithLinks(t.db, demo, { issuer: ISSUER, match: 'subject', today, q: '' });
    assert.equal(list.find((s) => s.personId === teacher.person_id)?.identity, 'sub-sara');
    assert.ok(!list.some((s) => s.personId === guardian.person_id), 'guardians are not listed');
    const searched = await staffWithLinks(t.db, demo, { issuer: ISSUER, match: 'subject', today, q: list[0].name.split(' ')[0] });
    assert.ok(searched.some((s) => s.personId === list[0].personId));

    // Each identity once, each person once.
    const head = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'rektor').executeTakeFirstOrThrow();
    assert.equal(await linkStaff(t.db, { municipalityId: demo, personId: head.person_id, issuer: ISSUER, match: 'subject', identity: 'sub-sara' }, 1, new Date()), 'identity-taken');
    assert.equal(await linkStaff(t.db, { municipalityId: demo, personId: teacher.person_id, issuer: ISSUER, match: 'subject', identity: 'sub-2' }, 1, new Date()), 'already-linked');

    // Matched by e-mail: a subject link no longer counts; an e-mail link does, in any case.
    await saveLoginSettings(t.db, demo, { eId: { ...EID, staffMatch: 'email' }, login: DEFAULT_LOGIN_SETTINGS }, 1, new Date());
    assert.equal(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'sub-sara', email: null }), null);
    assert.equal(await linkStaff(t.db, { municipalityId: demo, personId: head.person_id, issuer: ISSUER, match: 'email', identity: 'rektor@kommun.se' }, 1, new Date()), 'linked');
    assert.equal((await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'x', email: 'Rektor@Kommun.se', emailVerified: true }))?.personId, head.person_id);
    assert.equal(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'x', email: 'rektor@kommun.se', emailVerified: false }), null, 'not verified');
    assert.equal(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'x', email: 'rektor@kommun.se' }), null, 'not said to be verified');

    assert.ok(await unlinkStaff(t.db, { municipalityId: demo, personId: head.person_id, issuer: ISSUER }, 1, new Date()));
    assert.ok(!(await unlinkStaff(t.db, { municipalityId: demo, personId: head.person_id, issuer: ISSUER }, 1, new Date())));
    assert.equal(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'x', email: 'rektor@kommun.se' }), null);
    const links = (await loginSettingsChanges(t.db, demo)).filter((c) => c.setting === 'staffLink');
    assert.deepEqual(links.map((c) => [c.oldValue, c.newValue]), [['rektor@kommun.se', null], [null, 'rektor@kommun.se'], [null, 'sub-sara']]);
    assert.ok(links.every((c) => c.person));

    // Switched off: nobody is found.
    await saveLoginSettings(t.db, demo, { eId: { ...EID, enabled: false }, login: DEFAULT_LOGIN_SETTINGS }, 1, new Date());
    assert.equal(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'sub-sara' }), null);
  });

  it('links the same identity in two municipalities (one person working for both on the same broker), once in each', async () => {
    await saveLoginSettings(t.db, demo, { eId: EID, login: DEFAULT_LOGIN_SETTINGS }, 1, new Date());
    await saveLoginSettings(t.db, grann, { eId: EID, login: DEFAULT_LOGIN_SETTINGS }, 1, new Date());
    const teacher = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const neighbour = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'grannadmin').executeTakeFirstOrThrow();
    const link = (municipalityId: number, personId: number) =>
      linkStaff(t.db, { municipalityId, personId, issuer: ISSUER, match: 'subject', identity: 'sub-both' }, 1, new Date());
    assert.equal(await link(demo, teacher.person_id), 'linked');
    assert.equal(await link(grann, neighbour.person_id), 'linked');
    assert.deepEqual(await staffPersonForIdentity(t.db, demo, { issuer: ISSUER, subject: 'sub-both' }), { personId: teacher.person_id, accountId: teacher.id });
    assert.deepEqual(await staffPersonForIdentity(t.db, grann, { issuer: ISSUER, subject: 'sub-both' }), { personId: neighbour.person_id, accountId: neighbour.id });
    const head = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'rektor').executeTakeFirstOrThrow();
    assert.equal(await link(demo, head.person_id), 'identity-taken', 'still once within a municipality');
  });

  it('links one of two admins linking the same identity at once', async () => {
    await saveLoginSettings(t.db, demo, { eId: EID, login: DEFAULT_LOGIN_SETTINGS }, 1, new Date());
    const people = await t.db.selectFrom('accounts').select('person_id').where('username', 'in', ['pedagog', 'pedagog2']).execute();
    const outcomes = await Promise.all(people.map((p) => linkStaff(t.db, { municipalityId: demo, personId: p.person_id, issuer: ISSUER, match: 'subject', identity: 'same' }, 1, new Date())));
    assert.deepEqual(outcomes.sort(), ['identity-taken', 'linked']);
    assert.equal((await t.db.selectFrom('staff_e_id_links').select('id').execute()).length, 1);
  });
});
