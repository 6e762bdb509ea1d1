// The write path of messages: a form sent twice makes one message (its send key), a reply reaches only those who may
// still take part (custody, placement, work in the group), a thread whose first message was taken back still reaches
// the other side, and nobody who may not write there makes the server decode a file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { attachmentFolder } from '../../server/messages/attachments.ts';
import { MESSAGE_FANOUT_JOB, registerMessageJobs } from '../../server/messages/write.ts';
import { csrfFrom, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';

const sendKeyFrom = (html: string): string => {
  const key = /name="sendKey" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(key, 'the form carries a send key');
  return key;
};
const threadIdOf = (location: string | undefined): number => Number(/\/messages\/([0-9]+)/.exec(location ?? '')?.[1]);

/** Every file under the attachments' folder (what a decoded, stored attachment leaves). */
function storedFiles(t: TestApp): string[] {
  const root = attachmentFolder(t.dir);
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => fs.statSync(path.join(root, name)).isFile());
}

/** The app and a job runner with the messages' fan-out, for one describe block: started before its tests, stopped after. */
function harnessWithRunner() {
  const h = Object.assign(harness(), { runner: undefined as unknown as JobRunner });
  before(async () => {
    h.t = await startTestApp();
    h.runner = new JobRunner({ db: h.t.db, clock: h.t.clock });
    registerMessageJobs(h.runner, { db: h.t.db });
  });
  after(async () => {
    await h.runner.stop();
    await h.t.close();
  });
  return h;
}

function harness() {
  const h = {
    t: undefined as unknown as TestApp,
    agents: new Map<string, Agent>(),
    async as(name: string): Promise<Agent> {
      if (!h.agents.has(name)) h.agents.set(name, await signIn(h.t.app, name));
      return h.agents.get(name)!;
    },
    async accountOf(username: string): Promise<number> {
      return (await h.t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
    },
    async personOf(username: string): Promise<number> {
      return (await h.t.db.selectFrom('accounts').select('person_id').where('username', '=', username).executeTakeFirstOrThrow()).person_id;
    },
    async recipientsOf(messageId: number): Promise<number[]> {
      return (await h.t.db.selectFrom('message_recipients').select('account_id').where('message_id', '=', messageId).orderBy('account_id').execute())
        .map((r) => r.account_id);
    },
    async messagesOf(threadId: number) {
      return h.t.db.selectFrom('messages').select(['id', 'sender_account_id', 'body', 'retracted_at']).where('thread_id', '=', threadId).orderBy('id').execute();
    },
    /** pedagog writes to both of Elsa's guardians: the thread's id. */
    async teacherWritesToElsasHome(subject: string): Promise<number> {
      const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
      const teacher = await h.as('pedagog');
      const form = await teacher.get(`/children/${elsa}/messages/new`);
      const res = await teacher.post(`/children/${elsa}/messages`).type('form')
        .send({ _csrf: csrfFrom(form.text), sendKey: sendKeyFrom(form.text), to: 'guardians', subject, body: `${subject}: första meddelandet.` });
      assert.equal(res.status, 303, res.text);
      return threadIdOf(res.headers.location);
    },
    async reply(username: string, threadId: number, body: string, key?: string) {
      const agent = await h.as(username);
      const page = await agent.get(`/messages/${threadId}`);
      return agent.post(`/messages/${threadId}/replies`).type('form').send({ _csrf: csrfFrom(page.text), sendKey: key ?? '', body });
    },
  };
  return h;
}

describe('a form sent twice makes one message', () => {
  const h = harnessWithRunner();

  it('gives each form shown a new random key', async () => {
    const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    const teacher = await h.as('pedagog');
    const [a, b] = [sendKeyFrom((await teacher.get(`/children/${elsa}/messages/new`)).text), sendKeyFrom((await teacher.get(`/children/${elsa}/messages/new`)).text)];
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9_-]{16,64}$/);
  });

  it('a new message sent again with its key: the same thread, no second message', async () => {
    const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    const teacher = await h.as('pedagog');
    const form = await teacher.get(`/children/${elsa}/messages/new`);
    const fields = { _csrf: csrfFrom(form.text), sendKey: sendKeyFrom(form.text), to: 'guardians', subject: 'Dubbelklick', body: 'Skickad två gånger.' };
    const first = await teacher.post(`/children/${elsa}/messages`).type('form').send(fields);
    const second = await teacher.post(`/children/${elsa}/messages`).type('form').send(fields);
    assert.equal(first.status, 303);
    assert.equal(second.status, 303);
    assert.equal(second.headers.location, first.headers.location, 'the second goes to what the first made');
    const threads = await h.t.db.selectFrom('message_threads').select('id').where('subject', '=', 'Dubbelklick').execute();
    assert.equal(threads.length, 1);
    assert.equal((await h.messagesOf(threads[0].id)).length, 1);
    const emma = await h.accountOf('vardnadshavare');
    const told = await h.t.db.selectFrom('notifications').select('id').where('account_id', '=', emma).where('url', '=', `/messages/${threads[0].id}`).execute();
    assert.equal(told.length, 1, 'Emma is told once');
  });

  it('a reply sent again with its key is stored once; another key makes another reply', async () => {
    const threadId = await h.teacherWritesToElsasHome('Svar två gånger');
    const page = await (await h.as('vardnadshavare')).get(`/messages/${threadId}`);
    const key = sendKeyFrom(page.text);
    const first = await h.reply('vardnadshavare', threadId, 'Tack!', key);
    const second = await h.reply('vardnadshavare', threadId, 'Tack!', key);
    assert.equal(first.status, 303);
    assert.equal(second.status, 303);
    assert.equal(second.headers.location, first.headers.location);
    assert.equal((await h.messagesOf(threadId)).length, 2, 'the first message and one reply');
    assert.equal((await h.reply('vardnadshavare', threadId, 'Tack igen!', sendKeyFrom(page.text).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).status, 303);
    assert.equal((await h.messagesOf(threadId)).length, 3);
  });

  it('a bulletin sent twice at the same moment: one thread, one fan-out job', async () => {
    const blabar = await groupId(h.t.db, 'Blåbär');
    const teacher = await h.as('pedagog');
    const form = await teacher.get(`/groups/${blabar}/bulletins/new`);
    const fields = { _csrf: csrfFrom(form.text), sendKey: sendKeyFrom(form.text), subject: 'Samtidigt', body: 'Två klick på en gång.' };
    const jobsBefore = (await h.t.db.selectFrom('jobs').select('id').where('kind', '=', MESSAGE_FANOUT_JOB).execute()).length;
    const [a, b] = await Promise.all([
      teacher.post(`/groups/${blabar}/bulletins`).type('form').send(fields),
      teacher.post(`/groups/${blabar}/bulletins`).type('form').send(fields),
    ]);
    assert.deepEqual([a.status, b.status], [303, 303], `${a.text}\n${b.text}`);
    assert.equal(a.headers.location, b.headers.location);
    assert.equal((await h.t.db.selectFrom('message_threads').select('id').where('subject', '=', 'Samtidigt').execute()).length, 1);
    const jobs = await h.t.db.selectFrom('jobs').select('id').where('kind', '=', MESSAGE_FANOUT_JOB).execute();
    assert.equal(jobs.length, jobsBefore + 1, 'one fan-out');
  });

  it('a new message sent three times at once about a child: one thread', async () => {
    const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    const guardian = await h.as('vardnadshavare');
    const blabar = await groupId(h.t.db, 'Blåbär');
    const form = await guardian.get(`/children/${elsa}/messages/new`);
    const fields = { _csrf: csrfFrom(form.text), sendKey: sendKeyFrom(form.text), to: `group:${blabar}`, subject: 'Tre gånger', body: 'Hej' };
    const answers = await Promise.all([1, 2, 3].map(() => guardian.post(`/children/${elsa}/messages`).type('form').send(fields)));
    assert.deepEqual(answers.map((r) => r.status), [303, 303, 303]);
    assert.equal(new Set(answers.map((r) => r.headers.location)).size, 1);
    assert.equal((await h.t.db.selectFrom('message_threads').select('id').where('subject', '=', 'Tre gånger').execute()).length, 1);
  });
});

describe('who a reply reaches is checked again', () => {
  const h = harnessWithRunner();

  it('a guardian whose custody ended: keeps what was sent, gets nothing new, may not reply', async () => {
    const threadId = await h.teacherWritesToElsasHome('Vårdnad');
    const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    const [emma, johan] = [await h.accountOf('vardnadshavare'), await h.accountOf('vardnadshavare2')];
    await h.t.db.deleteFrom('guardianships').where('child_id', '=', elsa).where('guardian_id', '=', await h.personOf('vardnadshavare2')).execute();

    const sent = await h.reply('pedagog', threadId, 'Ny information om hämtningen.');
    assert.equal(sent.status, 303, sent.text);
    const [, replyMessage] = await h.messagesOf(threadId);
    assert.deepEqual(await h.recipientsOf(replyMessage.id), [emma], 'only Emma: Johan is no longer her guardian');

    const johanAgent = await h.as('vardnadshavare2');
    const page = await johanAgent.get(`/messages/${threadId}`);
    assert.equal(page.status, 200, 'what Johan was sent stays his to read');
    assert.match(page.text, /Vårdnad: första meddelandet\./);
    assert.doesNotMatch(page.text, /Ny information om hämtningen/);
    assert.doesNotMatch(page.text, /action="\/messages\/[0-9]+\/replies"/, 'no reply form');
    assert.match(page.text, /Du kan inte längre skriva i den här tråden/);
    const refused = await johanAgent.post(`/messages/${threadId}/replies`).type('form').send({ _csrf: csrfFrom(page.text), body: 'Hallå?' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /Du kan inte längre skriva i den här tråden/);
    assert.equal((await h.messagesOf(threadId)).length, 2, 'nothing stored');
    assert.equal((await h.reply('vardnadshavare', threadId, 'Tack.')).status, 303, 'Emma still may');
    const last = (await h.messagesOf(threadId)).at(-1)!;
    assert.ok(!(await h.recipientsOf(last.id)).includes(johan));
  });

  it('staff who no longer work in the group: not reached, may not reply', async () => {
    const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    const blabar = await groupId(h.t.db, 'Blåbär');
    // A second teacher in Blåbär for a while (Ali of Lingon), so that someone is left when the first one leaves.
    const { unit_id } = await h.t.db.selectFrom('groups').select('unit_id').where('id', '=', blabar).executeTakeFirstOrThrow();
    const { id: aliInBlabar } = await h.t.db.insertInto('staff_assignments').values({
      person_id: await h.personOf('pedagog2'), unit_id, group_id: blabar, role: 'staff', start_date: null, end_date: null,
    }).returning('id').executeTakeFirstOrThrow();
    const guardian = await h.as('vardnadshavare');
    const form = await guardian.get(`/children/${elsa}/messages/new`);
    const res = await guardian.post(`/children/${elsa}/messages`).type('form')
      .send({ _csrf: csrfFrom(form.text), sendKey: sendKeyFrom(form.text), to: `group:${blabar}`, subject: 'Personalen', body: 'Till Blåbärs personal.' });
    assert.equal(res.status, 303, res.text);
    const threadId = threadIdOf(res.headers.location);
    const teacher = await h.accountOf('pedagog');
    const [first] = await h.messagesOf(threadId);
    assert.ok((await h.recipientsOf(first.id)).includes(teacher));
    await h.t.db.updateTable('staff_assignments').set({ end_date: '2026-11-23' })
      .where('person_id', '=', await h.personOf('pedagog')).where('group_id', '=', blabar).execute();

    assert.equal((await h.reply('vardnadshavare', threadId, 'Glömde en sak.')).status, 303);
    const last = (await h.messagesOf(threadId)).at(-1)!;
    const reached = await h.recipientsOf(last.id);
    assert.ok(!reached.includes(teacher), 'not the teacher who left');
    assert.deepEqual(reached, [await h.accountOf('pedagog2')], 'the teacher still there');
    const refused = await h.reply('pedagog', threadId, 'Jag svarar ändå.');
    assert.equal(refused.status, 400);
    assert.equal((await h.messagesOf(threadId)).length, 2);

    // Once no staff of the group are left in the thread, the family is told to write anew, and nothing is stored.
    await h.t.db.deleteFrom('staff_assignments').where('id', '=', aliInBlabar).execute();
    const nobody = await h.reply('vardnadshavare', threadId, 'Är det någon där?');
    assert.equal(nobody.status, 400);
    assert.match(nobody.text, /Det finns ingen kvar i tråden som svaret kan nå/);
    assert.equal((await h.messagesOf(threadId)).length, 2);
    // Elsa is placed in Humlan of another preschool too (Sara's group there): the thread belongs to Solrosen, so the
    // family's reply does not go to Humlan's staff; with nobody left at Solrosen it is refused.
    const humlan = await groupId(h.t.db, 'Humlan');
    const { id: elsaInHumlan } = await h.t.db.insertInto('placements').values({
      child_id: elsa, group_id: humlan, start_date: '2026-01-01', end_date: null, hour_limit: 'none',
    }).returning('id').executeTakeFirstOrThrow();
    const elsewhere = await h.reply('vardnadshavare', threadId, 'Hallå igen?');
    assert.equal(elsewhere.status, 400);
    assert.equal((await h.messagesOf(threadId)).length, 2, 'nothing stored, nobody at Humlan reached');
    // ...nor when she has left Blåbär for Humlan: that is another unit's staff
    const inBlabar = await h.t.db.selectFrom('placements').select(['id', 'end_date']).where('child_id', '=', elsa).where('group_id', '=', blabar).executeTakeFirstOrThrow();
    await h.t.db.updateTable('placements').set({ end_date: '2026-01-01' }).where('id', '=', inBlabar.id).execute();
    assert.equal((await h.reply('vardnadshavare', threadId, 'Vi har flyttat.')).status, 400);
    assert.equal((await h.messagesOf(threadId)).length, 2);
    await h.t.db.updateTable('placements').set({ end_date: inBlabar.end_date }).where('id', '=', inBlabar.id).execute();
    await h.t.db.deleteFrom('placements').where('id', '=', elsaInHumlan).execute();

    // A new teacher in Blåbär (Sara of Vitsippan) who was never in the thread: the family's reply reaches her, and she
    // joins the thread (reads it, may answer); the teacher who left still does not get it.
    const { id: saraInBlabar } = await h.t.db.insertInto('staff_assignments').values({
      person_id: await h.personOf('pedagog3'), unit_id, group_id: blabar, role: 'staff', start_date: null, end_date: null,
    }).returning('id').executeTakeFirstOrThrow();
    const sara = await h.accountOf('pedagog3');
    assert.equal((await h.reply('vardnadshavare', threadId, 'Är det någon där nu?')).status, 303);
    const toSara = (await h.messagesOf(threadId)).at(-1)!;
    assert.equal(toSara.body, 'Är det någon där nu?');
    assert.deepEqual(await h.recipientsOf(toSara.id), [sara]);
    const saraAgent = await h.as('pedagog3');
    const saraPage = await saraAgent.get(`/messages/${threadId}`);
    assert.equal(saraPage.status, 200);
    assert.match(saraPage.text, /Är det någon där nu\?/);
    assert.doesNotMatch(saraPage.text, /Glömde en sak/, 'what was sent before she joined stays with those it was sent to');
    assert.equal((await h.reply('pedagog3', threadId, 'Ja, jag är ny på Blåbär.')).status, 303);
    assert.deepEqual(await h.recipientsOf((await h.messagesOf(threadId)).at(-1)!.id), [await h.accountOf('vardnadshavare')]);
    await h.t.db.deleteFrom('staff_assignments').where('id', '=', saraInBlabar).execute();

    await h.t.db.updateTable('staff_assignments').set({ end_date: null })
      .where('person_id', '=', await h.personOf('pedagog')).where('group_id', '=', blabar).execute();
  });

  it('a bulletin: the guardians of a child who left the group get no reply and may not reply', async () => {
    const blabar = await groupId(h.t.db, 'Blåbär');
    const teacher = await h.as('pedagog');
    const form = await teacher.get(`/groups/${blabar}/bulletins/new`);
    const res = await teacher.post(`/groups/${blabar}/bulletins`).type('form')
      .send({ _csrf: csrfFrom(form.text), sendKey: sendKeyFrom(form.text), subject: 'Lucia', body: 'Luciafirande på fredag.' });
    assert.equal(res.status, 303, res.text);
    const threadId = threadIdOf(res.headers.location);
    await h.runner.runDue();
    const karim = await h.accountOf('vardnadshavare3');
    const [first] = await h.messagesOf(threadId);
    assert.ok((await h.recipientsOf(first.id)).includes(karim));
    const nora = await h.t.db.selectFrom('guardianships').select('child_id').where('guardian_id', '=', await h.personOf('vardnadshavare3')).execute();
    await h.t.db.updateTable('placements').set({ end_date: '2026-11-23' }).where('group_id', '=', blabar).where('child_id', 'in', nora.map((n) => n.child_id)).execute();

    assert.equal((await h.reply('pedagog', threadId, 'Glöm inte ljus.')).status, 303);
    const last = (await h.messagesOf(threadId)).at(-1)!;
    const reached = await h.recipientsOf(last.id);
    assert.ok(reached.includes(await h.accountOf('vardnadshavare')), 'a family still in the group');
    assert.ok(!reached.includes(karim), 'not the family whose child left');
    assert.equal((await h.reply('vardnadshavare3', threadId, 'Vi kommer ändå!')).status, 400);
    const page = await (await h.as('vardnadshavare3')).get(`/messages/${threadId}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Luciafirande på fredag/);
  });
  it('a teacher who left the group but is a parent there now: a family’s bulletin reply (for staff) reaches her no more', async () => {
    const blabar = await groupId(h.t.db, 'Blåbär');
    const { unit_id } = await h.t.db.selectFrom('groups').select('unit_id').where('id', '=', blabar).executeTakeFirstOrThrow();
    const ali = await h.personOf('pedagog2');
    const { id: assignment } = await h.t.db.insertInto('staff_assignments').values({
      person_id: ali, unit_id, group_id: blabar, role: 'staff', start_date: null, end_date: null,
    }).returning('id').executeTakeFirstOrThrow();
    const { id: custody } = await h.t.db.insertInto('guardianships').values({
      guardian_id: ali, child_id: await personId(h.t.db, 'Elsa', 'Andersson'), other_household: 1,
    }).returning('id').executeTakeFirstOrThrow();
    const teacher = await h.as('pedagog');
    const form = await teacher.get(`/groups/${blabar}/bulletins/new`);
    const res = await teacher.post(`/groups/${blabar}/bulletins`).type('form')
      .send({ _csrf: csrfFrom(form.text), sendKey: sendKeyFrom(form.text), subject: 'Julfest', body: 'Julfest på torsdag.' });
    const threadId = threadIdOf(res.headers.location);
    await h.runner.runDue();
    const aliAccount = await h.accountOf('pedagog2');
    const joined = await h.t.db.selectFrom('message_participants').select('role')
      .where('thread_id', '=', threadId).where('account_id', '=', aliAccount).executeTakeFirstOrThrow();
    assert.equal(joined.role, 'staff', 'she joined as staff');
    await h.t.db.updateTable('staff_assignments').set({ end_date: '2026-11-23' }).where('id', '=', assignment).execute();

    assert.equal((await h.reply('vardnadshavare', threadId, 'Vi tar med pepparkakor.')).status, 303);
    const reached = await h.recipientsOf((await h.messagesOf(threadId)).at(-1)!.id);
    assert.ok(reached.includes(await h.accountOf('pedagog')), 'the staff');
    assert.ok(!reached.includes(aliAccount), 'not another family, though she once took part as staff');
    await h.t.db.deleteFrom('guardianships').where('id', '=', custody).execute();
    await h.t.db.deleteFrom('staff_assignments').where('id', '=', assignment).execute();
  });
});

describe('a thread whose first message was taken back', () => {
  const h = harnessWithRunner();

  const retract = async (threadId: number, messageId: number) => {
    const teacher = await h.as('pedagog');
    const page = await teacher.get(`/messages/${threadId}`);
    return teacher.post(`/messages/${threadId}/messages/${messageId}/retract`).type('form').send({ _csrf: csrfFrom(page.text) });
  };

  it('a reply does not bring back those it was taken back from: the writer is told to write anew, nothing stored', async () => {
    // Taken back because it reached the wrong home: a reply in the same thread must not reach that home after all.
    const threadId = await h.teacherWritesToElsasHome('Rättelse');
    const [first] = await h.messagesOf(threadId);
    assert.equal((await retract(threadId, first.id)).status, 303);
    assert.equal((await (await h.as('vardnadshavare')).get(`/messages/${threadId}`)).status, 404, 'gone for the family');

    const res = await h.reply('pedagog', threadId, 'Rätt tid är 15.30.');
    assert.equal(res.status, 400);
    assert.match(res.text, /Det finns ingen kvar i tråden som svaret kan nå\. Skriv ett nytt meddelande i stället\./);
    assert.match(res.text, /Rätt tid är 15\.30\./, 'the reply comes back in the form');
    assert.deepEqual((await h.messagesOf(threadId)).map((m) => m.id), [first.id], 'nothing stored');
    for (const name of ['vardnadshavare', 'vardnadshavare2']) {
      assert.equal((await (await h.as(name)).get(`/messages/${threadId}`)).status, 404, name);
    }
  });

  it('a bulletin taken back before it went out: the staff’s reply goes out to the group', async () => {
    const blabar = await groupId(h.t.db, 'Blåbär');
    const teacher = await h.as('pedagog');
    const form = await teacher.get(`/groups/${blabar}/bulletins/new`);
    const res = await teacher.post(`/groups/${blabar}/bulletins`).type('form')
      .send({ _csrf: csrfFrom(form.text), sendKey: sendKeyFrom(form.text), subject: 'Fel datum', body: 'Utflykt tisdag.' });
    const threadId = threadIdOf(res.headers.location);
    const [first] = await h.messagesOf(threadId);
    assert.equal((await retract(threadId, first.id)).status, 303);
    await h.runner.runDue();
    assert.deepEqual(await h.recipientsOf(first.id), [], 'taken back before the fan-out');

    assert.equal((await h.reply('pedagog', threadId, 'Utflykt onsdag.')).status, 303);
    await h.runner.runDue();
    const reply = (await h.messagesOf(threadId)).at(-1)!;
    const reached = await h.recipientsOf(reply.id);
    for (const name of ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3']) assert.ok(reached.includes(await h.accountOf(name)), name);
    const page = await (await h.as('vardnadshavare3')).get(`/messages/${threadId}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Utflykt onsdag\./);
  });
});

describe('files are checked only after the access check', () => {
  const h = harness();
  let photo: Buffer;
  before(async () => {
    h.t = await startTestApp();
    photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
  });
  after(() => h.t.close());

  it('a stranger to the thread, a guardian of another child, a former guardian: nothing decoded or stored', async () => {
    // (the demo's information letter keeps a PDF in the same folder: only what this test adds counts)
    const demoFiles = new Set(storedFiles(h.t));
    const added = () => storedFiles(h.t).filter((name) => !demoFiles.has(name));
    const threadId = await h.teacherWritesToElsasHome('Bilagor');
    assert.deepEqual(added(), []);
    const stranger = await h.as('pedagog3');
    const res = await stranger.post(`/messages/${threadId}/replies`).field('_csrf', csrfFrom((await stranger.get('/')).text))
      .field('body', 'Hej').attach('attachments', photo, 'bild.png');
    assert.equal(res.status, 404);
    assert.deepEqual(added(), [], 'not decoded for someone outside the thread');

    const nora = await personId(h.t.db, 'Nora', 'Haddad');
    const emmaAgent = await h.as('vardnadshavare');
    const other = await emmaAgent.post(`/children/${nora}/messages`).field('_csrf', csrfFrom((await emmaAgent.get('/')).text))
      .field('subject', 'Hej').field('body', 'Hej').field('to', 'guardians').attach('attachments', photo, 'bild.png');
    assert.equal(other.status, 404, 'Emma writes nothing about a child not hers');
    assert.deepEqual(added(), []);

    const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    await h.t.db.deleteFrom('guardianships').where('child_id', '=', elsa).where('guardian_id', '=', await h.personOf('vardnadshavare2')).execute();
    const johan = await h.as('vardnadshavare2');
    const page = await johan.get(`/messages/${threadId}`);
    const former = await johan.post(`/messages/${threadId}/replies`).field('_csrf', csrfFrom(page.text))
      .field('body', 'Hej').attach('attachments', photo, 'bild.png');
    assert.equal(former.status, 400);
    assert.deepEqual(added(), [], 'not decoded for someone who may no longer write there');

    const emma = await h.as('vardnadshavare');
    const allowed = await emma.post(`/messages/${threadId}/replies`).field('_csrf', csrfFrom((await emma.get(`/messages/${threadId}`)).text))
      .field('body', 'Här är bilden').attach('attachments', photo, 'bild.png');
    assert.equal(allowed.status, 303, allowed.text);
    assert.equal(added().length, 1, 'decoded and stored for one who may write');
  });
});
