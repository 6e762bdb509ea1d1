// The week form as guardians and staff use it: saving only what changed, who registered each day, the unit's rules
// (lock window, cut-off the day before, closed days, hour limits), repeating, siblings, and refused input.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfOf, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId, unitId } from '../support/demo.ts';
import { formFields, openAndSubmit, submit, textOf } from './support.ts';
import { saveDays } from '../../server/schedule/queries.ts';
import { saveCareRules, unitRules } from '../../server/settings/queries.ts';

interface Ids { elsa: number; oskar: number; nora: number; solrosen: number; blabar: number; lingon: number }

async function demoIds(t: TestApp): Promise<Ids> {
  return {
    elsa: await personId(t.db, 'Elsa', 'Andersson'), oskar: await personId(t.db, 'Oskar', 'Andersson'),
    nora: await personId(t.db, 'Nora', 'Haddad'), solrosen: await unitId(t.db, 'Förskolan Solrosen'),
    blabar: await groupId(t.db, 'Blåbär'), lingon: await groupId(t.db, 'Lingon'),
  };
}

async function rows(t: TestApp, childId: number) {
  return t.db.selectFrom('care_times').select(['date', 'starts', 'ends', 'day_off', 'comment', 'version', 'staff_comment'])
    .where('child_id', '=', childId).orderBy('date').execute();
}

async function history(t: TestApp, childId: number) {
  return t.db.selectFrom('care_history').select(['date', 'what', 'old_value', 'new_value']).where('child_id', '=', childId)
    .where('what', 'in', ['times', 'standard']).orderBy('id').execute();
}

const weekUrl = (child: number, week: string) => `/children/${child}/schedule?week=${week}`;
const action = (child: number) => `/children/${child}/schedule`;

/** The message shown at a field (its `<name>-error` paragraph). */
const errorAt = (html: string, name: string) => textOf(html, `${name}-error`).replace(/^Fel:\s*/, '');

/** The value the form shows in a field. */
function fieldValue(html: string, name: string): string | undefined {
  return new RegExp(`<input id="${name}" name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];
}

describe('care times: the week form', () => {
  let t: TestApp;
  let ids: Ids;
  let emma: Agent;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026, 10:00 in Stockholm; Solrosen locks 2 days, plans 12 months ahead
    ids = await demoIds(t);
    emma = await signIn(t.app, 'vardnadshavare');
  });
  after(() => t.close());

  it('shows the ISO week, opening hours, which days are locked and why, and fields only for the days Emma may change', async () => {
    const res = await emma.get(`/children/${ids.elsa}/schedule`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<h2 id="week-title">Vecka 48 /);
    assert.match(res.text, /Öppet 06:30–18:00/);
    assert.match(textOf(res.text, 'week'),
      /Onsdag 25 november och torsdag 26 november är låsta eftersom Förskolan Solrosen planerar 2 dagar framåt; dagens tider kan du fortfarande ändra\./);
    for (const date of ['2026-11-24', '2026-11-27']) assert.ok(fieldValue(res.text, `starts_${date}`) !== undefined, `a field for ${date}`);
    for (const date of ['2026-11-23', '2026-11-25', '2026-11-26']) assert.equal(fieldValue(res.text, `starts_${date}`), undefined, `no field for ${date}`);
    assert.match(textOf(res.text, 'day_2026-11-25'), /Låst: bara dagens tider kan ändras så här nära inpå\./);
    assert.match(textOf(res.text, 'day_2026-11-23'), /Dagen har varit\./);
  });

  it('saves only the days Emma changed, across the month boundary, and shows who registered them', async () => {
    const res = await openAndSubmit(emma, weekUrl(ids.elsa, '2026-W49'), action(ids.elsa), {
      'starts_2026-11-30': '07:30', 'ends_2026-11-30': '16:00',
      'off_2026-12-01': 'yes',
      'comment_2026-12-02': 'Mormor hämtar',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, weekUrl(ids.elsa, '2026-W49'));
    assert.deepEqual(await rows(t, ids.elsa), [
      { date: '2026-11-30', starts: '07:30', ends: '16:00', day_off: 0, comment: null, version: 1, staff_comment: null },
      { date: '2026-12-01', starts: null, ends: null, day_off: 1, comment: null, version: 1, staff_comment: null },
      { date: '2026-12-02', starts: null, ends: null, day_off: 0, comment: 'Mormor hämtar', version: 1, staff_comment: null },
    ]);
    const logged = await history(t, ids.elsa);
    assert.deepEqual(logged.map((h) => [h.date, h.what, h.old_value]), [['2026-11-30', 'times', null], ['2026-12-01', 'times', null], ['2026-12-02', 'times', null]]);
    assert.deepEqual(JSON.parse(logged[0].new_value!), { starts: '07:30', ends: '16:00', dayOff: false, comment: null });

    const page = await emma.get(res.headers.location);
    assert.match(page.text, /Tiderna är sparade\./);
    assert.equal(fieldValue(page.text, 'starts_2026-11-30'), '07:30');
    assert.match(textOf(page.text, 'day_2026-11-30'), /Registrerad av Emma Andersson/);
    assert.match(page.text, /id="off_2026-12-01" name="off_2026-12-01" type="checkbox" value="yes" checked/);
    assert.match(textOf(page.text, 'day_2026-12-03'), /Inga tider registrerade/);

    // Saving the same week again without changing anything writes nothing.
    const again = await openAndSubmit(emma, weekUrl(ids.elsa, '2026-W49'), action(ids.elsa), {});
    assert.equal(again.status, 303);
    assert.equal((await history(t, ids.elsa)).length, 3);
    assert.match((await emma.get(again.headers.location)).text, /Inget ändrades\./);
  });

  it('saves week 53, which runs from December 2026 into January 2027', async () => {
    const page = await emma.get(weekUrl(ids.elsa, '2026-W53'));
    assert.match(page.text, /Vecka 53 <span class="muted">28 december 2026 – 3 januari 2027/);
    assert.match(page.text, /week=2026-W52"[^>]*>Vecka 52, föregående/);
    assert.match(page.text, /week=2027-W01"[^>]*>Vecka 1, nästa/);
    const res = await submit(emma, action(ids.elsa), formFields(page.text, action(ids.elsa)), {
      'starts_2026-12-29': '08:00', 'ends_2026-12-29': '14:00', 'starts_2026-12-30': '08:00', 'ends_2026-12-30': '14:00',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, weekUrl(ids.elsa, '2026-W53'));
    const saved = (await rows(t, ids.elsa)).filter((r) => r.date >= '2026-12-28');
    assert.deepEqual(saved.map((r) => [r.date, r.starts, r.ends]), [['2026-12-29', '08:00', '14:00'], ['2026-12-30', '08:00', '14:00']]);
    // nyårsafton and nyårsdagen, the week's last weekdays, are public holidays (test/schedule/holidays.test.ts)
    assert.match(textOf((await emma.get(weekUrl(ids.elsa, '2026-W53'))).text, 'day_2027-01-01'), /Stängt: Nyårsdagen/);
  });

  it('refuses a closed day: no fields for it, and a forged one is refused at the day', async () => {
    const page = await emma.get(weekUrl(ids.elsa, '2026-W50'));
    assert.match(textOf(page.text, 'day_2026-12-11'), /Stängt: Planeringsdag/);
    assert.equal(fieldValue(page.text, 'starts_2026-12-11'), undefined);
    const res = await submit(emma, action(ids.elsa), formFields(page.text, action(ids.elsa)), {
      'starts_2026-12-10': '08:00', 'ends_2026-12-10': '15:00', 'starts_2026-12-11': '08:00', 'ends_2026-12-11': '15:00',
    });
    assert.equal(res.status, 400);
    assert.equal(errorAt(res.text, 'day_2026-12-11'), 'Det är stängt den dagen');
    assert.equal(fieldValue(res.text, 'starts_2026-12-10'), '08:00', 'the rest of the form is kept');
    assert.equal((await rows(t, ids.elsa)).filter((r) => r.date.startsWith('2026-12-1')).length, 0);
  });

  it('a child that is not yours is not found, and neither is a sibling that is not yours', async () => {
    const karim = await signIn(t.app, 'vardnadshavare3');
    assert.equal((await karim.get(`/children/${ids.elsa}/schedule`)).status, 404);
    const page = await emma.get(weekUrl(ids.elsa, '2026-W50'));
    const fields = formFields(page.text, action(ids.elsa));
    const karims = await submit(karim, action(ids.elsa), fields, { _csrf: await csrfOf(karim), 'starts_2026-12-07': '08:00', 'ends_2026-12-07': '15:00' });
    assert.equal(karims.status, 404);
    const johan = await signIn(t.app, 'vardnadshavare2');
    const johans = await johan.get(weekUrl(ids.elsa, '2026-W50'));
    assert.doesNotMatch(johans.text, /Oskar/, 'Johan is not Oskar’s guardian');
    const res = await submit(johan, action(ids.elsa), formFields(johans.text, action(ids.elsa)), {
      'starts_2026-12-07': '08:00', 'ends_2026-12-07': '15:00', siblings: String(ids.oskar),
    });
    assert.equal(res.status, 404);
    assert.equal((await rows(t, ids.elsa)).filter((r) => r.date === '2026-12-07').length, 0);
    assert.equal((await rows(t, ids.oskar)).length, 0);
  });
});

describe('care times: bad input is refused at the field, nothing is saved, the form keeps what was typed', () => {
  let t: TestApp;
  let ids: Ids;
  let emma: Agent;
  before(async () => {
    t = await startTestApp();
    ids = await demoIds(t);
    emma = await signIn(t.app, 'vardnadshavare');
  });
  after(() => t.close());

  async function refused(week: string, changes: Record<string, string>) {
    const res = await openAndSubmit(emma, weekUrl(ids.elsa, week), action(ids.elsa), changes);
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel: /);
    assert.match(res.text, /class="error-summary"/);
    assert.deepEqual(await rows(t, ids.elsa), [], 'nothing saved');
    return res.text;
  }

  it('an end before the start', async () => {
    const html = await refused('2026-W49', { 'starts_2026-12-01': '16:00', 'ends_2026-12-01': '08:00', 'starts_2026-12-02': '08:00', 'ends_2026-12-02': '15:00' });
    assert.equal(errorAt(html, 'ends_2026-12-01'), 'Hämtningen måste vara senare än lämningen');
    assert.match(html, /<input id="ends_2026-12-01"[^>]*aria-describedby="ends_2026-12-01-error" aria-invalid="true">/);
    assert.equal(fieldValue(html, 'starts_2026-12-01'), '16:00');
    assert.equal(fieldValue(html, 'ends_2026-12-01'), '08:00');
    assert.equal(fieldValue(html, 'starts_2026-12-02'), '08:00', 'a good day of the same form is not saved either, but kept');
  });

  it('times outside the opening hours', async () => {
    const html = await refused('2026-W49', { 'starts_2026-11-30': '06:00', 'ends_2026-11-30': '18:30' });
    assert.equal(errorAt(html, 'starts_2026-11-30'), 'Det öppnar först 06:30');
    assert.equal(errorAt(html, 'ends_2026-11-30'), 'Det stänger 18:00');
    assert.equal(fieldValue(html, 'starts_2026-11-30'), '06:00');
  });

  it('a locked day', async () => {
    const html = await refused('2026-W48', { 'starts_2026-11-25': '08:00', 'ends_2026-11-25': '15:00', 'starts_2026-11-27': '08:00', 'ends_2026-11-27': '15:00' });
    assert.equal(errorAt(html, 'day_2026-11-25'), 'Dagen är låst: bara dagens tider kan ändras så här nära inpå');
    assert.equal(fieldValue(html, 'starts_2026-11-27'), '08:00');
  });

  it('a day too far ahead', async () => {
    const page = await emma.get(weekUrl(ids.elsa, '2027-W47'));
    assert.match(textOf(page.text, 'day_2027-11-25'), /Så långt fram går det inte att registrera tider än\./);
    assert.equal(fieldValue(page.text, 'starts_2027-11-25'), undefined);
    const html = await refused('2027-W47', { 'starts_2027-11-24': '08:00', 'ends_2027-11-24': '15:00', 'starts_2027-11-25': '08:00', 'ends_2027-11-25': '15:00' });
    assert.equal(errorAt(html, 'day_2027-11-25'), 'Så långt fram går det inte att registrera tider än; sista dagen är onsdag 24 november');
    assert.equal(fieldValue(html, 'starts_2027-11-24'), '08:00');
  });

  it('a bad time, a too long comment and a bad number of weeks', async () => {
    const html = await refused('2026-W49', {
      'starts_2026-11-30': 'åtta', 'ends_2026-11-30': '15:00', 'comment_2026-12-01': 'x'.repeat(301), repeat: 'yes', repeat_weeks: '99',
    });
    assert.equal(errorAt(html, 'starts_2026-11-30'), 'Skriv tiden som tt:mm, till exempel 07:30');
    assert.equal(errorAt(html, 'comment_2026-12-01'), 'Kommentaren får vara högst 300 tecken');
    assert.equal(errorAt(html, 'repeat_weeks'), 'Skriv ett antal veckor mellan 1 och 52');
    assert.equal(fieldValue(html, 'repeat_weeks'), '99');
    assert.match(html, /id="repeat" name="repeat" type="checkbox" value="yes"[^>]* checked/);
  });
});

describe('care times: the lock window and the cut-off the day before, with the clock set', () => {
  let t: TestApp;
  let ids: Ids;
  before(async () => {
    t = await startTestApp();
    ids = await demoIds(t);
  });
  after(() => t.close());

  /** Solrosen with no lock window, and Blåbär taking changes until 14:00 the day before (the taxi rule). */
  async function cutoffAt(time: string | null) {
    const rules = await unitRules(t.db, ids.solrosen);
    await saveCareRules(t.db, ids.solrosen, { ...rules, lockDays: 0, cutoffs: new Map([[ids.blabar, time]]) },
      { municipalityId: 1, unitId: ids.solrosen, by: 1, at: t.clock.now() });
  }
  beforeEach(() => t.clock.set('2026-11-24T09:00:00Z'));

  it('lets a guardian change today inside the lock window, and staff change the locked days for her', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    const today = await openAndSubmit(emma, weekUrl(ids.elsa, '2026-W48'), action(ids.elsa), { 'starts_2026-11-24': '09:00', 'ends_2026-11-24': '15:00' });
    assert.equal(today.status, 303);
    const pedagog = await signIn(t.app, 'pedagog');
    const page = await pedagog.get(weekUrl(ids.elsa, '2026-W48'));
    assert.match(page.text, /Du registrerar som personal: låsta dagar och sista tiden dagen innan gäller bara vårdnadshavare\./);
    const locked = await submit(pedagog, action(ids.elsa), formFields(page.text, action(ids.elsa)), { 'starts_2026-11-25': '08:00', 'ends_2026-11-25': '12:00' });
    assert.equal(locked.status, 303);
    assert.deepEqual((await rows(t, ids.elsa)).map((r) => [r.date, r.starts]), [['2026-11-24', '09:00'], ['2026-11-25', '08:00']]);
    assert.match(textOf((await emma.get(weekUrl(ids.elsa, '2026-W48'))).text, 'day_2026-11-25'), /Registrerad av Sara Holm \(personal\)/);
  });

  it('takes a change for tomorrow at 13:59 and refuses it at 14:00 and after, Stockholm time', async () => {
    await cutoffAt('14:00');
    try {
      t.clock.set('2026-11-24T12:59:00Z'); // 13:59 in Stockholm (UTC+1 in November)
      const emma = await signIn(t.app, 'vardnadshavare');
      const early = await openAndSubmit(emma, weekUrl(ids.elsa, '2026-W48'), action(ids.elsa), { 'starts_2026-11-25': '07:00', 'ends_2026-11-25': '15:00' });
      assert.equal(early.status, 303);

      t.clock.set('2026-11-24T13:00:00Z'); // 14:00
      const page = await emma.get(weekUrl(ids.elsa, '2026-W48'));
      assert.match(textOf(page.text, 'week'),
        /Tisdag 24 november och onsdag 25 november går inte att ändra längre eftersom Blåbär tar emot ändringar senast kl\. 14:00 dagen innan\./);
      assert.equal(fieldValue(page.text, 'starts_2026-11-25'), undefined);
      const forged = await submit(emma, action(ids.elsa), formFields(page.text, action(ids.elsa)), { 'starts_2026-11-25': '09:00', 'ends_2026-11-25': '15:00' });
      assert.equal(forged.status, 400);
      assert.equal(errorAt(forged.text, 'day_2026-11-25'), 'Dagen är låst: ändringar görs senast kl. 14:00 dagen innan');

      t.clock.set('2026-11-24T13:01:00Z'); // 14:01: Thursday is still open until tomorrow at 14:00
      const thursday = await openAndSubmit(emma, weekUrl(ids.elsa, '2026-W48'), action(ids.elsa), { 'starts_2026-11-26': '08:00', 'ends_2026-11-26': '15:00' });
      assert.equal(thursday.status, 303);
      assert.deepEqual((await rows(t, ids.elsa)).filter((r) => r.date >= '2026-11-25').map((r) => [r.date, r.starts]),
        [['2026-11-25', '07:00'], ['2026-11-26', '08:00']], 'Wednesday kept what was saved at 13:59');
    } finally {
      await cutoffAt(null);
    }
  });
});

describe('care times: the hour limit of the placement', () => {
  let t: TestApp;
  let ids: Ids;
  let emma: Agent;
  before(async () => {
    t = await startTestApp();
    ids = await demoIds(t);
    emma = await signIn(t.app, 'vardnadshavare');
  });
  after(() => t.close());

  const limitElsa = (limit: '15h_week' | '525h_year') => t.db.updateTable('placements').set({ hour_limit: limit }).where('child_id', '=', ids.elsa).execute();

  it('shows 15 hours a week as hours used, and refuses a week that goes over', async () => {
    await limitElsa('15h_week');
    const page = await emma.get(weekUrl(ids.elsa, '2026-W49'));
    assert.equal(textOf(page.text, 'hours'), 'Placeringen omfattar högst 15 timmar i veckan. Vecka 49: 0 timmar.');
    const days = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'];
    const tooMuch = await submit(emma, action(ids.elsa), formFields(page.text, action(ids.elsa)),
      Object.fromEntries(days.flatMap((d) => [[`starts_${d}`, '08:00'], [`ends_${d}`, '12:00']])));
    assert.equal(tooMuch.status, 400);
    assert.equal(errorAt(tooMuch.text, 'hours'), 'Veckan blir 20 timmar, men placeringen omfattar högst 15 timmar i veckan');
    assert.equal(fieldValue(tooMuch.text, 'ends_2026-12-04'), '12:00');
    assert.deepEqual(await rows(t, ids.elsa), []);

    const enough = await submit(emma, action(ids.elsa), formFields(page.text, action(ids.elsa)),
      Object.fromEntries(days.slice(0, 3).flatMap((d) => [[`starts_${d}`, '08:00'], [`ends_${d}`, '13:00']])));
    assert.equal(enough.status, 303);
    assert.equal(textOf((await emma.get(weekUrl(ids.elsa, '2026-W49'))).text, 'hours'), 'Placeringen omfattar högst 15 timmar i veckan. Vecka 49: 15 timmar.');
    // A further day would go over; lowering a day never is refused.
    const more = await openAndSubmit(emma, weekUrl(ids.elsa, '2026-W49'), action(ids.elsa), { 'starts_2026-12-04': '08:00', 'ends_2026-12-04': '08:30' });
    assert.equal(more.status, 400);
    assert.equal(errorAt(more.text, 'hours'), 'Veckan blir 15,5 timmar, men placeringen omfattar högst 15 timmar i veckan');
    const less = await openAndSubmit(emma, weekUrl(ids.elsa, '2026-W49'), action(ids.elsa), { 'ends_2026-11-30': '12:00' });
    assert.equal(less.status, 303);
  });

  it('counts 525 hours over the calendar year and refuses going over', async () => {
    await limitElsa('525h_year');
    await t.db.deleteFrom('care_times').where('child_id', '=', ids.elsa).execute();
    // 52 earlier days of 10 hours: 520 hours booked in 2026 already.
    const days: string[] = [];
    for (let d = new Date(Date.UTC(2026, 0, 5)); days.length < 52; d.setUTCDate(d.getUTCDate() + 7)) days.push(d.toISOString().slice(0, 10));
    const saved = await saveDays(t.db, days.map((date) => ({ childId: ids.elsa, date, value: { starts: '07:00', ends: '17:00', dayOff: false, comment: null }, expectedVersion: null })), 1, t.clock.now());
    assert.ok(saved.ok);
    const page = await emma.get(weekUrl(ids.elsa, '2026-W50'));
    assert.equal(textOf(page.text, 'hours'), 'Placeringen omfattar högst 525 timmar om året. År 2026: 520 timmar inplanerade.');
    const over = await submit(emma, action(ids.elsa), formFields(page.text, action(ids.elsa)), { 'starts_2026-12-08': '08:00', 'ends_2026-12-08': '14:00' });
    assert.equal(over.status, 400);
    assert.equal(errorAt(over.text, 'hours'), 'År 2026 blir 526 timmar, men placeringen omfattar högst 525 timmar om året');
    const fits = await submit(emma, action(ids.elsa), formFields(page.text, action(ids.elsa)), { 'starts_2026-12-08': '08:00', 'ends_2026-12-08': '13:00' });
    assert.equal(fits.status, 303);
    // 2027 is a new year.
    const next = await openAndSubmit(emma, weekUrl(ids.elsa, '2027-W02'), action(ids.elsa), { 'starts_2027-01-11': '08:00', 'ends_2027-01-11': '13:00' });
    assert.equal(next.status, 303);
  });
});

describe('care times: repeating a week and copying it to a sibling', () => {
  let t: TestApp;
  let ids: Ids;
  let emma: Agent;
  before(async () => {
    t = await startTestApp();
    ids = await demoIds(t);
    emma = await signIn(t.app, 'vardnadshavare');
  });
  after(() => t.close());

  it('"Upprepa" lays the week on the next weeks, skipping the closed planning day', async () => {
    const res = await openAndSubmit(emma, weekUrl(ids.elsa, '2026-W49'), action(ids.elsa), {
      'starts_2026-11-30': '07:30', 'ends_2026-11-30': '16:00', 'off_2026-12-02': 'yes',
      'starts_2026-12-04': '08:00', 'ends_2026-12-04': '14:00', 'comment_2026-12-04': 'Lucia', repeat: 'yes', repeat_weeks: '2',
    });
    assert.equal(res.status, 303);
    assert.deepEqual((await rows(t, ids.elsa)).map((r) => [r.date, r.starts, r.ends, r.day_off, r.comment]), [
      ['2026-11-30', '07:30', '16:00', 0, null], ['2026-12-02', null, null, 1, null], ['2026-12-04', '08:00', '14:00', 0, 'Lucia'],
      ['2026-12-07', '07:30', '16:00', 0, null], ['2026-12-09', null, null, 1, null],
      // Friday 11 December is Solrosen's planning day
      ['2026-12-14', '07:30', '16:00', 0, null], ['2026-12-16', null, null, 1, null], ['2026-12-18', '08:00', '14:00', 0, null],
    ]);
  });

  it('copies the week to Oskar (fritids) with the same times, when Emma ticks him', async () => {
    const page = await emma.get(weekUrl(ids.elsa, '2027-W02'));
    assert.match(textOf(page.text, 'siblings'), /Kopiera till syskon .* Oskar/);
    const res = await submit(emma, action(ids.elsa), formFields(page.text, action(ids.elsa)), {
      'starts_2027-01-11': '07:00', 'ends_2027-01-11': '17:00', 'off_2027-01-12': 'yes', siblings: String(ids.oskar),
    });
    assert.equal(res.status, 303);
    assert.deepEqual((await rows(t, ids.oskar)).map((r) => [r.date, r.starts, r.ends, r.day_off]),
      [['2027-01-11', '07:00', '17:00', 0], ['2027-01-12', null, null, 1]]);
    const oskars = await emma.get(weekUrl(ids.oskar, '2027-W02'));
    assert.match(oskars.text, /Björkskolans fritidshem/);
    assert.match(textOf(oskars.text, 'day_2027-01-11'), /Registrerad av Emma Andersson/);
  });
});

describe('care times: staff on a guardian’s behalf, staff comments and the child’s history', () => {
  let t: TestApp;
  let ids: Ids;
  before(async () => {
    t = await startTestApp();
    ids = await demoIds(t);
  });
  after(() => t.close());

  it('staff comment a day; the guardian sees it and who wrote it, and cannot write one', async () => {
    const pedagog = await signIn(t.app, 'pedagog');
    const page = await pedagog.get(`${weekUrl(ids.elsa, '2026-W49')}&comment=2026-12-02`);
    assert.match(page.text, /<option value="2026-12-02" selected>/);
    const res = await submit(pedagog, `${action(ids.elsa)}/comment`, formFields(page.text, `${action(ids.elsa)}/comment`), { staff_comment: 'Utflykt, ta med matsäck' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `${weekUrl(ids.elsa, '2026-W49')}#day_2026-12-02`);
    const emma = await signIn(t.app, 'vardnadshavare');
    const seen = await emma.get(weekUrl(ids.elsa, '2026-W49'));
    assert.match(textOf(seen.text, 'day_2026-12-02'), /Kommentar från personalen \(Sara Holm\): Utflykt, ta med matsäck/);
    assert.doesNotMatch(seen.text, /id="staff_comment"/);
    const forged = await submit(emma, `${action(ids.elsa)}/comment`, new Map([['_csrf', [formFields(seen.text, action(ids.elsa)).get('_csrf')![0]]]]),
      { date: '2026-12-02', staff_comment: 'Inte min' });
    assert.equal(forged.status, 404);
    // The comment is no change of the day: Emma's form from before it still saves the day without a conflict.
    const saved = await submit(emma, action(ids.elsa), formFields(seen.text, action(ids.elsa)), { 'starts_2026-12-02': '08:00', 'ends_2026-12-02': '15:00' });
    assert.equal(saved.status, 303);
    const day = (await rows(t, ids.elsa)).find((r) => r.date === '2026-12-02');
    assert.deepEqual(day && [day.starts, day.staff_comment], ['08:00', 'Utflykt, ta med matsäck']);
  });

  it('refuses a too long staff comment at the field and keeps it', async () => {
    const pedagog = await signIn(t.app, 'pedagog');
    const res = await openAndSubmit(pedagog, weekUrl(ids.elsa, '2026-W49'), `${action(ids.elsa)}/comment`, { staff_comment: 'ö'.repeat(301) });
    assert.equal(res.status, 400);
    assert.equal(errorAt(res.text, 'staff_comment'), 'Kommentaren får vara högst 300 tecken');
    assert.match(res.text, /<textarea id="staff_comment"[^>]*>ö{301}<\/textarea>/);
  });

  it('shows staff the child’s history: who, when, old → new, absence included; guardians get 404', async () => {
    const pedagog = await signIn(t.app, 'pedagog');
    const emma = await signIn(t.app, 'vardnadshavare');
    await openAndSubmit(emma, weekUrl(ids.elsa, '2026-W50'), action(ids.elsa), { 'starts_2026-12-07': '07:30', 'ends_2026-12-07': '16:00' });
    await openAndSubmit(pedagog, weekUrl(ids.elsa, '2026-W50'), action(ids.elsa), { 'ends_2026-12-07': '15:00' });
    const { reportAbsence } = await import('../../server/absence/queries.ts');
    await reportAbsence(t.db, { childIds: [ids.elsa], days: { [ids.elsa]: ['2026-12-08'] }, starts: null, ends: null, comment: null,
      kind: 'reported', by: 1, now: t.clock.now() });
    const res = await pedagog.get(`/children/${ids.elsa}/history`);
    assert.equal(res.status, 200);
    const table = textOf(res.text, 'main');
    assert.match(table, /Dag måndag 7 december Vad Omsorgstid Före 07:30–16:00 Efter 07:30–15:00 Av Sara Holm/);
    assert.match(table, /Dag måndag 7 december Vad Omsorgstid Före – Efter 07:30–16:00 Av Emma Andersson/);
    assert.match(table, /Dag tisdag 8 december Vad Frånvaro Före – Efter Frånvarande hela dagen/);
    assert.match(table, /Personalens kommentar: Utflykt, ta med matsäck/);
    assert.equal((await emma.get(`/children/${ids.elsa}/history`)).status, 404);
    assert.match((await pedagog.get(weekUrl(ids.elsa, '2026-W50'))).text, new RegExp(`href="/children/${ids.elsa}/history"`));
  });
});
