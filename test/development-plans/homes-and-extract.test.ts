// Development plans beside two homes and in the register: where the school holds one talk for each home, a talk's
// note is read by that home's guardians (and the staff), not by the other home; the register extract holds the child's
// plans, comments and the notes of the talks the person sees; retention removes them all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NOW, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { signInStrong } from '../support/strong-login.ts';
import { developmentPlanPersonalData } from '../../server/development-plans/personal-data.ts';

describe('development plans, two homes and the register', () => {
  let t: TestApp;
  let oskar: number;
  let emma: number;
  let johan: number;
  const as = async (name: string): Promise<Agent> => (await signInStrong(t.app, t.db, name, new Date(DEFAULT_NOW))).agent;

  before(async () => {
    t = await startTestApp();
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    emma = await personId(t.db, 'Emma', 'Andersson');
    johan = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'vardnadshavare2').executeTakeFirstOrThrow()).person_id;
    // Johan becomes Oskar's guardian too, in another household; Björkskolan holds one talk for each home.
    await t.db.insertInto('guardianships').values({ guardian_id: johan, child_id: oskar, other_household: 1 }).execute();
    const school = await unitId(t.db, 'Björkskolan');
    const by = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'larare2b').executeTakeFirstOrThrow()).id;
    await t.db.insertInto('talk_settings').values({ unit_id: school, deadline_days: 2, two_homes: 'each', updated_by_account_id: by, updated_at: DEFAULT_NOW }).execute();
    const demoTalk = await t.db.selectFrom('talk_slots').select(['group_id', 'staff_person_id', 'created_by_account_id'])
      .where('id', 'in', t.db.selectFrom('talk_bookings').select('slot_id').where('child_id', '=', oskar)).executeTakeFirstOrThrow();
    const { id: slotId } = await t.db.insertInto('talk_slots').values({ ...demoTalk, date: '2026-11-20', start_time: '15:00', end_time: '15:30', place: '2B', video_url: null, created_at: DEFAULT_NOW }).returning('id').executeTakeFirstOrThrow();
    const { id: bookingId } = await t.db.insertInto('talk_bookings').values({ slot_id: slotId, child_id: oskar, household: 1, active_key: null, booked_by_account_id: by, booked_at: DEFAULT_NOW, reminded_at: null }).returning('id').executeTakeFirstOrThrow();
    const tove = await personId(t.db, 'Tove', 'Almqvist');
    await t.db.insertInto('talk_notes').values({ booking_id: bookingId, child_id: oskar, body: 'Samtalet med pappa gick bra.', created_at: DEFAULT_NOW, updated_at: DEFAULT_NOW, updated_by: tove }).execute();
  });
  after(() => t.close());

  it('shows each home the note of its own talk only, and the teacher both', async () => {
    const page = `/children/${oskar}/plan`;
    const emmas = (await (await as('vardnadshavare')).get(page)).text;
    assert.match(emmas, /Vi kom överens om målen/);
    assert.doesNotMatch(emmas, /Samtalet med pappa/);
    const johans = (await (await as('vardnadshavare2')).get(page)).text;
    assert.match(johans, /Samtalet med pappa gick bra\./);
    assert.doesNotMatch(johans, /Vi kom överens om målen/);
    assert.match(johans, /Läsa med flyt/, 'the plan is both homes’');
    const toves = (await (await as('larare2b')).get(page)).text;
    assert.match(toves, /Samtalet med pappa gick bra\./);
    assert.match(toves, /Vi kom överens om målen/);
  });

  it('puts the plans, comments and the notes of the talks the person sees in the extract', async () => {
    const extract = (personId: number) => developmentPlanPersonalData.extract!(t.db, { personId, municipalityId: 0, accountIds: [], childIds: [oskar] });
    const section = (sections: Awaited<ReturnType<typeof extract>>['sections'], title: string) => sections.find((s) => s.title === `personalData.sections.${title}`)!;
    const emmas = (await extract(emma)).sections;
    assert.deepEqual(section(emmas, 'developmentPlans').rows.map((r) => r.term), ['HT2026', 'VT2026']);
    assert.deepEqual(section(emmas, 'developmentPlanComments').rows.map((r) => [r.body, r.by]), [['Tack för ett bra samtal! Vi läser varje kväll.', 'you']]);
    assert.deepEqual(section(emmas, 'talkNotes').rows.map((r) => r.body), ['Oskar berättade att han tycker om att läsa om djur. Vi kom överens om målen i utvecklingsplanen.']);
    const johans = (await extract(johan)).sections;
    assert.deepEqual(section(johans, 'developmentPlanComments').rows.map((r) => r.by), ['other']);
    assert.deepEqual(section(johans, 'talkNotes').rows.map((r) => r.body), ['Samtalet med pappa gick bra.']);
  });

  it('removes the child’s plans, comments and talks’ notes at retention', async () => {
    const rule = developmentPlanPersonalData.retention![0]!;
    assert.equal(rule.kind, 'developmentPlans');
    const removed = await t.db.transaction().execute((trx) => rule.remove(trx, [oskar]));
    assert.equal(removed, 2 + 2 + 1);
    for (const table of ['development_plans', 'talk_notes'] as const) {
      assert.equal((await t.db.selectFrom(table).select('id').where('child_id', '=', oskar).execute()).length, 0, table);
    }
    assert.equal((await t.db.selectFrom('development_plan_comments').select('id').execute()).length, 0);
    assert.ok((await t.db.selectFrom('development_plans').select('id').execute()).length > 0, 'the 4A pupil’s plan stays');
  });
});
