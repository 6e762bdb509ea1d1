// The child's history for staff: each change is its own short list (when, what, before, after, who, when changed),
// readable on a 360 px phone, rather than a row of a six-column table.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recordHistory } from '../../server/history/queries.ts';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe('the history page', () => {
  let t: TestApp;
  let teacher: Agent;
  let elsa: number;

  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    teacher = await signIn(t.app, 'pedagog');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    const by = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
    await t.db.transaction().execute(async (trx) => {
      await recordHistory(trx, { childId: elsa, date: '2026-11-25', what: 'times', old: { starts: '08:00', ends: '16:00' }, new: { starts: '07:15', ends: '16:45' }, by, at: t.clock.now() });
      await recordHistory(trx, { childId: elsa, date: '2026-11-26', what: 'absence', old: null, new: { wholeDay: true }, by, at: t.clock.now() });
    });
  });
  after(() => t.close());

  /** The changes on the page, each as its terms and values in order. */
  function changes(html: string): [string, string][][] {
    const list = /<ol class="history"[^>]*>([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
    return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map(([, item]) =>
      [...item.matchAll(/<dt>([^<]*)<\/dt><dd[^>]*>([^<]*)<\/dd>/g)].map(([, term, value]) => [term, value]));
  }

  it('lists each change as its own list of when, what, before, after, who and when changed, newest first', async () => {
    const page = await teacher.get(`/children/${elsa}/history`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<table/, 'no six-column table');
    const [absence, times] = changes(page.text);
    assert.deepEqual(absence.map(([term]) => term), ['Dag', 'Vad', 'Före', 'Efter', 'Av', 'När']);
    assert.deepEqual(absence.slice(0, 5).map(([, value]) => value), ['torsdag 26 november', 'Frånvaro', '–', 'Frånvarande hela dagen', 'Emma Andersson']);
    assert.deepEqual(times.slice(0, 4).map(([, value]) => value), ['onsdag 25 november', 'Omsorgstid', '08:00–16:00', '07:15–16:45']);
    assert.match(times[5][1], /24 nov\. 2026/);
  });

  it('names the list for screen readers and keeps the column headings out of their way', async () => {
    const page = await teacher.get(`/children/${elsa}/history`);
    assert.match(page.text, /<h2 id="history-caption"[^>]*>Ändringar<\/h2>/);
    assert.match(page.text, /<ol class="history" aria-labelledby="history-caption">/);
    assert.match(page.text, /<div class="history-head" aria-hidden="true">/);
  });
});
