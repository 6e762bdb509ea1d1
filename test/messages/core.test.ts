// Messages between Elsa's home and Blåbär: her guardian writes to the group's staff, the teacher answers, the envelope
// counts what is unread; staff mark a thread urgent, a guardian cannot; nobody outside the thread finds it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { postForm, signIn, type Agent, type TestApp, startTestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';

describe('messages about a child', () => {
  let t: TestApp;
  let elsa: number;
  let blabar: number;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const accountOf = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const envelope = (html: string) => Number(html.match(/href="\/messages">[\s\S]*?<span class="count" aria-hidden="true">(\d+)<\/span>/)?.[1] ?? 0);
  let threadId: number;

  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    blabar = await groupId(t.db, 'Blåbär');
  });
  after(() => t.close());

  it('offers a guardian the staff of the child’s group, without the urgent and sensitive boxes', async () => {
    const res = await (await as('vardnadshavare')).get(`/children/${elsa}/messages/new`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.match(res.text, /Nytt meddelande om Elsa/);
    assert.match(res.text, new RegExp(`value="group:${blabar}"[^>]*>Alla i personalen på Blåbär`));
    assert.match(res.text, /Sara Holm/);
    assert.doesNotMatch(res.text, /name="urgent"/);
  });

  it('refuses an empty subject and text at their fields, keeps what was typed and sends nothing', async () => {
    const guardian = await as('vardnadshavare');
    const page = `/children/${elsa}/messages/new`;
    const messages = async () => (await t.db.selectFrom('messages').select('id').execute()).length;
    const before = await messages();
    const res = await postForm(guardian, page, `/children/${elsa}/messages`, { to: `group:${blabar}`, subject: '  ', body: 'Hej' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /id="subject-error"[^>]*>.*Skriv ett ämne/);
    assert.match(res.text, />Hej<\/textarea>/);
    const nobody = await postForm(guardian, page, `/children/${elsa}/messages`, { to: 'account:999999', subject: 'Hej', body: 'Hej' });
    assert.equal(nobody.status, 400);
    assert.match(nobody.text, /Välj vem meddelandet ska gå till/);
    assert.equal(await messages(), before);
  });

  it('sends a guardian’s message to the group’s staff; the teacher’s envelope counts it; urgent is ignored', async () => {
    const guardian = await as('vardnadshavare');
    const before = envelope((await (await as('pedagog')).get('/')).text);
    const res = await postForm(guardian, `/children/${elsa}/messages/new`, `/children/${elsa}/messages`, {
      to: `group:${blabar}`, subject: 'Hämtning på onsdag', body: 'Hej!\nMormor hämtar Elsa på onsdag.', urgent: '1',
    });
    assert.equal(res.status, 303);
    threadId = Number(res.headers.location.split('/').pop());
    const thread = await t.db.selectFrom('message_threads').selectAll().where('id', '=', threadId).executeTakeFirstOrThrow();
    assert.equal(thread.kind, 'direct');
    assert.equal(thread.child_id, elsa);
    assert.equal(thread.urgent, 0, 'only staff mark a thread urgent');
    const pedagog = await as('pedagog');
    const start = await pedagog.get('/');
    assert.equal(envelope(start.text), before + 1);
    const inbox = await pedagog.get('/messages');
    assert.match(inbox.text, new RegExp(`<li class="unread"><a href="/messages/${threadId}"><span dir="auto">Hämtning på onsdag</span>`));
    const notification = await t.db.selectFrom('notifications').selectAll().where('account_id', '=', await accountOf('pedagog'))
      .where('url', '=', `/messages/${threadId}`).executeTakeFirstOrThrow();
    assert.equal(notification.kind, 'message');
    assert.deepEqual(JSON.parse(notification.params), { from: 'Emma Andersson', subject: 'Hämtning på onsdag' });
  });

  it('opens the thread for the teacher, marks it read (message and notification) and the envelope falls', async () => {
    const pedagog = await as('pedagog');
    const page = await pedagog.get(`/messages/${threadId}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<p dir="auto">Mormor hämtar Elsa på onsdag\.<\/p>/);
    assert.equal(envelope((await pedagog.get('/')).text), 0);
    const unread = await t.db.selectFrom('notifications').select('id').where('account_id', '=', await accountOf('pedagog'))
      .where('url', '=', `/messages/${threadId}`).where('read_at', 'is', null).execute();
    assert.equal(unread.length, 0);
  });

  it('lets the teacher reply with JavaScript off (a plain form) and the guardian reads it with a read receipt for staff', async () => {
    const pedagog = await as('pedagog');
    const guardian = await as('vardnadshavare');
    const before = envelope((await guardian.get('/')).text);
    const res = await postForm(pedagog, `/messages/${threadId}`, `/messages/${threadId}/replies`, { body: 'Tack, vi vet!' });
    assert.equal(res.status, 303);
    assert.match(res.headers.location, new RegExp(`^/messages/${threadId}#message-\\d+$`));
    assert.equal(envelope((await guardian.get('/')).text), before + 1);
    const page = await guardian.get(`/messages/${threadId}`);
    assert.match(page.text, /Tack, vi vet!/);
    assert.doesNotMatch(page.text, /Läst av/, 'a guardian sees no read receipts');
    const staffView = await pedagog.get(`/messages/${threadId}`);
    assert.match(staffView.text, /Läst av 1 av 1/);
  });

  it('refuses an empty reply at its field', async () => {
    const res = await postForm(await as('pedagog'), `/messages/${threadId}`, `/messages/${threadId}/replies`, { body: ' ' });
    assert.equal(res.status, 400);
    assert.match(res.text, /id="body-error"[^>]*>.*Skriv ett meddelande/);
  });

  it('is not found for the other household, another group’s staff, another unit, a pupil and anonymous', async () => {
    for (const name of ['vardnadshavare2', 'vardnadshavare3', 'pedagog2', 'pedagog3', 'rektor2', 'elev', 'grannadmin', 'admin']) {
      const agent = await as(name);
      assert.equal((await agent.get(`/messages/${threadId}`)).status, 404, name);
      assert.doesNotMatch((await agent.get('/messages')).text, /Hämtning på onsdag/, name);
    }
    const reply = await postForm(await as('vardnadshavare2'), '/messages', `/messages/${threadId}/replies`, { body: 'Hej' });
    assert.equal(reply.status, 404);
    assert.equal((await request(t.app).get(`/messages/${threadId}`)).status, 303);
  });

  it('lets staff mark a new thread urgent and sensitive: the notification says only the unit', async () => {
    const pedagog = await as('pedagog');
    const form = await pedagog.get(`/children/${elsa}/messages/new`);
    assert.match(form.text, /name="urgent"/);
    const emma = await accountOf('vardnadshavare');
    const res = await postForm(pedagog, `/children/${elsa}/messages/new`, `/children/${elsa}/messages`, {
      to: `account:${emma}`, subject: 'Elsa har feber', body: 'Kan ni hämta henne?', urgent: '1', sensitive: '1',
    });
    assert.equal(res.status, 303);
    const id = Number(res.headers.location.split('/').pop());
    const n = await t.db.selectFrom('notifications').selectAll().where('account_id', '=', emma).where('url', '=', `/messages/${id}`).executeTakeFirstOrThrow();
    assert.equal(n.kind, 'messageUrgentSensitive');
    assert.equal(JSON.parse(n.params).from, 'Förskolan Solrosen');
  });

  it('does not let a guardian write about another family’s child, nor staff of another group', async () => {
    const nora = await personId(t.db, 'Nora', 'Haddad');
    assert.equal((await (await as('vardnadshavare')).get(`/children/${nora}/messages/new`)).status, 404);
    assert.equal((await (await as('pedagog3')).get(`/children/${elsa}/messages/new`)).status, 404);
    assert.equal((await (await as('vardnadshavare2')).get(`/children/${elsa}/messages/new`)).status, 200);
  });

  it('archives a thread for one account only and brings it back', async () => {
    const guardian = await as('vardnadshavare');
    const archived = await postForm(guardian, `/messages/${threadId}`, `/messages/${threadId}/archive`);
    assert.equal(archived.status, 303);
    assert.doesNotMatch((await guardian.get('/messages')).text, /Hämtning på onsdag/);
    assert.match((await guardian.get('/messages?filter=archived')).text, /Hämtning på onsdag/);
    assert.match((await (await as('pedagog')).get('/messages')).text, /Hämtning på onsdag/, 'the teacher’s inbox keeps it');
    await postForm(guardian, `/messages/${threadId}`, `/messages/${threadId}/unarchive`);
    assert.match((await guardian.get('/messages')).text, /Hämtning på onsdag/);
  });
});
