// A posted `siblings` id counts only when it is the user's own child: any other id is ignored, and no absence is
// written for it (a mutation run planted exactly that bug, and no test saw it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { siblingsCast } from '../support/demo.ts';

describe('reporting absence for siblings that are not the user’s own children', () => {
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

  const reported = (childId: number) => t.db.selectFrom('absences').select('date').where('child_id', '=', childId)
    .where('cancelled_at', 'is', null).orderBy('date').execute().then((rows) => rows.map((r) => r.date));

  it('a guardian reports for her own child and her own sibling, never for another family’s child', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    const res = await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences`,
      { when: 'range', from: '2026-12-02', siblings: [String(nora), String(neighbour), '987654', String(oskar)] });
    assert.equal(res.status, 303);
    assert.deepEqual(await reported(elsa), ['2026-12-02']);
    assert.deepEqual(await reported(oskar), ['2026-12-02'], 'her own second child is reported too');
    assert.deepEqual(await reported(nora), [], 'Nora, in Elsa’s group, is not Emma’s child');
    assert.deepEqual(await reported(neighbour), [], 'a child of Grannkommun is nobody’s sibling here');
  });

  it('Elsa’s guardian in the other household cannot report her brother, who is not his child', async () => {
    const johan = await signIn(t.app, 'vardnadshavare2');
    const res = await postForm(johan, `/children/${elsa}/absence`, `/children/${elsa}/absences`,
      { when: 'range', from: '2026-12-03', siblings: String(oskar) });
    assert.equal(res.status, 303);
    assert.deepEqual(await reported(elsa), ['2026-12-02', '2026-12-03']);
    assert.deepEqual(await reported(oskar), ['2026-12-02'], 'nothing new for Oskar');
  });

  it('staff reporting on a guardian’s behalf report that one child, even when they could report the posted one too', async () => {
    const pedagog = await signIn(t.app, 'pedagog'); // staff of Blåbär: Elsa's and Nora's group
    const res = await postForm(pedagog, `/children/${elsa}/absence`, `/children/${elsa}/absences`,
      { when: 'range', from: '2026-12-04', siblings: String(nora) });
    assert.equal(res.status, 303);
    assert.deepEqual(await reported(elsa), ['2026-12-02', '2026-12-03', '2026-12-04']);
    assert.deepEqual(await reported(nora), []);
  });
});
