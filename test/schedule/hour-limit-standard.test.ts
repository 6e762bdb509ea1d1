// The 15 hours a week of a placement count the standard days too: a week registration that goes over 15 hours once
// the days left to the standard week are counted is refused at the field, and a registered day replaces its standard
// day in the count (it is not counted twice).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { formFields, openAndSubmit, submit, textOf } from './support.ts';

describe('care times: 15 hours a week with a standard week', () => {
  let t: TestApp;
  let elsa: number;
  let emma: Agent;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026; Solrosen locks 2 days
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    emma = await signIn(t.app, 'vardnadshavare');
    await t.db.updateTable('placements').set({ hour_limit: '15h_week' }).where('child_id', '=', elsa).execute();
  });
  after(() => t.close());

  const standard = () => `/children/${elsa}/schedule/standard`;
  const week = () => `/children/${elsa}/schedule?week=2026-W49`;
  const action = () => `/children/${elsa}/schedule`;
  const registered = () => t.db.selectFrom('care_times').select(['date', 'starts', 'ends']).where('child_id', '=', elsa).orderBy('date').execute();

  it('books 12 hours with a standard week of Monday to Thursday 08:00–11:00, Friday off', async () => {
    const saved = await openAndSubmit(emma, standard(), standard(), {
      starts_1: '08:00', ends_1: '11:00', starts_2: '08:00', ends_2: '11:00', starts_3: '08:00', ends_3: '11:00',
      starts_4: '08:00', ends_4: '11:00', off_5: 'yes',
    });
    assert.equal(saved.status, 303);
    const page = await emma.get(week());
    assert.equal(textOf(page.text, 'hours'), 'Placeringen omfattar högst 15 timmar i veckan. Vecka 49: 12 timmar.');
  });

  it('refuses a Friday of 4 hours (16 hours with the standard days) at the field, saving nothing', async () => {
    const page = await emma.get(week());
    const res = await submit(emma, action(), formFields(page.text, action()), {
      'off_2026-12-04': undefined, 'starts_2026-12-04': '08:00', 'ends_2026-12-04': '12:00',
    });
    assert.equal(res.status, 400);
    assert.equal(textOf(res.text, 'hours-error'), 'Fel: Veckan blir 16 timmar, men placeringen omfattar högst 15 timmar i veckan');
    assert.deepEqual(await registered(), []);
  });

  it('saves a Friday of 3 hours (15 hours), then refuses a longer Monday that replaces its standard day (15,5 hours)', async () => {
    const fits = await openAndSubmit(emma, week(), action(), { 'off_2026-12-04': undefined, 'starts_2026-12-04': '08:00', 'ends_2026-12-04': '11:00' });
    assert.equal(fits.status, 303);
    assert.equal(textOf((await emma.get(week())).text, 'hours'), 'Placeringen omfattar högst 15 timmar i veckan. Vecka 49: 15 timmar.');
    const longer = await openAndSubmit(emma, week(), action(), { 'starts_2026-11-30': '08:00', 'ends_2026-11-30': '11:30' });
    assert.equal(longer.status, 400);
    assert.equal(textOf(longer.text, 'hours-error'), 'Fel: Veckan blir 15,5 timmar, men placeringen omfattar högst 15 timmar i veckan');
    assert.deepEqual(await registered(), [{ date: '2026-12-04', starts: '08:00', ends: '11:00' }]);
    // a shorter Monday frees an hour of the standard day's: then Friday may be an hour longer
    const shorter = await openAndSubmit(emma, week(), action(), { 'starts_2026-11-30': '08:00', 'ends_2026-11-30': '10:00', 'ends_2026-12-04': '12:00' });
    assert.equal(shorter.status, 303);
    assert.equal(textOf((await emma.get(week())).text, 'hours'), 'Placeringen omfattar högst 15 timmar i veckan. Vecka 49: 15 timmar.');
  });
});
