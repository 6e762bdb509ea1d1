// School staff mark an unreported absence (ogiltig frånvaro) for Oskar in Björkskolan's class 2B: his guardian gets a
// notification each time and at most one SMS per day, sent through a local 46elks stand-in to the mobile number she
// entered and verified herself (a demo database never texts the register's made-up numbers: those SMS go to the demo
// outbox); a guardian without a mobile number gets the notification only; and the route refuses what is not a school
// absence.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { createAccount } from '../../server/accounts/queries.ts';
import { reportAbsence } from '../../server/absence/queries.ts';
import { UNREPORTED_SMS_DELAY_MINUTES } from '../../server/absence/rules.ts';
import { addPlacement } from '../../server/people/commands.ts';
import { findIdentityNumbers } from '../../server/mail/compose.ts';
import { SMS_SEND_JOB } from '../../server/sms/outbox.ts';
import { swedishMobile } from '../../server/sms/rules.ts';
import { createElksGateway, registerSmsJobs } from '../../server/sms/sender.ts';
import { isOpenAccountMobile } from '../../server/accounts/queries.ts';
import { csrfOf, demoPasswordHash, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { TestSmsGateway } from '../support/sms-gateway.ts';

describe('marking an unreported absence', () => {
  let t: TestApp;
  let gateway: TestSmsGateway;
  let runner: JobRunner;
  let oskar: number;
  let class2b: number;
  let emmaMobile: string; // the register's
  let emmaAccount: number;
  const EMMAS_OWN = '+46739876543'; // entered in Mina inställningar
  let goran: Agent; // staff of 2B
  let deliveredBefore: number; // the SMS the gateway got before the tests (Emma's code)
  let jobsBefore: number;

  before(async () => {
    t = await startTestApp();
    gateway = await TestSmsGateway.start();
    runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerSmsJobs(runner, {
      db: t.db, clock: t.clock, from: 'Vardag', gateway: createElksGateway({ url: gateway.url, ...gateway.credentials }),
      isOwnNumber: (mobile) => isOpenAccountMobile(t.db, mobile), // as server/main.ts wires it
    });
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    class2b = await groupId(t.db, '2B');
    const emma = await t.db.selectFrom('persons').select(['id', 'phone']).where('first_name', '=', 'Emma').where('last_name', '=', 'Andersson')
      .executeTakeFirstOrThrow();
    emmaMobile = swedishMobile(emma.phone)!;
    assert.match(emmaMobile, /^\+467\d{8}$/, 'Emma has a mobile number in the register');
    emmaAccount = (await t.db.selectFrom('accounts').select('id').where('person_id', '=', emma.id).executeTakeFirstOrThrow()).id;
    await verifyOwnMobile(EMMAS_OWN);
    await runner.runDue(); // the code SMS
    deliveredBefore = gateway.delivered.length;
    jobsBefore = (await smsJobs()).length;
    // Göran teaches 2B, Bo heads Björkskolan (and its fritids), Mats works at the fritids; the demo gives them no login.
    for (const [first, last, username] of [['Göran', 'Björk', 'goran'], ['Bo', 'Skoglund', 'skolrektor'], ['Mats', 'Ström', 'mats']]) {
      await createAccount(t.db, { personId: await personId(t.db, first, last), username, email: null, passwordHash: await demoPasswordHash() }, t.clock.now());
    }
    goran = await signIn(t.app, 'goran');
    // Oskar moves up to 4A next term; Helena teaches 4A and has a login.
    await addPlacement(t.db, { childId: oskar, groupId: await groupId(t.db, '4A'), startDate: '2027-01-11' });
    await createAccount(t.db, { personId: await personId(t.db, 'Helena', 'Vik'), username: 'helena', email: null,
      passwordHash: await demoPasswordHash() }, t.clock.now());
  });
  after(async () => {
    await runner.stop();
    await gateway.stop();
    await t.close();
  });

  const smsJobs = () => t.db.selectFrom('jobs').select('id').where('kind', '=', SMS_SEND_JOB).execute();
  /** Emma enters her own number in Mina inställningar and types in the code SMS:ed to it. */
  async function verifyOwnMobile(mobile: string): Promise<void> {
    const emma = await signIn(t.app, 'vardnadshavare');
    assert.equal((await postForm(emma, '/settings', '/settings/mobile', { mobile })).status, 303);
    const sms = await t.db.selectFrom('sms_outbox').select('message').where('recipient', '=', mobile).orderBy('id', 'desc').executeTakeFirstOrThrow();
    const code = sms.message.match(/\b(\d{6})\b/)![1];
    assert.equal((await postForm(emma, '/settings', '/settings/mobile/verify', { code })).status, 303);
    assert.equal((await t.db.selectFrom('accounts').select('mobile').where('id', '=', emmaAccount).executeTakeFirstOrThrow()).mobile, mobile);
  }

  // (confirmed, as the confirmation page posts it: test/absence/unreported-confirm.test.ts has the page itself)
  const mark = async (agent: Agent, childId: number, fields: Record<string, string> = {}) =>
    agent.post(`/children/${childId}/absences/unreported`).type('form').send({ _csrf: await csrfOf(agent), confirmed: 'yes', ...fields });
  const smsAbout = (childId: number) => t.db.selectFrom('sms_outbox').selectAll().where('child_id', '=', childId).orderBy('id').execute();
  const notificationsOf = (accountId: number) => t.db.selectFrom('notifications').selectAll().where('account_id', '=', accountId)
    .where('kind', '=', 'unreportedAbsence').orderBy('id').execute();
  const absencesOn = (childId: number, date: string) => t.db.selectFrom('absences').selectAll().where('child_id', '=', childId)
    .where('date', '=', date).orderBy('id').execute();
  const later = (ms: number) => t.clock.set(new Date(t.clock.now().getTime() + ms).toISOString());
  /** Runs the jobs due once the minutes to undo a mark have passed, and turns the clock back. */
  const sendDue = async () => {
    const now = t.clock.now().toISOString();
    later(UNREPORTED_SMS_DELAY_MINUTES * 60_000);
    await runner.runDue();
    t.clock.set(now);
  };

  it('sends at most one SMS per child and day when the same absence is marked three times, and notifies each time', async () => {
    for (let time = 1; time <= 3; time++) {
      const res = await mark(goran, oskar);
      assert.equal(res.status, 303, `marking ${time}`);
      assert.equal(res.headers.location, `/groups/${class2b}/today`, 'back to the class\'s Today page');
      later(5 * 60_000);
    }

    const absences = await absencesOn(oskar, '2026-11-24');
    assert.equal(absences.length, 3, 'each marking is kept in the history');
    assert.deepEqual(absences.map((a) => [a.kind, a.starts, a.ends, a.cancelled_at === null]),
      [['unreported', null, null, false], ['unreported', null, null, false], ['unreported', null, null, true]], 'the last one stands');

    const notifications = await notificationsOf(emmaAccount);
    assert.equal(notifications.length, 3, 'one notification per marking');
    for (const n of notifications) {
      assert.deepEqual(JSON.parse(n.params), { child: 'Oskar', date: '2026-11-24' });
      assert.deepEqual([n.url, n.child_id], [`/children/${oskar}`, oskar]);
    }

    const sms = await smsAbout(oskar);
    assert.equal(sms.length, 1, 'one SMS in the outbox');
    assert.deepEqual([sms[0].recipient, sms[0].day], [EMMAS_OWN, '2026-11-24'], 'her own number, before the register\'s');
    assert.equal((await smsJobs()).length - jobsBefore, 1, 'and one job to send it');

    await runner.runDue();
    later(24 * 60 * 60_000);
    await runner.runDue();
    assert.equal(gateway.delivered.length - deliveredBefore, 1, 'one SMS reached the gateway');
    const delivered = gateway.delivered[deliveredBefore];
    assert.equal(delivered.form.to, EMMAS_OWN);
    assert.equal(delivered.form.from, 'Vardag');
    assert.equal(delivered.form.message, 'Vardag: Oskar har ogiltig frånvaro i dag tisdag 24 november (Björkskolan). Se Vardag för mer.');
    assert.ok(delivered.form.message.length <= 160, 'fits in one SMS');
    assert.doesNotMatch(delivered.form.message, /Andersson/, 'the first name only');
    assert.deepEqual(findIdentityNumbers(delivered.form.message), []);

    const page = await (await signIn(t.app, 'vardnadshavare')).get('/notifications');
    // the bell's item leads through /notifications/:id (read when opened) to Oskar
    const item = /<a href="(\/notifications\/\d+)"[^>]*>Ogiltig frånvaro för Oskar tisdag 24 november<\/a>/.exec(page.text);
    assert.ok(item, 'the notification in the bell');
    const opened = await (await signIn(t.app, 'vardnadshavare')).get(item[1]);
    assert.equal(opened.status, 303);
    assert.equal(opened.headers.location, `/children/${oskar}`);
    t.clock.set('2026-11-24T09:30:00Z');
  });

  it('marks the lessons\' time span of an earlier day, with an SMS of its own for that day, and returns to `next`', async () => {
    const head = await signIn(t.app, 'skolrektor');
    const res = await mark(head, oskar, { date: '2026-11-23', from: '08:00', to: '09:40', next: `/groups/${class2b}/today?date=2026-11-23` });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/groups/${class2b}/today?date=2026-11-23`);
    const [absence] = await absencesOn(oskar, '2026-11-23');
    assert.deepEqual([absence.kind, absence.starts, absence.ends], ['unreported', '08:00', '09:40']);
    const sms = await smsAbout(oskar);
    assert.equal(sms.length, 2);
    assert.equal(sms[1].message, 'Vardag: Oskar hade ogiltig frånvaro måndag 23 november kl. 08:00-09:40 (Björkskolan). Se Vardag för mer.');
    const page = await (await signIn(t.app, 'vardnadshavare')).get('/notifications');
    assert.match(page.text, /Ogiltig frånvaro för Oskar måndag 23 november kl\. 08:00–09:40/);
    await sendDue();
    assert.equal(gateway.delivered.length - deliveredBefore, 2);
  });

  it('without a number of her own, uses the register\'s mobile number, in the account\'s language; a demo database keeps it in the demo outbox', async () => {
    await t.db.updateTable('accounts').set({ mobile: null, language: 'en' }).where('id', '=', emmaAccount).execute();
    try {
      const before = gateway.requests.length;
      assert.equal((await mark(goran, oskar, { date: '2026-11-20' })).status, 303);
      const sms = (await smsAbout(oskar)).filter((s) => s.day === '2026-11-20');
      assert.equal(sms.length, 1);
      assert.equal(sms[0].recipient, emmaMobile, 'the register\'s 07x number, as +467...');
      assert.equal(sms[0].message, 'Vardag: Oskar had an unreported absence on Friday 20 November (Björkskolan). See Vardag for more.');
      await sendDue();
      const row = await t.db.selectFrom('sms_outbox').selectAll().where('id', '=', sms[0].id).executeTakeFirstOrThrow();
      assert.equal(row.demo_outbox, 1, 'a made-up person\'s number may be somebody\'s real phone: not texted');
      assert.notEqual(row.sent_at, null);
      assert.equal(gateway.requests.length, before, 'the gateway got nothing');
    } finally {
      await t.db.updateTable('accounts').set({ language: 'sv' }).where('id', '=', emmaAccount).execute();
      await verifyOwnMobile(EMMAS_OWN);
    }
  });

  it('notifies a guardian without a mobile number in Vardag, and sends no SMS', async () => {
    const classmate = await t.db.selectFrom('placements').innerJoin('persons', 'persons.id', 'placements.child_id')
      .innerJoin('guardianships', 'guardianships.child_id', 'persons.id')
      .select(['persons.id', 'persons.first_name']).where('placements.group_id', '=', class2b).where('persons.id', '!=', oskar)
      .orderBy('persons.id').executeTakeFirstOrThrow();
    const guardians = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', classmate.id).execute();
    // A landline, or no number at all: nothing an SMS can go to.
    await t.db.updateTable('persons').set({ phone: '08-123 456 78' }).where('id', '=', guardians[0].guardian_id).execute();
    if (guardians[1]) await t.db.updateTable('persons').set({ phone: null }).where('id', '=', guardians[1].guardian_id).execute();
    const account = await createAccount(t.db, { personId: guardians[0].guardian_id, username: 'utan-mobil', email: null,
      passwordHash: await demoPasswordHash() }, t.clock.now());

    assert.equal((await mark(goran, classmate.id)).status, 303);
    const notifications = await notificationsOf(account);
    assert.equal(notifications.length, 1, 'the notification in Vardag');
    assert.deepEqual(JSON.parse(notifications[0].params), { child: classmate.first_name, date: '2026-11-24' });
    assert.equal((await smsAbout(classmate.id)).length, 0, 'no SMS');
    const page = await (await signIn(t.app, 'utan-mobil')).get('/notifications');
    assert.match(page.text, new RegExp(`Ogiltig frånvaro för ${classmate.first_name} tisdag 24 november`));
  });

  it('refuses a day that is not today or the week before, closed, or reported by a guardian, and wrong times', async () => {
    await reportAbsence(t.db, { childIds: [oskar], days: { [oskar]: ['2026-11-19'] }, starts: null, ends: null, comment: 'Tandläkaren',
      kind: 'reported', by: emmaAccount, now: t.clock.now() });
    const cases: [Record<string, string>, RegExp][] = [
      [{ date: '2026-11-25' }, /Dagen har inte varit än/],
      [{ date: '2026-11-16' }, /Ogiltig frånvaro går bara att markera en vecka bakåt/],
      [{ date: '24/11/2026' }, /Skriv dagen som åååå-mm-dd/],
      [{ date: '2026-11-22' }, /Skolan hade stängt den dagen/], // a Sunday
      [{ date: '2026-11-19' }, /En vårdnadshavare har redan anmält frånvaro den dagen/],
      [{ from: '10:00', to: '09:00' }, /Sluttiden måste vara efter starttiden/],
      [{ from: '11:00', to: '12:00' }, /Lektionerna har inte börjat än/], // it is 10:30
      [{ from: '08:00' }, /Skriv när lektionerna slutade/],
      [{ from: '8', to: '09:00' }, /Skriv tiden som tt:mm/],
    ];
    const before = JSON.stringify([await t.db.selectFrom('absences').selectAll().execute(), await t.db.selectFrom('sms_outbox').selectAll().execute(),
      await t.db.selectFrom('notifications').selectAll().execute()]);
    for (const [fields, message] of cases) {
      const res = await mark(goran, oskar, fields);
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.match(res.text, message, JSON.stringify(fields));
      assert.match(res.text, /<h1>Ogiltig frånvaro för Oskar<\/h1>/);
      assert.match(res.text, new RegExp(`<form method="post" action="/children/${oskar}/absences/unreported"`), 'the form, to correct and send again');
    }
    const after = JSON.stringify([await t.db.selectFrom('absences').selectAll().execute(), await t.db.selectFrom('sms_outbox').selectAll().execute(),
      await t.db.selectFrom('notifications').selectAll().execute()]);
    assert.equal(after, before, 'nothing was stored');
    assert.equal((await absencesOn(oskar, '2026-11-19'))[0].kind, 'reported', 'the guardian\'s report stands');
  });

  it('is not found for a child in no school, for fritids staff, other staff and guardians', async () => {
    const elsa = await personId(t.db, 'Elsa', 'Andersson'); // Förskolan Solrosen
    assert.equal((await mark(await signIn(t.app, 'admin'), elsa)).status, 404, 'the admin, about a preschool child');
    assert.equal((await mark(await signIn(t.app, 'pedagog'), elsa)).status, 404, 'Elsa\'s own teacher: a preschool has no unreported absence');
    for (const user of ['mats', 'pedagog', 'rektor', 'vardnadshavare', 'grannadmin']) {
      assert.equal((await mark(await signIn(t.app, user), oskar)).status, 404, user);
    }
    assert.equal((await mark(await signIn(t.app, 'admin'), oskar, { date: '2026-11-18' })).status, 303, 'the admin of Demokommun may');
  });

  it('staff of a class the child joins next term cannot mark the child unreported', async () => {
    const written = async () => JSON.stringify([await t.db.selectFrom('absences').selectAll().execute(),
      await t.db.selectFrom('sms_outbox').selectAll().execute(), await t.db.selectFrom('notifications').selectAll().execute()]);
    const before = await written();
    const helena = await signIn(t.app, 'helena');
    assert.equal((await mark(helena, oskar)).status, 404, 'today');
    assert.equal((await mark(helena, oskar, { date: '2026-11-20' })).status, 404, 'a day last week');
    assert.equal(await written(), before, 'nothing was stored');
  });
});
