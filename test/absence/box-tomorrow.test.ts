// The Frånvaro box names the next open day as a person would: "I morgon" with its weekday and date when it is
// tomorrow, the weekday and date alone when it is later; "Idag" stays as it is.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NOW, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe('the absence box\'s buttons', () => {
  let t: TestApp;
  let emma: Agent;
  let elsa: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026, 10:00 in Stockholm
    emma = await signIn(t.app, 'vardnadshavare');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
  });
  after(() => t.close());

  /** The texts of the box's two buttons, "when" by "when". */
  async function buttons(): Promise<Record<string, string>> {
    const page = await emma.get(`/children/${elsa}`);
    assert.equal(page.status, 200);
    const box = /<section class="box" id="box-absence"[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
    return Object.fromEntries([...box.matchAll(/<button type="submit" name="when" value="(\w+)"[^>]*>([^<]*)<\/button>/g)].map((m) => [m[1], m[2]]));
  }

  const setLanguage = (language: string) => t.db.updateTable('accounts').set({ language }).where('username', '=', 'vardnadshavare').execute();

  it('on a Tuesday: "Idag" and "I morgon, onsdag 25 november"', async () => {
    t.clock.set(DEFAULT_NOW);
    assert.deepEqual(await buttons(), { today: 'Idag', next: 'I morgon, onsdag 25 november' });
  });

  it('on a Friday: the next open day is Monday, by its weekday and date, not "I morgon"', async () => {
    t.clock.set('2026-11-27T09:00:00Z');
    assert.deepEqual(await buttons(), { today: 'Idag', next: 'måndag 30 november' });
  });

  it('on a Sunday, when the unit is closed: no "Idag", and Monday is "I morgon"', async () => {
    t.clock.set('2026-11-29T09:00:00Z');
    assert.deepEqual(await buttons(), { next: 'I morgon, måndag 30 november' });
  });

  it('in the guardian\'s own language', async () => {
    t.clock.set(DEFAULT_NOW);
    await setLanguage('en');
    try {
      assert.deepEqual(await buttons(), { today: 'Today', next: 'Tomorrow, Wednesday 25 November' });
    } finally {
      await setLanguage('sv');
    }
  });

  it('reports tomorrow from the "I morgon" button, and the box that comes back with htmx says "I morgon" too', async () => {
    t.clock.set(DEFAULT_NOW);
    const res = await postForm(emma, `/children/${elsa}`, `/children/${elsa}/absences`, { when: 'next', source: 'box' },
      { 'HX-Request': 'true', 'HX-Target': 'box-absence' });
    assert.equal(res.status, 200);
    assert.match(res.text, /<button type="submit" name="when" value="next"[^>]*>I morgon, onsdag 25 november<\/button>/);
    const stored = await t.db.selectFrom('absences').select('date').where('child_id', '=', elsa).where('cancelled_at', 'is', null).execute();
    assert.deepEqual(stored.map((a) => a.date), ['2026-11-25']);
  });
});
