// Two guardians, one child, two sessions: each save writes only the days its guardian changed, and a day the other
// changed after the form was opened is never overwritten: the form comes back with both versions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { formFields, submit, textOf } from './support.ts';

describe('two guardians edit the same week', () => {
  let t: TestApp;
  let elsa: number;
  let emma: Agent;
  let johan: Agent;
  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    emma = await signIn(t.app, 'vardnadshavare');
    johan = await signIn(t.app, 'vardnadshavare2');
  });
  after(() => t.close());

  const week = (key: string) => `/children/${elsa}/schedule?week=${key}`;
  const action = () => `/children/${elsa}/schedule`;
  const day = async (date: string) => t.db.selectFrom('care_times').select(['starts', 'ends', 'day_off', 'version'])
    .where('child_id', '=', elsa).where('date', '=', date).executeTakeFirst();

  it('keeps both when they change different days', async () => {
    const emmas = formFields((await emma.get(week('2026-W49'))).text, action());
    const johans = formFields((await johan.get(week('2026-W49'))).text, action());
    assert.equal((await submit(emma, action(), emmas, { 'starts_2026-11-30': '07:30', 'ends_2026-11-30': '16:00' })).status, 303);
    assert.equal((await submit(johan, action(), johans, { 'off_2026-12-01': 'yes' })).status, 303);
    assert.deepEqual(await day('2026-11-30'), { starts: '07:30', ends: '16:00', day_off: 0, version: 1 });
    assert.deepEqual(await day('2026-12-01'), { starts: null, ends: null, day_off: 1, version: 1 });
    const page = (await emma.get(week('2026-W49'))).text;
    assert.match(textOf(page, 'day_2026-11-30'), /Registrerad av Emma Andersson/);
    assert.match(textOf(page, 'day_2026-12-01'), /Registrerad av Johan Berg/);
  });

  it('gives the second save of the same day a form with both versions, and overwrites nothing', async () => {
    const emmas = formFields((await emma.get(week('2026-W50'))).text, action());
    const johansPage = await johan.get(week('2026-W50'));
    const johans = formFields(johansPage.text, action());
    assert.equal((await submit(emma, action(), emmas, { 'starts_2026-12-09': '08:00', 'ends_2026-12-09': '15:00' })).status, 303);

    const conflict = await submit(johan, action(), johans, {
      'starts_2026-12-09': '07:00', 'ends_2026-12-09': '16:00', 'starts_2026-12-10': '09:00', 'ends_2026-12-10': '14:00',
    });
    assert.equal(conflict.status, 409);
    assert.match(conflict.text, /Någon annan har ändrat en dag efter att du öppnade veckan\. Inget är sparat än\./);
    const choice = textOf(conflict.text, 'day_2026-12-09');
    assert.match(choice, /Vilken version ska gälla för onsdag 9 december\?/);
    assert.match(choice, /Din ändring: 07:00–16:00/);
    assert.match(choice, /Sparad av Emma Andersson .*: 08:00–15:00/);
    assert.deepEqual(await day('2026-12-09'), { starts: '08:00', ends: '15:00', day_off: 0, version: 1 }, 'Emma’s day is not overwritten');
    assert.equal(await day('2026-12-10'), undefined, 'nothing of the second save is written');
    assert.match(conflict.text, /<input id="starts_2026-12-10"[^>]*value="09:00"/, 'the other change is kept in the form');

    // Sending it back without choosing asks again; choosing "mine" saves Johan's version and his other day.
    const back = formFields(conflict.text, action());
    const unchosen = await submit(johan, action(), back);
    assert.equal(unchosen.status, 400);
    assert.equal(textOf(unchosen.text, 'keep_2026-12-09-error').replace(/^Fel:\s*/, ''), 'Välj vilken version som ska gälla för onsdag 9 december');
    assert.deepEqual(await day('2026-12-09'), { starts: '08:00', ends: '15:00', day_off: 0, version: 1 });

    const mine = await submit(johan, action(), formFields(unchosen.text, action()), { 'keep_2026-12-09': 'mine' });
    assert.equal(mine.status, 303);
    assert.deepEqual(await day('2026-12-09'), { starts: '07:00', ends: '16:00', day_off: 0, version: 2 });
    assert.deepEqual(await day('2026-12-10'), { starts: '09:00', ends: '14:00', day_off: 0, version: 1 });
  });

  it('keeps the other version when the guardian chooses it', async () => {
    const johans = formFields((await johan.get(week('2026-W51'))).text, action());
    await submit(emma, action(), formFields((await emma.get(week('2026-W51'))).text, action()), { 'off_2026-12-14': 'yes' });
    const conflict = await submit(johan, action(), johans, { 'starts_2026-12-14': '08:00', 'ends_2026-12-14': '12:00' });
    assert.equal(conflict.status, 409);
    const theirs = await submit(johan, action(), formFields(conflict.text, action()), { 'keep_2026-12-14': 'theirs' });
    assert.equal(theirs.status, 303);
    assert.deepEqual(await day('2026-12-14'), { starts: null, ends: null, day_off: 1, version: 1 });
    const history = await t.db.selectFrom('care_history').select('new_value').where('child_id', '=', elsa).where('date', '=', '2026-12-14').execute();
    assert.equal(history.length, 1, 'only Emma’s change is in the history');
  });
});
