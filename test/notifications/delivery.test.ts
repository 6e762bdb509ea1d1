// Notifications chosen "at once" are mailed (through a real SMTP server) and pushed by the `notifications.deliver` job
// queued with them; each delivery has an idempotency key, so a job run twice mails once; sensitive kinds say only where
// they come from; urgent kinds go whatever was chosen; the rest wait for the summary.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { NOTIFICATION_RECIPIENTS } from '../../server/app.ts';
import { startMailDelivery, type MailDelivery } from '../support/mail.ts';
import { defineNotificationKind } from '../../server/notifications/kinds.ts';
import { deliverNow, registerNotificationJobs } from '../../server/notifications/delivery.ts';
import { DELIVER_JOB, notify, saveChoices, withdrawNotifications, withdrawNotificationsByUrl } from '../../server/notifications/queries.ts';

const SITE = 'https://vardag.test';
const message = defineNotificationKind({ key: 'childAdded', topic: 'messages' });
const sensitive = defineNotificationKind({ key: 'childAdded', topic: 'messages', sensitive: true });
const news = defineNotificationKind({ key: 'childAdded', topic: 'information' });
const urgentNews = defineNotificationKind({ key: 'childAdded', topic: 'information', urgent: true });

describe('delivering notifications at once', () => {
  let t: TestApp;
  let mail: MailDelivery;
  let emma: number;
  const deps = () => ({ db: t.db, clock: t.clock, publicUrl: SITE, recipients: NOTIFICATION_RECIPIENTS });
  before(async () => {
    t = await startTestApp();
    mail = await startMailDelivery(t);
    registerNotificationJobs(mail.runner, deps());
    emma = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
    await t.db.updateTable('accounts').set({ email: 'emma@example.com', email_key: 'emma@example.com' }).where('id', '=', emma).execute();
  });
  after(async () => {
    await mail.stop();
    await t.close();
  });
  beforeEach(async () => {
    await t.db.deleteFrom('notification_choices').execute();
  });

  const deliverJobs = async () => (await t.db.selectFrom('jobs').select('payload').where('kind', '=', DELIVER_JOB).execute()).length;
  const lastNotification = async () => (await t.db.selectFrom('notifications').select('id').where('account_id', '=', emma).orderBy('id', 'desc').executeTakeFirstOrThrow()).id;

  it('mails a message at once, with a Message-ID from its delivery key, and never twice', async () => {
    await notify(t.db, { accountIds: [emma], kind: message, params: { child: 'Elsa' }, url: '/messages/7', at: t.clock.now() });
    const id = await lastNotification();
    const [received] = await mail.deliver(1);
    assert.deepEqual(received.envelopeTo, ['emma@example.com']);
    assert.equal(received.subject, 'Elsa har lagts till på ditt konto');
    assert.match(received.text ?? '', /https:\/\/vardag\.test\/messages\/7/);
    assert.match(received.messageId, new RegExp(`^<notification\\.${id}\\.[0-9a-f]+@vardag\\.test>$`));
    // the job again (a crash before it was marked done): the same key, no second mail
    await deliverNow(deps(), { ids: [id], urgent: false, sensitive: false });
    await mail.runner.runDue();
    const rows = await t.db.selectFrom('mail_outbox').select('id').where('delivery_key', '=', `notification:${id}`).execute();
    assert.equal(rows.length, 1);
    assert.equal(mail.smtp.mails.filter((m) => m.messageId === received.messageId).length, 1);
  });

  it('says only where a sensitive message comes from', async () => {
    await notify(t.db, { accountIds: [emma], kind: sensitive, params: { child: 'Hemligt', from: 'Förskolan Solrosen' }, url: '/messages/8', at: t.clock.now() });
    const [received] = await mail.deliver(1);
    assert.equal(received.subject, 'Nytt meddelande från Förskolan Solrosen');
    assert.doesNotMatch(`${received.text}${received.html}`, /Hemligt/);
  });

  it('leaves news chosen for the summary, or off, to wait: no delivery job', async () => {
    const before = await deliverJobs();
    await notify(t.db, { accountIds: [emma], kind: news, params: { child: 'Elsa' }, url: '/', at: t.clock.now() });
    await saveChoices(t.db, emma, [{ topic: 'messages', childId: 0, timing: 'off', email: true, push: true, sms: false }]);
    await notify(t.db, { accountIds: [emma], kind: message, params: { child: 'Elsa' }, url: '/messages/9', at: t.clock.now() });
    assert.equal(await deliverJobs(), before);
  });

  it('follows the choice for the child over the one for all', async () => {
    const elsa = (await t.db.selectFrom('persons').select('id').where('first_name', '=', 'Elsa').executeTakeFirstOrThrow()).id;
    await saveChoices(t.db, emma, [
      { topic: 'information', childId: 0, timing: 'summary', email: true, push: false, sms: false },
      { topic: 'information', childId: elsa, timing: 'now', email: true, push: false, sms: false },
    ]);
    const before = await deliverJobs();
    await notify(t.db, { accountIds: [emma], kind: news, params: { child: 'Oskar' }, url: '/', at: t.clock.now() });
    assert.equal(await deliverJobs(), before, 'about no child: the summary');
    await notify(t.db, { accountIds: [emma], kind: news, childId: elsa, params: { child: 'Elsa' }, url: '/', at: t.clock.now() });
    assert.equal(await deliverJobs(), before + 1, 'about Elsa: at once');
    const [received] = await mail.deliver(1);
    assert.equal(received.subject, 'Elsa har lagts till på ditt konto');
  });

  it('delivers an urgent kind at once even to someone who chose only Vardag, by e-mail and push', async () => {
    await saveChoices(t.db, emma, [{ topic: 'information', childId: 0, timing: 'off', email: false, push: false, sms: false }]);
    const { id: subscription } = await t.db.insertInto('push_subscriptions').values({
      account_id: emma, endpoint: 'https://push.example/emma-1', p256dh: 'key', auth: 'auth', label: 'Telefon', created_at: t.clock.now().toISOString(),
    }).returning('id').executeTakeFirstOrThrow();
    await notify(t.db, { accountIds: [emma], kind: urgentNews, params: { child: 'Elsa' }, url: '/', at: t.clock.now() });
    const id = await lastNotification();
    await mail.deliver(1);
    const pushes = await t.db.selectFrom('push_outbox').select(['subscription_id', 'delivery_key', 'payload']).execute();
    assert.deepEqual(pushes.map((p) => [p.subscription_id, p.delivery_key]), [[subscription, `notification:${id}`]]);
    assert.equal(JSON.parse(pushes[0].payload).body, 'Elsa har lagts till på ditt konto');
    assert.equal(JSON.parse(pushes[0].payload).urgent, true, 'pushed as urgent: high priority, kept on screen');
    await t.db.deleteFrom('push_outbox').execute();
    await t.db.deleteFrom('push_subscriptions').execute();
  });

  it('sends nothing for a notification withdrawn or read before its delivery ran', async () => {
    const before = mail.smtp.mails.length;
    const at = t.clock.now();
    await notify(t.db, { accountIds: [emma], kind: message, childId: 1, params: { child: 'Elsa' }, url: '/messages/10', at });
    await withdrawNotifications(t.db, { kind: message, childId: 1, at });
    await notify(t.db, { accountIds: [emma], kind: message, params: { child: 'Elsa' }, url: '/messages/11', at });
    await t.db.updateTable('notifications').set({ read_at: at.toISOString() }).where('url', '=', '/messages/11').execute();
    await mail.runner.runDue();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(mail.smtp.mails.length, before);
  });

  it('stops the mail and the push already queued when the notification is taken back (a message retracted)', async () => {
    const before = mail.smtp.mails.length;
    const at = t.clock.now();
    const { id: subscription } = await t.db.insertInto('push_subscriptions').values({
      account_id: emma, endpoint: 'https://fcm.googleapis.com/fcm/send/emma-2', p256dh: 'key', auth: 'auth', label: 'Telefon', created_at: at.toISOString(),
    }).returning('id').executeTakeFirstOrThrow();
    await notify(t.db, { accountIds: [emma], kind: message, params: { child: 'Elsa' }, url: '/messages/12', at });
    const id = await lastNotification();
    await deliverNow(deps(), { ids: [id], urgent: false, sensitive: false }); // queued: a mail and a push, not sent yet
    const key = `notification:${id}`;
    assert.equal((await t.db.selectFrom('mail_outbox').select('id').where('delivery_key', '=', key).where('failed_at', 'is', null).execute()).length, 1);
    assert.equal(await withdrawNotificationsByUrl(t.db, { url: '/messages/12', at, accountIds: [emma] }), 1);
    const stopped = await t.db.selectFrom('mail_outbox').select(['failed_at', 'text_body']).where('delivery_key', '=', key).executeTakeFirstOrThrow();
    assert.ok(stopped.failed_at, 'the mail is given up');
    assert.equal(stopped.text_body, null, 'and its text erased');
    const push = await t.db.selectFrom('push_outbox').select(['failed_at', 'payload']).where('subscription_id', '=', subscription).executeTakeFirstOrThrow();
    assert.ok(push.failed_at, 'the push is given up');
    assert.equal(push.payload, '');
    await mail.runner.runDue();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(mail.smtp.mails.length, before, 'nothing reached the inbox');
    await t.db.deleteFrom('push_subscriptions').where('id', '=', subscription).execute();
  });
});
