// Copying a week of care times to siblings: a posted `siblings` id counts only when it is the user's own child that
// they may register for; any other id gets no row (a mutation run planted exactly that bug, and no test saw it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { siblingsCast } from '../support/demo.ts';
import { formFields, submit } from './support.ts';

describe('copying care times to siblings that are not the user’s own children', () => {
  let t: TestApp;
  let elsa: number;
  let oskar: number;
  let nora: number;
  let neighbour: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    ({ elsa, oskar, nora, neighbour } = await siblingsCast(t.db));
  });
  after(() => t.close());

  const days = (childId: number) => t.db.selectFrom('care_times').select('date').where('child_id', '=', childId).orderBy('date').execute()
    .then((rows) => rows.map((r) => r.date));

  async function saveWeek(agent: Agent, monday: string, week: string, siblings: string[]) {
    const action = `/children/${elsa}/schedule`;
    const page = await agent.get(`${action}?week=${week}`);
    assert.equal(page.status, 200);
    return submit(agent, action, formFields(page.text, action), { [`starts_${monday}`]: '08:00', [`ends_${monday}`]: '15:00', siblings });
  }

  for (const [who, id] of [['Nora (Elsa’s group, not Emma’s child)', () => nora], ['a child of Grannkommun', () => neighbour],
    ['an id nobody has', () => 987654]] as const) {
    it(`Emma’s week for Elsa is never copied to ${who}`, async () => {
      const emma = await signIn(t.app, 'vardnadshavare');
      await saveWeek(emma, '2026-12-07', '2026-W50', [String(id())]);
      assert.deepEqual(await days(id()), []);
    });
  }

  it('nor when the stranger is posted beside her own son: the stranger gets nothing', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    const res = await saveWeek(emma, '2026-12-14', '2026-W51', [String(oskar), String(nora)]);
    assert.deepEqual(await days(nora), []);
    // Today the whole form is refused as not found; ignoring the stranger and saving the rest would do as well.
    const saved = res.status === 303 ? ['2026-12-14'] : [];
    if (!saved.length) assert.equal(res.status, 404);
    assert.deepEqual((await days(elsa)).filter((d) => d === '2026-12-14'), saved);
    assert.deepEqual((await days(oskar)).filter((d) => d === '2026-12-14'), saved);
  });

  it('staff of the group, who may register Nora’s times, do not copy Elsa’s week to her', async () => {
    const pedagog = await signIn(t.app, 'pedagog');
    await saveWeek(pedagog, '2026-12-21', '2026-W52', [String(nora)]);
    assert.deepEqual(await days(nora), []);
  });
});
