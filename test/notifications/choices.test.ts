// "Notiser": the choices page (per topic, per child for a guardian, one sentence of what will happen), the bell (messages
// left to the envelope, one notification opened and marked read, nobody else's) and the municipality's summary hour.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { municipalityId, personId } from '../support/demo.ts';
import { defineNotificationKind } from '../../server/notifications/kinds.ts';
import { choicesOf, markNotificationsReadByUrl, notify, summaryHour, unreadNotificationsQuery } from '../../server/notifications/queries.ts';
import { applicableChoice, choiceField } from '../../server/notifications/rules.ts';

const news = defineNotificationKind({ key: 'childAdded', topic: 'information' });
const message = defineNotificationKind({ key: 'childAdded', topic: 'messages' });

describe('notification choices and the bell', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  const accountId = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

  it('shows a section for everything and one per child of a guardian, with what will happen in one sentence', async () => {
    const agent = await signIn(t.app, 'vardnadshavare');
    const page = await agent.get('/settings/notifications');
    assert.equal(page.status, 200);
    assert.match(page.headers['cache-control'] ?? '', /no-store/);
    // The demo mother has neither an e-mail address nor a device for push: everything is only in Vardag, and the
    // sentence promises no more.
    assert.match(page.text, /Du får meddelanden, frånvaro, information från förskolan eller skolan, kalenderhändelser, dokumentation och blogginlägg bara i Vardag\./);
    const mother = await accountId('vardnadshavare');
    await t.db.updateTable('accounts').set({ email: 'emma@example.org' }).where('id', '=', mother).execute();
    assert.match((await agent.get('/settings/notifications')).text, /Du får meddelanden direkt via e-post och resten i en sammanfattning kl\. 18\./);
    await t.db.insertInto('push_subscriptions').values({
      account_id: mother, endpoint: 'https://fcm.googleapis.com/fcm/send/emma', p256dh: 'x', auth: 'y', label: 'Telefon', created_at: '2026-11-24T08:00:00.000Z',
    }).execute();
    assert.match((await agent.get('/settings/notifications')).text, /Du får meddelanden direkt via e-post och push och resten i en sammanfattning kl\. 18\./);
    // (the address and the device stay for the tests below)
    assert.match(page.text, /<h2 id="section-0-title" dir="auto">Allt<\/h2>/);
    assert.match(page.text, /Om Elsa<\/h2>/);
    assert.match(page.text, /Om Oskar<\/h2>/);
    assert.match(page.text, /<select id="c0_messages_timing" name="c0_messages_timing">\s*<option value="now" selected>Direkt/);
    assert.match(page.text, /<select id="c0_blog_timing" name="c0_blog_timing">\s*<option value="now">Direkt<\/option>\s*<option value="summary" selected>I sammanfattningen kl\. 18/);
    assert.match(page.text, /name="c0_absence_sms"/, 'SMS for absence');
    assert.doesNotMatch(page.text, /name="c0_blog_sms"/, 'no SMS for the blog');
  });

  it('shows staff only the section about everything', async () => {
    const page = await (await signIn(t.app, 'pedagog')).get('/settings/notifications');
    assert.match(page.text, /Allt<\/h2>/);
    assert.doesNotMatch(page.text, /Om [A-ZÅÄÖ][a-zåäö]+<\/h2>/);
  });

  it('saves choices per topic and per child, and says the new sentence', async () => {
    const agent = await signIn(t.app, 'vardnadshavare');
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    const fields: Record<string, string> = {};
    for (const topic of ['messages', 'absence', 'information', 'calendar', 'documentation', 'blog']) {
      fields[choiceField(0, topic, 'timing')] = topic === 'blog' ? 'off' : 'summary';
      fields[choiceField(0, topic, 'email')] = '1';
    }
    const page = await agent.get('/settings/notifications');
    for (const m of page.text.matchAll(/<select id="(c[1-9]\d*_[a-z]+_timing)"/g)) fields[m[1]] = 'summary';
    fields[choiceField(elsa, 'absence', 'timing')] = 'now';
    fields[choiceField(elsa, 'absence', 'sms')] = '1';
    fields[choiceField(elsa, 'absence', 'push')] = '1';
    const res = await postForm(agent, '/settings/notifications', '/settings/notifications', fields);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/settings/notifications');
    const after = await agent.get('/settings/notifications');
    assert.match(after.text, /Dina val av notiser är sparade\./);
    assert.match(after.text, /Du får blogginlägg bara i Vardag och resten i en sammanfattning kl\. 18\./);
    const stored = (await choicesOf(t.db, [await accountId('vardnadshavare')])).get(await accountId('vardnadshavare')) ?? [];
    assert.deepEqual(applicableChoice(stored, 'absence', elsa), { timing: 'now', email: false, push: true, sms: true });
    assert.deepEqual(applicableChoice(stored, 'absence', null), { timing: 'summary', email: true, push: false, sms: false });
    assert.equal(applicableChoice(stored, 'blog', elsa).timing, 'off', 'the blog is chosen once, for all');
  });

  it('refuses a missing time with the message at its field, keeping what was chosen, saving nothing', async () => {
    const agent = await signIn(t.app, 'pedagog2');
    const res = await postForm(agent, '/settings/notifications', '/settings/notifications', { c0_messages_timing: 'off', c0_absence_timing: 'sometimes' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel: Notiser/);
    assert.match(res.text, /<a href="#c0_absence_timing">Välj när du vill få veta<\/a>/);
    assert.match(res.text, /<select id="c0_messages_timing" name="c0_messages_timing">[\s\S]*?<option value="off" selected>/);
    assert.equal((await choicesOf(t.db, [await accountId('pedagog2')])).size, 0);
  });

  it('leaves messages to the envelope: the bell neither counts nor lists them', async () => {
    const id = await accountId('vardnadshavare3');
    const count = async () => Number((await unreadNotificationsQuery(t.db, id).executeTakeFirstOrThrow()).n);
    const before = await count();
    await notify(t.db, { accountIds: [id], kind: message, params: { child: 'Nora' }, url: '/messages/999', at: t.clock.now() });
    assert.equal(await count(), before, 'a message is not in the bell');
    await notify(t.db, { accountIds: [id], kind: news, params: { child: 'Nora' }, url: '/children/1', at: t.clock.now() });
    assert.equal(await count(), before + 1);
    const bell = await (await signIn(t.app, 'vardnadshavare3')).get('/notifications');
    assert.match(bell.text, /href="\/notifications\/\d+" dir="auto">Nora har lagts till på ditt konto/);
    assert.equal((bell.text.match(/Nora har lagts till/g) ?? []).length, 1, 'the message is not listed');
    assert.equal(await markNotificationsReadByUrl(t.db, id, '/messages/999', t.clock.now()), 1, 'opening the thread reads it');
    assert.equal(await markNotificationsReadByUrl(t.db, id, '/messages/999', t.clock.now()), 0);
  });

  it('opens a notification: marks it read and leads on; another account\'s is not found', async () => {
    const id = await accountId('vardnadshavare2');
    await notify(t.db, { accountIds: [id], kind: news, params: { child: 'Elsa' }, url: '/children/42', at: t.clock.now() });
    const row = await t.db.selectFrom('notifications').select('id').where('account_id', '=', id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    const other = await signIn(t.app, 'vardnadshavare');
    assert.equal((await other.get(`/notifications/${row.id}`)).status, 404);
    const own = await signIn(t.app, 'vardnadshavare2');
    const res = await own.get(`/notifications/${row.id}`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/children/42');
    const read = await t.db.selectFrom('notifications').select('read_at').where('id', '=', row.id).executeTakeFirstOrThrow();
    assert.notEqual(read.read_at, null);
    assert.equal((await own.get('/notifications/abc')).status, 404);
  });

  it('lets the admin set the summary hour, keeping the change; another municipality is not found', async () => {
    const demo = await municipalityId(t.db, 'Demokommun');
    const admin = await signIn(t.app, 'admin');
    assert.match((await admin.get(`/municipalities/${demo}`)).text, new RegExp(`<a href="/municipalities/${demo}/notifications">Kvällens sammanfattning av notiser</a>`));
    const page = await admin.get(`/municipalities/${demo}/notifications`);
    assert.match(page.text, /<option value="18" selected>kl\. 18<\/option>/);
    const refused = await postForm(admin, `/municipalities/${demo}/notifications`, `/municipalities/${demo}/notifications`, { summary_hour: '3' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /Välj en tid för sammanfattningen/);
    const res = await postForm(admin, `/municipalities/${demo}/notifications`, `/municipalities/${demo}/notifications`, { summary_hour: '17' });
    assert.equal(res.status, 303);
    assert.equal(await summaryHour(t.db, demo), 17);
    assert.match((await admin.get(`/municipalities/${demo}/notifications`)).text, /Ändrad från kl\. 18 till kl\. 17/);
    const granne = await municipalityId(t.db, 'Grannkommun');
    assert.equal((await admin.get(`/municipalities/${granne}/notifications`)).status, 404);
    const guardian = await signIn(t.app, 'vardnadshavare');
    assert.match((await guardian.get('/settings/notifications')).text, /sammanfattning kl\. 17\./);
  });
});
