// Public holidays in care times: julafton, juldagen, nyårsafton and nyårsdagen are closed without anyone entering them,
// "Upprepa" never books them, and a unit that says it is open on one gets it back as an open day.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { openAndSubmit, textOf } from './support.ts';
import { unitsOpenOn } from '../../server/settings/queries.ts';

describe('care times on public holidays', () => {
  let t: TestApp;
  let elsa: number;
  let solrosen: number;
  let emma: Agent;
  let rektor: Agent;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026; Solrosen is open Monday to Friday
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    emma = await signIn(t.app, 'vardnadshavare');
    rektor = await signIn(t.app, 'rektor');
  });
  after(() => t.close());

  const bookedDays = async () => (await t.db.selectFrom('care_times').select('date').where('child_id', '=', elsa).orderBy('date').execute())
    .map((r) => r.date);

  it('shows julafton and juldagen as closed days, with their names, and no fields to fill in', async () => {
    const page = await emma.get(`/children/${elsa}/schedule?week=2026-W52`);
    assert.equal(page.status, 200);
    assert.match(textOf(page.text, 'day_2026-12-24'), /Stängt: Julafton/);
    assert.match(textOf(page.text, 'day_2026-12-25'), /Stängt: Juldagen/);
    assert.doesNotMatch(page.text, /name="starts_2026-12-24"/);
    assert.match(page.text, /name="starts_2026-12-23"/);
  });

  it('"Upprepa" lays the week on the following weeks but never on julafton, juldagen, nyårsafton or nyårsdagen', async () => {
    const week = Object.fromEntries(['2026-12-14', '2026-12-15', '2026-12-16', '2026-12-17', '2026-12-18']
      .flatMap((d) => [[`starts_${d}`, '08:00'], [`ends_${d}`, '16:00']]));
    const res = await openAndSubmit(emma, `/children/${elsa}/schedule?week=2026-W51`, `/children/${elsa}/schedule`,
      { ...week, repeat: 'yes', repeat_weeks: '2' });
    assert.equal(res.status, 303);
    assert.deepEqual(await bookedDays(), [
      '2026-12-14', '2026-12-15', '2026-12-16', '2026-12-17', '2026-12-18',
      '2026-12-21', '2026-12-22', '2026-12-23', // 24 julafton, 25 juldagen
      '2026-12-28', '2026-12-29', '2026-12-30', // 31 nyårsafton, 1 January nyårsdagen
    ]);
  });

  it('staff do not expect anyone on a holiday unless the unit says it is open', async () => {
    assert.deepEqual([...await unitsOpenOn(t.db, [solrosen], '2026-12-24')], []);
    assert.deepEqual([...await unitsOpenOn(t.db, [solrosen], '2026-12-23')], [solrosen]);
  });

  it('the unit head opens Solrosen on julafton: the day can be booked and "Upprepa" books it', async () => {
    const settings = await rektor.get(`/units/${solrosen}/settings/holidays`);
    assert.doesNotMatch(textOf(settings.text, 'holidays'), /Påskdagen/, 'a Sunday, when Solrosen is closed anyway');
    assert.match(textOf(settings.text, 'holidays'), /torsdag 24 december\s*: Julafton – Stängt Ha öppet den dagen/);
    const opened = await postForm(rektor, `/units/${solrosen}/settings`, `/units/${solrosen}/holidays`, [['date', '2026-12-24'], ['open', 'yes']]);
    assert.equal(opened.status, 303);
    assert.equal(opened.headers.location, `/units/${solrosen}/settings/holidays`);
    assert.match(textOf((await rektor.get(`/units/${solrosen}/settings/holidays`)).text, 'holidays'), /24 december\s*: Julafton – Öppet Stäng den dagen/);
    assert.deepEqual([...await unitsOpenOn(t.db, [solrosen], '2026-12-24')], [solrosen]);

    const res = await openAndSubmit(emma, `/children/${elsa}/schedule?week=2026-W51`, `/children/${elsa}/schedule`,
      { 'starts_2026-12-17': '07:00', 'ends_2026-12-17': '15:00', repeat: 'yes', repeat_weeks: '1' });
    assert.equal(res.status, 303);
    const julafton = await t.db.selectFrom('care_times').select(['starts', 'ends']).where('child_id', '=', elsa).where('date', '=', '2026-12-24')
      .executeTakeFirst();
    assert.deepEqual(julafton, { starts: '07:00', ends: '15:00' });
    assert.ok(!(await bookedDays()).includes('2026-12-25'), 'juldagen stays closed');
  });

  it('refuses a day that is no holiday, and records opening and closing again in the history', async () => {
    const notHoliday = await postForm(rektor, `/units/${solrosen}/settings`, `/units/${solrosen}/holidays`, [['date', '2026-12-23'], ['open', 'yes']]);
    assert.equal(notHoliday.status, 404);
    const closed = await postForm(rektor, `/units/${solrosen}/settings`, `/units/${solrosen}/holidays`, [['date', '2026-12-24'], ['open', 'no']]);
    assert.equal(closed.status, 303);
    assert.deepEqual([...await unitsOpenOn(t.db, [solrosen], '2026-12-24')], []);
    const log = await t.db.selectFrom('settings_changes').select(['old_value', 'new_value']).where('unit_id', '=', solrosen)
      .where('setting', '=', 'closed_day').orderBy('id').execute();
    assert.deepEqual(log.map((r) => [r.old_value, r.new_value]), [['2026-12-24 Julafton', null], [null, '2026-12-24 Julafton']]);
  });
});
