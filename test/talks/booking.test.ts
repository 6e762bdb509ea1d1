// Development talks (utvecklingssamtal): pedagog publishes times for Blåbär, Emma and Johan (Elsa's guardians in two
// homes) and Karim (Nora's) book, move and cancel until Solrosen's deadline; two guardians racing for the last time:
// exactly one gets it, the other a clear Swedish message; the booked talk as an .ics file; staff see who booked and who
// not, book on a guardian's behalf and remind; the notification the day before goes out once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ical from 'node-ical';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId, unitId } from '../support/demo.ts';
import { bookSlot, publishSlot, removeSlot } from '../../server/talks/queries.ts';
import { sendTalkReminders } from '../../server/talks/notices.ts';

// The test app's today is Tuesday 24 November 2026.
describe('development talks', () => {
  let t: TestApp;
  let blabar: number;
  let solrosen: number;
  let elsa: number;
  let nora: number;
  const agents = new Map<string, Agent>();
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
  });
  after(async () => t?.close());

  it('shows no talks box while there is nothing to book', async () => {
    const page = await (await as('vardnadshavare')).get(`/children/${elsa}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /id="box-talks"/);
  });

  it('lets the teacher publish times, and tells the guardians the first time booking opens', async () => {
    const res = await publish({ date: '2026-12-08', start: '08:30' });
    assert.equal(res.status, 303);
    assert.equal((await publish({ date: '2026-12-08', start: '09:00' })).status, 303);
    assert.deepEqual((await slotsOn('2026-12-08')).map((s) => [s.start_time, s.end_time]), [['08:30', '09:00'], ['09:00', '09:30']]);
    const told = await t.db.selectFrom('notifications').select(['kind', 'url']).where('kind', '=', 'talksOpen').where('child_id', '=', elsa).execute();
    assert.equal(told.length, 2, 'both of Elsa’s guardians, once (not again for the second time)');
    assert.equal(told[0]?.url, `/children/${elsa}/talks`);
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
    assert.equal((await postForm(await as('vardnadshavare2'), `/children/${elsa}/talks`, `/children/${elsa}/talks/book`, { slot: String(slots[1]!.id) })).status, 303);
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
});

describe('the race for the last time', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
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
