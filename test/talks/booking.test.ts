// Development talks (utvecklingssamtal): pedagog publishes times for Blåbär, Emma and Johan (Elsa's guardians in two
// homes) and Karim (Nora's) book, move and cancel until Solrosen's deadline; two guardians racing for the last time:
// exactly one gets it, the other a clear Swedish message; the booked talk as an .ics file; staff see who booked and who
// not, book on a guardian's behalf and remind; the notification the day before goes out once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ical from 'node-ical';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId, unitId } from '../support/demo.ts';
import { bookSlot, cancelBooking, publishSlot, removeSlot } from '../../server/talks/queries.ts';
import { registerTalkJobs, sendTalkReminders, TALKS_OPEN_JOB, tellTalksOpen } from '../../server/talks/notices.ts';
import { JobRunner } from '../../server/kernel/jobs.ts';

// The test app's today is Tuesday 24 November 2026.
describe('development talks', () => {
  let t: TestApp;
  let blabar: number;
  let solrosen: number;
  let elsa: number;
  let nora: number;
  let runner: JobRunner;
  const agents = new Map<string, Agent>();
  const told = (kind: string, childId: number) => t.db.selectFrom('notifications').innerJoin('accounts', 'accounts.id', 'notifications.account_id')
    .select(['accounts.username', 'notifications.url', 'notifications.params', 'notifications.created_at']).where('kind', '=', kind).where('child_id', '=', childId)
    .orderBy('notifications.id').execute();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const slotsOn = (date: string) => t.db.selectFrom('talk_slots').selectAll().where('date', '=', date).orderBy('start_time').execute();
  const bookings = () => t.db.selectFrom('talk_bookings').selectAll().orderBy('id').execute();
  const publish = async (fields: Record<string, string>) =>
    postForm(await as('pedagog'), `/groups/${blabar}/talks`, `/groups/${blabar}/talks/slots`, { place: 'Blåbärs rum', length: '30', ...fields });

  before(async () => {
    t = await startTestApp();
    blabar = await groupId(t.db, 'Blåbär');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    nora = await personId(t.db, 'Nora', 'Haddad');
    // The demo's talks go (server/talks/demo.ts): this test publishes and books its own.
    await t.db.deleteFrom('talk_bookings').execute();
    await t.db.deleteFrom('talk_slots').execute();
    runner = new JobRunner({ db: t.db, clock: t.clock, log: () => undefined });
    registerTalkJobs(runner, { db: t.db, clock: t.clock });
  });
  after(async () => t?.close());

  it('shows no talks box while there is nothing to book', async () => {
    const page = await (await as('vardnadshavare')).get(`/children/${elsa}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /id="box-talks"/);
  });

  it('lets the teacher publish times, and tells the families once for the day’s batch, through a job after the publish', async () => {
    const res = await publish({ date: '2026-12-08', start: '08:30' });
    assert.equal(res.status, 303);
    assert.equal((await publish({ date: '2026-12-08', start: '09:00' })).status, 303);
    assert.deepEqual((await slotsOn('2026-12-08')).map((s) => [s.start_time, s.end_time]), [['08:30', '09:00'], ['09:00', '09:30']]);
    const jobs = await t.db.selectFrom('jobs').select('payload').where('kind', '=', TALKS_OPEN_JOB).execute();
    assert.deepEqual(jobs.map((j) => JSON.parse(j.payload)), [{ groupId: blabar, day: '2026-11-24' }], 'one job for the batch');
    assert.deepEqual(await told('talksOpen', elsa), [], 'nobody yet: the job tells them');
    assert.equal(await runner.runDue(), 1);
    const open = await told('talksOpen', elsa);
    assert.deepEqual(open.map((n) => n.username).sort(), ['vardnadshavare', 'vardnadshavare2'], 'both of Elsa’s guardians, once');
    assert.equal(open[0]?.url, `/children/${elsa}/talks`);
    assert.deepEqual((await told('talksOpen', nora)).map((n) => n.username), ['vardnadshavare3'], 'Karim (Leila has no account)');
    // Run again, twice at once, and after another time of the same day: nobody is told twice.
    assert.equal(await tellTalksOpen(t.db, blabar, '2026-11-24', t.clock.now()), 0);
    assert.deepEqual(await Promise.all([tellTalksOpen(t.db, blabar, '2026-11-24', t.clock.now()), tellTalksOpen(t.db, blabar, '2026-11-24', t.clock.now())]), [0, 0]);
    assert.equal((await publish({ date: '2026-12-08', start: '10:30' })).status, 303);
    await runner.runDue();
    assert.equal((await told('talksOpen', elsa)).length, 2);
    await t.db.deleteFrom('talk_slots').where('date', '=', '2026-12-08').where('start_time', '=', '10:30').execute();
    const page = await (await as('pedagog')).get(`/groups/${blabar}/talks`);
    assert.match(page.text, /Har inte bokat: \d+ av \d+/);
    assert.match(page.text, /Elsa Andersson/);
    assert.equal((await postForm(await as('pedagog'), `/groups/${blabar}/talks`, `/groups/${blabar}/talks/remind`)).status, 303);
    const reminded = await t.db.selectFrom('notifications').select('child_id').where('kind', '=', 'talkBookingReminder').where('child_id', '=', elsa).execute();
    assert.equal(reminded.length, 2, 'Emma and Johan are reminded while Elsa has no talk');
  });

  it('refuses overlapping times of one teacher and bad input, at the field, saving nothing', async () => {
    const before = (await slotsOn('2026-12-08')).length;
    const overlap = await publish({ date: '2026-12-08', start: '08:45' });
    assert.equal(overlap.status, 409);
    assert.match(overlap.text, /<title>Fel:/);
    assert.match(overlap.text, /id="start-error"[^>]*>[\s\S]*Du har redan en tid som krockar \(08:30–09:00\)/);
    const bad = await publish({ date: '2026-12-08', start: '23:50', videoUrl: 'javascript:alert(1)', place: '' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Samtalet måste sluta före midnatt/);
    assert.match(bad.text, /Länken ska börja med https:\/\//);
    assert.equal((await publish({ date: '2026-11-20', start: '10:00' })).status, 400);
    assert.equal((await slotsOn('2026-12-08')).length, before);
    // Back to back is no overlap; another teacher may hold a talk at the same time.
    assert.equal((await publish({ date: '2026-12-08', start: '09:30' })).status, 303);
  });

  it('lets Emma book a time for Elsa, shown on the start page with an .ics file at the local time', async () => {
    const emma = await as('vardnadshavare');
    const [first] = await slotsOn('2026-12-08');
    const page = await emma.get(`/children/${elsa}/talks`);
    assert.match(page.text, /Boka senast/);
    const res = await postForm(emma, `/children/${elsa}/talks`, `/children/${elsa}/talks/book`, { slot: String(first!.id) });
    assert.equal(res.status, 303);
    const after = await emma.get(`/children/${elsa}/talks`);
    assert.match(after.text, /Tiden är bokad/);
    assert.match(after.text, /Er bokade tid/);
    const start = await emma.get(`/children/${elsa}`);
    assert.match(start.text, /id="box-talks"/);
    assert.match(start.text, /Utvecklingssamtal [^<]*8 december kl\. 08:30/);
    const ics = await emma.get(`/children/${elsa}/talks.ics`);
    assert.equal(ics.status, 200);
    assert.match(ics.headers['content-type'], /text\/calendar/);
    assert.match(ics.headers['cache-control'], /no-store/);
    assert.match(ics.text, /BEGIN:VTIMEZONE\r\nTZID:Europe\/Stockholm/);
    assert.match(ics.text, /DTSTART;TZID=Europe\/Stockholm:20261208T083000/);
    const events = Object.values(ical.sync.parseICS(ics.text)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
    assert.equal(events.length, 1);
    assert.equal(events[0]!.start.toISOString(), '2026-12-08T07:30:00.000Z', '08:30 in Stockholm (winter time)');
    assert.equal(String(events[0]!.summary), 'Utvecklingssamtal för Elsa');
    // Johan (the other home) sees the same talk: the unit wants one talk together.
    const johan = await (await as('vardnadshavare2')).get(`/children/${elsa}/talks`);
    assert.match(johan.text, /Er bokade tid/);
  });

  it('tells Karim clearly that a taken time is gone, and books nothing', async () => {
    const karim = await as('vardnadshavare3');
    const [first] = await slotsOn('2026-12-08');
    const page = await karim.get(`/children/${nora}/talks`);
    assert.doesNotMatch(page.text, new RegExp(`value="${first!.id}"`), 'the booked time is not offered');
    const res = await postForm(karim, `/children/${nora}/talks`, `/children/${nora}/talks/book`, { slot: String(first!.id) });
    assert.equal(res.status, 409);
    assert.match(res.text, /Tiden hann bokas av någon annan\. Välj en annan tid\./);
    assert.equal((await bookings()).filter((b) => b.child_id === nora).length, 0);
  });

  it('moves Emma’s booking to another time and cancels it; keeps strangers out', async () => {
    const emma = await as('vardnadshavare');
    const [, second] = await slotsOn('2026-12-08');
    const moved = await postForm(emma, `/children/${elsa}/talks`, `/children/${elsa}/talks/book`, { slot: String(second!.id) });
    assert.equal(moved.status, 303);
    const mine = (await bookings()).filter((b) => b.child_id === elsa);
    assert.deepEqual(mine.map((b) => b.slot_id), [second!.id], 'one talk per child: moved, not doubled');
    const cancel = await postForm(emma, `/children/${elsa}/talks`, `/children/${elsa}/talks/cancel`, { booking: String(mine[0]!.id) });
    assert.equal(cancel.status, 303);
    assert.equal((await bookings()).filter((b) => b.child_id === elsa).length, 0);
    assert.equal((await (await as('vardnadshavare3')).get(`/children/${elsa}/talks`)).status, 404);
    assert.equal((await (await as('pedagog3')).get(`/groups/${blabar}/talks`)).status, 404);
    assert.equal((await (await as('vardnadshavare')).get(`/groups/${blabar}/talks`)).status, 404);
  });

  it('refuses a booking past the unit’s deadline, and lets the head set it', async () => {
    const head = await as('rektor');
    const saved = await postForm(head, `/units/${solrosen}/talks/settings`, `/units/${solrosen}/talks/settings`, { deadlineDays: '15', twoHomes: 'together' });
    assert.equal(saved.status, 303);
    const bad = await postForm(head, `/units/${solrosen}/talks/settings`, `/units/${solrosen}/talks/settings`, { deadlineDays: '99', twoHomes: 'x' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Skriv ett antal dagar mellan 0 och 30/);
    const emma = await as('vardnadshavare');
    const [first] = await slotsOn('2026-12-08');
    const late = await postForm(emma, `/children/${elsa}/talks`, `/children/${elsa}/talks/book`, { slot: String(first!.id) });
    assert.equal(late.status, 409);
    assert.match(late.text, /för sent/);
    assert.equal((await bookings()).filter((b) => b.child_id === elsa).length, 0);
    assert.equal((await (await as('pedagog')).get(`/units/${solrosen}/talks/settings`)).status, 404);
    await postForm(head, `/units/${solrosen}/talks/settings`, `/units/${solrosen}/talks/settings`, { deadlineDays: '2', twoHomes: 'together' });
  });

  it('books one talk per home when the unit says so', async () => {
    const head = await as('rektor');
    await postForm(head, `/units/${solrosen}/talks/settings`, `/units/${solrosen}/talks/settings`, { deadlineDays: '2', twoHomes: 'each' });
    const slots = await slotsOn('2026-12-08');
    assert.equal((await postForm(await as('vardnadshavare'), `/children/${elsa}/talks`, `/children/${elsa}/talks/book`, { slot: String(slots[0]!.id) })).status, 303);
    // Emma's home has booked, Johan's not yet: his box offers times to book, never Emma's talk as if it were his.
    const johanBox = async () => (await (await as('vardnadshavare2')).get(`/children/${elsa}/boxes/talks`).set('HX-Request', 'true')).text;
    const boxBefore = await johanBox();
    assert.match(boxBefore, /Det finns tider att boka/);
    assert.doesNotMatch(boxBefore, /kl\. 08:30/, 'not the other home’s talk');
    assert.doesNotMatch((await (await as('vardnadshavare2')).get(`/children/${elsa}`)).text, /8 december kl\. 08:30/);
    assert.match((await (await as('vardnadshavare')).get(`/children/${elsa}`)).text, /8 december kl\. 08:30/, 'Emma sees her own');
    assert.equal((await postForm(await as('vardnadshavare2'), `/children/${elsa}/talks`, `/children/${elsa}/talks/book`, { slot: String(slots[1]!.id) })).status, 303);
    const boxAfter = await johanBox();
    assert.match(boxAfter, /8 december kl\. 09:00/);
    assert.doesNotMatch(boxAfter, /kl\. 08:30/);
    const johanIcs = await (await as('vardnadshavare2')).get(`/children/${elsa}/talks.ics`);
    assert.match(johanIcs.text, /DTSTART;TZID=Europe\/Stockholm:20261208T090000/);
    assert.doesNotMatch(johanIcs.text, /T083000/, 'his .ics holds his home’s talk only');
    const mine = (await bookings()).filter((b) => b.child_id === elsa);
    assert.deepEqual(mine.map((b) => [b.slot_id, b.household]), [[slots[0]!.id, 0], [slots[1]!.id, 1]]);
    const johan = await (await as('vardnadshavare2')).get(`/children/${elsa}/talks`);
    assert.match(johan.text, /09:00–09:30/);
    assert.doesNotMatch(johan.text, /08:30–09:00/, 'Johan sees his own home’s talk');
    await postForm(head, `/units/${solrosen}/talks/settings`, `/units/${solrosen}/talks/settings`, { deadlineDays: '2', twoHomes: 'together' });
  });

  it('lets the teacher see who booked, book for a guardian and remind those who have not booked', async () => {
    const pedagog = await as('pedagog');
    const slots = await slotsOn('2026-12-08');
    const page = await pedagog.get(`/groups/${blabar}/talks`);
    assert.match(page.text, /Elsa Andersson/);
    const res = await postForm(pedagog, `/groups/${blabar}/talks`, `/groups/${blabar}/talks/bookings`, { child: String(nora), slot: String(slots[2]!.id) });
    assert.equal(res.status, 303);
    assert.deepEqual((await bookings()).filter((b) => b.child_id === nora).map((b) => b.slot_id), [slots[2]!.id]);
    const booked = await told('talkBookedByStaff', nora);
    assert.deepEqual(booked.map((n) => [n.username, n.url]), [['vardnadshavare3', `/children/${nora}/talks`]], 'Karim hears that staff booked for Nora');
    assert.deepEqual(JSON.parse(booked[0]!.params), { child: 'Nora', date: '2026-12-08', time: '09:30' });
    const bell = await (await as('vardnadshavare3')).get('/notifications');
    assert.match(bell.text, /Personalen har bokat utvecklingssamtal för Nora tisdag 8 december kl\. 09:30/);
    const noraBooking = (await bookings()).find((b) => b.child_id === nora)!;
    const cancelled = await postForm(pedagog, `/groups/${blabar}/talks`, `/groups/${blabar}/talks/bookings/cancel`, { child: String(nora), booking: String(noraBooking.id) });
    assert.equal(cancelled.status, 303);
    assert.deepEqual((await told('talkCancelledByStaff', nora)).map((n) => n.username), ['vardnadshavare3']);
    assert.equal((await postForm(pedagog, `/groups/${blabar}/talks`, `/groups/${blabar}/talks/bookings`, { child: String(nora), slot: String(slots[2]!.id) })).status, 303);
    assert.equal((await told('talkBookedByStaff', nora)).length, 2);
    const taken = await postForm(pedagog, `/groups/${blabar}/talks`, `/groups/${blabar}/talks/bookings`, { child: String(nora), slot: String(slots[0]!.id) });
    assert.equal(taken.status, 409);
    const before = await t.db.selectFrom('notifications').select('child_id').where('kind', '=', 'talkBookingReminder').execute();
    const reminded = await postForm(pedagog, `/groups/${blabar}/talks`, `/groups/${blabar}/talks/remind`);
    assert.equal(reminded.status, 303);
    const reminders = await t.db.selectFrom('notifications').select('child_id').where('kind', '=', 'talkBookingReminder').execute();
    assert.equal(reminders.filter((r) => r.child_id === elsa || r.child_id === nora).length, before.filter((r) => r.child_id === elsa || r.child_id === nora).length, 'not those who booked');
  });

  it('notifies the guardians the day before, once', async () => {
    t.clock.set('2026-12-07T16:00:00Z');
    const first = await sendTalkReminders(t.db, t.clock);
    const second = await sendTalkReminders(t.db, t.clock);
    assert.equal(first, 3, 'Elsa’s two homes and Nora');
    assert.equal(second, 0);
    const sent = await t.db.selectFrom('notifications').select(['child_id', 'params']).where('kind', '=', 'talkTomorrow').execute();
    assert.equal(sent.filter((n) => n.child_id === elsa).length, 2, 'each of Elsa’s homes hears of its own talk');
    t.clock.set('2026-11-24T09:00:00Z');
  });

  it('with one talk per home: staff cancelling tells that home only, and new times the next day reach the home without a talk', async () => {
    const head = await as('rektor');
    await postForm(head, `/units/${solrosen}/talks/settings`, `/units/${solrosen}/talks/settings`, { deadlineDays: '2', twoHomes: 'each' });
    try {
      t.clock.set('2026-11-25T09:00:00Z');
      const johans = (await bookings()).find((b) => b.child_id === elsa && b.household === 1)!;
      const before = (await told('talkCancelledByStaff', elsa)).length;
      const res = await postForm(await as('pedagog'), `/groups/${blabar}/talks`, `/groups/${blabar}/talks/bookings/cancel`, { child: String(elsa), booking: String(johans.id) });
      assert.equal(res.status, 303);
      assert.deepEqual((await told('talkCancelledByStaff', elsa)).slice(before).map((n) => n.username), ['vardnadshavare2'], 'Johan’s home, not Emma');
      const earlier = (await told('talksOpen', elsa)).length;
      assert.equal((await publish({ date: '2026-12-09', start: '10:00' })).status, 303);
      assert.equal(await runner.runDue(), 1, 'a new day, a new notice');
      const fresh = (await told('talksOpen', elsa)).slice(earlier);
      assert.deepEqual(fresh.map((n) => n.username), ['vardnadshavare2'], 'only the home without a talk');
      assert.equal((await told('talksOpen', nora)).length, 1, 'Nora has her talk: Karim is not told again');
    } finally {
      t.clock.set('2026-11-24T09:00:00Z');
      await postForm(head, `/units/${solrosen}/talks/settings`, `/units/${solrosen}/talks/settings`, { deadlineDays: '2', twoHomes: 'together' });
    }
  });
});

describe('the race for the last time', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    await t.db.deleteFrom('talk_bookings').execute(); // (the demo's talks: this test makes its own)
    await t.db.deleteFrom('talk_slots').execute();
  });
  after(async () => t?.close());

  it('gives the last time to exactly one of two guardians posting at once; the other gets a clear message', async () => {
    const blabar = await groupId(t.db, 'Blåbär');
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    const nora = await personId(t.db, 'Nora', 'Haddad');
    const pedagog = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const slot = await publishSlot(t.db, { groupId: blabar, staffPersonId: pedagog.person_id, by: pedagog.id, at: t.clock.now(), date: '2026-12-10', start: '10:00', end: '10:30', place: 'Rummet', videoUrl: null });
    assert.ok(slot.ok);
    const emma = await signIn(t.app, 'vardnadshavare');
    const karim = await signIn(t.app, 'vardnadshavare3');
    // Both pages open first; then both post at the same moment.
    const pages = await Promise.all([emma.get(`/children/${elsa}/talks`), karim.get(`/children/${nora}/talks`)]);
    const token = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const post = (agent: Agent, child: number, html: string) => agent.post(`/children/${child}/talks/book`).type('form')
      .send(new URLSearchParams({ _csrf: token(html), slot: String(slot.id) }).toString());
    const results = await Promise.all([post(emma, elsa, pages[0].text), post(karim, nora, pages[1].text)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [303, 409]);
    const loser = results.find((r) => r.status === 409)!;
    assert.match(loser.text, /Tiden hann bokas av någon annan\. Välj en annan tid\./);
    const rows = await t.db.selectFrom('talk_bookings').selectAll().where('slot_id', '=', slot.id).execute();
    assert.equal(rows.length, 1);
  });

  it('lets exactly one of many bookings at once take a time, and keeps the losers’ earlier bookings', async () => {
    const blabar = await groupId(t.db, 'Blåbär');
    const pedagog = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const children = await t.db.selectFrom('placements').select('child_id').where('group_id', '=', blabar).where('end_date', 'is', null).limit(6).execute();
    const ids = [...new Set(children.map((c) => c.child_id))];
    const at = t.clock.now();
    const slots = [];
    for (const [i, start] of ['11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '14:00'].entries()) {
      const s = await publishSlot(t.db, { groupId: blabar, staffPersonId: pedagog.person_id, by: pedagog.id, at, date: '2026-12-11', start, end: ['11:30', '12:00', '12:30', '13:00', '13:30', '14:00', '14:30'][i]!, place: 'Rummet', videoUrl: null });
      assert.ok(s.ok);
      slots.push(s.id);
    }
    // Each child first holds a time of its own; then all try to move to the last one at once.
    for (const [i, childId] of ids.entries()) {
      assert.ok((await bookSlot(t.db, { childId, slotId: slots[i]!, household: 0, by: pedagog.id, at, today: '2026-11-24', byStaff: true })).ok);
    }
    const last = slots[slots.length - 1]!;
    const outcomes = await Promise.all(ids.map((childId) => bookSlot(t.db, { childId, slotId: last, household: 0, by: pedagog.id, at, today: '2026-11-24', byStaff: true })));
    assert.equal(outcomes.filter((o) => o.ok).length, 1);
    assert.ok(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.error === 'taken'));
    const rows = await t.db.selectFrom('talk_bookings').select(['child_id', 'slot_id']).where('child_id', 'in', ids).execute();
    assert.equal(rows.length, ids.length, 'every child still has exactly one talk');
    assert.equal(rows.filter((r) => r.slot_id === last).length, 1);
  });

  it('never removes a booking with its time: a time removed while a guardian books it is either kept booked or not booked at all', async () => {
    const blabar = await groupId(t.db, 'Blåbär');
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    const pedagog = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    const at = t.clock.now();
    for (const [i, start] of ['08:00', '08:30', '09:00', '09:30', '10:00'].entries()) {
      const s = await publishSlot(t.db, { groupId: blabar, staffPersonId: pedagog.person_id, by: pedagog.id, at, date: '2026-12-14', start, end: ['08:30', '09:00', '09:30', '10:00', '10:30'][i]!, place: 'Rummet', videoUrl: null });
      assert.ok(s.ok);
      const [booked, removed] = await Promise.all([
        bookSlot(t.db, { childId: elsa, slotId: s.id, household: 0, by: pedagog.id, at, today: '2026-11-24', byStaff: true }),
        removeSlot(t.db, blabar, s.id),
      ]);
      const slotLeft = await t.db.selectFrom('talk_slots').select('id').where('id', '=', s.id).executeTakeFirst();
      const booking = await t.db.selectFrom('talk_bookings').select('id').where('slot_id', '=', s.id).executeTakeFirst();
      if (booked.ok) {
        assert.equal(removed, false, 'a booked time is not removed');
        assert.ok(slotLeft && booking, 'the booking told "booked" is there');
      } else {
        assert.equal(booked.error, 'not-found');
        assert.equal(removed, true);
        assert.equal(slotLeft, undefined);
      }
    }
  });
});

describe('the families’ notice that times are open', () => {
  let t: TestApp;
  let blabar: number;
  let elsa: number;
  let staff: { id: number; person_id: number };
  const openNotices = () => t.db.selectFrom('notifications').select(['account_id', 'child_id']).where('kind', '=', 'talksOpen').execute();
  const claims = () => t.db.selectFrom('talk_open_notices').select(['group_id', 'day']).where('group_id', '=', blabar).execute();
  const publishOn = async (date: string, start: string, end: string) => {
    const s = await publishSlot(t.db, { groupId: blabar, staffPersonId: staff.person_id, by: staff.id, at: t.clock.now(), date, start, end, place: 'Rummet', videoUrl: null });
    assert.ok(s.ok);
    return s.id;
  };
  before(async () => {
    t = await startTestApp();
    await t.db.deleteFrom('talk_bookings').execute(); // (the demo's talks: this test makes its own)
    await t.db.deleteFrom('talk_slots').execute();
    await t.db.deleteFrom('talk_open_notices').execute();
    blabar = await groupId(t.db, 'Blåbär');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    staff = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'pedagog').executeTakeFirstOrThrow();
  });
  after(async () => t?.close());

  it('tells nobody of times inside the unit’s deadline (guardians cannot book them), and keeps the day unclaimed', async () => {
    // Today is Tuesday 24 November; Solrosen's deadline is two days: the 25th's last booking day was the 23rd.
    await publishOn('2026-11-25', '10:00', '10:30');
    await publishOn('2026-11-25', '11:00', '11:30');
    assert.equal(await tellTalksOpen(t.db, blabar, '2026-11-24', t.clock.now()), 0, 'nobody told');
    assert.deepEqual(await openNotices(), [], 'no family hears of times they cannot book');
    assert.deepEqual(await claims(), [], 'the day is not used up');
  });

  it('tells each family once when a bookable time comes the same day, even with two notices running at once', async () => {
    assert.deepEqual(await claims(), [], 'a fresh group and day');
    const slot = await publishOn('2026-12-10', '10:00', '10:30');
    const runs = await Promise.all([
      tellTalksOpen(t.db, blabar, '2026-11-24', t.clock.now()), tellTalksOpen(t.db, blabar, '2026-11-24', t.clock.now()),
    ]);
    assert.equal(runs.filter((n) => n > 0).length, 1, `exactly one sends: ${runs}`);
    const sent = await openNotices();
    assert.ok(sent.some((n) => n.child_id === elsa));
    assert.equal(new Set(sent.map((n) => `${n.account_id}:${n.child_id}`)).size, sent.length, 'nobody told twice');
    assert.equal((await claims()).length, 1);
    assert.ok(slot > 0);
  });

  it('tells the family of a staff booking or cancel in the same transaction: a failed notice stores nothing', async () => {
    const slot = await publishOn('2026-12-11', '10:00', '10:30');
    const at = t.clock.now();
    const failing = async () => { throw new Error('the notice failed'); };
    await assert.rejects(bookSlot(t.db, { childId: elsa, slotId: slot, household: 0, by: staff.id, at, today: '2026-11-24', byStaff: true }, failing), /the notice failed/);
    assert.deepEqual(await t.db.selectFrom('talk_bookings').select('id').where('slot_id', '=', slot).execute(), [], 'no booking the family was not told of');
    const booked = await bookSlot(t.db, { childId: elsa, slotId: slot, household: 0, by: staff.id, at, today: '2026-11-24', byStaff: true });
    assert.ok(booked.ok);
    const row = await t.db.selectFrom('talk_bookings').select('id').where('slot_id', '=', slot).executeTakeFirstOrThrow();
    await assert.rejects(cancelBooking(t.db, { childId: elsa, bookingId: row.id, households: [0, 1], today: '2026-11-24', byStaff: true }, failing), /the notice failed/);
    assert.ok(await t.db.selectFrom('talk_bookings').select('id').where('id', '=', row.id).executeTakeFirst(), 'still booked: the cancel is undone with its notice');
  });
});
