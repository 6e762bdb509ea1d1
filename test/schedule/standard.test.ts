// Standard times (standardtider) fill the days nobody registered, from the day they start; and what the staff's Today
// page can expect of each child (expectedCare).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { formFields, openAndSubmit, submit, textOf } from './support.ts';
import { expectedCare } from '../../server/schedule/queries.ts';

describe('standard times and the expected care of a day', () => {
  let t: TestApp;
  let elsa: number;
  let nora: number;
  let emma: Agent;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026; Solrosen locks 2 days
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    nora = await personId(t.db, 'Nora', 'Haddad');
    emma = await signIn(t.app, 'vardnadshavare');
  });
  after(() => t.close());

  const standard = () => `/children/${elsa}/schedule/standard`;
  const weekdays = (times: [string, string] | 'off', days = [1, 2, 3, 4, 5]) => Object.fromEntries(days.flatMap((d) => (
    times === 'off' ? [[`off_${d}`, 'yes']] : [[`starts_${d}`, times[0]], [`ends_${d}`, times[1]]])));

  it('refuses a start before the lock window ends and times outside the opening hours, saving nothing', async () => {
    const page = await emma.get(standard());
    assert.equal(page.status, 200);
    assert.match(page.text, /Inga standardtider är sparade\./);
    assert.match(page.text, /Tidigast 27 november 2026\./);
    const res = await submit(emma, standard(), formFields(page.text, standard()), { ...weekdays(['06:00', '16:00'], [1]), valid_from: '2026-11-25' });
    assert.equal(res.status, 400);
    assert.equal(textOf(res.text, 'starts_1-error'), 'Fel: Det öppnar först 06:30');
    assert.equal(textOf(res.text, 'valid_from-error'), 'Fel: Standardtiderna kan gälla tidigast från fredag 27 november');
    assert.match(res.text, /<input id="starts_1"[^>]*value="06:00"/);
    assert.equal((await t.db.selectFrom('standard_schedules').selectAll().execute()).length, 0);
  });

  it('saves a standard week from the first day Emma may change, and fills the weeks nobody registered', async () => {
    const res = await openAndSubmit(emma, standard(), standard(), { ...weekdays(['08:00', '16:00'], [1, 2, 3, 4]), ...weekdays('off', [5]) });
    assert.equal(res.status, 303);
    const page = await emma.get(standard());
    assert.match(page.text, /Standardtiderna är sparade\./);
    assert.match(page.text, /Nya standardtider gäller från 27 november 2026, sparade av Emma Andersson\./);

    const week = await emma.get(`/children/${elsa}/schedule?week=2026-W49`);
    assert.match(week.text, /<input id="starts_2026-11-30"[^>]*value="08:00"/);
    assert.match(week.text, /id="off_2026-12-04" name="off_2026-12-04" type="checkbox" value="yes" checked/);
    assert.match(textOf(week.text, 'day_2026-11-30'), /Standardtid/);
    // Saving the week untouched registers nothing: the days stay standard days.
    await submit(emma, `/children/${elsa}/schedule`, formFields(week.text, `/children/${elsa}/schedule`));
    assert.equal((await t.db.selectFrom('care_times').selectAll().where('child_id', '=', elsa).execute()).length, 0);
    // The start page's box shows the standard days of this week that the standard reaches.
    const box = await emma.get(`/children/${elsa}/boxes/schedule`).set('HX-Request', 'true');
    assert.match(textOf(box.text, 'box-schedule'), /Vecka 48 mån Inga tider tis Inga tider ons Inga tider tor Inga tider fre Ledig \(Standardtid\)/);
  });

  it('expects standard times on open days from the day they start, registered days before them, nothing on a closed day', async () => {
    const monday = await expectedCare(t.db, [elsa, nora], '2026-11-30');
    assert.deepEqual([...monday.entries()], [[elsa, {
      starts: '08:00', ends: '16:00', dayOff: false, source: 'standard', comment: null, staffComment: null, registeredBy: null,
    }]]);
    assert.deepEqual((await expectedCare(t.db, [elsa], '2026-12-04')).get(elsa)?.dayOff, true);
    assert.equal((await expectedCare(t.db, [elsa], '2026-11-26')).size, 0, 'before the standard starts');
    assert.equal((await expectedCare(t.db, [elsa], '2026-12-11')).size, 0, 'the planning day');
    assert.equal((await expectedCare(t.db, [elsa], '2026-12-05')).size, 0, 'a Saturday');
    assert.equal((await expectedCare(t.db, [], '2026-12-01')).size, 0);

    await openAndSubmit(emma, `/children/${elsa}/schedule?week=2026-W49`, `/children/${elsa}/schedule`, {
      'starts_2026-12-01': '09:00', 'ends_2026-12-01': '14:00', 'comment_2026-12-01': 'Tandläkare', 'comment_2026-12-02': 'Pappa hämtar',
    });
    const pedagog = await signIn(t.app, 'pedagog');
    await openAndSubmit(pedagog, `/children/${elsa}/schedule?week=2026-W49&comment=2026-12-02`, `/children/${elsa}/schedule/comment`, { staff_comment: 'Utflykt' });
    assert.deepEqual((await expectedCare(t.db, [elsa], '2026-12-01')).get(elsa), {
      starts: '09:00', ends: '14:00', dayOff: false, source: 'registered', comment: 'Tandläkare', staffComment: null, registeredBy: 'Emma Andersson',
    });
    assert.deepEqual((await expectedCare(t.db, [elsa], '2026-12-02')).get(elsa), {
      starts: '08:00', ends: '16:00', dayOff: false, source: 'standard', comment: 'Pappa hämtar', staffComment: 'Utflykt', registeredBy: null,
    });
  });

  it('lets staff start new standard times today, replacing a later one, and keeps both in the history', async () => {
    const pedagog = await signIn(t.app, 'pedagog');
    const page = await pedagog.get(standard());
    assert.match(page.text, /id="valid_from" name="valid_from" type="date" value="2026-11-24"/);
    const res = await submit(pedagog, standard(), formFields(page.text, standard()), { ...weekdays(['07:00', '15:00']), off_5: undefined });
    assert.equal(res.status, 303);
    const schedules = await t.db.selectFrom('standard_schedules').select('valid_from').where('child_id', '=', elsa).execute();
    assert.deepEqual(schedules, [{ valid_from: '2026-11-24' }]);
    assert.equal((await expectedCare(t.db, [elsa], '2026-11-25')).get(elsa)?.starts, '07:00');
    assert.equal((await expectedCare(t.db, [elsa], '2026-12-04')).get(elsa)?.dayOff, false);
    const history = await pedagog.get(`/children/${elsa}/history`);
    const emmas = 'mån 08:00–16:00, tis 08:00–16:00, ons 08:00–16:00, tor 08:00–16:00, fre Ledig';
    assert.match(textOf(history.text, 'main'), new RegExp(`Dag fredag 27 november Vad Standardtider från dagen Före ${emmas} Efter – Av Sara Holm`), 'the later standard, replaced');
    assert.match(textOf(history.text, 'main'), new RegExp(`Dag fredag 27 november Vad Standardtider från dagen Före – Efter ${emmas} Av Emma Andersson`));
    assert.match(textOf(history.text, 'main'), /Dag tisdag 24 november Vad Standardtider från dagen Före – Efter mån 07:00–15:00, tis 07:00–15:00, ons 07:00–15:00, tor 07:00–15:00, fre 07:00–15:00 Av Sara Holm/);
  });

  it('holds a standard week to 15 hours for a place with an hour limit', async () => {
    await t.db.updateTable('placements').set({ hour_limit: '15h_week' }).where('child_id', '=', elsa).execute();
    const res = await openAndSubmit(emma, standard(), standard(), { ...weekdays(['08:00', '12:00']) });
    assert.equal(res.status, 400);
    assert.equal(textOf(res.text, 'hours-error'), 'Fel: Standardveckan blir 20 timmar, men placeringen omfattar högst 15 timmar i veckan');
    const ok = await openAndSubmit(emma, standard(), standard(), { ...weekdays(['08:00', '11:00']) });
    assert.equal(ok.status, 303);
  });
});
