// The tomorrow card on a guardian's start page: on a Friday (and a Saturday) it is about Monday; a closed Monday says
// so and nothing else; otherwise the day's events with their "ta med" items, the unit's lunch, the care time or
// instead a reported absence, and a booked talk, each linking to its source. Another home's talk (one talk each) and
// another child's absence never show; staff get no card but links to their groups' calendar, information and talks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId, unitId } from '../support/demo.ts';
import { reportAbsence } from '../../server/absence/queries.ts';
import { addEvent } from '../../server/calendar/queries.ts';
import { saveWeek } from '../../server/menu/queries.ts';
import { childrenOfGuardian } from '../../server/people/queries.ts';
import { loadActor } from '../../server/people/relations.ts';
import { addClosedDay } from '../../server/settings/queries.ts';
import { bookSlot, publishSlot, saveTalkSettings } from '../../server/talks/queries.ts';
import { tomorrowCards } from '../../server/tomorrow/card.ts';
import { nextDay } from '../../server/tomorrow/rules.ts';

const FRIDAY = '2026-11-27T09:00:00Z';
const MONDAY = '2026-11-30';

describe('the tomorrow card', () => {
  let t: TestApp;
  let elsa: number;
  let oskar: number;
  let nora: number;
  let solrosen: number;
  let blabar: number;
  let demo: number;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const account = (username: string) => t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', username).executeTakeFirstOrThrow();
  /** The card's HTML on the guardian's start page of the child, or '' when there is none. */
  const cardOf = async (username: string, childId: number) => {
    const page = await (await as(username)).get(`/children/${childId}`);
    assert.equal(page.status, 200);
    return /<section class="panel tomorrow-card"[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
  };

  before(async () => {
    t = await startTestApp({ now: FRIDAY, careTimes: true });
    [elsa, oskar, nora] = await Promise.all([personId(t.db, 'Elsa', 'Andersson'), personId(t.db, 'Oskar', 'Andersson'), personId(t.db, 'Nora', 'Haddad')]);
    [solrosen, blabar, demo] = await Promise.all([unitId(t.db, 'Förskolan Solrosen'), groupId(t.db, 'Blåbär'), municipalityId(t.db, 'Demokommun')]);
    const pedagog = await account('pedagog');
    const at = t.clock.now();
    // Monday at Solrosen: gym for Blåbär (gym clothes), fish for lunch, and a talk booked for Elsa by the other home.
    await addEvent(t.db, {
      municipalityId: demo, unitId: solrosen, groupId: blabar, title: 'Gympa i hallen', note: 'Fri text som kortet inte visar', date: MONDAY,
      allDay: false, startTime: '09:30', endTime: '10:15', repeatUntil: null, bring: ['gymClothes'], by: pedagog.id, at,
    });
    const week = (lunch: string) => [MONDAY, '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']
      .map((date, i) => ({ date, version: 0, breakfast: null, lunch: i === 0 ? lunch : null, snack: null }));
    await t.db.deleteFrom('menu_days').where('unit_id', '=', solrosen).execute(); // (the demo's menu)
    assert.ok((await saveWeek(t.db, solrosen, week('Fiskgratäng'), pedagog.id, at)).ok);
    await saveTalkSettings(t.db, solrosen, { deadlineDays: 2, twoHomes: 'each' }, pedagog.id, at);
    const slot = await publishSlot(t.db, { groupId: blabar, staffPersonId: pedagog.person_id, date: MONDAY, start: '14:00', end: '14:30', place: 'Blåbärs rum', videoUrl: null, by: pedagog.id, at });
    assert.ok(slot.ok);
    const booked = await bookSlot(t.db, { childId: elsa, slotId: slot.id, household: 1, by: pedagog.id, at, today: '2026-11-27', byStaff: true });
    assert.ok(booked.ok);
  });
  after(async () => t?.close());

  it('is about the next day the child could attend: tomorrow, from a Friday or a Saturday the coming Monday', () => {
    assert.equal(nextDay('2026-11-24'), '2026-11-25'); // Tuesday → Wednesday
    assert.equal(nextDay('2026-11-26'), '2026-11-27'); // Thursday → Friday
    assert.equal(nextDay('2026-11-27'), MONDAY); // Friday → Monday
    assert.equal(nextDay('2026-11-28'), MONDAY); // Saturday → Monday
    assert.equal(nextDay('2026-11-29'), MONDAY); // Sunday → Monday
  });

  it('shows Emma, on a Friday, Monday’s gym with what to bring, the lunch and Elsa’s care time, each linking to its source', async () => {
    const card = await cardOf('vardnadshavare', elsa);
    assert.match(card, /<h2 id="tomorrow-\d+">Måndag 30 november<\/h2>/);
    assert.match(card, /09:30–10:15 <a href="\/calendar\/events\/\d+" dir="auto">Gympa i hallen<\/a>/);
    assert.match(card, /Ta med: Gympakläder/);
    assert.match(card, new RegExp(`<a href="/units/${solrosen}/menu\\?week=2026-W49">Lunch</a>: <span dir="auto">Fiskgratäng</span>`));
    assert.match(card, new RegExp(`<a href="/children/${elsa}/schedule\\?week=2026-W49">Omsorgstid \\d\\d:\\d\\d–\\d\\d:\\d\\d</a>`));
    assert.doesNotMatch(card, /Fri text som kortet inte visar/, 'no free text');
    assert.doesNotMatch(card, /Utvecklingssamtal/, 'the talk is the other home’s (one talk each)');
    // The card stands above the boxes.
    const page = (await (await as('vardnadshavare')).get(`/children/${elsa}`)).text;
    assert.ok(page.indexOf('tomorrow-card') < page.indexOf('class="boxes"'));
  });

  it('shows the booked talk to the home it is for', async () => {
    const card = await cardOf('vardnadshavare2', elsa);
    assert.match(card, new RegExp(`<a href="/children/${elsa}/talks">Utvecklingssamtal 14:00–14:30</a> <span dir="auto">Blåbärs rum</span>`));
  });

  it('shows a reported absence instead of the care time, and never another child’s', async () => {
    const emma = await account('vardnadshavare');
    const karim = await account('vardnadshavare3');
    await reportAbsence(t.db, { childIds: [nora], days: { [nora]: [MONDAY] }, starts: null, ends: null, comment: 'Sjuk', kind: 'reported', by: karim.id, now: t.clock.now() });
    assert.match(await cardOf('vardnadshavare', elsa), /Omsorgstid/, 'Nora’s absence is not Elsa’s');
    assert.match(await cardOf('vardnadshavare3', nora), /Frånvaroanmäld/);
    await reportAbsence(t.db, { childIds: [elsa], days: { [elsa]: [MONDAY] }, starts: null, ends: null, comment: null, kind: 'reported', by: emma.id, now: t.clock.now() });
    const card = await cardOf('vardnadshavare', elsa);
    assert.match(card, new RegExp(`<a href="/children/${elsa}/absence">Frånvaroanmäld</a>`));
    assert.doesNotMatch(card, /Omsorgstid/);
    assert.doesNotMatch(card, /Sjuk/);
  });

  it('builds the cards of two children at once without mixing them', async () => {
    const emma = await account('vardnadshavare');
    const today = '2026-11-27';
    const actor = await loadActor(t.db, emma, 'password', today);
    const children = await childrenOfGuardian(t.db, emma.person_id, today);
    assert.deepEqual(children.map((c) => c.id).sort(), [elsa, oskar].sort());
    const cards = await tomorrowCards(t.db, actor, children, today);
    assert.deepEqual(cards.get(elsa)?.events.map((e) => e.title), ['Gympa i hallen']);
    assert.equal(cards.get(elsa)?.lunch?.text, 'Fiskgratäng');
    assert.equal(cards.get(elsa)?.care?.kind, 'absent');
    assert.ok(!cards.get(oskar)?.events.some((e) => e.title === 'Gympa i hallen'), 'Blåbär’s gym is not Oskar’s');
    assert.equal(cards.get(oskar)?.lunch, null, 'Solrosen’s lunch is not Oskar’s school’s');
    assert.notEqual(cards.get(oskar)?.care?.kind, 'absent');
    assert.equal(cards.get(oskar)?.talk, null);
    // Nobody's card for a child they are not a guardian of.
    assert.equal((await tomorrowCards(t.db, actor, await childrenOfGuardian(t.db, (await account('vardnadshavare3')).person_id, today), today)).size, 0);
  });

  it('gives staff no card, but links from their groups to the calendar, information and talks', async () => {
    const page = (await (await as('pedagog')).get('/')).text;
    assert.doesNotMatch(page, /tomorrow-card/);
    for (const path of ['calendar/new', 'information/new', 'talks']) assert.match(page, new RegExp(`href="/groups/${blabar}/${path}"`), path);
  });

  it('says only that the unit is closed on a closed Monday', async () => {
    const rektor = await account('rektor');
    await t.db.transaction().execute((trx) => addClosedDay(trx, solrosen, { date: MONDAY, lastDate: MONDAY, reason: 'Planeringsdag' }, { municipalityId: demo, unitId: solrosen, by: rektor.id, at: t.clock.now() }));
    const card = await cardOf('vardnadshavare2', elsa);
    assert.match(card, /Måndag 30 november/);
    assert.match(card, /<strong>Stängt: <span dir="auto">Planeringsdag<\/span><\/strong>/);
    for (const gone of [/Gympa/, /Fiskgratäng/, /Omsorgstid/, /Utvecklingssamtal/, /Frånvaroanmäld/]) assert.doesNotMatch(card, gone);
  });

  it('says "I morgon" on a weekday, and leaves the card out when there is nothing to say', async () => {
    t.clock.set('2026-11-29T09:00:00Z'); // Sunday: tomorrow is the closed Monday
    assert.match(await cardOf('vardnadshavare', elsa), /<h2 id="tomorrow-\d+">I morgon, måndag 30 november<\/h2>/);
    // Tuesday: Wednesday 2 December has no lunch, event or talk at Solrosen; without her care times Nora's card is left out.
    const schedules = t.db.selectFrom('standard_schedules').select('id').where('child_id', '=', nora);
    await t.db.deleteFrom('standard_care_times').where('schedule_id', 'in', schedules).execute();
    await t.db.deleteFrom('standard_schedules').where('child_id', '=', nora).execute();
    await t.db.deleteFrom('care_times').where('child_id', '=', nora).execute();
    t.clock.set('2026-12-01T09:00:00Z');
    assert.equal(await cardOf('vardnadshavare3', nora), '');
    t.clock.set(FRIDAY);
  });

  it('takes the day in Stockholm: half past midnight on Friday is Friday, on Monday it is Monday', async () => {
    try {
      t.clock.set('2026-11-26T23:30:00Z'); // Friday 00:30 in Stockholm (still Thursday in UTC): the card is about Monday
      assert.match(await cardOf('vardnadshavare', elsa), /<h2 id="tomorrow-\d+">Måndag 30 november<\/h2>/);
      t.clock.set('2026-11-29T23:30:00Z'); // Monday 00:30 in Stockholm: tomorrow is Tuesday
      assert.match(await cardOf('vardnadshavare', elsa), /<h2 id="tomorrow-\d+">I morgon, tisdag 1 december<\/h2>/);
      t.clock.set('2026-11-28T09:00:00Z'); // Saturday: the coming Monday, through the page
      const saturday = await cardOf('vardnadshavare', elsa);
      assert.match(saturday, /<h2 id="tomorrow-\d+">Måndag 30 november<\/h2>/);
      assert.match(saturday, /<strong>Stängt: <span dir="auto">Planeringsdag<\/span><\/strong>/, 'the staff-typed reason in its own direction');
    } finally {
      t.clock.set(FRIDAY);
    }
  });

  it('takes the unit of the placement on the card’s day, and has no card for a child not placed that day', async () => {
    // Solrosen is closed on Monday (above). Elsa leaves it today (Friday) and starts at Vitsippan on Monday, whose lunch is soup.
    const vitsippan = await unitId(t.db, 'Förskolan Vitsippan');
    const humlan = await groupId(t.db, 'Humlan');
    const pedagog = await account('pedagog');
    const week = [MONDAY, '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']
      .map((date, i) => ({ date, version: 0, breakfast: null, lunch: i === 0 ? 'Vitsippans soppa' : null, snack: null }));
    assert.ok((await saveWeek(t.db, vitsippan, week, pedagog.id, t.clock.now())).ok);
    const [placement] = await t.db.selectFrom('placements').select(['id', 'end_date']).where('child_id', '=', elsa).execute();
    const moveTo = async (startDate: string | null) => {
      await t.db.deleteFrom('placements').where('child_id', '=', elsa).where('id', '!=', placement.id).execute();
      if (startDate) await t.db.insertInto('placements').values({ child_id: elsa, group_id: humlan, start_date: startDate, end_date: null, hour_limit: 'none' }).execute();
    };
    try {
      await t.db.updateTable('placements').set({ end_date: '2026-11-27' }).where('id', '=', placement.id).execute();
      await moveTo(MONDAY);
      const card = await cardOf('vardnadshavare', elsa);
      assert.doesNotMatch(card, /Stängt/, 'Solrosen’s closed Monday is not Elsa’s any more');
      assert.match(card, new RegExp(`<a href="/units/${vitsippan}/menu\\?week=2026-W49">Lunch</a>: <span dir="auto">Vitsippans soppa</span>`));
      // Placed nowhere on Monday: the placement ends today, the next one starts a week later (or there is none).
      await moveTo('2026-12-07');
      assert.equal(await cardOf('vardnadshavare', elsa), '', 'not started yet on Monday');
      await moveTo(null);
      assert.equal(await cardOf('vardnadshavare', elsa), '', 'left on Friday');
    } finally {
      await moveTo(null);
      await t.db.updateTable('placements').set({ end_date: placement.end_date }).where('id', '=', placement.id).execute();
    }
  });
});
