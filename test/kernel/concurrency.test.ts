// Two requests that change the same thing at the same moment. On PostgreSQL they run side by side: a third connection
// holds a lock both need until both wait on it, so each has read what it checks before the other wrote (where the
// order matters, the first is queued before the second is sent). The outcome must be one the requests could have had
// one after the other: a single-use key, link or username goes to one of them and the other gets the message a
// moment later would have got, never an error page; one absence in force a day; a cancelled report cancelled once;
// a departure marked once, its arrival kept; a withdrawn request not closed. The same on SQLite, where the requests
// take turns. (Care-time days and standard times: test/schedule/concurrent-save.test.ts.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import type pg from 'pg';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { databaseOf, type TestDatabase } from '../support/database.ts';
import { guardiansWithoutAccount as guardiansOfNoAccount, paperKey, type GuardianWithoutAccount } from '../support/invitations.ts';
import { lockWaiters, whileHeld } from '../support/locks.ts';
import { hashKey, normalizeKey } from '../../server/invitations/keys.ts';
import { createResetToken } from '../../server/accounts/reset-queries.ts';
import { hashToken } from '../../server/accounts/tokens.ts';
import { closeAccount, requestClosure, withdrawClosure } from '../../server/accounts/closure-queries.ts';
import { loginKey } from '../../server/accounts/passwords.ts';
import { isUniqueViolation } from '../../db/sql.ts';

type Res = Awaited<ReturnType<typeof postForm>>;

function scenarios(database: TestDatabase) {
  let url = '';
  let t: TestApp;
  before(async () => {
    const env = await databaseOf(database);
    url = env.VARDAG_DATABASE_URL;
    t = await startTestApp({ env });
  });
  after(async () => {
    await t?.close();
  });

  /** Sends the two requests at once: on PostgreSQL held at `hold`'s lock until both wait on it. */
  async function atOnce(hold: (client: pg.Client) => Promise<unknown>, send: () => Promise<Res[]>, end: 'commit' | 'rollback' = 'commit'): Promise<Res[]> {
    if (database === 'sqlite') return send();
    const held = await whileHeld(url, hold, send, { end });
    assert.equal(held.waited, 2, 'both requests waited on the held lock: each had read before the other wrote');
    return held.results;
  }

  it('recognises a unique violation by its column (and on PostgreSQL by its constraint), and nothing else as one', async () => {
    const taken = await t.db.selectFrom('accounts').select(['person_id']).where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const [guardian] = await guardiansWithoutAccount();
    const insert = (personId: number, username: string, hash: string | null) => t.db.insertInto('accounts')
      .values({ person_id: personId, username, username_key: username, password_hash: hash as string, created_at: '2026-11-24T09:00:00Z',
        email: null, email_key: null, language: 'sv', last_login_at: null, closed_at: null, display_name: null, mobile: null }).execute();
    const twice = await insert(taken.person_id, 'ett-nytt-namn', 'x').then(() => undefined, (error: unknown) => error);
    assert.ok(isUniqueViolation(twice));
    assert.ok(isUniqueViolation(twice, 'accounts.person_id'));
    assert.ok(!isUniqueViolation(twice, 'accounts.username_key'));
    assert.equal(isUniqueViolation(twice, 'accounts_person_id_key'), database === 'postgres', 'a constraint’s name: PostgreSQL only');
    const missing = await insert(guardian.guardian_id, 'ett-annat-namn', null).then(() => undefined, (error: unknown) => error);
    assert.ok(missing, 'a null password is refused');
    assert.ok(!isUniqueViolation(missing), 'a NOT NULL violation is no unique violation');
  });

  /** As atOnce, for calls other than requests. */
  async function atOnceResults<R>(hold: (client: pg.Client) => Promise<unknown>, send: () => Promise<R>): Promise<R> {
    if (database === 'sqlite') return send();
    const held = await whileHeld(url, hold, send, { end: 'commit' });
    assert.equal(held.waited, 2, 'both waited on the held lock: each had read before the other wrote');
    return held.results;
  }

  const guardiansWithoutAccount = () => guardiansOfNoAccount(t);
  const newKey = (guardian: GuardianWithoutAccount) => paperKey(t, guardian);

  const register = (key: string, username: string) => postForm(request.agent(t.app), '/login', '/register_invite', {
    key, username, email: '', email_confirm: '', name: 'Ny Förälder', password: 'blå cykel i regnet', terms: 'yes',
  });
  const accountsNamed = async (...names: string[]) => (await t.db.selectFrom('accounts').select('username')
    .where('username_key', 'in', names.map(loginKey)).execute()).map((a) => a.username).sort();

  it('registers one account when two registrations use one key at once; the other gets the key’s message', async () => {
    const [guardian] = await guardiansWithoutAccount();
    const key = await newKey(guardian);
    const [a, b] = await atOnce(
      (client) => client.query('select id from invitation_keys where key_hash = $1 for update', [hashKey(normalizeKey(key) ?? '')]),
      () => Promise.all([register(key, 'forsta-forsoket'), register(key, 'andra-forsoket')]));
    assert.deepEqual([a.status, b.status].sort(), [303, 400], `statuses ${a.status} and ${b.status}`);
    const refused = a.status === 400 ? a : b;
    assert.match(refused.text, /Nyckeln är redan använd/, 'the message at the key field');
    assert.equal((await accountsNamed('forsta-forsoket', 'andra-forsoket')).length, 1, 'one account');
    const accounts = await t.db.selectFrom('accounts').select('id').where('person_id', '=', guardian.guardian_id).execute();
    assert.equal(accounts.length, 1, 'the guardian has one account');
  });

  it('gives one of two registrations at once the username, and the other the field message', async () => {
    const [first, second, third] = await guardiansWithoutAccount();
    const [keyA, keyB] = [await newKey(first), await newKey(second)];
    // On PostgreSQL a third connection registers the name without committing: both wait on its key, then it rolls back.
    const [a, b] = await atOnce((client) => client.query(
      'insert into accounts (person_id, username, username_key, password_hash, created_at) values ($1, $2, $3, $4, $5)',
      [third.guardian_id, 'Samma-Namn', loginKey('samma-namn'), 'x', '2026-11-24T09:00:00Z']),
    () => Promise.all([register(keyA, 'samma-namn'), register(keyB, 'Samma-namn')]), 'rollback');
    assert.deepEqual([a.status, b.status].sort(), [303, 400], `statuses ${a.status} and ${b.status}`);
    assert.match((a.status === 400 ? a : b).text, /Användarnamnet är upptaget\. Välj ett annat\./);
    assert.equal((await accountsNamed('samma-namn')).length, 1);
  });

  it('gives a username to one of two accounts taking it at once; the other gets the field message', async () => {
    const [fritids, larare] = [await signIn(t.app, 'fritids'), await signIn(t.app, 'larare2b')];
    const [, , , fourth] = await guardiansWithoutAccount();
    const take = (agent: typeof fritids, username: string) => postForm(agent, '/settings', '/settings/username', { username });
    const [a, b] = await atOnce((client) => client.query(
      'insert into accounts (person_id, username, username_key, password_hash, created_at) values ($1, $2, $3, $4, $5)',
      [fourth.guardian_id, 'Populart-Namn', loginKey('populart-namn'), 'x', '2026-11-24T09:00:00Z']),
    () => Promise.all([take(fritids, 'populart-namn'), take(larare, 'Populart-namn')]), 'rollback');
    assert.deepEqual([a.status, b.status].sort(), [303, 400], `statuses ${a.status} and ${b.status}`);
    assert.match((a.status === 400 ? a : b).text, /Det användarnamnet är upptaget\. Välj ett annat\./);
    assert.equal((await accountsNamed('populart-namn')).length, 1);
  });

  async function resetLinks(n: number): Promise<{ accountId: number; tokens: string[] }> {
    const account = await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare3').executeTakeFirstOrThrow();
    const tokens: string[] = [];
    for (let i = 0; i < n; i++) tokens.push(await createResetToken(t.db, account.id, t.clock.now()));
    return { accountId: account.id, tokens };
  }
  const reset = (token: string, password: string) => postForm(request.agent(t.app), `/password/reset/${token}`, `/password/reset/${token}`, { password });
  const passwordChanges = async (accountId: number) => (await t.db.selectFrom('password_reset_tokens').select('id')
    .where('account_id', '=', accountId).where('used_at', 'is not', null).execute()).length;

  it('sets the password once when one reset link is used twice at once; the other tab is told the link is used', async () => {
    const { tokens: [token] } = await resetLinks(1);
    const [a, b] = await atOnce(
      (client) => client.query('select id from password_reset_tokens where token_hash = $1 for update', [hashToken(token)]),
      () => Promise.all([reset(token, 'första nya lösenfrasen'), reset(token, 'andra nya lösenfrasen')]));
    assert.deepEqual([a.status, b.status].sort(), [303, 410], `statuses ${a.status} and ${b.status}`);
  });

  it('sets the password once when two reset links of one account are used at once', async () => {
    const { accountId, tokens: [first, second] } = await resetLinks(2);
    const usedBefore = await passwordChanges(accountId);
    const [a, b] = await atOnce(
      (client) => client.query('select id from accounts where id = $1 for update', [accountId]),
      () => Promise.all([reset(first, 'första nya lösenfrasen'), reset(second, 'andra nya lösenfrasen')]));
    assert.deepEqual([a.status, b.status].sort(), [303, 410], `statuses ${a.status} and ${b.status}`);
    assert.equal(await passwordChanges(accountId), usedBefore + 2, 'both links are used up');
  });


  const absencesOn = async (childId: number, date: string) => t.db.selectFrom('absences').select(['id', 'comment'])
    .where('child_id', '=', childId).where('date', '=', date).where('cancelled_at', 'is', null).execute();
  const historyOn = async (childId: number, date: string) => (await t.db.selectFrom('care_history').select('id')
    .where('child_id', '=', childId).where('date', '=', date).where('what', '=', 'absence').execute()).length;

  it('keeps one absence in force when both guardians report the same day at once; the later replaces the earlier', async () => {
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    const [emma, johan] = [await signIn(t.app, 'vardnadshavare'), await signIn(t.app, 'vardnadshavare2')];
    const date = '2026-12-07';
    const report = (agent: typeof emma, comment: string) => postForm(agent, `/children/${elsa}`, `/children/${elsa}/absences`,
      { when: 'range', from: date, to: date, comment });
    assert.equal((await report(emma, 'Tandläkare')).status, 303);
    const [first] = await absencesOn(elsa, date);
    const [a, b] = await atOnce(
      (client) => client.query('select id from absences where id = $1 for update', [first.id]),
      () => Promise.all([report(emma, 'Feber'), report(johan, 'Förkyld')]));
    assert.deepEqual([a.status, b.status], [303, 303], 'both reports are taken: the later one replaces the earlier');
    const inForce = await absencesOn(elsa, date);
    assert.equal(inForce.length, 1, `one absence in force, not ${inForce.map((r) => r.comment).join(' and ')}`);
    assert.equal(await historyOn(elsa, date), 3, 'the first report and two replacements, each once');
  });

  it('cancels a report once when it is cancelled twice at once; the second finds nothing to cancel', async () => {
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    const [emma, johan] = [await signIn(t.app, 'vardnadshavare'), await signIn(t.app, 'vardnadshavare2')];
    const date = '2026-12-08';
    assert.equal((await postForm(emma, `/children/${elsa}`, `/children/${elsa}/absences`, { when: 'range', from: date, to: date })).status, 303);
    const [report] = await absencesOn(elsa, date);
    const cancel = (agent: typeof emma) => postForm(agent, `/children/${elsa}`, `/absences/${report.id}/cancel`, {});
    const [a, b] = await atOnce(
      (client) => client.query('select id from absences where id = $1 for update', [report.id]),
      () => Promise.all([cancel(emma), cancel(johan)]));
    assert.deepEqual([a.status, b.status].sort(), [303, 404], `statuses ${a.status} and ${b.status}`);
    assert.equal((await absencesOn(elsa, date)).length, 0);
    assert.equal(await historyOn(elsa, date), 2, 'reported, then cancelled once');
  });

  it('checks a child out once when two teachers tap Gick at the same moment, keeping the arrival', async () => {
    const [alice, blabar] = [await personId(t.db, 'Alice', 'Johansson'), await groupId(t.db, 'Blåbär')];
    const [teacher, colleague] = [await signIn(t.app, 'pedagog'), await signIn(t.app, 'pedagog')];
    const by = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).id;
    // Alice came at 08:00; at 10:00 two taps on "Gick" come at once: one departure, the other is told it is done.
    await t.db.insertInto('attendances').values({ child_id: alice, group_id: blabar, date: '2026-11-24', arrived_at: '08:00', left_at: null, updated_by: by }).execute();
    const history = async () => (await t.db.selectFrom('care_history').select('id').where('child_id', '=', alice).where('what', '=', 'attendance').execute()).length;
    const before = await history();
    const mark = (agent: typeof teacher) => postForm(agent, `/groups/${blabar}/today`, `/children/${alice}/attendance`, { event: 'leave', group: String(blabar) });
    const [first, second] = await atOnce(
      (client) => client.query('select id from attendances where child_id = $1 and group_id = $2 for update', [alice, blabar]),
      async () => Promise.all([mark(teacher), mark(colleague)]));
    assert.deepEqual([first.status, second.status], [303, 303]);
    const row = await t.db.selectFrom('attendances').select(['arrived_at', 'left_at']).where('child_id', '=', alice).where('group_id', '=', blabar)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { arrived_at: '08:00', left_at: '10:00' }, 'the departure keeps the arrival');
    assert.equal(await history(), before + 1, 'one departure in the history');
  });

  it('leaves a request to close an account withdrawn when it is closed at the moment it is withdrawn', async () => {
    const holder = await t.db.selectFrom('accounts').select(['id', 'closed_at']).where('username', '=', 'pedagog3').executeTakeFirstOrThrow();
    const head = await t.db.selectFrom('accounts').select('id').where('username', '=', 'rektor').executeTakeFirstOrThrow();
    const request = await requestClosure(t.db, holder.id, t.clock.now());
    // The withdrawal is first in the queue for the request's row, the closing second: the closing must see it withdrawn.
    const [withdrawn, closed] = await atOnceResults(
      (client) => client.query('select id from account_closure_requests where id = $1 for update', [request.id]),
      async () => {
        const withdrawing = withdrawClosure(t.db, holder.id, t.clock.now());
        if (database === 'postgres') await lockWaiters(url, 1);
        return Promise.all([withdrawing, closeAccount(t.db, request.id, head.id, t.clock.now())]);
      });
    assert.equal(withdrawn, true);
    assert.deepEqual(closed, { ok: false, error: 'already-handled' });
    const after = await t.db.selectFrom('accounts').select('closed_at').where('id', '=', holder.id).executeTakeFirstOrThrow();
    assert.equal(after.closed_at, null, 'the account stays open');
    const handled = await t.db.selectFrom('account_closure_requests').select('outcome').where('id', '=', request.id).executeTakeFirstOrThrow();
    assert.equal(handled.outcome, 'withdrawn');
  });
}

describe('two requests at the same moment (PostgreSQL)', () => scenarios('postgres'));
describe('two requests at the same moment (SQLite)', () => scenarios('sqlite'));
