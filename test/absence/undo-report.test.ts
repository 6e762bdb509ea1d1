// A report made by mistake is undone right after: "Ångra" beside "Frånvaron är anmäld" takes back exactly the report
// just made (all its days and siblings), only the reporter's own, only for some minutes; a report it replaced stands again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { UNDO_REPORT_MINUTES } from '../../server/absence/rules.ts';

const FROM_BOX = { 'HX-Request': 'true', 'HX-Target': 'box-absence' };

describe('undoing a report right after it was made', () => {
  let t: TestApp;
  let emma: Agent;
  let johan: Agent;
  let elsa: number;
  let oskar: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026, 10:00 in Stockholm
    emma = await signIn(t.app, 'vardnadshavare'); // Elsa's and Oskar's guardian
    johan = await signIn(t.app, 'vardnadshavare2'); // Elsa's guardian in another household
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
  });
  after(() => t.close());

  const active = (childId: number) => t.db.selectFrom('absences').select(['id', 'date', 'comment'])
    .where('child_id', '=', childId).where('cancelled_at', 'is', null).orderBy('date').execute();
  const undoIds = (html: string) => [...html.matchAll(/<input type="hidden" name="absence" value="(\d+)">/g)].map((m) => m[1]);
  const minutes = (n: number) => t.clock.set(new Date(t.clock.now().getTime() + n * 60_000).toISOString());

  it('offers "Ångra" in the box with the report, and undoes all of it with htmx: the box swaps', async () => {
    const res = await postForm(emma, `/children/${elsa}`, `/children/${elsa}/absences`, { when: 'today', next: `/children/${elsa}` }, FROM_BOX);
    assert.equal(res.status, 200);
    assert.match(res.text, /^<section class="box" id="box-absence"/);
    assert.match(res.text, /Frånvaron är anmäld\. Personalen ser den direkt\.[\s\S]*tisdag 24 november[\s\S]*<button[^>]*>Ångra<span class="visually-hidden"> anmälan<\/span>/);
    const [made] = await active(elsa);
    assert.deepEqual(undoIds(res.text), [String(made.id)], 'the id of the report just made');

    const undone = await postForm(emma, `/children/${elsa}`, `/children/${elsa}/absences/undo`, { absence: undoIds(res.text) }, FROM_BOX);
    assert.equal(undone.status, 200);
    assert.match(undone.text, /^<section class="box" id="box-absence"/);
    assert.match(undone.text, /Anmälan är ångrad\./);
    assert.doesNotMatch(undone.text, /Ångra</, 'nothing left to undo');
    assert.deepEqual(await active(elsa), []);
    const row = await t.db.selectFrom('absences').select(['cancelled_at', 'cancelled_by']).where('id', '=', made.id).executeTakeFirstOrThrow();
    assert.equal(row.cancelled_at, t.clock.now().toISOString(), 'kept, cancelled');
    const history = await t.db.selectFrom('care_history').select(['old_value', 'new_value']).where('child_id', '=', elsa)
      .where('what', '=', 'absence').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual([JSON.parse(history.old_value!).wholeDay, history.new_value], [true, null], 'the undo is in the history');
  });

  it('without JavaScript: the start page shows the report with "Ångra", a plain form that undoes every day and sibling of it', async () => {
    const res = await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences`,
      { when: 'range', from: '2026-12-01', to: '2026-12-02', siblings: String(oskar) });
    assert.equal(res.status, 303);
    const page = await emma.get(res.headers.location);
    assert.match(page.text, /Frånvaron är anmäld\. Personalen ser den direkt\.[\s\S]*Elsa tisdag 1 december, Oskar tisdag 1 december, Elsa onsdag 2 december, Oskar onsdag 2 december/);
    const ids = undoIds(page.text);
    assert.equal(ids.length, 4, 'two days for two children');
    const start = await emma.get(`/children/${elsa}`);
    assert.deepEqual(undoIds(start.text), ids, 'the box on the start page offers the same');
    assert.match(start.text, /Frånvaron är anmäld kl\. 10:00:/);

    const undone = await postForm(emma, `/children/${elsa}`, `/children/${elsa}/absences/undo`, { absence: ids, next: `/children/${elsa}` });
    assert.equal(undone.status, 303);
    assert.equal(undone.headers.location, `/children/${elsa}`);
    assert.match((await emma.get(undone.headers.location)).text, /<p class="flash" role="status">Anmälan är ångrad\.<\/p>/);
    assert.deepEqual([...await active(elsa), ...await active(oskar)], []);
  });

  it('puts back the report of a day that the undone report replaced', async () => {
    await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences`, { when: 'range', from: '2026-12-03', comment: 'Hos mormor' });
    minutes(UNDO_REPORT_MINUTES + 1);
    const res = await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences`, { when: 'range', from: '2026-12-03', comment: 'Fel' });
    const page = await emma.get(res.headers.location);
    const ids = undoIds(page.text);
    assert.equal(ids.length, 1, 'only the report just made');
    await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences/undo`, { absence: ids });
    assert.deepEqual((await active(elsa)).map((a) => [a.date, a.comment]), [['2026-12-03', 'Hos mormor']]);
  });

  it('undoes only the user\'s own report: the other guardian gets no "Ångra" and cannot undo it by its ids', async () => {
    const res = await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences`, { when: 'range', from: '2026-12-04' });
    const ids = undoIds((await emma.get(res.headers.location)).text);
    assert.equal(ids.length, 1);
    assert.deepEqual(undoIds((await johan.get(`/children/${elsa}`)).text), [], 'Johan sees no undo of Emma\'s report');
    const tried = await postForm(johan, `/children/${elsa}/absence`, `/children/${elsa}/absences/undo`, { absence: ids });
    assert.equal(tried.status, 303);
    assert.match((await johan.get(tried.headers.location)).text, /Anmälan kan inte ångras längre/);
    assert.deepEqual((await active(elsa)).map((a) => a.date).filter((d) => d === '2026-12-04'), ['2026-12-04'], 'it stands');
    // An id of another child (not Elsa's, nor a sibling Emma may report for) posted to Elsa's undo changes nothing.
    const nora = await personId(t.db, 'Nora', 'Haddad');
    const [noras] = await t.db.insertInto('absences').values({ child_id: nora, date: '2026-12-04', starts: null, ends: null, kind: 'reported',
      comment: null, created_by: 1, created_at: t.clock.now().toISOString() }).returning('id').execute();
    await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences/undo`, { absence: [String(noras.id), 'x', '-1'] });
    assert.equal((await active(nora)).length, 1);
  });

  it(`is too late after ${UNDO_REPORT_MINUTES} minutes: no "Ångra", and the ids undo nothing`, async () => {
    minutes(1); // (a report is what one account made at one moment: the clock of a test stands still otherwise)
    const res = await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences`, { when: 'range', from: '2026-12-07' });
    const ids = undoIds((await emma.get(res.headers.location)).text);
    assert.equal(ids.length, 1);
    minutes(UNDO_REPORT_MINUTES + 1);
    assert.deepEqual(undoIds((await emma.get(`/children/${elsa}`)).text), []);
    const late = await postForm(emma, `/children/${elsa}`, `/children/${elsa}/absences/undo`, { absence: ids }, FROM_BOX);
    assert.match(late.text, /Anmälan kan inte ångras längre\. Ta bort dagarna i listan i stället\./);
    assert.ok((await active(elsa)).some((a) => a.date === '2026-12-07'));
  });

  it('is not for staff, who remove a report with "Ta bort"', async () => {
    const res = await postForm(await signIn(t.app, 'pedagog'), `/children/${elsa}/absence`, `/children/${elsa}/absences/undo`, { absence: ['1'] });
    assert.equal(res.status, 404);
  });
});
