// A staff member's out-of-office: set at /settings/out-of-office; while on, a guardian who writes gets one automatic
// reply per thread and day, seen by that guardian only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PERSONAL_DATA } from '../../server/app.ts';
import { parseOutOfOffice } from '../../server/messages/out-of-office.ts';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

async function accountOf(db: TestApp['db'], username: string): Promise<number> {
  return (await db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
}

/** Emma writes to pedagog about Elsa: the thread's id. */
async function emmaWrites(t: TestApp, emma: Agent, body: string): Promise<number> {
  const elsa = await personId(t.db, 'Elsa', 'Andersson');
  const pedagog = await accountOf(t.db, 'pedagog');
  const res = await postForm(emma, `/children/${elsa}/messages/new`, `/children/${elsa}/messages`, { to: `account:${pedagog}`, subject: 'Hämtning', body });
  assert.equal(res.status, 303, res.text);
  return Number(/\/messages\/([0-9]+)/.exec(res.headers.location ?? '')?.[1]);
}

async function replyIn(agent: Agent, threadId: number, body: string): Promise<void> {
  const page = await agent.get(`/messages/${threadId}`);
  const res = await agent.post(`/messages/${threadId}/replies`).type('form').send({ _csrf: csrfFrom(page.text), body });
  assert.equal(res.status, 303, res.text);
}

const messagesIn = (t: TestApp, threadId: number) => t.db.selectFrom('messages').select(['id', 'sender_account_id', 'body'])
  .where('thread_id', '=', threadId).orderBy('id').execute();

describe('/settings/out-of-office', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
  });
  after(() => t.close());

  it('shows the form to staff and refuses a last day before the first, with the message at the field', async () => {
    const teacher = await signIn(t.app, 'pedagog');
    const page = await teacher.get('/settings/out-of-office');
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'private, no-store');
    const res = await postForm(teacher, '/settings/out-of-office', '/settings/out-of-office', { firstDay: '2026-11-30', lastDay: '2026-11-27', body: 'Borta' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /id="lastDay-error"[^>]*>.*Sista dagen kan inte vara före första dagen/s);
    assert.match(res.text, /value="2026-11-30"/);
    assert.equal(await t.db.selectFrom('out_of_office').select('account_id').executeTakeFirst(), undefined);
  });

  it('is not found for a guardian', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    assert.equal((await emma.get('/settings/out-of-office')).status, 404);
  });

  it('answers a guardian once per thread and day while on, to that guardian only; not after it is turned off', async () => {
    const teacher = await signIn(t.app, 'pedagog');
    const saved = await postForm(teacher, '/settings/out-of-office', '/settings/out-of-office', {
      firstDay: '2026-11-24', lastDay: '2026-11-27', body: 'Jag är tillbaka måndag 30 november. Ring förskolan vid brådskande ärenden.',
    });
    assert.equal(saved.status, 303);
    const page = await teacher.get('/settings/out-of-office');
    assert.match(page.text, /Frånvaromeddelandet är på/);
    assert.match(page.text, /Från tisdag 24 november till och med fredag 27 november/);

    const emma = await signIn(t.app, 'vardnadshavare');
    const threadId = await emmaWrites(t, emma, 'Elsa hämtas av mormor i dag.');
    const emmaId = await accountOf(t.db, 'vardnadshavare');
    const pedagogId = await accountOf(t.db, 'pedagog');
    let messages = await messagesIn(t, threadId);
    assert.equal(messages.length, 2);
    assert.equal(messages[1].sender_account_id, pedagogId);
    assert.match(messages[1].body, /^Automatiskt svar:\n\nJag är tillbaka måndag 30 november/);
    const to = await t.db.selectFrom('message_recipients').select('account_id').where('message_id', '=', messages[1].id).execute();
    assert.deepEqual(to.map((r) => r.account_id), [emmaId], 'the reply goes to the sender only');
    const notified = await t.db.selectFrom('notifications').select(['kind', 'params']).where('account_id', '=', emmaId).where('url', '=', `/messages/${threadId}`).execute();
    assert.deepEqual(notified.map((n) => n.kind), ['messageAutoReply']);
    assert.match((await emma.get(`/messages/${threadId}`)).text, /Jag är tillbaka måndag 30 november/);

    await replyIn(emma, threadId, 'Och i morgon också.');
    assert.equal((await messagesIn(t, threadId)).length, 3, 'no second reply the same day');

    t.clock.set('2026-11-25T07:00:00Z');
    await replyIn(emma, threadId, 'Nu är det onsdag.');
    messages = await messagesIn(t, threadId);
    assert.equal(messages.length, 5, 'a new day, a new reply');
    assert.match(messages[4].body, /^Automatiskt svar:/);

    const removed = await postForm(teacher, '/settings/out-of-office', '/settings/out-of-office/remove');
    assert.equal(removed.status, 303);
    t.clock.set('2026-11-26T07:00:00Z');
    await replyIn(emma, threadId, 'Torsdag.');
    assert.equal((await messagesIn(t, threadId)).length, 6, 'off: no reply');
  });

  it('puts the out-of-office in its owner\'s register extract', async () => {
    const teacher = await signIn(t.app, 'pedagog');
    await postForm(teacher, '/settings/out-of-office', '/settings/out-of-office', { firstDay: '2026-12-21', lastDay: '2027-01-06', body: 'Jullov' });
    const person = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).person_id;
    const extract = await PERSONAL_DATA.extract(t.db, (await PERSONAL_DATA.subjectOf(t.db, person))!);
    const section = extract.sections.find((x) => x.title === 'personalData.sections.outOfOffice');
    assert.deepEqual(section?.rows.map((r) => [r.first_day, r.last_day, r.body]), [['2026-12-21', '2027-01-06', 'Jullov']]);
  });

  it('does not answer before its first day', async () => {
    t.clock.set('2026-11-24T09:00:00Z');
    const teacher = await signIn(t.app, 'pedagog');
    await postForm(teacher, '/settings/out-of-office', '/settings/out-of-office', { firstDay: '2026-12-01', lastDay: '2026-12-02', body: 'Kurs' });
    assert.match((await teacher.get('/settings/out-of-office')).text, /Frånvaromeddelandet är planerat/);
    const emma = await signIn(t.app, 'vardnadshavare');
    const threadId = await emmaWrites(t, emma, 'Fråga om kursdagen.');
    assert.equal((await messagesIn(t, threadId)).length, 1);
  });
});

describe('the out-of-office form', () => {
  const today = '2026-11-24';
  it('reads two days and a text', () => {
    assert.deepEqual(parseOutOfOffice({ firstDay: '2026-11-24', lastDay: '2026-11-24', body: ' Borta ' }, today),
      { ok: true, value: { firstDay: '2026-11-24', lastDay: '2026-11-24', body: 'Borta' } });
  });
  it('names each wrong field', () => {
    const wrong = (form: { firstDay: string; lastDay: string; body: string }) => {
      const parsed = parseOutOfOffice(form, today);
      return parsed.ok ? {} : Object.fromEntries(Object.entries(parsed.errors).map(([name, e]) => [name, e.key.split('.').pop()]));
    };
    assert.deepEqual(wrong({ firstDay: '2026-02-30', lastDay: 'i morgon', body: '' }), { firstDay: 'firstDay', lastDay: 'lastDay', body: 'bodyMissing' });
    assert.deepEqual(wrong({ firstDay: '2026-11-01', lastDay: '2026-11-23', body: 'x' }), { lastDay: 'lastInPast' });
    assert.deepEqual(wrong({ firstDay: '2026-11-24', lastDay: '2027-11-26', body: 'x' }), { lastDay: 'tooLong' });
    assert.deepEqual(wrong({ firstDay: '2026-11-24', lastDay: '2026-11-25', body: 'x'.repeat(1001) }), { body: 'bodyTooLong' });
  });
});
