// Retention of messages: a thread about a child goes, with its messages and who got them, once the municipality's
// period after the child's last placement has passed; a thread about a child still placed and a bulletin stay.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { addMessage, addParticipants, addRecipients, createThread } from '../../server/messages/queries.ts';
import { saveRetentionPeriods } from '../../server/privacy/queries.ts';
import { runRetention } from '../../server/privacy/retention.ts';

describe('retention of messages', () => {
  let t: TestApp;
  let demo: number;
  const threads: Record<'linnea' | 'elsa' | 'bulletin', number> = { linnea: 0, elsa: 0, bulletin: 0 };
  const accountOf = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

  before(async () => {
    t = await startTestApp();
    demo = await municipalityId(t.db, 'Demokommun');
    const linnea = await personId(t.db, 'Linnea', 'Slutberg'); // left Blåbär on 31 October 2026
    const elsa = await personId(t.db, 'Elsa', 'Andersson'); // still in Blåbär
    const teacher = await accountOf('pedagog');
    const mother = await accountOf('vardnadshavare');
    const at = new Date('2026-10-20T09:00:00Z');
    const thread = async (subject: string, about: { childId?: number; groupId?: number }) => {
      const id = await createThread(t.db, { municipalityId: demo, subject, kind: about.childId ? 'direct' : 'bulletin', ...about, urgent: false, sensitive: false, by: teacher, at });
      await addParticipants(t.db, id, [{ accountId: teacher, role: 'staff' }, { accountId: mother, role: 'guardian' }]);
      await addRecipients(t.db, await addMessage(t.db, { threadId: id, senderAccountId: teacher, body: subject, at }), [mother]);
      return id;
    };
    threads.linnea = await thread('Om Linnea', { childId: linnea });
    threads.elsa = await thread('Om Elsa', { childId: elsa });
    threads.bulletin = await thread('Till alla i Blåbär', { groupId: await groupId(t.db, 'Blåbär') });
  });
  after(() => t.close());

  const left = async () => {
    const ids = Object.values(threads);
    return {
      threads: (await t.db.selectFrom('message_threads').select('id').where('id', 'in', ids).orderBy('id').execute()).map((r) => r.id),
      messages: (await t.db.selectFrom('messages').select('thread_id').where('thread_id', 'in', ids).execute()).length,
      participants: (await t.db.selectFrom('message_participants').select('thread_id').where('thread_id', 'in', ids).execute()).length,
      recipients: (await t.db.selectFrom('message_recipients').innerJoin('messages', 'messages.id', 'message_recipients.message_id')
        .select('message_recipients.account_id').where('messages.thread_id', 'in', ids).execute()).length,
    };
  };

  it('keeps every thread within the period, and removes the one about the child who left after it', async () => {
    await saveRetentionPeriods(t.db, demo, { months: new Map([['messages', 1]]) }, 1, new Date());
    await runRetention(t.db, PERSONAL_DATA, '2026-11-30');
    assert.deepEqual(await left(), { threads: [threads.linnea, threads.elsa, threads.bulletin], messages: 3, participants: 6, recipients: 3 }, 'the last day of the month');
    await runRetention(t.db, PERSONAL_DATA, '2026-12-01');
    assert.deepEqual(await left(), { threads: [threads.elsa, threads.bulletin], messages: 2, participants: 4, recipients: 2 }, 'the day after: Linnea’s thread and all of it');
  });
});
