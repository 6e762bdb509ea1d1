// Bulletins: Blåbär's teacher writes to every guardian of the group. The POST is accepted at once and a job fans the
// message out (safe to run twice); a guardian's reply reaches the staff only, never the other families.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, type Agent, type TestApp, startTestApp } from '../support/app.ts';
import { groupId, unitId } from '../support/demo.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { fanOut, MESSAGE_FANOUT_JOB, registerMessageJobs } from '../../server/messages/write.ts';

describe('bulletins to a group and a unit', () => {
  let t: TestApp;
  let blabar: number;
  let solrosen: number;
  let runner: JobRunner;
  let threadId: number;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const accountOf = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const recipientsOf = async (messageId: number) => (await t.db.selectFrom('message_recipients').select('account_id')
    .where('message_id', '=', messageId).orderBy('account_id').execute()).map((r) => r.account_id);

  before(async () => {
    t = await startTestApp();
    blabar = await groupId(t.db, 'Blåbär');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    runner = new JobRunner({ db: t.db, clock: t.clock });
    registerMessageJobs(runner, { db: t.db });
  });
  after(async () => {
    await runner.stop();
    await t.close();
  });

  it('is offered to the group’s staff only: another group’s teacher and a guardian do not find the form', async () => {
    assert.equal((await (await as('pedagog')).get(`/groups/${blabar}/bulletins/new`)).status, 200);
    assert.equal((await (await as('rektor')).get(`/groups/${blabar}/bulletins/new`)).status, 200);
    for (const name of ['pedagog2', 'pedagog3', 'vardnadshavare', 'rektor2']) {
      assert.equal((await (await as(name)).get(`/groups/${blabar}/bulletins/new`)).status, 404, name);
    }
    assert.equal((await (await as('pedagog')).get(`/units/${solrosen}/bulletins/new`)).status, 404, 'a unit’s bulletin is its head’s');
  });

  it('accepts the bulletin at once and queues one fan-out job; the guardians get it when the job has run', async () => {
    const pedagog = await as('pedagog');
    const res = await postForm(pedagog, `/groups/${blabar}/bulletins/new`, `/groups/${blabar}/bulletins`, {
      subject: 'Utflykt på torsdag', body: 'Vi går till skogen. Ta med matsäck.',
    });
    assert.equal(res.status, 303);
    threadId = Number(res.headers.location.split('/').pop());
    const message = await t.db.selectFrom('messages').select('id').where('thread_id', '=', threadId).executeTakeFirstOrThrow();
    const jobs = await t.db.selectFrom('jobs').select(['kind', 'payload']).where('kind', '=', MESSAGE_FANOUT_JOB).execute();
    assert.equal(jobs.length, 1);
    assert.deepEqual(JSON.parse(jobs[0].payload), { messageId: message.id });
    assert.deepEqual(await recipientsOf(message.id), [], 'nobody yet: the job delivers');
    assert.equal((await (await as('vardnadshavare')).get(`/messages/${threadId}`)).status, 404);

    assert.equal(await runner.runDue(), 1);
    const reached = await recipientsOf(message.id);
    for (const name of ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3']) assert.ok(reached.includes(await accountOf(name)), name);
    for (const name of ['pedagog', 'pedagog2', 'pedagog3']) assert.ok(!reached.includes(await accountOf(name)), name);
    const page = await (await as('vardnadshavare3')).get(`/messages/${threadId}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Vi går till skogen/);
    assert.match(page.text, /Ditt svar går bara till personalen/);
    assert.doesNotMatch(page.text, /Ditt svar går till alla/);
    const staff = await pedagog.get(`/messages/${threadId}`);
    assert.match(staff.text, /Ditt svar går till alla som fick utskicket, inte bara till den som skrev\./, 'staff are told their reply reaches every family');
    assert.match(staff.text, new RegExp(`Läst av 1 av ${reached.length}`));
  });

  it('delivers nothing twice when the job runs again', async () => {
    const message = await t.db.selectFrom('messages').select('id').where('thread_id', '=', threadId).executeTakeFirstOrThrow();
    const notifications = async () => (await t.db.selectFrom('notifications').select('id').where('url', '=', `/messages/${threadId}`).execute()).length;
    const before = { recipients: (await recipientsOf(message.id)).length, notifications: await notifications() };
    assert.equal(await fanOut(t.db, message.id), 0);
    await Promise.all([fanOut(t.db, message.id), fanOut(t.db, message.id)]);
    assert.deepEqual({ recipients: (await recipientsOf(message.id)).length, notifications: await notifications() }, before);
    assert.equal(before.notifications, before.recipients);
  });

  it('sends a guardian’s reply to the staff only: the other families never see it', async () => {
    const res = await postForm(await as('vardnadshavare'), `/messages/${threadId}`, `/messages/${threadId}/replies`, { body: 'Elsa är sjuk på torsdag.' });
    assert.equal(res.status, 303);
    const reply = await t.db.selectFrom('messages').select('id').where('thread_id', '=', threadId).orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual(await recipientsOf(reply.id), [await accountOf('pedagog')]);
    assert.doesNotMatch((await (await as('vardnadshavare3')).get(`/messages/${threadId}`)).text, /Elsa är sjuk/);
    assert.doesNotMatch((await (await as('vardnadshavare2')).get(`/messages/${threadId}`)).text, /Elsa är sjuk/);
    assert.match((await (await as('pedagog')).get(`/messages/${threadId}`)).text, /Elsa är sjuk/);
    assert.match((await (await as('vardnadshavare')).get(`/messages/${threadId}`)).text, /Elsa är sjuk/, 'the writer sees their own');
  });

  it('lets the unit’s head write to every guardian of the unit', async () => {
    const rektor = await as('rektor');
    const res = await postForm(rektor, `/units/${solrosen}/bulletins/new`, `/units/${solrosen}/bulletins`, {
      subject: 'Stängt på fredag', body: 'Förskolan har planeringsdag.', urgent: '1',
    });
    assert.equal(res.status, 303);
    const id = Number(res.headers.location.split('/').pop());
    assert.equal((await t.db.selectFrom('message_threads').select('urgent').where('id', '=', id).executeTakeFirstOrThrow()).urgent, 1);
    await runner.runDue();
    const message = await t.db.selectFrom('messages').select('id').where('thread_id', '=', id).executeTakeFirstOrThrow();
    const reached = await recipientsOf(message.id);
    for (const name of ['vardnadshavare', 'vardnadshavare3', 'pedagog', 'pedagog2']) assert.ok(reached.includes(await accountOf(name)), name);
    assert.ok(!reached.includes(await accountOf('pedagog3')));
    const n = await t.db.selectFrom('notifications').select('kind').where('url', '=', `/messages/${id}`).where('account_id', '=', await accountOf('vardnadshavare')).executeTakeFirstOrThrow();
    assert.equal(n.kind, 'messageUrgent');
  });

  it('refuses an empty bulletin at its fields and queues nothing', async () => {
    const jobs = (await t.db.selectFrom('jobs').select('id').execute()).length;
    const res = await postForm(await as('pedagog'), `/groups/${blabar}/bulletins/new`, `/groups/${blabar}/bulletins`, { subject: '', body: '' });
    assert.equal(res.status, 400);
    assert.match(res.text, /Skriv ett ämne/);
    assert.match(res.text, /Skriv ett meddelande/);
    assert.equal((await t.db.selectFrom('jobs').select('id').execute()).length, jobs);
  });
  it('reaches nobody when its sender took it back before the fan-out ran', async () => {
    const pedagog = await as('pedagog');
    const res = await postForm(pedagog, `/groups/${blabar}/bulletins/new`, `/groups/${blabar}/bulletins`, {
      subject: 'Fel datum', body: 'Utflykten är på fredag.',
    });
    assert.equal(res.status, 303);
    const retractedThread = Number(res.headers.location.split('/').pop());
    const message = await t.db.selectFrom('messages').select('id').where('thread_id', '=', retractedThread).executeTakeFirstOrThrow();
    const page = await pedagog.get(`/messages/${retractedThread}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    assert.ok(csrf, 'the thread page has a form');
    const retracted = await pedagog.post(`/messages/${retractedThread}/messages/${message.id}/retract`).type('form').send({ _csrf: csrf });
    assert.equal(retracted.status, 303);
    assert.equal(await fanOut(t.db, message.id), 0);
    assert.deepEqual(await recipientsOf(message.id), []);
    assert.equal((await t.db.selectFrom('notifications').select('id').where('url', '=', `/messages/${retractedThread}`).execute()).length, 0);
  });
});
