// Logging in with e-ID against a real OpenID Connect provider on a loopback port: a guardian matched by personnummer
// (strong with BankID, weak with Freja), the way back to `next`, a step-up of a signed-in session, a guardian
// without an account on the way to "an account by e-ID", staff linked and not, and the log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { signIn, startTestApp, type TestApp } from '../support/app.ts';
import { ACR_BANKID, ACR_FREJA_WEAK, configureEId, eIdLogin, identityOf, startTestProvider, type TestProvider } from '../support/oidc.ts';
import { captureLog } from '../../server/kernel/log.ts';
import type { Agent } from '../support/app.ts';

/** The session rows of an account, as the store keeps them. */
async function sessionsOf(t: TestApp, accountId: number): Promise<{ sid: string; sess: Record<string, unknown> }[]> {
  const rows = await t.db.selectFrom('sessions').select(['sid', 'sess']).where('account_id', '=', accountId).execute();
  return rows.map((r) => ({ sid: r.sid, sess: JSON.parse(r.sess) as Record<string, unknown> }));
}
const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie'] ?? '').split(';')[0];

describe('e-ID login', () => {
  let t: TestApp;
  let provider: TestProvider;
  let guardian: Awaited<ReturnType<typeof identityOf>>;
  let guardianAccount: number;
  let staff: Awaited<ReturnType<typeof identityOf>>;
  let noAccountPerson: { id: number; personnummer: string };

  before(async () => {
    t = await startTestApp();
    guardian = await identityOf(t.db, 'vardnadshavare');
    staff = await identityOf(t.db, 'pedagog');
    guardianAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
    const other = await t.db.selectFrom('persons').select(['persons.id', 'persons.identity_number'])
      .where('persons.municipality_id', '=', guardian.municipalityId).where('persons.identity_number', 'is not', null).where('persons.protected_identity', '=', 0)
      .where((eb) => eb.exists(eb.selectFrom('guardianships').select('guardianships.id').whereRef('guardianships.guardian_id', '=', 'persons.id')))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('accounts').select('accounts.id').whereRef('accounts.person_id', '=', 'persons.id'))))
      .orderBy('persons.id').executeTakeFirstOrThrow();
    noAccountPerson = { id: other.id, personnummer: String(other.identity_number).replace(/\D/g, '') };
    assert.ok(guardian.personnummer, 'the demo guardian has a personnummer');
    provider = await startTestProvider({
      redirectUri: `${t.config.publicUrl}/login/e-id/callback`,
      identities: [
        { subject: 'guardian', name: 'Emma Andersson', personnummer: guardian.personnummer },
        { subject: 'no-account', name: 'Utan Konto', personnummer: noAccountPerson.personnummer },
        { subject: 'staff-linked', name: 'Pedagog Länkad', email: 'pedagog@example.com' },
        { subject: 'staff-unlinked', name: 'Pedagog Olänkad', personnummer: staff.personnummer },
        { subject: 'stranger', name: 'Okänd Person', personnummer: '199001012393' },
        { subject: 'other-guardian', name: 'Annan Vårdnadshavare', personnummer: (await identityOf(t.db, 'vardnadshavare2')).personnummer },
        { subject: 'ten-digits', name: 'Tio Siffror', personnummer: guardian.personnummer?.slice(2) },
        { subject: 'mail-unverified', name: 'Pedagog Overifierad', email: 'Pedagog2@example.com', emailVerified: false },
        { subject: 'mail-verified', name: 'Pedagog Verifierad', email: 'Pedagog2@example.com' },
      ],
    });
    await configureEId(t.db, guardian.municipalityId, provider.issuer);
  });
  after(async () => { await provider.close(); await t.close(); });

  it('offers "Logga in med BankID" on the login page when a municipality has e-ID, keeping next', async () => {
    const page = await request(t.app).get('/login?next=/messages');
    assert.match(page.text, /<a class="button" href="\/login\/e-id\?next=%2Fmessages">Logga in med BankID<\/a>/);
  });

  it('logs a guardian in by personnummer with BankID: a strong session, back to next, a new session id', async () => {
    const agent = request.agent(t.app);
    const anonymous = await agent.get('/login');
    const res = await eIdLogin(agent, { subject: 'guardian', acr: ACR_BANKID }, '/messages');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/messages');
    assert.notEqual(cookieOf(res), cookieOf(anonymous), 'a new session id after the login');
    const start = await agent.get('/');
    assert.equal(start.status, 200);
    assert.match(start.text, /Emma Andersson/);
    const sessions = await sessionsOf(t, guardianAccount);
    const strong = sessions.find((s) => (s.sess.strong as { acr?: string } | undefined)?.acr === ACR_BANKID);
    assert.ok(strong, 'the session is strong');
    assert.deepEqual((strong.sess.strong as { municipalityIds?: number[] }).municipalityIds, [guardian.municipalityId], 'for the records of the municipality whose e-ID it was');
    assert.equal(strong.sess.oidc, undefined, 'the login under way is forgotten');
  });

  it('logs a guardian in weak with an acr the municipality does not count as strong', async () => {
    await t.db.deleteFrom('sessions').where('account_id', '=', guardianAccount).execute();
    const agent = request.agent(t.app);
    const res = await eIdLogin(agent, { subject: 'guardian', acr: ACR_FREJA_WEAK });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
    const [session] = await sessionsOf(t, guardianAccount);
    assert.ok(session);
    assert.equal(session.sess.strong, undefined);
  });

  it('steps a password session up: same account, a new session id, strong, back where it was', async () => {
    const agent = await signIn(t.app, 'vardnadshavare');
    const before = await sessionsOf(t, guardianAccount);
    const res = await eIdLogin(agent, { subject: 'guardian', acr: ACR_BANKID }, '/children');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/children');
    const after = await sessionsOf(t, guardianAccount);
    const stepped = after.find((s) => s.sess.strong !== undefined && !before.some((b) => b.sid === s.sid));
    assert.ok(stepped, 'a new, strong session');
    assert.deepEqual((stepped.sess.strong as { municipalityIds?: number[] }).municipalityIds, [guardian.municipalityId]);
    assert.equal(stepped.sess.accountId, guardianAccount);
    assert.equal((await agent.get('/')).status, 200);
  });

  it('refuses a step-up with an acr too weak: a Swedish page, the session stays weak', async () => {
    await t.db.deleteFrom('sessions').where('account_id', '=', guardianAccount).execute();
    const agent = await signIn(t.app, 'vardnadshavare');
    const res = await eIdLogin(agent, { subject: 'guardian', acr: ACR_FREJA_WEAK }, '/children');
    assert.equal(res.status, 403);
    assert.match(res.text, /Det här kräver inloggning med BankID/);
    assert.doesNotMatch(res.text, /Logga in med lösenord i stället/, 'a signed-in user is offered the way back, not a password login');
    const sessions = await sessionsOf(t, guardianAccount);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]?.sess.strong, undefined);
    const start = await agent.get('/');
    assert.equal(start.status, 200, 'still signed in');
  });

  it('refuses a step-up as another person: nothing changes', async () => {
    await t.db.deleteFrom('sessions').where('account_id', '=', guardianAccount).execute();
    const agent = await signIn(t.app, 'vardnadshavare');
    const res = await eIdLogin(agent, { subject: 'other-guardian', acr: ACR_BANKID }, '/');
    assert.equal(res.status, 403);
    assert.match(res.text, /annan person än den som är inloggad/);
    const stranger = await eIdLogin(agent, { subject: 'stranger', acr: ACR_BANKID }, '/');
    assert.equal(stranger.status, 403, 'somebody Vardag does not know: the same refusal, said as such');
    assert.match(stranger.text, /Vi hittar ingen vårdnadshavare/);
    const sessions = await sessionsOf(t, guardianAccount);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]?.sess.strong, undefined);
    assert.match((await agent.get('/')).text, /Emma Andersson/);
  });

  it('sends a guardian without an account on to "an account by e-ID", with the match kept in the session', async () => {
    const agent = request.agent(t.app);
    const res = await eIdLogin(agent, { subject: 'no-account', acr: ACR_BANKID });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/account/new/e-id');
    const rows = await t.db.selectFrom('sessions').select('sess').where('account_id', 'is', null).execute();
    const pending = rows.map((r) => JSON.parse(r.sess) as { eIdPending?: { personId: number; acr: string } }).find((s) => s.eIdPending);
    assert.equal(pending?.eIdPending?.personId, noAccountPerson.id);
    assert.equal(pending?.eIdPending?.acr, ACR_BANKID);
    assert.equal(await t.db.selectFrom('accounts').select('id').where('person_id', '=', noAccountPerson.id).executeTakeFirst(), undefined, 'no account made here');
    const page = await agent.get('/account/new/e-id');
    assert.equal(page.status, 200, 'A\'s page takes the pending login');
    assert.match(page.text, /name="email"/);
  });

  it('tells a guardian with protected identity to contact the preschool or school, and creates nothing', async () => {
    await t.db.updateTable('persons').set({ protected_identity: 1 }).where('id', '=', noAccountPerson.id).execute();
    try {
      const res = await eIdLogin(request.agent(t.app), { subject: 'no-account', acr: ACR_BANKID });
      assert.equal(res.status, 403);
      assert.match(res.text, /vända dig till ditt barns förskola eller skola/);
      assert.match(res.text, /href="\/login\?next=%2F"/, 'password login offered');
      assert.equal(await t.db.selectFrom('accounts').select('id').where('person_id', '=', noAccountPerson.id).executeTakeFirst(), undefined);
    } finally {
      await t.db.updateTable('persons').set({ protected_identity: 0 }).where('id', '=', noAccountPerson.id).execute();
    }
  });

  it('says so when nobody has the personnummer', async () => {
    const res = await eIdLogin(request.agent(t.app), { subject: 'stranger', acr: ACR_BANKID });
    assert.equal(res.status, 403);
    assert.match(res.text, /Vi hittar ingen vårdnadshavare eller personal/);
    assert.match(res.text, /Logga in med lösenord i stället/);
  });

  it('logs staff in through an admin\'s link only', async () => {
    const unlinked = await eIdLogin(request.agent(t.app), { subject: 'staff-unlinked', acr: ACR_BANKID });
    assert.equal(unlinked.status, 403);
    assert.match(unlinked.text, /inte kopplad till ditt personalkonto/);
    await t.db.insertInto('staff_e_id_links').values({
      municipality_id: staff.municipalityId, person_id: staff.personId, issuer: provider.issuer, subject: 'staff-linked', email: null,
      created_by: 0, created_at: new Date().toISOString(),
    }).execute();
    const agent = request.agent(t.app);
    const linked = await eIdLogin(agent, { subject: 'staff-linked', acr: ACR_BANKID }, '/');
    assert.equal(linked.status, 303);
    assert.equal(linked.headers.location, '/');
    const staffAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).id;
    assert.ok((await sessionsOf(t, staffAccount)).some((s) => s.sess.strong !== undefined));
  });

  it('refuses a personnummer claim of ten digits (the century would be a guess)', async () => {
    const res = await eIdLogin(request.agent(t.app), { subject: 'ten-digits', acr: ACR_BANKID });
    assert.equal(res.status, 403);
    assert.match(res.text, /saknar svenskt personnummer/);
  });

  it('makes no way to an account by e-ID from a weak login: BankID is needed', async () => {
    const agent = request.agent(t.app);
    const res = await eIdLogin(agent, { subject: 'no-account', acr: ACR_FREJA_WEAK });
    assert.equal(res.status, 403);
    assert.match(res.text, /skaffa ett konto i Vardag med e-legitimation behöver du logga in med BankID/);
    const rows = await t.db.selectFrom('sessions').select('sess').where('account_id', 'is', null).execute();
    assert.ok(!rows.some((r) => (JSON.parse(r.sess) as { eIdPending?: { personId: number } }).eIdPending?.personId === noAccountPerson.id
      && JSON.parse(r.sess).eIdPending.acr === ACR_FREJA_WEAK), 'no pending account by e-ID');
    assert.doesNotMatch((await agent.get('/account/new/e-id')).text, /name="email"/, 'A\'s page has no pending login');
  });

  it('signs a guardian who is also staff in through a staff link only, not by personnummer', async () => {
    const unit = await t.db.selectFrom('units').select('id').where('municipality_id', '=', guardian.municipalityId).executeTakeFirstOrThrow();
    const assignment = await t.db.insertInto('staff_assignments').values({
      person_id: guardian.personId, unit_id: unit.id, group_id: null, role: 'staff', start_date: null, end_date: null,
    }).returning('id').executeTakeFirstOrThrow();
    try {
      await t.db.deleteFrom('sessions').where('account_id', '=', guardianAccount).execute();
      const res = await eIdLogin(request.agent(t.app), { subject: 'guardian', acr: ACR_BANKID });
      assert.equal(res.status, 403);
      assert.match(res.text, /inte kopplad till ditt personalkonto/);
      assert.equal((await sessionsOf(t, guardianAccount)).length, 0, 'not signed in');
      const stepUp = await eIdLogin(await signIn(t.app, 'vardnadshavare'), { subject: 'guardian', acr: ACR_BANKID }, '/');
      assert.equal(stepUp.status, 403, 'nor stepped up by personnummer');
      assert.ok((await sessionsOf(t, guardianAccount)).every((s) => s.sess.strong === undefined));
      // An ended assignment is no staff role: a guardian again.
      await t.db.updateTable('staff_assignments').set({ end_date: '2020-01-01' }).where('id', '=', assignment.id).execute();
      assert.equal((await eIdLogin(request.agent(t.app), { subject: 'guardian', acr: ACR_BANKID })).status, 303);
    } finally {
      await t.db.deleteFrom('staff_assignments').where('id', '=', assignment.id).execute();
      await t.db.deleteFrom('sessions').where('account_id', '=', guardianAccount).execute();
    }
  });

  it('matches staff by e-mail only when the provider verified it', async () => {
    const pedagog2 = await identityOf(t.db, 'pedagog2');
    const account = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog2').executeTakeFirstOrThrow()).id;
    await configureEId(t.db, guardian.municipalityId, provider.issuer, { staffMatch: 'email' });
    await t.db.insertInto('staff_e_id_links').values({
      municipality_id: pedagog2.municipalityId, person_id: pedagog2.personId, issuer: provider.issuer, subject: null, email: 'pedagog2@example.com',
      created_by: 0, created_at: new Date().toISOString(),
    }).execute();
    try {
      const unverified = await eIdLogin(request.agent(t.app), { subject: 'mail-unverified', acr: ACR_BANKID });
      assert.equal(unverified.status, 403);
      assert.equal((await sessionsOf(t, account)).length, 0, 'an unverified e-mail matches nobody');
      const verified = await eIdLogin(request.agent(t.app), { subject: 'mail-verified', acr: ACR_BANKID });
      assert.equal(verified.status, 303);
      assert.equal((await sessionsOf(t, account)).length, 1);
    } finally {
      await t.db.deleteFrom('staff_e_id_links').where('person_id', '=', pedagog2.personId).execute();
      await t.db.deleteFrom('sessions').where('account_id', '=', account).execute();
      await configureEId(t.db, guardian.municipalityId, provider.issuer);
    }
  });

  it('steps up at the municipality the guard names (a record elsewhere), as the signed-in person only', async () => {
    const other = await t.db.selectFrom('municipalities').select('id').where('id', '!=', guardian.municipalityId).orderBy('id').executeTakeFirstOrThrow();
    // There, Freja counts as strong: a step-up at the user's own municipality (BankID only) would refuse it.
    await configureEId(t.db, other.id, provider.issuer, { strongAcr: [ACR_FREJA_WEAK] });
    try {
      await t.db.deleteFrom('sessions').where('account_id', '=', guardianAccount).execute();
      const agent = await signIn(t.app, 'vardnadshavare');
      const res = await eIdLogin(agent, { subject: 'guardian', acr: ACR_FREJA_WEAK }, '/children', other.id);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/children');
      assert.ok((await sessionsOf(t, guardianAccount)).some((s) => (s.sess.strong as { acr?: string } | undefined)?.acr === ACR_FREJA_WEAK));
      const someoneElse = await eIdLogin(await signIn(t.app, 'vardnadshavare'), { subject: 'other-guardian', acr: ACR_FREJA_WEAK }, '/', other.id);
      assert.equal(someoneElse.status, 403);
    } finally {
      await t.db.deleteFrom('e_id_settings').where('municipality_id', '=', other.id).execute();
      await t.db.deleteFrom('sessions').where('account_id', '=', guardianAccount).execute();
    }
  });

  it('writes no code, state, token or personnummer in a log line', async () => {
    const captured = captureLog('debug');
    let agent: Agent;
    try {
      agent = request.agent(t.app);
      const ok = await eIdLogin(agent, { subject: 'guardian', acr: ACR_BANKID });
      const unknown = await eIdLogin(request.agent(t.app), { subject: 'stranger', acr: ACR_BANKID });
      const replay = await agent.get(ok.callback);
      assert.equal(replay.status, 400);
      const text = captured.text();
      const code = new URL(ok.callback, 'http://x').searchParams.get('code') ?? '';
      const state = new URL(unknown.callback, 'http://x').searchParams.get('state') ?? '';
      assert.ok(code.length > 10 && state.length > 10);
      assert.ok(!text.includes(code), 'no code in the log');
      assert.ok(!text.includes(state), 'no state in the log');
      assert.ok(!text.includes(String(guardian.personnummer)), 'no personnummer in the log');
      assert.ok(!text.includes('199001012393'));
      assert.match(text, /e-ID login/, 'the logins are logged');
    } finally {
      captured.stop();
    }
  });
});
