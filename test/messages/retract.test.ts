// Taking a message back: its sender (staff) within ten minutes; everyone then sees "Meddelandet togs tillbaka", the
// text and attachments are gone and the notifications withdrawn. Anyone else, or later, cannot.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { mayStillRetract, RETRACT_WINDOW_MS, retractRule } from '../../server/messages/retract.ts';
import { csrfFrom, csrfOf, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

async function accountOf(db: TestApp['db'], username: string): Promise<number> {
  return (await db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
}

/** pedagog writes to both of Elsa's guardians, with a PDF: the thread's and the message's ids. */
async function sendToGuardians(t: TestApp, teacher: Agent): Promise<{ threadId: number; messageId: number }> {
  const elsa = await personId(t.db, 'Elsa', 'Andersson');
  const form = await teacher.get(`/children/${elsa}/messages/new`);
  const sent = await teacher.post(`/children/${elsa}/messages`).field('_csrf', csrfFrom(form.text))
    .field('to', 'guardians').field('subject', 'Fel barn').field('body', 'Det här var till fel familj.').attach('attachments', PDF, 'lapp.pdf');
  assert.equal(sent.status, 303, sent.text);
  const threadId = Number(/\/messages\/([0-9]+)/.exec(sent.headers.location ?? '')?.[1]);
  const message = await t.db.selectFrom('messages').select('id').where('thread_id', '=', threadId).executeTakeFirstOrThrow();
  return { threadId, messageId: message.id };
}

const retract = async (agent: Agent, threadId: number, messageId: number) =>
  agent.post(`/messages/${threadId}/messages/${messageId}/retract`).type('form').send({ _csrf: await csrfOf(agent) });

describe('POST /messages/:messageThreadId/messages/:messageId/retract', () => {
  let t: TestApp;
  let teacher: Agent;
  before(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    t.clock.set('2026-11-24T09:00:00Z');
    teacher = await signIn(t.app, 'pedagog');
  });
  after(() => t.close());

  it('takes a message back within ten minutes: "Meddelandet togs tillbaka" for everyone, text, file and notifications gone', async () => {
    const { threadId, messageId } = await sendToGuardians(t, teacher);
    const emmaId = await accountOf(t.db, 'vardnadshavare');
    const notified = () => t.db.selectFrom('notifications').select('id').where('url', '=', `/messages/${threadId}`).where('account_id', '=', emmaId).execute();
    assert.equal((await notified()).length, 1, 'Emma was told');
    const thread = await teacher.get(`/messages/${threadId}`);
    assert.match(thread.text, new RegExp(`action="/messages/${threadId}/messages/${messageId}/retract"`), 'the sender sees the button');

    t.clock.set('2026-11-24T09:09:00Z');
    const res = await retract(teacher, threadId, messageId);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/messages/${threadId}`);
    const row = await t.db.selectFrom('messages').select(['body', 'retracted_at']).where('id', '=', messageId).executeTakeFirstOrThrow();
    assert.deepEqual(row, { body: '', retracted_at: '2026-11-24T09:09:00.000Z' });
    assert.equal((await t.db.selectFrom('message_attachments').select('id').where('message_id', '=', messageId).execute()).length, 0);
    assert.equal((await notified()).length, 0, 'the notification is withdrawn');

    // The family it went to by mistake sees nothing left of it: not the thread, not its subject in the inbox.
    for (const username of ['vardnadshavare', 'vardnadshavare2']) {
      const guardian = await signIn(t.app, username);
      assert.equal((await guardian.get(`/messages/${threadId}`)).status, 404, username);
      assert.doesNotMatch((await guardian.get('/messages')).text, new RegExp(`href="/messages/${threadId}"`), username);
    }
    assert.match((await teacher.get(`/messages/${threadId}`)).text, /Meddelandet togs tillbaka\./, 'the flash says so');
  });

  it('is too late after ten minutes: the message stays, the sender is told why', async () => {
    const { threadId, messageId } = await sendToGuardians(t, teacher);
    t.clock.set('2026-11-24T09:10:01Z');
    assert.doesNotMatch((await teacher.get(`/messages/${threadId}`)).text, /\/retract"/, 'no button any more');
    const res = await retract(teacher, threadId, messageId);
    assert.equal(res.status, 303);
    const row = await t.db.selectFrom('messages').select(['body', 'retracted_at']).where('id', '=', messageId).executeTakeFirstOrThrow();
    assert.deepEqual(row, { body: 'Det här var till fel familj.', retracted_at: null });
    assert.match((await teacher.get(`/messages/${threadId}`)).text, /inom 10 minuter/);
  });

  it('is not found for anyone but the sender, for a message of another thread and twice', async () => {
    const { threadId, messageId } = await sendToGuardians(t, teacher);
    const emma = await signIn(t.app, 'vardnadshavare');
    assert.equal((await retract(emma, threadId, messageId)).status, 404, 'a recipient cannot');
    assert.equal((await retract(await signIn(t.app, 'pedagog2'), threadId, messageId)).status, 404, 'nor a stranger to the thread');
    const other = await sendToGuardians(t, teacher);
    assert.equal((await retract(teacher, other.threadId, messageId)).status, 404, 'the message is not of that thread');
    assert.equal((await retract(teacher, threadId, messageId)).status, 303);
    assert.equal((await retract(teacher, threadId, messageId)).status, 404, 'already taken back');
  });

  it('lets a guardian not retract their own message (staff only)', async () => {
    const { threadId } = await sendToGuardians(t, teacher);
    const emma = await signIn(t.app, 'vardnadshavare');
    const page = await emma.get(`/messages/${threadId}`);
    const sent = await emma.post(`/messages/${threadId}/replies`).type('form').send({ _csrf: csrfFrom(page.text), body: 'Ingen fara.' });
    assert.equal(sent.status, 303, sent.text);
    const mine = await t.db.selectFrom('messages').select('id').where('thread_id', '=', threadId).where('sender_account_id', '=', await accountOf(t.db, 'vardnadshavare')).executeTakeFirstOrThrow();
    assert.equal((await retract(emma, threadId, mine.id)).status, 404);
  });
});

describe('the retract rule', () => {
  const at = new Date('2026-11-24T09:00:00Z');
  const sent = (ms: number) => new Date(at.getTime() - ms).toISOString();
  it('allows the staff sender up to and including ten minutes', () => {
    assert.equal(RETRACT_WINDOW_MS, 600_000);
    assert.deepEqual(retractRule({ senderAccountId: 1, sentAt: sent(RETRACT_WINDOW_MS), retractedAt: null, senderRole: 'staff' }, 1, at), { ok: true });
    assert.deepEqual(retractRule({ senderAccountId: 1, sentAt: sent(RETRACT_WINDOW_MS + 1), retractedAt: null, senderRole: 'staff' }, 1, at), { ok: false, error: 'too-late' });
    assert.equal(mayStillRetract(sent(0), at), true);
  });
  it('finds nothing for another account, a guardian, a retracted or a missing message', () => {
    const notFound = { ok: false, error: 'not-found' };
    assert.deepEqual(retractRule({ senderAccountId: 1, sentAt: sent(0), retractedAt: null, senderRole: 'staff' }, 2, at), notFound);
    assert.deepEqual(retractRule({ senderAccountId: 1, sentAt: sent(0), retractedAt: null, senderRole: 'guardian' }, 1, at), notFound);
    assert.deepEqual(retractRule({ senderAccountId: 1, sentAt: sent(0), retractedAt: sent(0), senderRole: 'staff' }, 1, at), notFound);
    assert.deepEqual(retractRule(undefined, 1, at), notFound);
  });
});
