// PIN on a trusted device (issue 24 item 4, seed 000): chosen after a login, it opens a weak session in that browser
// only; five wrong tries forget the device; a password change or a closed account forgets every device.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import request from 'supertest';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { easyPin, freshLogin, newPinProblem, normalisePin, pinAllowed } from '../../server/accounts/pin-rules.ts';
import { hashToken } from '../../server/accounts/tokens.ts';
import { captureLog } from '../../server/kernel/log.ts';
import { closeAccount, requestClosure } from '../../server/accounts/closure-queries.ts';
import { forgetTrustedDevices } from '../../server/accounts/pin-queries.ts';
import { pinPersonalData } from '../../server/accounts/pin-personal-data.ts';
import { setDeviceCookie } from '../../server/accounts/pin-device.ts';
import type { Response } from 'express';

const NOW = '2026-11-24T09:00:00Z';

describe('PIN rules', () => {
  it('reads Arabic-Indic and Persian digits as 0–9 and drops the spaces around', () => {
    assert.equal(normalisePin(' ٢٥٨٠ '), '2580');
    assert.equal(normalisePin('۲۵۸۰'), '2580');
    assert.equal(normalisePin('2580'), '2580');
  });

  it('refuses four equal digits and runs, and a repetition that differs', () => {
    for (const pin of ['0000', '7777', '1234', '6789', '4321', '9876', '0123']) assert.equal(easyPin(pin), true, pin);
    for (const pin of ['2580', '1235', '1212', '0990']) assert.equal(easyPin(pin), false, pin);
    assert.deepEqual(newPinProblem('', ''), { field: 'pin', key: 'pin.errors.missing' });
    assert.deepEqual(newPinProblem('258', '258'), { field: 'pin', key: 'pin.errors.format' });
    assert.deepEqual(newPinProblem('25801', '25801'), { field: 'pin', key: 'pin.errors.format' });
    assert.deepEqual(newPinProblem('2a80', '2a80'), { field: 'pin', key: 'pin.errors.format' });
    assert.deepEqual(newPinProblem('1111', '1111'), { field: 'pin', key: 'pin.errors.easy' });
    assert.deepEqual(newPinProblem('2580', '2581'), { field: 'repeat', key: 'pin.errors.mismatch' });
    assert.equal(newPinProblem('2580', '2580'), undefined);
  });

  it('asks for a login of at most 15 minutes ago, not made with a PIN', () => {
    const now = new Date(NOW);
    assert.equal(freshLogin('2026-11-24T08:45:00Z', false, now), true);
    assert.equal(freshLogin('2026-11-24T08:44:59Z', false, now), false);
    assert.equal(freshLogin('2026-11-24T08:59:00Z', true, now), false);
    assert.equal(freshLogin(undefined, false, now), false);
    assert.equal(freshLogin('2026-11-24T09:01:00Z', false, now), false); // (a login in the future: a clock set back)
  });

  it('sets the device cookie httpOnly, sameSite lax, for 180 days, and secure when PUBLIC_URL is https', () => {
    const set: Record<string, unknown>[] = [];
    const res = { cookie: (_name: string, _value: string, options: Record<string, unknown>) => set.push(options) } as unknown as Response;
    setDeviceCookie(res, 'https://vardag.example.se', 'x'.repeat(43));
    setDeviceCookie(res, 'http://localhost:3000', 'x'.repeat(43));
    assert.deepEqual(set.map((o) => [o.secure, o.httpOnly, o.sameSite, o.maxAge]), [[true, true, 'lax', 180 * 86_400_000], [false, true, 'lax', 180 * 86_400_000]]);
  });

  it('gives a PIN to a guardian with no staff or admin role only', () => {
    const none = new Set<number>();
    const guardian = { guardianOf: new Map([[1, { otherHousehold: false }]]), staffUnits: none, staffGroups: none, headOf: none, adminOf: none };
    assert.equal(pinAllowed(guardian), true);
    assert.equal(pinAllowed({ ...guardian, guardianOf: new Map() }), false);
    assert.equal(pinAllowed({ ...guardian, staffUnits: new Set([1]) }), false);
    assert.equal(pinAllowed({ ...guardian, staffGroups: new Set([1]) }), false);
    assert.equal(pinAllowed({ ...guardian, headOf: new Set([1]) }), false);
    assert.equal(pinAllowed({ ...guardian, adminOf: new Set([1]) }), false);
  });
});

describe('PIN on a trusted device', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ now: NOW, env: { LOGIN_LIMIT_PER_ADDRESS: '40' } }); });
  after(() => t.close());

  const accountId = async (username: string) =>
    (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const devices = async (username: string) =>
    t.db.selectFrom('trusted_devices').selectAll().where('account_id', '=', await accountId(username)).execute();
  const deviceCookie = (res: { headers: Record<string, unknown> }) =>
    ([res.headers['set-cookie']].flat() as string[]).find((c) => c?.startsWith('vardag.device='));
  const cookieToken = (cookie: string | undefined) => cookie?.split(';')[0].split('=')[1];

  /** A guardian signed in (now) who chose `pin` for this agent's browser: the agent, and the device cookie's token. */
  async function withPin(username: string, pin = '2580'): Promise<{ agent: Agent; token: string }> {
    const agent = await signIn(t.app, username);
    const res = await postForm(agent, '/settings/pin', '/settings/pin', { pin, repeat: pin });
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, '/settings/pin');
    const token = cookieToken(deviceCookie(res));
    assert.ok(token);
    return { agent, token };
  }
  const logOut = async (agent: Agent) => assert.equal((await postForm(agent, '/', '/logout')).status, 303);
  const postPin = (agent: Agent, pin: string, next = '/') => postForm(agent, '/login', '/login/pin', { pin, next });
  const clearDevices = async () => { await t.db.deleteFrom('trusted_devices').execute(); await t.db.deleteFrom('login_limits').execute(); };

  it('chooses a PIN for this browser: an httpOnly, sameSite cookie, only hashes stored', async () => {
    await clearDevices();
    const agent = await signIn(t.app, 'vardnadshavare');
    const page = await agent.get('/settings/pin');
    assert.equal(page.status, 200);
    assert.match(page.headers['cache-control'], /no-store/);
    assert.match(page.text, /Den här webbläsaren har ingen PIN-kod/);
    assert.match(page.text, /<label for="pin">Ny PIN-kod<\/label>/);
    const res = await postForm(agent, '/settings/pin', '/settings/pin', { pin: '2580', repeat: '2580' });
    assert.equal(res.status, 303);
    const cookie = deviceCookie(res);
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/); // (PUBLIC_URL is http here)
    const token = cookieToken(cookie) ?? '';
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const [row] = await devices('vardnadshavare');
    assert.equal(row.token_hash, hashToken(token));
    assert.match(row.pin_hash, /^\$argon2id\$/);
    assert.doesNotMatch(JSON.stringify(row), new RegExp(token));
    // The register extract names the browser and when, never the token or a hash.
    const extract = await pinPersonalData.extract?.(t.db, { personId: 0, municipalityId: 0, accountIds: [row.account_id], childIds: [] });
    assert.deepEqual(extract?.sections.map((section) => section.rows), [[{ device: row.label, created_at: row.created_at, pin_used_at: null }]]);
    const after = await agent.get('/settings/pin');
    assert.match(after.text, /PIN-koden är sparad/);
    assert.match(after.text, /Den här webbläsaren har en PIN-kod för ditt konto/);
    assert.match(after.text, /\(den här webbläsaren\)/);
  });

  it('offers the PIN on the login page of that browser only, and opens a weak session with it', async () => {
    await clearDevices();
    const { agent, token } = await withPin('vardnadshavare');
    await logOut(agent);
    const login = await agent.get('/login?next=/settings');
    assert.match(login.text, /action="\/login\/pin"/);
    assert.match(login.text, /<input type="hidden" name="next" value="\/settings">/);
    const other = await request(t.app).get('/login');
    assert.doesNotMatch(other.text, /action="\/login\/pin"/);
    t.clock.set('2026-11-24T10:00:00Z');
    const res = await postPin(agent, '2580', '/settings');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/settings');
    assert.match(String(deviceCookie(res)), /Max-Age=15552000/); // (renewed: 180 days from this use)
    const start = await agent.get('/');
    assert.equal(start.status, 200);
    assert.match(start.text, /Emma Andersson/);
    // Weak: no strong login in the session, and it is marked as opened by the PIN.
    const sessions = await t.db.selectFrom('sessions').select('sess').where('account_id', '=', await accountId('vardnadshavare')).execute();
    const data = sessions.map((s) => JSON.parse(String(s.sess)) as Record<string, unknown>);
    assert.ok(data.some((s) => typeof s.pinDeviceId === 'number'));
    assert.ok(data.every((s) => s.strong === undefined));
    const [row] = await devices('vardnadshavare');
    assert.equal(row.last_used_at, '2026-11-24T10:00:00.000Z');
    assert.equal(row.failures, 0);
    assert.doesNotMatch(JSON.stringify(sessions), new RegExp(token)); // (the token is the cookie's alone)
    t.clock.set(NOW);
  });

  it('puts neither the PIN nor the device token in a log line or a URL', async () => {
    await clearDevices();
    const log = captureLog('debug');
    try {
      const { agent, token } = await withPin('vardnadshavare', '3691');
      await logOut(agent);
      const wrong = await postPin(agent, '7148');
      const right = await postPin(agent, '3691', '/settings');
      assert.equal(right.status, 303);
      for (const secret of [token, '3691', '7148']) {
        assert.doesNotMatch(log.text(), new RegExp(secret));
        assert.doesNotMatch(String(right.headers.location) + String(wrong.headers.location ?? ''), new RegExp(secret));
      }
    } finally {
      log.stop();
    }
  });

  it('reads a PIN typed with Arabic-Indic digits', async () => {
    await clearDevices();
    const { agent } = await withPin('vardnadshavare', '٢٥٨٠');
    await logOut(agent);
    assert.equal((await postPin(agent, '2580')).status, 303);
  });

  it('is never a strong login: what needs BankID still asks for it after a PIN login', async () => {
    await clearDevices();
    const { agent } = await withPin('vardnadshavare');
    const elsa = await t.db.selectFrom('persons').select('id').where('first_name', '=', 'Elsa').executeTakeFirstOrThrow();
    assert.equal((await agent.get(`/children/${elsa.id}/portfolio`)).status, 200);
    const { municipality_id: municipalityId } = await t.db.selectFrom('persons').select('municipality_id').where('id', '=', elsa.id).executeTakeFirstOrThrow();
    await t.db.insertInto('documentation_settings').values({
      municipality_id: municipalityId, image_max_mb: 25, video_max_mb: 200, video_max_seconds: 120, audio_max_mb: 25, audio_max_seconds: 300,
      export_grace_days: 90, strong_login: 1, changed_by: null, changed_at: null,
    }).onConflict((oc) => oc.column('municipality_id').doUpdateSet({ strong_login: 1 })).execute();
    try {
      await logOut(agent);
      assert.equal((await postPin(agent, '2580')).status, 303);
      const portfolio = await agent.get(`/children/${elsa.id}/portfolio`);
      assert.notEqual(portfolio.status, 200);
      assert.ok(portfolio.status === 403 || String(portfolio.headers.location).startsWith('/login/e-id'), `${portfolio.status} ${portfolio.headers.location}`);
      assert.equal((await agent.get('/')).status, 200); // (signed in, weak)
    } finally {
      await t.db.deleteFrom('documentation_settings').where('municipality_id', '=', municipalityId).execute();
    }
  });

  it('counts wrong PINs: four say how many tries are left, the fifth forgets the device', async () => {
    await clearDevices();
    const { agent } = await withPin('vardnadshavare');
    await logOut(agent);
    for (let left = 4; left >= 1; left--) {
      const res = await postPin(agent, '1397');
      assert.equal(res.status, 401);
      assert.match(res.text, new RegExp(`Fel PIN-kod. Försök kvar: ${left}`));
      assert.match(res.text, /id="pin-error"/);
      assert.doesNotMatch(res.text, /value="1397"/); // (never shown back)
    }
    const fifth = await postPin(agent, '1397');
    assert.equal(fifth.status, 303);
    assert.equal(fifth.headers.location, '/login');
    assert.match(String(deviceCookie(fifth)), /Expires=Thu, 01 Jan 1970/);
    assert.equal((await devices('vardnadshavare')).length, 0);
    const login = await agent.get('/login');
    assert.match(login.text, /Fel PIN-kod 5 gånger/);
    assert.doesNotMatch(login.text, /action="\/login\/pin"/);
  });

  it('starts the count again after the right PIN', async () => {
    await clearDevices();
    const { agent } = await withPin('vardnadshavare');
    await logOut(agent);
    for (let i = 0; i < 4; i++) assert.equal((await postPin(agent, '1397')).status, 401);
    assert.equal((await postPin(agent, '2580')).status, 303);
    await logOut(agent);
    const res = await postPin(agent, '1397');
    assert.match(res.text, /Försök kvar: 4/);
  });

  it('counts wrong PINs sent side by side: five at most are checked', async () => {
    await clearDevices();
    const { agent, token } = await withPin('vardnadshavare');
    await logOut(agent);
    const page = await agent.get('/login');
    const csrf = csrfFrom(page.text);
    const answers = await Promise.all(Array.from({ length: 8 }, () =>
      agent.post('/login/pin').type('form').send({ _csrf: csrf, pin: '1397', next: '/' })));
    assert.equal(answers.filter((r) => r.status === 401).length, 4);
    assert.equal(answers.filter((r) => r.status === 303).length, 4); // (the fifth forgot it; three found it gone)
    assert.equal(await t.db.selectFrom('trusted_devices').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirst(), undefined);
  });

  it('refuses the right PIN with another browser\'s cookie or a made-up token', async () => {
    await clearDevices();
    await withPin('vardnadshavare');
    const stranger = request.agent(t.app);
    const made = crypto.randomBytes(32).toString('base64url');
    const page = await stranger.get('/login').set('Cookie', `vardag.device=${made}`);
    assert.match(page.text, /action="\/login\/pin"/); // (it says it is one: the post checks)
    const res = await stranger.post('/login/pin').set('Cookie', `vardag.device=${made}`).type('form')
      .send({ _csrf: csrfFrom(page.text), pin: '2580', next: '/' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login');
    assert.equal((await stranger.get('/')).status, 303); // (not signed in)
    const none = await request.agent(t.app);
    const plain = await none.get('/login/pin');
    assert.equal(plain.status, 303);
    assert.equal(plain.headers.location, '/login');
  });

  it('checks the new PIN at its field and never shows it back', async () => {
    await clearDevices();
    const agent = await signIn(t.app, 'vardnadshavare');
    const easy = await postForm(agent, '/settings/pin', '/settings/pin', { pin: '1234', repeat: '1234' });
    assert.equal(easy.status, 400);
    assert.match(easy.text, /id="pin-error"[^>]*>.*svårare att gissa/s);
    const differ = await postForm(agent, '/settings/pin', '/settings/pin', { pin: '2580', repeat: '2581' });
    assert.equal(differ.status, 400);
    assert.match(differ.text, /id="repeat-error"[^>]*>.*PIN-koderna är inte lika/s);
    assert.doesNotMatch(differ.text, /value="258[01]"/);
    const short = await postForm(agent, '/settings/pin', '/settings/pin', { pin: '25', repeat: '25' });
    assert.match(short.text, /PIN-koden ska vara 4 siffror/);
    assert.equal((await devices('vardnadshavare')).length, 0);
  });

  it('chooses a PIN only right after a login that was not made with a PIN', async () => {
    await clearDevices();
    const agent = await signIn(t.app, 'vardnadshavare');
    t.clock.set('2026-11-24T09:16:00Z');
    try {
      const page = await agent.get('/settings/pin');
      assert.match(page.text, /Logga ut, logga in igen och kom hit inom 15 minuter/);
      assert.doesNotMatch(page.text, /action="\/settings\/pin"/);
      const late = await postForm(agent, '/settings/pin', '/settings/pin', { pin: '2580', repeat: '2580' });
      assert.equal(late.status, 403);
      assert.equal((await devices('vardnadshavare')).length, 0);
    } finally {
      t.clock.set(NOW);
    }
    const { agent: pinned } = await withPin('vardnadshavare');
    await logOut(pinned);
    assert.equal((await postPin(pinned, '2580')).status, 303);
    const again = await postForm(pinned, '/settings/pin', '/settings/pin', { pin: '3691', repeat: '3691' });
    assert.equal(again.status, 403); // (a PIN session chooses no new PIN)
  });

  it('gives no PIN to staff, nor to a guardian who became staff since', async () => {
    await clearDevices();
    const staff = await signIn(t.app, 'pedagog');
    const page = await staff.get('/settings/pin');
    assert.equal(page.status, 200);
    assert.match(page.text, /PIN-kod finns för vårdnadshavare/);
    assert.doesNotMatch(page.text, /action="\/settings\/pin"/);
    const res = await postForm(staff, '/settings/pin', '/settings/pin', { pin: '2580', repeat: '2580' });
    assert.equal(res.status, 403);
    assert.equal((await devices('pedagog')).length, 0);
    assert.doesNotMatch((await staff.get('/settings')).text, /href="\/settings\/pin"/);
    assert.match((await (await signIn(t.app, 'vardnadshavare')).get('/settings')).text, /href="\/settings\/pin"/);
    // Emma, with a PIN, becomes an administrator: the PIN no longer opens her account, and the device is forgotten.
    const { agent } = await withPin('vardnadshavare');
    await logOut(agent);
    const emma = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow();
    const municipality = await t.db.selectFrom('persons').select('municipality_id').where('id', '=', emma.person_id).executeTakeFirstOrThrow();
    await t.db.insertInto('municipality_admins').values({ person_id: emma.person_id, municipality_id: municipality.municipality_id }).execute();
    try {
      const refused = await postPin(agent, '2580');
      assert.equal(refused.status, 303);
      assert.equal(refused.headers.location, '/login');
      assert.equal((await devices('vardnadshavare')).length, 0);
    } finally {
      await t.db.deleteFrom('municipality_admins').where('person_id', '=', emma.person_id).execute();
    }
  });

  it('lists the browsers with a PIN; one removed no longer opens the account, another\'s is not found', async () => {
    await clearDevices();
    const { agent: phone } = await withPin('vardnadshavare');
    const { agent: tablet } = await withPin('vardnadshavare', '3691');
    const rows = await devices('vardnadshavare');
    assert.equal(rows.length, 2);
    const page = await tablet.get('/settings/pin');
    assert.equal((page.text.match(/action="\/settings\/pin\/\d+\/remove"/g) ?? []).length, 2);
    // The tablet removes the phone's PIN: the phone's cookie stays, but opens nothing.
    const phoneRow = rows.find((r) => r.pin_hash !== rows[1].pin_hash && r.id < rows[1].id) ?? rows[0];
    const removed = await postForm(tablet, '/settings/pin', `/settings/pin/${phoneRow.id}/remove`);
    assert.equal(removed.status, 303);
    assert.equal(deviceCookie(removed), undefined); // (not this browser's: its cookie stays)
    await logOut(phone);
    const refused = await postPin(phone, '2580');
    assert.equal(refused.headers.location, '/login');
    // Another guardian cannot remove Emma's (the tablet's) device.
    const other = await signIn(t.app, 'vardnadshavare2');
    const [tabletRow] = await devices('vardnadshavare');
    const foreign = await postForm(other, '/settings/pin', `/settings/pin/${tabletRow.id}/remove`);
    assert.equal(foreign.status, 404);
    assert.equal((await devices('vardnadshavare')).length, 1);
    // The tablet removes its own: its cookie goes too.
    const own = await postForm(tablet, '/settings/pin', `/settings/pin/${tabletRow.id}/remove`);
    assert.equal(own.status, 303);
    assert.match(String(deviceCookie(own)), /Expires=Thu, 01 Jan 1970/);
  });

  it('forgets every device when the password changes or the account is closed', async () => {
    await clearDevices();
    const { agent } = await withPin('vardnadshavare2');
    const changed = await postForm(agent, '/settings', '/settings/password', { current_password: 'vardag-demo', new_password: 'ett-nytt-langt-losenord-2026' });
    assert.equal(changed.status, 303);
    assert.equal((await devices('vardnadshavare2')).length, 0);
    await logOut(agent);
    assert.equal((await postPin(agent, '2580')).headers.location, '/login');
    // Closed: through the cleanups app.ts hands to closeAccount.
    const { agent: again } = await withPin('vardnadshavare');
    const id = await accountId('vardnadshavare');
    const admin = await accountId('admin');
    const request_ = await requestClosure(t.db, id, new Date(NOW));
    const closed = await closeAccount(t.db, request_.id, admin, new Date(NOW), [forgetTrustedDevices]);
    assert.equal(closed.ok, true);
    assert.equal((await devices('vardnadshavare')).length, 0);
    assert.equal((await postPin(again, '2580')).headers.location, '/login');
  });
});

describe('PIN tries from one address', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ now: NOW, env: { LOGIN_LIMIT_PER_ADDRESS: '3' } }); });
  after(() => t.close());

  it('count in the login limits: wrong PINs on two browsers from one address are refused unchecked past the limit', async () => {
    const browsers: Agent[] = [];
    for (const username of ['vardnadshavare', 'vardnadshavare2']) {
      const agent = await signIn(t.app, username);
      assert.equal((await postForm(agent, '/settings/pin', '/settings/pin', { pin: '2580', repeat: '2580' })).status, 303);
      assert.equal((await postForm(agent, '/', '/logout')).status, 303);
      browsers.push(agent);
    }
    const post = (agent: Agent, pin: string) => postForm(agent, '/login', '/login/pin', { pin, next: '/' });
    assert.equal((await post(browsers[0], '1397')).status, 401);
    assert.equal((await post(browsers[1], '1397')).status, 401);
    assert.equal((await post(browsers[0], '1397')).status, 401);
    const limited = await post(browsers[1], '2580'); // (the right PIN, but the address is over its limit)
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.match(limited.text, /För många inloggningsförsök/);
    const counted = await t.db.selectFrom('trusted_devices').select('failures').orderBy('id').execute();
    assert.deepEqual(counted.map((d) => d.failures), [2, 1]); // (the refused try was not counted on the device)
  });
});
