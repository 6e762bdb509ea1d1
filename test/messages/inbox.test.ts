// The inbox: received, sent and archived threads, newest first, with how many are unread; a search in subjects and in
// the messages one sees (å, ä, ö and case alike); pages of 25; the demo's envelope for each household.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, type Agent, type TestApp, startTestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { addMessage, addParticipants, addRecipients, createThread } from '../../server/messages/queries.ts';

describe('the inbox', () => {
  let t: TestApp;
  let elsa: number;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const accountOf = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const subjects = (html: string) => [...html.matchAll(/<a href="\/messages\/\d+"><span dir="auto">([^<]+)<\/span>/g)].map((m) => m[1]);

  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
  });
  after(() => t.close());

  it('shows the demo: the mother the answer and the letter to everyone, the father his own word, neither the other’s', async () => {
    const mother = subjects((await (await as('vardnadshavare')).get('/messages')).text);
    assert.deepEqual(mother, ['Utflykt till skogen på torsdag', 'Hämtning på fredag']);
    const father = subjects((await (await as('vardnadshavare2')).get('/messages')).text);
    assert.deepEqual(father, ['Vantar', 'Utflykt till skogen på torsdag']);
    const teacher = await (await as('pedagog')).get('/messages');
    assert.deepEqual(subjects(teacher.text), ['Hämtning på fredag'], 'the teacher received only the question');
    const sent = subjects((await (await as('pedagog')).get('/messages?filter=sent')).text);
    assert.deepEqual(sent, ['Vantar', 'Utflykt till skogen på torsdag', 'Hämtning på fredag']);
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
    const municipality = (await t.db.selectFrom('persons').select('municipality_id').where('id', '=', elsa).executeTakeFirstOrThrow()).municipality_id;
    for (let i = 1; i <= 30; i++) {
      const at = new Date(Date.UTC(2026, 10, 1, 8, i));
      const thread = await createThread(t.db, { municipalityId: municipality, subject: `Veckobrev ${i}`, kind: 'direct', childId: elsa, urgent: false, sensitive: false, by: sara, at });
      await addParticipants(t.db, thread, [{ accountId: sara, role: 'staff' }, { accountId: emma, role: 'guardian' }]);
      await addRecipients(t.db, await addMessage(t.db, { threadId: thread, senderAccountId: sara, body: 'Hej', at }), [emma]);
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
    const thread = (await t.db.selectFrom('message_threads').select('id').where('subject', '=', 'Hämtning på fredag').executeTakeFirstOrThrow()).id;
    await postForm(mother, `/messages/${thread}`, `/messages/${thread}/archive`);
    assert.ok(!subjects((await mother.get('/messages')).text).includes('Hämtning på fredag'));
    assert.deepEqual(subjects((await mother.get('/messages?filter=archived')).text), ['Hämtning på fredag']);
    const res = await postForm(await as('pedagog'), `/messages/${thread}`, `/messages/${thread}/replies`, { body: 'En sak till: ta med stövlar.' });
    assert.equal(res.status, 303);
    assert.ok(subjects((await mother.get('/messages')).text).includes('Hämtning på fredag'));
  });
});
