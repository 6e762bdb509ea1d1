// Individual development plans (IUP): Oskar's (2B) plan of the term, written and signed off by his teacher Tove, read
// and commented on by Emma; earlier terms read-only; the notes of his development talks. Only with a strong login,
// only for his guardians, himself, his class's teachers and the school's head: everyone else finds nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { DEFAULT_NOW, demoPasswordHash, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';
import { signInStrong } from '../support/strong-login.ts';

describe('individual development plans', () => {
  let t: TestApp;
  let oskar: number;
  let pupil: number;
  const strong = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!strong.has(name)) strong.set(name, (await signInStrong(t.app, t.db, name, new Date(DEFAULT_NOW))).agent);
    return strong.get(name)!;
  };
  const planRow = (term = 'HT2026') => t.db.selectFrom('development_plans').selectAll().where('child_id', '=', oskar).where('term', '=', term).executeTakeFirstOrThrow();
  const page = () => `/children/${oskar}/plan`;

  before(async () => {
    t = await startTestApp();
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    const elev = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'elev').executeTakeFirstOrThrow();
    pupil = elev.person_id;
    // A login for Helena Vik, teacher of 4A (same school, another class).
    const helena = await personId(t.db, 'Helena', 'Vik');
    await t.db.insertInto('accounts').values({
      person_id: helena, username: 'larare4a', username_key: 'larare4a', password_hash: await demoPasswordHash(), language: 'sv', created_at: DEFAULT_NOW,
    }).execute();
  });
  after(() => t.close());

  it('shows Emma, on a strong session, Oskar’s plan of the term, the teacher’s talk note, her comment and the earlier term', async () => {
    const res = await (await as('vardnadshavare')).get(page());
    assert.equal(res.status, 200);
    assert.match(res.text, /Individuell utvecklingsplan för Oskar/);
    assert.match(res.text, /Hösttermin 2026/);
    assert.match(res.text, /Läsa med flyt och berätta vad texten handlar om\./);
    assert.match(res.text, /Frågar Oskar om vad han läst/);
    assert.match(res.text, /Tack för ett bra samtal!/);
    assert.match(res.text, /Vi kom överens om målen i utvecklingsplanen\./, 'the note of the held talk');
    assert.match(res.text, /Inte godkänd av läraren än\./);
    assert.match(res.text, new RegExp(`href="/children/${oskar}/plan\\?term=VT2026"`), 'last term’s plan listed');
    assert.doesNotMatch(res.text, /Ändra utvecklingsplanen|Godkänn planen|Spara anteckningen/, 'a guardian writes none of it');
    assert.match(res.text, /Skicka kommentaren/);
    const audit = await t.db.selectFrom('audit_trail').select(['action', 'child_id']).where('action', '=', 'child.plan.read').execute();
    assert.ok(audit.some((a) => a.child_id === oskar), 'the read is in the audit trail');
  });

  it('shows an earlier term’s plan read-only, signed', async () => {
    const res = await (await as('larare2b')).get(`${page()}?term=VT2026`);
    assert.equal(res.status, 200);
    assert.match(res.text, /Läsa kapitelböcker på egen hand\./);
    assert.match(res.text, /Godkänd av Tove Almqvist/);
    assert.doesNotMatch(res.text, /Ändra utvecklingsplanen|Godkänn planen/);
    assert.equal((await (await as('larare2b')).get(`${page()}?term=HT26`)).status, 404, 'no such term');
  });

  it('gives a weak session the way to BankID and never the plan: not the page, not a box, not a form’s answer', async () => {
    const weak = await signIn(t.app, 'vardnadshavare');
    const res = await weak.get(page());
    assert.notEqual(res.status, 200);
    assert.doesNotMatch(res.text, /Läsa med flyt|Tack för ett bra samtal|Vi kom överens/);
    assert.equal(res.status, 403);
    assert.match(res.text, /Det här kräver inloggning med BankID/, 'the way to BankID (Demokommun has no e-ID in the demo: it says so)');
    const box = await weak.get(`/children/${oskar}/boxes/assessment`);
    assert.doesNotMatch(box.text, /Läsa med flyt|Tack för ett bra samtal|Vi kom överens/);
    const before = (await t.db.selectFrom('development_plan_comments').select('id').execute()).length;
    const posted = await postForm(weak, '/', `${page()}/comments`, { comment: 'Svagt inloggad' });
    assert.notEqual(posted.status, 200);
    assert.doesNotMatch(posted.text, /Läsa med flyt|Tack för ett bra samtal/);
    assert.equal((await t.db.selectFrom('development_plan_comments').select('id').execute()).length, before, 'nothing saved');
    for (const table of ['notifications', 'mail_outbox'] as const) {
      const rows = JSON.stringify(await t.db.selectFrom(table).selectAll().execute());
      assert.doesNotMatch(rows, /Läsa med flyt|Tack för ett bra samtal|Vi kom överens/, `${table} holds none of it`);
    }
    const weakTeacher = await signIn(t.app, 'larare2b');
    const edit = await weakTeacher.get(`${page()}/edit`);
    assert.doesNotMatch(edit.text, /Läsa med flyt/);
  });

  it('lets the pupil read their own plan only', async () => {
    const elev = await as('elev');
    const own = await elev.get(`/children/${pupil}/plan`);
    assert.equal(own.status, 200);
    assert.match(own.text, /Skriva längre texter med inledning/);
    assert.equal((await elev.get(page())).status, 404);
  });

  it('is not found for staff of another class or school, fritids, the admin, another family', async () => {
    for (const name of ['larare4a', 'fritids', 'admin', 'pedagog', 'rektor2', 'grannadmin', 'vardnadshavare3']) {
      assert.equal((await (await as(name)).get(page())).status, 404, name);
      assert.equal((await (await as(name)).get(`${page()}/edit`)).status, 404, `${name} edit`);
    }
    assert.equal((await (await as('larare4a')).get(`/children/${pupil}/plan`)).status, 200, 'the 4A teacher reads their own pupil’s');
    const anonymous = await request(t.app).get(page());
    assert.equal(anonymous.status, 303);
  });

  it('refuses a plan without goals or with a text over the limit at the field, keeping what was typed, saving nothing', async () => {
    const tove = await as('larare2b');
    const before = await planRow();
    const empty = await postForm(tove, `${page()}/edit`, `${page()}/edit`, { goals: '  ', schoolDoes: 'Mer stöd', version: String(before.version) });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /<title>Fel:/);
    assert.match(empty.text, /id="goals-error"[^>]*>.*Skriv elevens mål/);
    assert.match(empty.text, />Mer stöd<\/textarea>/);
    const long = 'x'.repeat(4001);
    const tooLong = await postForm(tove, `${page()}/edit`, `${page()}/edit`, { goals: 'Mål', pupilDoes: long, version: String(before.version) });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.text, /id="pupilDoes-error"[^>]*>.*Skriv högst 4000 tecken/);
    assert.deepEqual(await planRow(), before, 'nothing saved');
  });

  it('saves the teacher’s change at the version read; a stale version is 409 with the saved plan shown and the form kept', async () => {
    const tove = await as('larare2b');
    const form = await tove.get(`${page()}/edit`);
    assert.equal(form.status, 200);
    assert.match(form.text, /Läsa med flyt/);
    const before = await planRow();
    const saved = await postForm(tove, `${page()}/edit`, `${page()}/edit`, {
      goals: 'Läsa med flyt.\nRäkna med tiotal.', schoolDoes: 'Bildstöd', pupilDoes: 'Läser', guardiansDo: 'Frågar', version: String(before.version),
    });
    assert.equal(saved.status, 303);
    const after = await planRow();
    assert.equal(after.goals, 'Läsa med flyt.\nRäkna med tiotal.');
    assert.equal(after.version, before.version + 1);
    assert.match((await tove.get(page())).text, /<p class="post-text" dir="auto">Läsa med flyt\.\nRäkna med tiotal\.<\/p>/,
      'the goals one text, its line break kept on the page (white-space: pre-line)');
    const stale = await postForm(tove, `${page()}/edit`, `${page()}/edit`, { goals: 'Gammal text', version: String(before.version) });
    assert.equal(stale.status, 409);
    assert.match(stale.text, /Någon har sparat planen sedan du öppnade den/);
    assert.match(stale.text, />Gammal text<\/textarea>/);
    assert.match(stale.text, /Räkna med tiotal\./, 'the saved plan shown');
    assert.equal((await planRow()).goals, after.goals);
  });

  it('writes a first plan in the class the teacher teaches; a second first save at the same time is stale', async () => {
    const tove = await as('larare2b');
    const class2b = (await t.db.selectFrom('development_plans').select('group_id').where('child_id', '=', oskar).executeTakeFirstOrThrow()).group_id;
    const classmate = (await t.db.selectFrom('placements').select('child_id').where('group_id', '=', class2b).where('child_id', '!=', oskar)
      .orderBy('child_id').executeTakeFirstOrThrow()).child_id;
    const url = `/children/${classmate}/plan/edit`;
    const form = await tove.get(url);
    assert.equal(form.status, 200);
    const first = await postForm(tove, url, url, { goals: 'Första målet', version: '' });
    assert.equal(first.status, 303);
    const row = await t.db.selectFrom('development_plans').selectAll().where('child_id', '=', classmate).executeTakeFirstOrThrow();
    assert.deepEqual([row.term, row.group_id, row.goals, row.school_does, row.signed_at], ['HT2026', class2b, 'Första målet', '', null]);
    const again = await postForm(tove, url, url, { goals: 'Samtidigt', version: '' });
    assert.equal(again.status, 409);
    assert.equal((await t.db.selectFrom('development_plans').select('goals').where('child_id', '=', classmate).executeTakeFirstOrThrow()).goals, 'Första målet');
  });

  it('lets the pupil comment on their own plan', async () => {
    const elev = await as('elev');
    const res = await postForm(elev, `/children/${pupil}/plan`, `/children/${pupil}/plan/comments`, { comment: 'Jag vill skriva om hästar.' });
    assert.equal(res.status, 303);
    assert.match((await elev.get(`/children/${pupil}/plan`)).text, /Jag vill skriva om hästar\./);
  });

  it('lets Emma comment (not too long, not empty) and not the teacher', async () => {
    const emma = await as('vardnadshavare');
    const empty = await postForm(emma, page(), `${page()}/comments`, { comment: ' ' });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Skriv en kommentar/);
    const long = await postForm(emma, page(), `${page()}/comments`, { comment: 'y'.repeat(2001) });
    assert.equal(long.status, 400);
    assert.match(long.text, /Skriv högst 2000 tecken/);
    const ok = await postForm(emma, page(), `${page()}/comments`, { comment: 'Vi övar på tiotal hemma.' });
    assert.equal(ok.status, 303);
    assert.match((await emma.get(page())).text, /Vi övar på tiotal hemma\./);
    const tove = await as('larare2b');
    assert.equal((await postForm(tove, page(), `${page()}/comments`, { comment: 'Lärarens' })).status, 404);
    const comments = await t.db.selectFrom('development_plan_comments').select('body').execute();
    assert.equal(comments.filter((c) => c.body === 'Lärarens' || c.body.startsWith('y')).length, 0);
  });

  it('writes, changes at the version read and refuses the notes of talks not this child’s, not held yet, too long', async () => {
    const tove = await as('larare2b');
    const note = await t.db.selectFrom('talk_notes').select(['booking_id', 'version', 'body']).where('child_id', '=', oskar).executeTakeFirstOrThrow();
    const changed = await postForm(tove, page(), `/children/${oskar}/talk-notes`, { bookingId: String(note.booking_id), body: 'Ny anteckning\r\nAndra raden', version: String(note.version) });
    assert.equal(changed.status, 303);
    assert.match((await tove.get(page())).text, /<p class="post-text" dir="auto">Ny anteckning\r?\nAndra raden<\/p>/, 'the note’s line break kept');
    const stale = await postForm(tove, page(), `/children/${oskar}/talk-notes`, { bookingId: String(note.booking_id), body: 'Gammal', version: String(note.version) });
    assert.equal(stale.status, 409);
    assert.match(stale.text, /Någon har sparat anteckningen/);
    const long = await postForm(tove, page(), `/children/${oskar}/talk-notes`, { bookingId: String(note.booking_id), body: 'z'.repeat(4001), version: String(note.version + 1) });
    assert.equal(long.status, 400);
    assert.match(long.text, /Skriv högst 4000 tecken/);
    assert.equal((await t.db.selectFrom('talk_notes').select('body').where('booking_id', '=', note.booking_id).executeTakeFirstOrThrow()).body, 'Ny anteckning\r\nAndra raden');
    // A talk next week in 2B, booked for Oskar: not held yet, so no note.
    const slot = await t.db.selectFrom('talk_slots').select(['group_id', 'staff_person_id', 'created_by_account_id']).where('id', 'in',
      t.db.selectFrom('talk_bookings').select('slot_id').where('id', '=', note.booking_id)).executeTakeFirstOrThrow();
    const { id: slotId } = await t.db.insertInto('talk_slots').values({ ...slot, date: '2026-12-01', start_time: '10:00', end_time: '10:30', place: '2B', video_url: null, created_at: DEFAULT_NOW }).returning('id').executeTakeFirstOrThrow();
    const { id: coming } = await t.db.insertInto('talk_bookings').values({ slot_id: slotId, child_id: oskar, household: 0, active_key: null, booked_by_account_id: slot.created_by_account_id, booked_at: DEFAULT_NOW, reminded_at: null }).returning('id').executeTakeFirstOrThrow();
    assert.equal((await postForm(tove, page(), `/children/${oskar}/talk-notes`, { bookingId: String(coming), body: 'För tidigt', version: '' })).status, 404);
    assert.equal((await postForm(tove, page(), `/children/${pupil}/talk-notes`, { bookingId: String(note.booking_id), body: 'Fel barn', version: '' })).status, 404);
    assert.equal((await postForm(await as('vardnadshavare'), page(), `/children/${oskar}/talk-notes`, { bookingId: String(note.booking_id), body: 'Hemifrån', version: '' })).status, 404);
    assert.equal((await t.db.selectFrom('talk_notes').select('id').where('booking_id', '=', coming).execute()).length, 0);
  });

  it('signs the plan off; a signed plan is not changed', async () => {
    const tove = await as('larare2b');
    const before = await planRow();
    const stale = await postForm(tove, page(), `${page()}/sign`, { version: String(before.version - 1) });
    assert.equal(stale.status, 409);
    assert.equal((await planRow()).signed_at, null);
    const signed = await postForm(tove, page(), `${page()}/sign`, { version: String(before.version) });
    assert.equal(signed.status, 303);
    const row = await planRow();
    assert.ok(row.signed_at);
    assert.equal(row.signed_by, await personId(t.db, 'Tove', 'Almqvist'));
    const res = await tove.get(page());
    assert.match(res.text, /Godkänd av Tove Almqvist/);
    assert.doesNotMatch(res.text, /Ändra utvecklingsplanen|Godkänn planen/);
    assert.equal((await tove.get(`${page()}/edit`)).status, 303);
    const refused = await postForm(tove, page(), `${page()}/edit`, { goals: 'Efteråt', version: String(row.version) });
    assert.equal(refused.status, 409);
    assert.match(refused.text, /Planen har godkänts sedan du öppnade den/);
    assert.equal((await planRow()).goals, row.goals);
  });

  it('is not found once the custody has ended, or the placement in the class has ended', async () => {
    const emma = await as('vardnadshavare');
    const emmaId = await personId(t.db, 'Emma', 'Andersson');
    await t.db.deleteFrom('guardianships').where('guardian_id', '=', emmaId).where('child_id', '=', oskar).execute();
    assert.equal((await emma.get(page())).status, 404);
    const tove = await as('larare2b');
    assert.equal((await tove.get(page())).status, 200);
    await t.db.updateTable('placements').set({ end_date: '2026-11-23' }).where('child_id', '=', oskar).execute();
    assert.equal((await tove.get(page())).status, 404);
  });

  it('sends none of it in a notification or mail (they reach weak sessions and inboxes)', async () => {
    for (const table of ['notifications', 'mail_outbox'] as const) {
      const rows = JSON.stringify(await t.db.selectFrom(table).selectAll().execute());
      assert.doesNotMatch(rows, /Läsa med flyt|Tack för ett bra samtal|Vi kom överens|Ny anteckning|Vi övar på tiotal|Första målet/, table);
    }
  });
});

// A pupil's school records follow the pupil: Oskar moves from 2B at Björkskolan to 2C at Ekskolan in the middle of the
// term; Ekskolan's teacher reads the plans Björkskolan wrote and carries on this term's plan (no second plan of the term
// can be begun: one plan a term).
describe('individual development plans after a move to another school in the term', () => {
  let t: TestApp;
  let oskar: number;
  let class2c: number;
  const as = async (name: string) => (await signInStrong(t.app, t.db, name, new Date(DEFAULT_NOW))).agent;
  const page = () => `/children/${oskar}/plan`;

  before(async () => {
    t = await startTestApp();
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    const demokommun = await municipalityId(t.db, 'Demokommun');
    const unit = (await t.db.insertInto('units').values({ municipality_id: demokommun, area_id: null, name: 'Ekskolan', kind: 'school',
      street_address: null, postal_code: null, city: null, phone: null, email: null }).returning('id').executeTakeFirstOrThrow()).id;
    class2c = (await t.db.insertInto('groups').values({ unit_id: unit, name: '2C' }).returning('id').executeTakeFirstOrThrow()).id;
    const kim = (await t.db.insertInto('persons').values({ municipality_id: demokommun, first_name: 'Kim', last_name: 'Berg', identity_number: null,
      identity_kind: null, birth_date: null, protected_identity: 0, street_address: null, postal_code: null, city: null, email: null, phone: null,
      created_at: DEFAULT_NOW }).returning('id').executeTakeFirstOrThrow()).id;
    await t.db.insertInto('staff_assignments').values({ person_id: kim, unit_id: unit, group_id: class2c, role: 'staff', start_date: null, end_date: null }).execute();
    await t.db.insertInto('accounts').values({
      person_id: kim, username: 'ekskolan', username_key: 'ekskolan', password_hash: await demoPasswordHash(), language: 'sv', created_at: DEFAULT_NOW,
    }).execute();
    await t.db.updateTable('placements').set({ end_date: '2026-11-20' }).where('child_id', '=', oskar).where('group_id', '=', await groupId(t.db, '2B')).execute();
    await t.db.insertInto('placements').values({ child_id: oskar, group_id: class2c, start_date: '2026-11-23', end_date: null, hour_limit: 'none' }).execute();
  });
  after(() => t.close());

  it('shows the new school’s teacher the plans the earlier school wrote, this term’s and the earlier term’s', async () => {
    const kim = await as('ekskolan');
    const res = await kim.get(page());
    assert.equal(res.status, 200);
    assert.match(res.text, /Läsa med flyt och berätta vad texten handlar om\./, 'this term’s plan, written at Björkskolan');
    assert.doesNotMatch(res.text, /Ingen utvecklingsplan är skriven/);
    assert.match(res.text, new RegExp(`href="/children/${oskar}/plan\\?term=VT2026"`), 'last term’s plan listed');
    const earlier = await kim.get(`${page()}?term=VT2026`);
    assert.equal(earlier.status, 200);
    assert.match(earlier.text, /Läsa kapitelböcker på egen hand\./);
    assert.equal((await (await as('larare2b')).get(page())).status, 404, 'the earlier school’s teacher no longer reads him');
  });

  it('lets the new school’s teacher change and sign this term’s plan the earlier school began', async () => {
    const kim = await as('ekskolan');
    const form = await kim.get(`${page()}/edit`);
    assert.equal(form.status, 200);
    assert.match(form.text, /Läsa med flyt/);
    const before = await t.db.selectFrom('development_plans').selectAll().where('child_id', '=', oskar).where('term', '=', 'HT2026').executeTakeFirstOrThrow();
    const saved = await postForm(kim, `${page()}/edit`, `${page()}/edit`, { goals: 'Läsa med flyt på nya skolan.', version: String(before.version) });
    assert.equal(saved.status, 303);
    const after = await t.db.selectFrom('development_plans').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow();
    assert.equal(after.goals, 'Läsa med flyt på nya skolan.');
    const signed = await postForm(kim, page(), `${page()}/sign`, { version: String(after.version) });
    assert.equal(signed.status, 303);
    assert.match((await kim.get(page())).text, /Godkänd av Kim Berg/);
  });
});
