// The week of care times shows the absence reported on its days (the whole day, or part of it with its times), and a
// school's mark of unreported absence as such: a guardian planning the week sees what is already reported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe('absence in the week of care times', () => {
  let t: TestApp;
  let emma: Agent;
  let elsa: number;
  let oskar: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026 (week 48)
    emma = await signIn(t.app, 'vardnadshavare');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
  });
  after(() => t.close());

  const dayOf = (html: string, date: string) => html.match(new RegExp(`<div class="care-day[^"]*" id="day_${date}">[\\s\\S]*?\\n</div>`))?.[0] ?? '';

  it('says "Frånvaro anmäld" on a day reported absent, to the guardian and the staff, and nothing on the other days', async () => {
    await postForm(emma, `/children/${elsa}/absence`, `/children/${elsa}/absences`, { when: 'range', from: '2026-11-25' });
    for (const agent of [emma, await signIn(t.app, 'pedagog')]) {
      const week = await agent.get(`/children/${elsa}/schedule?week=2026-W48`);
      assert.equal(week.status, 200);
      assert.match(dayOf(week.text, '2026-11-25'), /<p class="absence-note"><strong>Frånvaro anmäld<\/strong><\/p>/);
      assert.doesNotMatch(dayOf(week.text, '2026-11-26'), /absence-note/);
    }
    const withdrawn = await t.db.selectFrom('absences').select('id').where('child_id', '=', elsa).where('date', '=', '2026-11-25').executeTakeFirstOrThrow();
    await postForm(emma, `/children/${elsa}/absence`, `/absences/${withdrawn.id}/cancel`);
    assert.doesNotMatch(dayOf((await emma.get(`/children/${elsa}/schedule?week=2026-W48`)).text, '2026-11-25'), /absence-note/, 'a cancelled report is gone');
  });

  it('gives part of a day its times, and a school\'s mark as "Ogiltig frånvaro"', async () => {
    await postForm(emma, `/children/${oskar}/absence`, `/children/${oskar}/absences`,
      { when: 'range', from: '2026-11-26', part: 'yes', starts: '09:00', ends: '11:00' });
    await t.db.insertInto('absences').values({ child_id: oskar, date: '2026-11-23', starts: null, ends: null, kind: 'unreported',
      comment: null, created_by: 1, created_at: t.clock.now().toISOString() }).execute();
    const week = await emma.get(`/children/${oskar}/schedule?week=2026-W48`);
    assert.equal(week.status, 200);
    assert.match(dayOf(week.text, '2026-11-26'), /<strong>Frånvaro anmäld 09:00–11:00<\/strong>/);
    assert.match(dayOf(week.text, '2026-11-23'), /<strong>Ogiltig frånvaro<\/strong>/);
  });

  it('speaks the reader\'s language', async () => {
    await postForm(emma, '/', '/language', { language: 'ar', next: '/' });
    try {
      const week = await emma.get(`/children/${oskar}/schedule?week=2026-W48`);
      assert.match(dayOf(week.text, '2026-11-26'), /<strong>تم الإبلاغ عن غياب 09:00–11:00<\/strong>/);
    } finally {
      await postForm(emma, '/', '/language', { language: 'sv', next: '/' });
    }
  });
});
