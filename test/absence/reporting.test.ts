// A guardian reports absence: today or the next open day in two taps, or a range; siblings at once; cancel until started.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe('reporting absence', () => {
  let t: TestApp;
  let emma: Agent;
  let elsa: number;
  let oskar: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026, 10:00 in Stockholm
    emma = await signIn(t.app, 'vardnadshavare');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
  });
  after(() => t.close());

  const active = (childId: number) => t.db.selectFrom('absences').select(['id', 'date', 'starts', 'ends', 'comment', 'kind'])
    .where('child_id', '=', childId).where('cancelled_at', 'is', null).orderBy('date').execute();

  async function post(path: string, fields: Record<string, string | string[]>, htmx = false) {
    const asHtmx = { 'HX-Request': 'true', 'HX-Target': 'box-absence' }; // as htmx posts the box's forms
    return postForm(emma, `/children/${elsa}`, path, fields, htmx ? asHtmx : {});
  }

  it('reports today from the box with htmx and gets the box back, showing the report', async () => {
    const res = await post(`/children/${elsa}/absences`, { when: 'today', source: 'box', comment: 'Hos mormor' }, true);
    assert.equal(res.status, 200);
    assert.match(res.text, /^<section class="box" id="box-absence"/);
    assert.match(res.text, /Frånvaron är anmäld/);
    assert.deepEqual((await active(elsa)).map((a) => [a.date, a.comment]), [['2026-11-24', 'Hos mormor']]);
  });

  it('reports the next open day without JavaScript, then redirects back to the start page', async () => {
    const res = await post(`/children/${elsa}/absences`, { when: 'next', source: 'box', next: `/children/${elsa}` });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/children/${elsa}`);
    assert.deepEqual((await active(elsa)).map((a) => a.date), ['2026-11-24', '2026-11-25']);
    const start = await emma.get(`/children/${elsa}`);
    assert.match(start.text, /Anmäld frånvaro[\s\S]*onsdag 25 november/);
  });

  it('reports a range for two siblings at once, skipping weekends and closed days', async () => {
    const res = await post(`/children/${elsa}/absences`, { when: 'range', from: '2026-12-04', to: '2026-12-08', siblings: String(oskar) });
    assert.equal(res.status, 303);
    const days = (await active(elsa)).map((a) => a.date).filter((d) => d >= '2026-12-04');
    assert.deepEqual(days, ['2026-12-04', '2026-12-07', '2026-12-08'], 'Friday, then Monday and Tuesday');
    assert.deepEqual((await active(oskar)).map((a) => a.date), ['2026-12-04', '2026-12-07', '2026-12-08']);
  });

  it('takes part of a school day for Oskar, but not for a preschool child', async () => {
    const page = await emma.get(`/children/${oskar}/absence`);
    assert.match(page.text, /Bara en del av dagen/);
    assert.doesNotMatch((await emma.get(`/children/${elsa}/absence`)).text, /Bara en del av dagen/);
    const bad = await post(`/children/${oskar}/absences`, { when: 'range', from: '2026-11-26', part: 'yes', starts: '13:00', ends: '10:00' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Sluttiden måste vara efter starttiden/);
    assert.match(bad.text, /value="13:00"/);
    const ok = await post(`/children/${oskar}/absences`, { when: 'range', from: '2026-11-26', part: 'yes', starts: '10:00', ends: '13:00' });
    assert.equal(ok.status, 303);
    assert.ok((await active(oskar)).some((a) => a.date === '2026-11-26' && a.starts === '10:00' && a.ends === '13:00'));
  });

  it('refuses a past day, a day beyond the unit\'s limit and an end before the start, saving nothing', async () => {
    const before = (await active(elsa)).length;
    const past = await post(`/children/${elsa}/absences`, { when: 'range', from: '2026-11-23' });
    assert.match(past.text, /Dagen har redan varit/);
    const far = await post(`/children/${elsa}/absences`, { when: 'range', from: '2027-12-01' });
    assert.match(far.text, /Så långt fram går det inte/);
    const backwards = await post(`/children/${elsa}/absences`, { when: 'range', from: '2026-12-10', to: '2026-12-09', comment: 'Resa' });
    assert.equal(backwards.status, 400);
    assert.match(backwards.text, /Sista dagen måste vara samma dag som den första eller senare/);
    assert.match(backwards.text, /<textarea[^>]*>Resa<\/textarea>/);
    assert.equal((await active(elsa)).length, before);
  });

  it('cancels a report that has not started, but not one that has', async () => {
    const [todayReport, tomorrow] = await active(elsa);
    assert.equal(todayReport.date, '2026-11-24');
    const started = await post(`/absences/${todayReport.id}/cancel`, {});
    assert.equal(started.status, 404, "today's whole-day report has started");
    const res = await post(`/absences/${tomorrow.id}/cancel`, {});
    assert.equal(res.status, 303);
    assert.ok(!(await active(elsa)).some((a) => a.id === tomorrow.id));
    const history = await t.db.selectFrom('care_history').select(['what', 'old_value', 'new_value']).where('child_id', '=', elsa)
      .where('date', '=', tomorrow.date).orderBy('id').execute();
    assert.equal(history.length, 2, 'reported, then cancelled: both kept');
    assert.equal(history[1].new_value, null);
  });

  it("answers 404 for a child that is not the guardian's", async () => {
    const nora = await personId(t.db, 'Nora', 'Haddad');
    assert.equal((await emma.get(`/children/${nora}/absence`)).status, 404);
    assert.equal((await post(`/children/${nora}/absences`, { when: 'today' })).status, 404);
    assert.equal((await active(nora)).length, 0);
  });

  it('lets staff report on a guardian\'s behalf, and the guardian sees who did it', async () => {
    const teacher = await signIn(t.app, 'pedagog');
    const page = await teacher.get(`/children/${elsa}/absence`);
    const res = await teacher.post(`/children/${elsa}/absences`).type('form')
      .send({ _csrf: csrfFrom(page.text), when: 'range', from: '2026-12-14', comment: 'Mamma ringde' });
    assert.equal(res.status, 303);
    assert.match((await emma.get(`/children/${elsa}/absence`)).text, /Anmäld av Sara Holm \(personal\)/);
  });

  it("keeps the school's mark of unreported absence when a guardian reports the same day afterwards", async () => {
    await t.db.insertInto('absences').values({ child_id: oskar, date: '2026-11-24', starts: null, ends: null, kind: 'unreported',
      comment: null, created_by: 1, created_at: t.clock.now().toISOString() }).execute();
    await post(`/children/${oskar}/absences`, { when: 'today', comment: 'Sjuk' });
    const today = (await active(oskar)).filter((a) => a.date === '2026-11-24');
    assert.deepEqual(today.map((a) => a.kind), ['unreported']);
  });

  it("offers siblings only to the children's guardian, not to staff reporting on their behalf", async () => {
    assert.match((await emma.get(`/children/${elsa}/absence`)).text, /Gäller även/);
    const teacher = await signIn(t.app, 'pedagog');
    assert.doesNotMatch((await teacher.get(`/children/${elsa}/absence`)).text, /Gäller även/);
  });
});
