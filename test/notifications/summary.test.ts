// The evening summary: claimed once per municipality and day when its hour (Europe/Stockholm) has come, also by a
// second process or after a restart; one mail per account with unread news chosen for the summary since its last one;
// nothing to someone with nothing unread; messages only when chosen; news after the summary waits for the next day;
// a runner killed between two jobs and restarted delivers each exactly once; a notification written late (after the
// summary's window) is in the next summary, once; an urgent notice went at once and is in no summary.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { NOTIFICATION_RECIPIENTS } from '../../server/app.ts';
import { municipalityId } from '../support/demo.ts';
import { startMailDelivery, type MailDelivery } from '../support/mail.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { defineNotificationKind } from '../../server/notifications/kinds.ts';
import { claimDueSummaries, registerNotificationJobs, sendSummary } from '../../server/notifications/delivery.ts';
import { notify, saveChoices, SUMMARY_JOB, type SummaryPayload } from '../../server/notifications/queries.ts';

const SITE = 'https://vardag.test';
const news = defineNotificationKind({ key: 'childAdded', topic: 'information' });
const message = defineNotificationKind({ key: 'childAdded', topic: 'messages' });
const urgentNews = defineNotificationKind({ key: 'childAdded', topic: 'information', urgent: true });

describe('the evening summary', () => {
  let t: TestApp;
  let mail: MailDelivery;
  const ids: Record<string, number> = {};
  const deps = () => ({ db: t.db, clock: t.clock, publicUrl: SITE, recipients: NOTIFICATION_RECIPIENTS });
  before(async () => {
    t = await startTestApp({ now: '2026-11-24T09:00:00Z' }); // a Tuesday; Stockholm is UTC+1
    mail = await startMailDelivery(t);
    await t.db.deleteFrom('notifications').execute();
    for (const username of ['vardnadshavare', 'vardnadshavare2', 'vardnadshavare3', 'grannadmin']) {
      ids[username] = (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
      if (username !== 'vardnadshavare3') {
        await t.db.updateTable('accounts').set({ email: `${username}@example.com`, email_key: `${username}@example.com` }).where('username', '=', username).execute();
      }
    }
  });
  after(async () => {
    await mail.stop();
    await t.close();
  });

  const runner = () => {
    const r = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerNotificationJobs(r, deps());
    return r;
  };
  const summaryJobs = () => t.db.selectFrom('jobs').select(['id', 'payload', 'done_at']).where('kind', '=', SUMMARY_JOB).orderBy('id').execute();
  const tell = (username: string, kind = news, child = 'Elsa') =>
    notify(t.db, { accountIds: [ids[username]], kind, params: { child, from: 'Anna Pedagog' }, url: '/children/1', at: t.clock.now() });

  it('claims nothing before the hour, each municipality once at it, whoever asks again', async () => {
    await tell('vardnadshavare');
    await tell('vardnadshavare', message, 'Meddelandet');
    await tell('vardnadshavare3');
    t.clock.set('2026-11-24T16:59:00Z');
    assert.deepEqual(await claimDueSummaries(t.db, t.clock.now()), []);
    t.clock.set('2026-11-24T17:00:00Z');
    const demo = await municipalityId(t.db, 'Demokommun');
    const granne = await municipalityId(t.db, 'Grannkommun');
    assert.deepEqual((await claimDueSummaries(t.db, t.clock.now())).sort(), [demo, granne].sort());
    // the same process a minute later, and a second process at once: nothing more
    t.clock.set('2026-11-24T17:01:00Z');
    const [again, second] = await Promise.all([claimDueSummaries(t.db, t.clock.now()), claimDueSummaries(t.db, t.clock.now())]);
    assert.deepEqual([again, second], [[], []]);
    assert.equal((await summaryJobs()).length, 2);
  });

  it('mails one summary to each account with unread news chosen for it, messages left out, nobody else', async () => {
    const r = runner();
    await r.runDue();
    // the message went at once (its own mail), the summary after it
    const [atOnce, ...received] = await mail.deliver(2);
    assert.equal(atOnce.subject, 'Meddelandet har lagts till på ditt konto');
    assert.deepEqual(received.map((m) => m.envelopeTo[0]), ['vardnadshavare@example.com']);
    assert.equal(received[0].subject, 'Sammanfattning från Vardag');
    assert.match(received[0].text ?? '', /Olästa händelser sedan förra sammanfattningen: 1\n/);
    assert.match(received[0].text ?? '', /- Elsa har lagts till på ditt konto\n {2}https:\/\/vardag\.test\/children\/1/);
    assert.doesNotMatch(received[0].text ?? '', /Meddelandet/, 'a message went at once, not in the summary');
    assert.match(received[0].messageId, new RegExp(`^<summary\\.${ids.vardnadshavare}\\.2026-11-24\\.`));
    const summaries = await t.db.selectFrom('notification_summaries').select(['account_id', 'items']).orderBy('account_id').execute();
    // Karim has no address (nothing mailed, the summary still counted), the others had nothing unread
    assert.deepEqual(summaries, [{ account_id: ids.vardnadshavare, items: 1 }, { account_id: ids.vardnadshavare3, items: 1 }]);
    await r.stop();
  });

  it('keeps news after the summary for the next day, across midnight, and takes messages when chosen', async () => {
    t.clock.set('2026-11-24T21:30:00Z'); // 22.30 in Stockholm
    await tell('vardnadshavare', news, 'Oskar');
    await saveChoices(t.db, ids.vardnadshavare, [{ topic: 'messages', childId: 0, timing: 'summary', email: true, push: true, sms: false }]);
    await tell('vardnadshavare', message, 'Kvällsmeddelandet');
    t.clock.set('2026-11-24T23:30:00Z'); // 00.30 on Wednesday
    assert.deepEqual(await claimDueSummaries(t.db, t.clock.now()), [], 'not before Wednesday 18.00');
    t.clock.set('2026-11-25T17:05:00Z');
    assert.equal((await claimDueSummaries(t.db, t.clock.now())).length, 2);
    const r = runner();
    await r.runDue();
    const [received] = await mail.deliver(1);
    assert.match(received.text ?? '', /Olästa händelser sedan förra sammanfattningen: 2\n/);
    assert.match(received.text ?? '', /Oskar har lagts till/);
    // a message in a summary says only who it is from, never its text
    assert.match(received.text ?? '', /- Nytt meddelande från Anna Pedagog\n/);
    assert.doesNotMatch(received.text ?? '', /Kvällsmeddelandet/);
    assert.doesNotMatch(received.text ?? '', /Elsa/, 'what the last summary had is not repeated');
    await r.stop();
  });

  it('delivers each summary exactly once when the runner is killed between two jobs and started again', async () => {
    t.clock.set('2026-11-26T09:00:00Z');
    await tell('vardnadshavare');
    await tell('grannadmin');
    t.clock.set('2026-11-26T17:00:00Z');
    assert.equal((await claimDueSummaries(t.db, t.clock.now())).length, 2);
    const jobs = (await summaryJobs()).filter((j) => j.done_at === null);
    assert.equal(jobs.length, 2);
    // the first runner does the first job's work and dies before it can mark it done (its lock stays)
    const dying = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    let ran = 0;
    dying.register(SUMMARY_JOB, async (payload: SummaryPayload) => {
      ran++;
      await sendSummary(deps(), payload);
      await new Promise(() => undefined); // killed here: never returns
    });
    void dying.runDue();
    while (ran === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    // a restart after the lock expired: the new process claims nothing new for today and runs both jobs
    t.clock.set('2026-11-26T17:10:00Z');
    assert.deepEqual(await claimDueSummaries(t.db, t.clock.now()), []);
    const restarted = runner();
    assert.equal(await restarted.runDue(), 2);
    const received = await mail.deliver(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await mail.runner.runDue();
    const today = mail.smtp.mails.filter((m) => /^<summary\.\d+\.2026-11-26\./.test(m.messageId));
    assert.deepEqual(today.map((m) => m.envelopeTo[0]).sort(), ['grannadmin@example.com', 'vardnadshavare@example.com']);
    assert.equal(received.length, 2);
    await restarted.stop();
  });

  it('leaves out a line with something shaped like a personnummer and mails the rest (a mail never carries one)', async () => {
    t.clock.set('2026-11-27T09:00:00Z');
    await tell('vardnadshavare', news, 'Elsa');
    await tell('vardnadshavare', news, '19121212-1212'); // a text someone typed, shaped like a personnummer
    t.clock.set('2026-11-27T17:00:00Z');
    assert.equal((await claimDueSummaries(t.db, t.clock.now())).length, 2);
    const r = runner();
    await r.runDue();
    const mine = (await mail.deliver(1)).find((m) => /^<summary\.\d+\.2026-11-27\./.test(m.messageId));
    assert.ok(mine, 'the summary went');
    assert.match(mine.text ?? '', /Olästa händelser sedan förra sammanfattningen: 2\n/);
    assert.match(mine.text ?? '', /- Elsa har lagts till på ditt konto/);
    assert.match(mine.text ?? '', /… och 1 till\./);
    assert.doesNotMatch(mine.text ?? '', /19121212/);
    await r.stop();
  });

  const summaryOf = (day: string, mails: { messageId: string; text?: string }[]) =>
    mails.find((m) => m.messageId.startsWith(`<summary.${ids.vardnadshavare}.${day}.`));

  it('puts a notification written after the summary ran (with a moment inside its window) in the next summary, once', async () => {
    t.clock.set('2026-11-30T09:00:00Z');
    await tell('vardnadshavare', news, 'Morgon');
    t.clock.set('2026-11-30T17:00:00Z');
    assert.equal((await claimDueSummaries(t.db, t.clock.now())).length, 2);
    const r = runner();
    await r.runDue();
    const monday = summaryOf('2026-11-30', await mail.deliver(1));
    assert.match(monday?.text ?? '', /Olästa händelser sedan förra sammanfattningen: 1\n/);
    // a fan-out that ran late: written now, with the moment of what caused it (before Monday's summary was claimed),
    // and one written after the window but before Monday's job ran would be the same: not summarised yet
    t.clock.set('2026-11-30T17:20:00Z');
    await notify(t.db, { accountIds: [ids.vardnadshavare], kind: news, params: { child: 'Sen' }, url: '/children/1', at: new Date('2026-11-30T16:40:00Z') });
    await r.runDue();
    t.clock.set('2026-12-01T17:00:00Z');
    assert.equal((await claimDueSummaries(t.db, t.clock.now())).length, 2);
    await r.runDue();
    const tuesday = summaryOf('2026-12-01', await mail.deliver(1));
    assert.match(tuesday?.text ?? '', /Olästa händelser sedan förra sammanfattningen: 1\n/);
    assert.match(tuesday?.text ?? '', /- Sen har lagts till/);
    assert.doesNotMatch(tuesday?.text ?? '', /Morgon/);
    // and never again: Wednesday has nothing new for her, so no summary at all
    t.clock.set('2026-12-02T17:00:00Z');
    assert.equal((await claimDueSummaries(t.db, t.clock.now())).length, 2);
    await r.runDue();
    await mail.runner.runDue();
    assert.equal(summaryOf('2026-12-02', mail.smtp.mails), undefined);
    const marked = await t.db.selectFrom('notifications').select('summarised_at').where('account_id', '=', ids.vardnadshavare)
      .where('params', 'like', '%Sen%').executeTakeFirstOrThrow();
    assert.equal(marked.summarised_at, '2026-12-01T17:00:00.000Z');
    await r.stop();
  });

  it('never repeats an urgent notice (delivered at once) in the summary', async () => {
    t.clock.set('2026-12-03T09:00:00Z');
    await tell('vardnadshavare', urgentNews, 'Brådskande');
    await tell('vardnadshavare', news, 'Vanlig');
    const r = runner();
    await r.runDue();
    const [atOnce] = await mail.deliver(1);
    assert.equal(atOnce.subject, 'Brådskande har lagts till på ditt konto', 'the urgent one went at once');
    t.clock.set('2026-12-03T17:00:00Z');
    assert.equal((await claimDueSummaries(t.db, t.clock.now())).length, 2);
    await r.runDue();
    const summary = summaryOf('2026-12-03', await mail.deliver(1));
    assert.match(summary?.text ?? '', /Olästa händelser sedan förra sammanfattningen: 1\n/);
    assert.match(summary?.text ?? '', /- Vanlig har lagts till/);
    assert.doesNotMatch(summary?.text ?? '', /Brådskande/);
    await r.stop();
  });

  it('lists a notification once when a day’s summary held over runs at the same moment as the next day’s', async () => {
    t.clock.set('2026-12-04T09:00:00Z');
    await tell('vardnadshavare', news, 'Hållen');
    t.clock.set('2026-12-05T17:00:00Z');
    const held: SummaryPayload = { municipalityId: await municipalityId(t.db, 'Demokommun'), day: '2026-12-04', until: '2026-12-04T17:00:00.000Z' };
    const next: SummaryPayload = { ...held, day: '2026-12-05', until: '2026-12-05T17:00:00.000Z' };
    const sent = await Promise.all([sendSummary(deps(), held), sendSummary(deps(), next)]);
    const queued = await t.db.selectFrom('mail_outbox').select(['text_body']).where('recipient', '=', 'vardnadshavare@example.com')
      .where('created_at', '=', '2026-12-05T17:00:00.000Z').execute();
    assert.equal(queued.filter((m) => m.text_body?.includes('Hållen')).length, 1, `summaries sent: ${JSON.stringify(sent)}`);
    const recorded = await t.db.selectFrom('notification_summaries').select(['day', 'items']).where('account_id', '=', ids.vardnadshavare)
      .where('day', 'in', ['2026-12-04', '2026-12-05']).execute();
    assert.equal(recorded.length, 1, 'the summary that listed nothing is not recorded as sent');
    assert.equal(recorded[0].items, 1);
    await mail.deliver(1);
  });
});
