// A guardian takes back today's absence ("Ta tillbaka") while the child has not been checked in: the report is kept,
// cancelled, with who and when, and the staff's Today no longer shows it; once checked in, it cannot be taken back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { withdrawnOn } from '../../server/absence/queries.ts';

const FROM_BOX = { 'HX-Request': 'true', 'HX-Target': 'box-absence' };

describe('withdrawing today\'s absence', () => {
  let t: TestApp;
  let emma: Agent;
  let elsa: number;
  let blabar: number;
  let emmaAccount: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026, 10:00 in Stockholm
    emma = await signIn(t.app, 'vardnadshavare');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    blabar = await groupId(t.db, 'Blåbär');
    emmaAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
  });
  after(() => t.close());

  const todays = () => t.db.selectFrom('absences').selectAll().where('child_id', '=', elsa).where('date', '=', '2026-11-24')
    .orderBy('id', 'desc').executeTakeFirstOrThrow();
  const withdrawForm = (html: string) => html.match(/action="\/absences\/(\d+)\/withdraw"/)?.[1];
  const reportToday = () => postForm(emma, `/children/${elsa}`, `/children/${elsa}/absences`, { when: 'today', next: `/children/${elsa}` });
  const checkIn = () => t.db.insertInto('attendances').values({ child_id: elsa, group_id: blabar, date: '2026-11-24', arrived_at: '10:00',
    left_at: null, updated_by: 1 }).execute();
  const checkOut = () => t.db.deleteFrom('attendances').where('child_id', '=', elsa).where('date', '=', '2026-11-24').execute();

  it('offers "Ta tillbaka" for today\'s whole-day report in the box and on the absence page, and takes it back', async () => {
    await reportToday();
    const absence = await todays();
    const start = await emma.get(`/children/${elsa}`);
    assert.equal(withdrawForm(start.text), String(absence.id));
    assert.match(start.text, />Ta tillbaka<span class="visually-hidden"> tisdag 24 november<\/span>/);
    assert.equal(withdrawForm((await emma.get(`/children/${elsa}/absence`)).text), String(absence.id));

    const res = await postForm(emma, `/children/${elsa}`, `/absences/${absence.id}/withdraw`, { next: `/children/${elsa}` }, FROM_BOX);
    assert.equal(res.status, 200);
    assert.match(res.text, /^<section class="box" id="box-absence"/);
    assert.match(res.text, /Frånvaron är tillbakatagen\. Personalen ser det direkt\./);
    const row = await todays();
    assert.deepEqual([row.cancelled_at, row.cancelled_by], [t.clock.now().toISOString(), emmaAccount], 'kept, cancelled, who and when');
    const history = await t.db.selectFrom('care_history').select(['new_value', 'changed_by']).where('child_id', '=', elsa)
      .where('what', '=', 'absence').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual([history.new_value, history.changed_by], [null, emmaAccount]);

    const today = await (await signIn(t.app, 'pedagog')).get(`/groups/${blabar}/today`);
    const row2 = today.text.match(new RegExp(`<li class="row[^"]*" id="child-${elsa}">[\\s\\S]*?</li>`))?.[0] ?? '';
    assert.match(row2, /Elsa Andersson/);
    assert.doesNotMatch(row2, /Frånvarande hela dagen/, 'gone from the row on Today');
    // What Today says instead: the report of the day taken back on the day, and when.
    assert.match(row2, /Frånvaro återtagen 10:00/);
    assert.deepEqual([...(await withdrawnOn(t.db, [elsa], '2026-11-24')).entries()], [[elsa, { at: '10:00' }]]);
  });

  it('takes back a part of today that has begun, without JavaScript', async () => {
    await t.db.insertInto('absences').values({ child_id: elsa, date: '2026-11-24', starts: '08:00', ends: '12:00', kind: 'reported',
      comment: null, created_by: emmaAccount, created_at: t.clock.now().toISOString() }).execute();
    const absence = await todays();
    const page = await emma.get(`/children/${elsa}/absence`);
    assert.equal(withdrawForm(page.text), String(absence.id), 'begun: no longer "Ta bort", but "Ta tillbaka"');
    const res = await postForm(emma, `/children/${elsa}/absence`, `/absences/${absence.id}/withdraw`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/children/${elsa}/absence`);
    assert.match((await emma.get(res.headers.location)).text, /Frånvaron är tillbakatagen/);
    assert.notEqual((await todays()).cancelled_at, null);
  });

  it('cannot take it back once the child is checked in: a clear message, and the report stands', async () => {
    await reportToday();
    const absence = await todays();
    await checkIn();
    try {
      const start = await emma.get(`/children/${elsa}`);
      assert.equal(withdrawForm(start.text), undefined, 'no "Ta tillbaka"');
      assert.match(start.text, /Elsa är incheckad i dag: frånvaron kan inte tas tillbaka\./);
      const res = await postForm(emma, `/children/${elsa}/absence`, `/absences/${absence.id}/withdraw`);
      assert.equal(res.status, 409);
      assert.match(res.text, /Elsa är redan incheckad i dag, så frånvaron kan inte tas tillbaka\. Prata med personalen\./);
      const box = await postForm(emma, `/children/${elsa}`, `/absences/${absence.id}/withdraw`, {}, FROM_BOX);
      assert.equal(box.status, 400);
      assert.match(box.text, /^<section class="box" id="box-absence"[\s\S]*Elsa är redan incheckad i dag/);
      assert.equal((await todays()).cancelled_at, null, 'it stands');
    } finally {
      await checkOut();
    }
  });

  it('takes back once when pressed twice at the same moment', async () => {
    const absence = await todays(); // (the report of the test before)
    const historyBefore = (await t.db.selectFrom('care_history').select('id').where('child_id', '=', elsa).execute()).length;
    const [a, b] = await Promise.all([
      postForm(emma, `/children/${elsa}/absence`, `/absences/${absence.id}/withdraw`),
      postForm(emma, `/children/${elsa}/absence`, `/absences/${absence.id}/withdraw`),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [303, 404]);
    assert.equal((await t.db.selectFrom('care_history').select('id').where('child_id', '=', elsa).execute()).length, historyBefore + 1);
  });

  it('is the guardians\': staff get 404, and a school\'s mark of unreported absence cannot be taken back by them', async () => {
    await reportToday();
    const absence = await todays();
    assert.equal((await postForm(await signIn(t.app, 'pedagog'), `/children/${elsa}/absence`, `/absences/${absence.id}/withdraw`)).status, 404);
    const oskar = await personId(t.db, 'Oskar', 'Andersson');
    const [mark] = await t.db.insertInto('absences').values({ child_id: oskar, date: '2026-11-24', starts: null, ends: null, kind: 'unreported',
      comment: null, created_by: 1, created_at: t.clock.now().toISOString() }).returning('id').execute();
    assert.equal((await postForm(emma, `/children/${oskar}/absence`, `/absences/${mark.id}/withdraw`)).status, 404);
    assert.equal(withdrawForm((await emma.get(`/children/${oskar}/absence`)).text), undefined);
  });
});
