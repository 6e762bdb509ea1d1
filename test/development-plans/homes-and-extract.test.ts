// Development plans beside two homes and in the register: where the school holds one talk for each home, a talk's
// note is read by that home's guardians (and the staff), not by the other home, and stays so when the school later
// holds one talk together (which home a note is for is fixed when it is written); the family's note of a talk held
// together stays both homes'. The register extract holds the child's plans, comments and the notes the person reads;
// retention removes them all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NOW, postForm, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { signInStrong } from '../support/strong-login.ts';
import { developmentPlanPersonalData } from '../../server/development-plans/personal-data.ts';

describe('development plans, two homes and the register', () => {
  let t: TestApp;
  let oskar: number;
  let emma: number;
  let johan: number;
  let school: number;
  const family = 'Oskar berättade att han tycker om att läsa om djur. Vi kom överens om målen i utvecklingsplanen.';
  const as = async (name: string): Promise<Agent> => (await signInStrong(t.app, t.db, name, new Date(DEFAULT_NOW))).agent;
  const page = () => `/children/${oskar}/plan`;
  const twoHomes = (setting: 'each' | 'together') => t.db.updateTable('talk_settings').set({ two_homes: setting }).where('unit_id', '=', school).execute();

  before(async () => {
    t = await startTestApp();
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    emma = await personId(t.db, 'Emma', 'Andersson');
    johan = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'vardnadshavare2').executeTakeFirstOrThrow()).person_id;
    // The demo's talk was held with the whole family (Björkskolan's setting then: one talk together) and has its note.
    // Johan becomes Oskar's guardian too, in another household; Björkskolan now holds one talk for each home.
    await t.db.insertInto('guardianships').values({ guardian_id: johan, child_id: oskar, other_household: 1 }).execute();
    school = await unitId(t.db, 'Björkskolan');
    const by = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'larare2b').executeTakeFirstOrThrow()).id;
    await t.db.insertInto('talk_settings').values({ unit_id: school, deadline_days: 2, two_homes: 'each', updated_by_account_id: by, updated_at: DEFAULT_NOW }).execute();
    const demoTalk = await t.db.selectFrom('talk_slots').select(['group_id', 'staff_person_id', 'created_by_account_id'])
      .where('id', 'in', t.db.selectFrom('talk_bookings').select('slot_id').where('child_id', '=', oskar)).executeTakeFirstOrThrow();
    // Each home's talk, held, and the teacher's note of each written from the plan page.
    const tove = await as('larare2b');
    for (const [household, date, body] of [[1, '2026-11-20', 'Samtalet med pappa gick bra.'], [0, '2026-11-19', 'Samtalet med mamma gick bra.']] as const) {
      const { id: slotId } = await t.db.insertInto('talk_slots').values({ ...demoTalk, date, start_time: '15:00', end_time: '15:30', place: '2B', video_url: null, created_at: DEFAULT_NOW }).returning('id').executeTakeFirstOrThrow();
      const { id: bookingId } = await t.db.insertInto('talk_bookings').values({ slot_id: slotId, child_id: oskar, household, active_key: null, booked_by_account_id: by, booked_at: DEFAULT_NOW, reminded_at: null }).returning('id').executeTakeFirstOrThrow();
      const written = await postForm(tove, page(), `/children/${oskar}/talk-notes`, { bookingId: String(bookingId), body, version: '' });
      assert.equal(written.status, 303);
    }
  });
  after(() => t.close());

  const readsOnPage = async (name: string) => {
    const text = (await (await as(name)).get(page())).text;
    return [family, 'Samtalet med mamma gick bra.', 'Samtalet med pappa gick bra.'].filter((body) => text.includes(body));
  };

  it('records which home a note is for when it is written: each home’s talk its home, the family’s talk none', async () => {
    const notes = await t.db.selectFrom('talk_notes').select(['body', 'home']).where('child_id', '=', oskar).orderBy('id').execute();
    assert.deepEqual(notes.map((n) => [n.body, n.home === null ? null : Number(n.home)]),
      [[family, null], ['Samtalet med pappa gick bra.', 1], ['Samtalet med mamma gick bra.', 0]]);
  });

  it('shows each home the note of its own talk and the family’s, and the teacher all', async () => {
    assert.deepEqual(await readsOnPage('vardnadshavare'), [family, 'Samtalet med mamma gick bra.']);
    assert.deepEqual(await readsOnPage('vardnadshavare2'), [family, 'Samtalet med pappa gick bra.']);
    assert.match((await (await as('vardnadshavare2')).get(page())).text, /Läsa med flyt/, 'the plan is both homes’');
    assert.deepEqual(await readsOnPage('larare2b'), [family, 'Samtalet med mamma gick bra.', 'Samtalet med pappa gick bra.']);
  });

  it('keeps one home’s note from the other home after the school switches to one talk together, and the family’s note both homes’ after it switches back', async () => {
    await twoHomes('together');
    assert.deepEqual(await readsOnPage('vardnadshavare'), [family, 'Samtalet med mamma gick bra.']);
    assert.deepEqual(await readsOnPage('vardnadshavare2'), [family, 'Samtalet med pappa gick bra.']);
    assert.deepEqual(await readsOnPage('larare2b'), [family, 'Samtalet med mamma gick bra.', 'Samtalet med pappa gick bra.']);
    await twoHomes('each');
    assert.deepEqual(await readsOnPage('vardnadshavare2'), [family, 'Samtalet med pappa gick bra.']);
  });

  it('puts the plans, comments and the notes the person reads in the extract, whatever the setting is now', async () => {
    const extract = (personId: number) => developmentPlanPersonalData.extract!(t.db, { personId, municipalityId: 0, accountIds: [], childIds: [oskar] });
    const section = (sections: Awaited<ReturnType<typeof extract>>['sections'], title: string) => sections.find((s) => s.title === `personalData.sections.${title}`)!;
    for (const setting of ['each', 'together'] as const) {
      await twoHomes(setting);
      const emmas = (await extract(emma)).sections;
      assert.deepEqual(section(emmas, 'developmentPlans').rows.map((r) => r.term), ['HT2026', 'VT2026']);
      assert.deepEqual(section(emmas, 'developmentPlanComments').rows.map((r) => [r.body, r.by]), [['Tack för ett bra samtal! Vi läser varje kväll.', 'you']]);
      assert.deepEqual(section(emmas, 'talkNotes').rows.map((r) => r.body), [family, 'Samtalet med mamma gick bra.'], setting);
      const johans = (await extract(johan)).sections;
      assert.deepEqual(section(johans, 'developmentPlanComments').rows.map((r) => r.by), ['other']);
      assert.deepEqual(section(johans, 'talkNotes').rows.map((r) => r.body), [family, 'Samtalet med pappa gick bra.'], setting);
      const oskars = (await extract(oskar)).sections;
      assert.equal(section(oskars, 'talkNotes').rows.length, 3, 'the pupil reads every note');
    }
  });

  it('removes the child’s plans, comments and talks’ notes at retention', async () => {
    const rule = developmentPlanPersonalData.retention![0]!;
    assert.equal(rule.kind, 'developmentPlans');
    const removed = await t.db.transaction().execute((trx) => rule.remove(trx, [oskar]));
    assert.equal(removed, 3 + 2 + 1);
    for (const table of ['development_plans', 'talk_notes'] as const) {
      assert.equal((await t.db.selectFrom(table).select('id').where('child_id', '=', oskar).execute()).length, 0, table);
    }
    assert.equal((await t.db.selectFrom('development_plan_comments').select('id').execute()).length, 0);
    assert.ok((await t.db.selectFrom('development_plans').select('id').execute()).length > 0, 'the 4A pupil’s plan stays');
  });
});
