// Unreported absence (ogiltig frånvaro) on a school class's Today: the button asks first (who will be told, by SMS or
// not); the SMS waits a few minutes, in which the mark is undone with its SMS and notification; afterwards it can only
// be taken back, and the page says the SMS went. The guardian sees it as "Ogiltig frånvaro" and answers the school,
// and the staff see the answer on Today.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { chooseSmsGateway, registerSmsJobs } from '../../server/sms/sender.ts';
import { UNREPORTED_SMS_DELAY_MINUTES } from '../../server/absence/rules.ts';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { fingerprint, groupId, personId } from '../support/demo.ts';

describe('unreported absence: ask first, undo before the SMS, the guardian\'s answer', () => {
  let t: TestApp;
  let runner: JobRunner;
  let teacher: Agent; // 2B's teacher
  let emma: Agent; // Oskar's guardian
  let oskar: number;
  let class2b: number;
  const today = () => `/groups/${class2b}/today`;

  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026, 10:00 in Stockholm
    runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerSmsJobs(runner, { db: t.db, clock: t.clock, gateway: chooseSmsGateway(undefined, true)!, from: 'Vardag' });
    teacher = await signIn(t.app, 'larare2b');
    emma = await signIn(t.app, 'vardnadshavare');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    class2b = await groupId(t.db, '2B');
  });
  after(async () => {
    await runner.stop();
    await t.close();
  });

  const markToday = () => postForm(teacher, today(), `/children/${oskar}/absences/unreported`, { date: '2026-11-24', next: today() });
  const confirm = (fields: Record<string, string> = {}) =>
    postForm(teacher, today(), `/children/${oskar}/absences/unreported`, { date: '2026-11-24', from: '', to: '', confirmed: 'yes', next: today(), ...fields });
  const mark = () => t.db.selectFrom('absences').selectAll().where('child_id', '=', oskar).where('kind', '=', 'unreported')
    .orderBy('id', 'desc').executeTakeFirstOrThrow();
  const sms = () => t.db.selectFrom('sms_outbox').selectAll().where('child_id', '=', oskar).execute();
  const notifications = () => t.db.selectFrom('notifications').selectAll().where('child_id', '=', oskar).where('kind', '=', 'unreportedAbsence').execute();
  const rowOf = (html: string) => html.match(new RegExp(`<li class="row[^"]*" id="child-${oskar}">[\\s\\S]*?</li>`))?.[0] ?? '';
  const minutes = (n: number) => t.clock.set(new Date(t.clock.now().getTime() + n * 60_000).toISOString());

  it('asks first: the button on Today leads to a confirmation that says who is told by SMS, and marks nothing', async () => {
    const page = await teacher.get(today());
    assert.match(rowOf(page.text), new RegExp(`<form method="post" action="/children/${oskar}/absences/unreported"`));
    assert.doesNotMatch(rowOf(page.text), /name="confirmed"/, 'Today\'s button does not confirm');
    const before = await fingerprint(t.db);
    const res = await markToday();
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Markera ogiltig frånvaro för Oskar\?<\/h1>/);
    assert.match(res.text, /<input id="date" name="date" type="date" value="2026-11-24"/, 'today, filled in');
    assert.match(res.text, /<input id="from" name="from" type="time" value=""/, 'the whole day');
    assert.match(res.text, /<li>Emma Andersson får ett sms<\/li>/);
    assert.match(res.text, /Sms:en skickas om 5 minuter\. Fram till dess kan du ångra på dagens lista\./);
    assert.match(res.text, /<input type="hidden" name="confirmed" value="yes">/);
    assert.match(res.text, new RegExp(`<a class="action-link" href="${today()}">Avbryt</a>`));
    assert.equal(await fingerprint(t.db), before, 'nothing marked, told or queued');
  });

  it('marks when confirmed, and holds the SMS back for some minutes', async () => {
    const res = await confirm();
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, today());
    const [queued] = await sms();
    const sendAfter = new Date(t.clock.now().getTime() + UNREPORTED_SMS_DELAY_MINUTES * 60_000).toISOString();
    assert.deepEqual([queued.send_after, queued.sent_at], [sendAfter, null]);
    const page = await teacher.get(today());
    assert.match(page.text, /Ogiltig frånvaro är markerad för Oskar\. Sms går till vårdnadshavarna kl\. 10:05, och fram till dess kan du ångra\./);
    assert.match(rowOf(page.text), /<strong>Ogiltig frånvaro<\/strong>: Frånvarande hela dagen/);
    assert.match(rowOf(page.text), /Sms:et har inte skickats än\./);
    assert.match(rowOf(page.text), />Ångra<span class="visually-hidden"> Oskar Andersson<\/span>/);
    minutes(UNREPORTED_SMS_DELAY_MINUTES - 1);
    assert.equal(await runner.runDue(), 0, 'not sent before its time');
  });

  it('undoes the mark before the SMS went: the SMS and the notification are taken back, and nothing is sent', async () => {
    const marked = await mark();
    assert.equal((await notifications()).length, 1);
    const res = await postForm(teacher, today(), `/absences/${marked.id}/unreported/cancel`, { next: today() });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, today());
    const page = await teacher.get(today());
    assert.match(page.text, /Markeringen för Oskar är ångrad\. Inget sms skickades\./);
    assert.doesNotMatch(rowOf(page.text), /Ogiltig frånvaro<\/strong>/);
    const row = await mark();
    assert.notEqual(row.cancelled_at, null, 'kept, cancelled');
    assert.deepEqual(await sms(), [], 'the SMS waiting is deleted');
    assert.deepEqual(await notifications(), [], 'and the notification');
    minutes(UNREPORTED_SMS_DELAY_MINUTES + 1);
    await runner.runDue();
    assert.deepEqual(await sms(), [], 'nothing sent');
  });

  it('after the SMS went, offers no undo: the mark can be taken back, and the page says the SMS went', async () => {
    assert.equal((await confirm()).status, 303, 'marked again: an SMS of its own, as the one before was taken back');
    minutes(UNREPORTED_SMS_DELAY_MINUTES);
    assert.equal(await runner.runDue(), 1);
    assert.notEqual((await sms())[0].sent_at, null);
    const page = await teacher.get(today());
    assert.match(rowOf(page.text), /Sms har skickats till vårdnadshavarna\./);
    assert.match(rowOf(page.text), />Ta bort markeringen<span/);
    assert.doesNotMatch(rowOf(page.text), />Ångra</);
    const marked = await mark();
    const res = await postForm(teacher, today(), `/absences/${marked.id}/unreported/cancel`, { next: today() });
    assert.equal(res.status, 303);
    assert.match((await teacher.get(today())).text, /Markeringen för Oskar är borttagen\. Sms:et hade redan skickats till vårdnadshavarna\./);
    assert.notEqual((await mark()).cancelled_at, null);
    assert.equal((await sms()).length, 1, 'the SMS sent is kept');
    assert.equal((await notifications()).length, 1, 'as is the notification that went with it');
  });

  it('counts an SMS the sender has taken as gone: the undo and the sender never both win', async () => {
    await t.db.deleteFrom('sms_outbox').where('child_id', '=', oskar).execute(); // (a new day's SMS, as it were)
    assert.equal((await confirm()).status, 303);
    // The sender takes the SMS (its conditional update) just before the undo arrives.
    await t.db.updateTable('sms_outbox').set({ attempts: 1 }).where('child_id', '=', oskar).execute();
    const marked = await mark();
    assert.match(rowOf((await teacher.get(today())).text), /Sms har skickats till vårdnadshavarna\./);
    await postForm(teacher, today(), `/absences/${marked.id}/unreported/cancel`, { next: today() });
    assert.match((await teacher.get(today())).text, /Sms:et hade redan skickats/);
    assert.equal((await sms()).length, 1, 'the SMS being sent stays');
  });

  it('is taken back only by staff who may mark it: not by the guardian, nor fritids staff', async () => {
    assert.equal((await confirm()).status, 303);
    const marked = await mark();
    for (const user of ['vardnadshavare', 'fritids', 'pedagog']) {
      assert.equal((await postForm(await signIn(t.app, user), '/', `/absences/${marked.id}/unreported/cancel`)).status, 404, user);
    }
    assert.equal((await mark()).cancelled_at, null);
  });

  it('shows the guardian "Ogiltig frånvaro", not a report, with a short answer to the school that staff see on Today', async () => {
    const marked = await mark();
    const start = await emma.get(`/children/${oskar}`);
    const box = start.text.match(/<section class="box" id="box-absence"[\s\S]*?<\/section>/)![0];
    assert.match(box, /<h3 class="small-heading">Ogiltig frånvaro<\/h3>[\s\S]*tisdag 24 november/);
    assert.doesNotMatch(box, /Anmäld frånvaro/, 'not among the reports');
    const page = await emma.get(`/children/${oskar}/absence`);
    assert.match(page.text, /<h2 id="unreported-title">Ogiltig frånvaro<\/h2>/);
    assert.match(page.text, /Markerad av Tove Almqvist \(skolan\)/);

    const empty = await postForm(emma, `/children/${oskar}/absence`, `/absences/${marked.id}/answer`, { answer: '  ' });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Skriv ett svar/);
    const long = await postForm(emma, `/children/${oskar}/absence`, `/absences/${marked.id}/answer`, { answer: 'x'.repeat(301) });
    assert.equal(long.status, 400);
    assert.match(long.text, /Svaret får vara högst 300 tecken/);
    assert.match(long.text, new RegExp(`<textarea id="answer-${marked.id}" name="answer"[^>]*>x{301}</textarea>`), 'kept as typed');
    assert.equal((await mark()).guardian_answer, null, 'nothing stored');

    const res = await postForm(emma, `/children/${oskar}/absence`, `/absences/${marked.id}/answer`, { answer: 'Han var hos tandläkaren <b>kl 9</b>.' });
    assert.equal(res.status, 303);
    assert.match((await emma.get(res.headers.location)).text, /Svaret är skickat till skolan\./);
    const row = await mark();
    assert.deepEqual([row.guardian_answer, row.answered_at], ['Han var hos tandläkaren <b>kl 9</b>.', t.clock.now().toISOString()]);

    const onToday = rowOf((await teacher.get(today())).text);
    assert.match(onToday, /Svar från Emma Andersson:<\/span> <span class="guardian-answer">Han var hos tandläkaren &lt;b&gt;kl 9&lt;\/b&gt;\.<\/span>/);
    const boxAnswer = await postForm(emma, `/children/${oskar}`, `/absences/${marked.id}/answer`, { answer: 'Tandläkaren.' },
      { 'HX-Request': 'true', 'HX-Target': 'box-absence' });
    assert.match(boxAnswer.text, /^<section class="box" id="box-absence"[\s\S]*Svaret är skickat till skolan\.[\s\S]*Tandläkaren\./);
    assert.equal((await postForm(await signIn(t.app, 'larare2b'), '/', `/absences/${marked.id}/answer`, { answer: 'Nej' })).status, 404, 'the guardians\'');
  });
});
