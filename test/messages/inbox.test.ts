// The inbox: received, sent and archived threads, newest first, with how many are unread; a search in subjects and in
// the messages one sees (å, ä, ö and case alike); pages of 25; the demo's envelope for each household.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm } from '../support/app.ts';
import { messagesTest } from './support.ts';
import { addMessage, addParticipants, addRecipients, createThread } from '../../server/messages/queries.ts';
import { retractMessage } from '../../server/messages/retract.ts';
import { fanOut } from '../../server/messages/write.ts';

describe('the inbox', () => {
  const m = messagesTest();
  const { as, accountOf } = m;
  const subjects = (html: string) => [...html.matchAll(/<a href="\/messages\/\d+"><span dir="auto">([^<]+)<\/span>/g)].map((x) => x[1]);

  it('shows the demo: the mother the answer and the letter to everyone, the father his own word, neither the other’s', async () => {
    const mother = subjects((await (await as('vardnadshavare')).get('/messages')).text);
    assert.deepEqual(mother, ['Utflykt till skogen på torsdag', 'Hämtning på fredag']);
    const father = subjects((await (await as('vardnadshavare2')).get('/messages')).text);
    assert.deepEqual(father, ['Vantar', 'Utflykt till skogen på torsdag']);
    const teacher = await (await as('pedagog')).get('/messages');
    assert.deepEqual(subjects(teacher.text), ['Hämtning på fredag'], 'the teacher received only the question');
    const sent = subjects((await (await as('pedagog')).get('/messages?filter=sent')).text);
    assert.deepEqual(sent, ['Vantar', 'Utflykt till skogen på torsdag', 'Hämtning på fredag']);
    // whose word is the newest: the teacher's own answer is hers ("Du"), the mother sees the teacher's name
    const sentPage = (await (await as('pedagog')).get('/messages?filter=sent')).text;
    assert.match(sentPage, /Hämtning på fredag<\/span><\/a>\s*<br><span class="muted">Du · /);
    assert.match(sentPage, /aria-current="page">Skickade</);
    assert.match((await (await as('vardnadshavare')).get('/messages')).text, /Hämtning på fredag<\/span><\/a>\s*<br><span class="muted"><span dir="auto">Sara Holm<\/span> · /);
  });

  it('writes message times as the rest of Vardag: "tisdag 24 november 05:00" in Stockholm time, in the inbox and the thread', async () => {
    const mother = await as('vardnadshavare');
    const page = (await mother.get('/messages')).text;
    assert.match(page, /· tisdag 24 november 05:00/, 'the letter, sent 04:00 UTC');
    assert.match(page, /· måndag 23 november 10:00/, 'the teacher’s answer');
    assert.doesNotMatch(page, /nov\. 2026/);
    const thread = (await m.t.db.selectFrom('message_threads').select('id').where('subject', '=', 'Utflykt till skogen på torsdag').executeTakeFirstOrThrow()).id;
    assert.match((await mother.get(`/messages/${thread}`)).text, /, tisdag 24 november 05:00/);
  });

  it('counts the unread messages of each thread', async () => {
    const page = await (await as('vardnadshavare')).get('/messages');
    assert.match(page.text, /<li class="unread"><a href="\/messages\/\d+"><span dir="auto">Hämtning på fredag<\/span><\/a>[\s\S]*?1 oläst<\/span><\/li>/);
  });

  it('finds words in subjects and in the messages one sees, whatever the case and accents, and nothing in another’s', async () => {
    const mother = await as('vardnadshavare');
    assert.deepEqual(subjects((await mother.get('/messages?q=MATSÄCK')).text), ['Utflykt till skogen på torsdag']);
    assert.deepEqual(subjects((await mother.get('/messages?q=karin')).text), ['Hämtning på fredag']);
    assert.match((await mother.get('/messages?q=vante')).text, /Inga meddelanden hittades/, 'the father’s word is not hers to find');
    assert.deepEqual(subjects((await (await as('vardnadshavare2')).get('/messages?q=vante')).text), ['Vantar']);
  });

  it('answers a search with odd characters (a NUL, %, _, a backslash, brackets) without an error', async () => {
    const mother = await as('vardnadshavare');
    for (const q of ['\u0000', '%', '_', '\\', '[a-z]', '(', '.*', "' OR 1=1 --", 'x'.repeat(500)]) {
      const res = await mother.get(`/messages?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200, JSON.stringify(q));
      if (q !== '\u0000') assert.match(res.text, /Inga meddelanden hittades/, JSON.stringify(q)); // (a NUL alone is no search)
    }
  });

  it('pages 25 threads at a time, newest first', async () => {
    const emma = await accountOf('vardnadshavare');
    const sara = await accountOf('pedagog');
    const municipality = (await m.t.db.selectFrom('persons').select('municipality_id').where('id', '=', m.elsa).executeTakeFirstOrThrow()).municipality_id;
    for (let i = 1; i <= 30; i++) {
      const at = new Date(Date.UTC(2026, 10, 1, 8, i));
      const thread = await createThread(m.t.db, { municipalityId: municipality, subject: `Veckobrev ${i}`, kind: 'direct', childId: m.elsa, urgent: false, sensitive: false, by: sara, at });
      await addParticipants(m.t.db, thread, [{ accountId: sara, role: 'staff' }, { accountId: emma, role: 'guardian' }]);
      await addRecipients(m.t.db, await addMessage(m.t.db, { threadId: thread, senderAccountId: sara, body: 'Hej', at }), [emma]);
    }
    const mother = await as('vardnadshavare');
    const first = await mother.get('/messages');
    const onFirst = subjects(first.text);
    assert.equal(onFirst.length, 25);
    assert.deepEqual(onFirst.slice(0, 2), ['Utflykt till skogen på torsdag', 'Hämtning på fredag']);
    assert.equal(onFirst[2], 'Veckobrev 30');
    assert.match(first.text, /Sida 1 av 2/);
    assert.match(first.text, /href="\/messages\?page=2" rel="next"/);
    const second = subjects((await mother.get('/messages?page=2')).text);
    assert.deepEqual(second, ['Veckobrev 7', 'Veckobrev 6', 'Veckobrev 5', 'Veckobrev 4', 'Veckobrev 3', 'Veckobrev 2', 'Veckobrev 1']);
    assert.equal((await mother.get('/messages?page=99')).status, 200);
  });

  it('moves an archived thread to "Arkiverade" and a new message brings it back to the inbox', async () => {
    const mother = await as('vardnadshavare');
    const thread = (await m.t.db.selectFrom('message_threads').select('id').where('subject', '=', 'Hämtning på fredag').executeTakeFirstOrThrow()).id;
    await postForm(mother, `/messages/${thread}`, `/messages/${thread}/archive`);
    assert.ok(!subjects((await mother.get('/messages')).text).includes('Hämtning på fredag'));
    assert.deepEqual(subjects((await mother.get('/messages?filter=archived')).text), ['Hämtning på fredag']);
    const res = await postForm(await as('pedagog'), `/messages/${thread}`, `/messages/${thread}/replies`, { body: 'En sak till: ta med stövlar.' });
    assert.equal(res.status, 303);
    assert.ok(subjects((await mother.get('/messages')).text).includes('Hämtning på fredag'));
  });

  it('keeps each participant’s inbox columns as its messages say, through a fan-out run twice, a reply, a reading and a retraction', async () => {
    const db = m.t.db;
    const sara = await accountOf('pedagog');
    const emma = await accountOf('vardnadshavare');
    const letter = await db.selectFrom('message_threads').select(['municipality_id', 'group_id', 'unit_id']).where('subject', '=', 'Utflykt till skogen på torsdag').executeTakeFirstOrThrow();
    const at = m.t.clock.now();
    const bulletin = await createThread(db, { municipalityId: letter.municipality_id, subject: 'Kolumnerna', kind: 'bulletin', groupId: letter.group_id, unitId: letter.unit_id, urgent: false, sensitive: false, by: sara, at });
    await addParticipants(db, bulletin, [{ accountId: sara, role: 'staff' }]);
    const first = await addMessage(db, { threadId: bulletin, senderAccountId: sara, body: 'Hej alla', at });
    assert.ok((await fanOut(db, first)) > 1);
    assert.equal(await fanOut(db, first), 0, 'the second run reaches nobody');
    const mother = await as('vardnadshavare');
    assert.equal((await postForm(mother, `/messages/${bulletin}`, `/messages/${bulletin}/replies`, { body: 'Tack!' })).status, 303);
    await (await as('pedagog')).get(`/messages/${bulletin}`); // read by the teacher
    const second = await addMessage(db, { threadId: bulletin, senderAccountId: sara, body: 'Fel, glöm det', at: m.t.clock.now() });
    await addRecipients(db, second, [emma]);
    const entry = async () => /<li[^>]*><a href="\/messages\/\d+"><span dir="auto">Kolumnerna<\/span>[\s\S]*?<\/li>/.exec((await mother.get('/messages')).text)?.[0] ?? '';
    assert.match(await entry(), /1 oläst/);
    assert.deepEqual(await retractMessage(db, { threadId: bulletin, messageId: second, accountId: sara, at: m.t.clock.now() }), { ok: true });
    assert.doesNotMatch(await entry(), /oläst/, 'the message taken back is no longer unread');

    const [participants, messages, recipients] = await Promise.all([
      db.selectFrom('message_participants').selectAll().execute(),
      db.selectFrom('messages').select(['id', 'thread_id', 'sender_account_id', 'sent_at', 'retracted_at']).execute(),
      db.selectFrom('message_recipients').select(['message_id', 'account_id', 'read_at']).execute(),
    ]);
    assert.ok(participants.length > 20);
    for (const p of participants) {
      const ofThread = messages.filter((x) => x.thread_id === p.thread_id);
      const to = (x: { id: number }) => recipients.find((r) => r.message_id === x.id && r.account_id === p.account_id);
      const seen = ofThread.filter((x) => x.sender_account_id === p.account_id || to(x))
        .sort((a, b) => a.sent_at.localeCompare(b.sent_at) || a.id - b.id);
      const expected = {
        last_message_at: seen.at(-1)?.sent_at ?? null, last_sender_account_id: seen.at(-1)?.sender_account_id ?? null,
        unread_count: ofThread.filter((x) => x.retracted_at === null && to(x)?.read_at === null).length,
        has_received: ofThread.some((x) => to(x)) ? 1 : 0, has_sent: ofThread.some((x) => x.sender_account_id === p.account_id) ? 1 : 0,
      };
      const kept = {
        last_message_at: p.last_message_at, last_sender_account_id: p.last_sender_account_id, unread_count: Number(p.unread_count),
        has_received: Number(p.has_received), has_sent: Number(p.has_sent),
      };
      assert.deepEqual(kept, expected, `thread ${p.thread_id}, account ${p.account_id}`);
    }
  });

  it('counts two messages sent at once in one thread, each way (PostgreSQL: no deadlock, no lost count)', async () => {
    const db = m.t.db;
    const sara = await accountOf('pedagog');
    const emma = await accountOf('vardnadshavare');
    const municipality = (await db.selectFrom('persons').select('municipality_id').where('id', '=', m.elsa).executeTakeFirstOrThrow()).municipality_id;
    const at = m.t.clock.now();
    const thread = await createThread(db, { municipalityId: municipality, subject: 'Samtidigt', kind: 'direct', childId: m.elsa, urgent: false, sensitive: false, by: sara, at });
    await addParticipants(db, thread, [{ accountId: sara, role: 'staff' }, { accountId: emma, role: 'guardian' }]);
    const send = (from: number, to: number, round: number) => db.transaction().execute(async (trx) => {
      await addRecipients(trx, await addMessage(trx, { threadId: thread, senderAccountId: from, body: `${round}`, at: new Date(at.getTime() + round) }), [to]);
    });
    for (let round = 0; round < 5; round++) await Promise.all([send(sara, emma, round * 2), send(emma, sara, round * 2 + 1)]);
    const rows = await db.selectFrom('message_participants').select(['account_id', 'unread_count', 'has_sent', 'has_received']).where('thread_id', '=', thread).orderBy('account_id').execute();
    assert.deepEqual(rows.map((r) => [r.account_id, Number(r.unread_count), Number(r.has_sent), Number(r.has_received)]),
      [[sara, 5, 1, 1], [emma, 5, 1, 1]].sort((a, b) => a[0] - b[0]));
  });
});
