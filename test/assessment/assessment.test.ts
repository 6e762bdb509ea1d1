// School assessment (Bedömning): Oskar's guardian, the 4A pupil and Oskar's teacher read with a strong login; a weak
// session never gets the records (not the page, not the box's partial); nobody outside the pupil's class and school
// finds them; the teacher writes and publishes with a level of the municipality's matrix; the admin keeps the matrix.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NOW, demoPasswordHash, postForm, type Agent, type TestApp, startTestApp } from '../support/app.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';
import { signInStrong, signInWithSession } from '../support/strong-login.ts';
import { sql } from 'kysely';
import { addLevel, assessmentsOfChild, saveAssessment } from '../../server/assessment/queries.ts';
import { dialectOf } from '../../db/sql.ts';

describe('school assessment', () => {
  let t: TestApp;
  let oskar: number;
  let pupil: number;
  let class2b: number;
  let class4a: number;
  let demokommun: number;
  const agents = new Map<string, Agent>();
  /** A strong session of the login (made once). */
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, (await signInStrong(t.app, t.db, name, new Date(DEFAULT_NOW))).agent);
    return agents.get(name)!;
  };
  const subjectId = async (name: string) => (await t.db.selectFrom('assessment_subjects').select('id')
    .where('municipality_id', '=', demokommun).where('name', '=', name).executeTakeFirstOrThrow()).id;
  const levelId = async (name: string, municipality = demokommun) => (await t.db.selectFrom('assessment_levels').select('id')
    .where('municipality_id', '=', municipality).where('name', '=', name).executeTakeFirstOrThrow()).id;
  const abilities = async (subject: string) => (await t.db.selectFrom('assessment_abilities').select(['id', 'name'])
    .where('subject_id', '=', await subjectId(subject)).orderBy('position').execute());
  const account = async (person: number, username: string) => {
    await t.db.insertInto('accounts').values({
      person_id: person, username, username_key: username, password_hash: await demoPasswordHash(), language: 'sv', created_at: DEFAULT_NOW,
    }).execute();
  };

  before(async () => {
    t = await startTestApp();
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    class2b = await groupId(t.db, '2B');
    class4a = await groupId(t.db, '4A');
    demokommun = await municipalityId(t.db, 'Demokommun');
    pupil = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'elev').executeTakeFirstOrThrow()).person_id;
    // Helena Vik teaches 4A (a login of her own); Kim Berg teaches at another school of Demokommun.
    await account(await personId(t.db, 'Helena', 'Vik'), 'larare4a');
    const unit = (await t.db.insertInto('units').values({ municipality_id: demokommun, area_id: null, name: 'Ekskolan', kind: 'school',
      street_address: null, postal_code: null, city: null, phone: null, email: null }).returning('id').executeTakeFirstOrThrow()).id;
    const group = (await t.db.insertInto('groups').values({ unit_id: unit, name: '2C' }).returning('id').executeTakeFirstOrThrow()).id;
    const kim = (await t.db.insertInto('persons').values({ municipality_id: demokommun, first_name: 'Kim', last_name: 'Berg', identity_number: null, identity_kind: null,
      birth_date: null, protected_identity: 0, street_address: null, postal_code: null, city: null, email: null, phone: null, created_at: DEFAULT_NOW })
      .returning('id').executeTakeFirstOrThrow()).id;
    await t.db.insertInto('staff_assignments').values({ person_id: kim, unit_id: unit, group_id: group, role: 'staff', start_date: null, end_date: null }).execute();
    await account(kim, 'ekskolan');
  });
  after(() => t.close());

  it('shows Oskar’s guardian the term’s published assessments with levels and comments, not the draft', async () => {
    const res = await (await as('vardnadshavare')).get(`/children/${oskar}/assessment`);
    assert.equal(res.status, 200);
    assert.match(res.text, /Bedömning för Oskar/);
    assert.match(res.text, /Hösttermin 2026/);
    assert.match(res.text, /Svenska/);
    assert.match(res.text, /Matematik/);
    assert.match(res.text, /<th scope="row">Läsa<\/th><td>Uppnår<\/td>/);
    assert.match(res.text, /Oskar läser med flyt/);
    assert.doesNotMatch(res.text, /Engelska/, 'the draft is the teacher’s');
    assert.doesNotMatch(res.text, /Utkast/);
    assert.match(res.text, new RegExp(`href="/children/${oskar}/plan\\?term=HT2026"`));
    assert.match(res.text, new RegExp(`href="/children/${oskar}/adaptations"`));
    assert.doesNotMatch(res.text, /assessment\/edit/, 'a guardian reads, does not write');
  });

  it('shows the teacher of 2B the draft too, marked as one, with the ways to write and print', async () => {
    const res = await (await as('larare2b')).get(`/children/${oskar}/assessment`);
    assert.equal(res.status, 200);
    assert.match(res.text, /Engelska <span class="tag">Utkast<\/span>/);
    assert.match(res.text, /assessment\/edit\?subject=/);
    assert.match(res.text, new RegExp(`/children/${oskar}/assessment/print\\?term=HT2026`));
  });

  it('shows the pupil their own assessment and nobody else’s', async () => {
    const elev = await as('elev');
    const own = await elev.get(`/children/${pupil}/assessment`);
    assert.equal(own.status, 200);
    assert.match(own.text, /Du läser längre böcker/);
    assert.equal((await elev.get(`/children/${oskar}/assessment`)).status, 404);
    assert.equal((await elev.get(`/children/${oskar}/boxes/assessment`)).status, 404);
  });

  it('never gives a weak session the records: the page steps up, the box and its partial say "Logga in med BankID för att se"', async () => {
    const { agent } = await signInWithSession(t.app, 'vardnadshavare');
    const secret = 'Oskar läser med flyt';
    const page = await agent.get(`/children/${oskar}/assessment`);
    assert.ok([303, 403].includes(page.status), `the way to a strong login (${page.status})`);
    assert.ok(!page.text.includes(secret));
    const start = await agent.get(`/children/${oskar}`);
    assert.equal(start.status, 200);
    assert.match(start.text, /id="box-assessment"/);
    assert.match(start.text, /Logga in med BankID för att se/);
    assert.match(start.text, /Fråga skolan/);
    assert.ok(!start.text.includes(secret));
    for (const headers of [{ 'HX-Request': 'true' }, {}]) {
      const partial = await agent.get(`/children/${oskar}/boxes/assessment`).set(headers);
      assert.match(partial.text, /Logga in med BankID för att se/);
      assert.ok(!partial.text.includes(secret));
      assert.doesNotMatch(partial.text, /publicerad i/);
    }
    for (const path of [`/children/${oskar}/assessment/edit?subject=${await subjectId('Svenska')}`, `/children/${oskar}/assessment/print`]) {
      const res = await (await signInWithSession(t.app, 'larare2b')).agent.get(path);
      assert.notEqual(res.status, 200, path);
      assert.ok(!res.text.includes(secret), path);
    }
  });

  it('shows a strong session the box with the term’s published count and the ways on', async () => {
    const res = await (await as('vardnadshavare')).get(`/children/${oskar}/boxes/assessment`).set('HX-Request', 'true');
    assert.equal(res.status, 200);
    assert.match(res.text, /Hösttermin 2026: bedömning publicerad i 2 ämnen/);
    assert.match(res.text, new RegExp(`href="/children/${oskar}/assessment"`));
    assert.match(res.text, new RegExp(`href="/children/${oskar}/plan"`));
    assert.doesNotMatch(res.text, /Logga in med BankID/);
  });

  it('leaves the box out for a child without a school placement', async () => {
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    const start = await (await as('vardnadshavare')).get(`/children/${elsa}`);
    assert.equal(start.status, 200);
    assert.doesNotMatch(start.text, /id="box-assessment"/);
  });

  it('is not found for staff of another class or school, the admin, fritids staff, another family and a preschool teacher', async () => {
    for (const name of ['larare4a', 'ekskolan', 'admin', 'grannadmin', 'fritids', 'vardnadshavare2', 'vardnadshavare3', 'pedagog', 'rektor']) {
      const agent = await as(name);
      for (const path of [`/children/${oskar}/assessment`, `/children/${oskar}/assessment/print`, `/children/${oskar}/assessment/edit?subject=${await subjectId('Svenska')}`]) {
        assert.equal((await agent.get(path)).status, 404, `${name} ${path}`);
      }
      assert.equal((await agent.get(`/groups/${class2b}/assessment`)).status, 404, `${name} class`);
    }
    assert.equal((await (await as('larare4a')).get(`/groups/${class4a}/assessment`)).status, 200, 'the 4A teacher’s own class');
  });

  it('lets the teacher write a draft the family does not see, then publish it', async () => {
    const teacher = await as('larare2b');
    const [las, skriv, tal] = await abilities('Svenska');
    const svenska = await subjectId('Svenska');
    const form = await teacher.get(`/children/${oskar}/assessment/edit?subject=${svenska}&term=VT2026`);
    assert.equal(form.status, 200);
    assert.match(form.text, /name="version" value="0"/);
    const edit = `/children/${oskar}/assessment/edit?subject=${svenska}&term=VT2026`;
    const fields = { subject: String(svenska), term: 'VT2026', comment: 'Vårens bedömning: Oskar har kommit igång med läsningen.', version: '0',
      [`level-${las.id}`]: String(await levelId('Uppnår')), [`level-${skriv.id}`]: '', [`level-${tal.id}`]: String(await levelId('Fördjupar')), action: 'draft' };
    const draft = await postForm(teacher, edit, `/children/${oskar}/assessment/edit`, fields);
    assert.equal(draft.status, 303);
    assert.equal(draft.headers.location, `/children/${oskar}/assessment?term=VT2026`);
    const saved = (await assessmentsOfChild(t.db, oskar, 'VT2026'))[0];
    assert.equal(saved.status, 'draft');
    assert.equal(saved.groupId, class2b);
    assert.deepEqual(saved.marks.map((m) => `${m.ability}:${m.level}`), ['Läsa:Uppnår', 'Tala:Fördjupar']);
    assert.doesNotMatch((await (await as('vardnadshavare')).get(`/children/${oskar}/assessment?term=VT2026`)).text, /Vårens bedömning/);

    const unfinished = await postForm(teacher, edit, `/children/${oskar}/assessment/edit`, { ...fields, version: '1', action: 'publish' });
    assert.equal(unfinished.status, 400, 'to publish, every ability needs its level');
    assert.match(unfinished.text, new RegExp(`id="level-${skriv.id}-error"[^>]*>.*Välj en kunskapsnivå för Skriva`));
    const published = await postForm(teacher, edit, `/children/${oskar}/assessment/edit`,
      { ...fields, version: '1', [`level-${skriv.id}`]: String(await levelId('Arbetar mot')), action: 'publish' });
    assert.equal(published.status, 303);
    assert.match((await (await as('vardnadshavare')).get(`/children/${oskar}/assessment?term=VT2026`)).text, /Vårens bedömning/);
  });

  it('refuses a level outside the municipality’s matrix and a comment over 2000 characters at the field, saving nothing', async () => {
    const teacher = await as('larare2b');
    const engelska = await subjectId('Engelska');
    const [forsta, tala] = await abilities('Engelska');
    const before = await assessmentsOfChild(t.db, oskar, 'HT2026');
    const edit = `/children/${oskar}/assessment/edit?subject=${engelska}`;
    const current = before.find((a) => a.subjectId === engelska)!;
    // Grannkommun's own level (made here), and an id that is no level at all
    const grannkommun = await municipalityId(t.db, 'Grannkommun');
    const foreign = (await t.db.insertInto('assessment_levels').values({ municipality_id: grannkommun, name: 'Godtagbar', position: 1 }).returning('id').executeTakeFirstOrThrow()).id;
    for (const bad of [String(foreign), '999999', 'Uppnår', '-1']) {
      const res = await postForm(teacher, edit, `/children/${oskar}/assessment/edit`, {
        subject: String(engelska), term: 'HT2026', comment: 'Ny kommentar', version: String(current.version),
        [`level-${forsta.id}`]: bad, [`level-${tala.id}`]: String(await levelId('Uppnår')), action: 'draft',
      });
      assert.equal(res.status, 400, bad);
      assert.match(res.text, /<title>Fel:/);
      assert.match(res.text, new RegExp(`id="level-${forsta.id}-error"[^>]*>.*Välj en av kommunens kunskapsnivåer för Förstå`));
      assert.match(res.text, />Ny kommentar<\/textarea>/, 'what was typed stays');
    }
    const long = 'Lång kommentar. '.repeat(130);
    const tooLong = await postForm(teacher, edit, `/children/${oskar}/assessment/edit`, {
      subject: String(engelska), term: 'HT2026', comment: long, version: String(current.version),
      [`level-${forsta.id}`]: String(await levelId('Uppnår')), [`level-${tala.id}`]: String(await levelId('Uppnår')), action: 'draft',
    });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.text, /id="comment-error"[^>]*>.*Kommentaren får vara högst 2000 tecken/);
    // another subject's ability is no field of this form: ignored; an unknown subject or term is not found
    assert.equal((await teacher.get(`/children/${oskar}/assessment/edit?subject=999999`)).status, 404);
    assert.equal((await teacher.get(`/children/${oskar}/assessment/edit?subject=${engelska}&term=HT1999x`)).status, 404);
    assert.equal((await teacher.get(`/children/${oskar}/assessment?term=2026`)).status, 404);
    assert.equal((await teacher.get(`/children/${oskar}/assessment/edit?subject=${engelska}&term=VT2027`)).status, 404, 'a coming term');
    assert.deepEqual(await assessmentsOfChild(t.db, oskar, 'HT2026'), before);
  });

  it('says so when a colleague saved the assessment meanwhile, keeping what was typed', async () => {
    const teacher = await as('larare2b');
    const engelska = await subjectId('Engelska');
    const [forsta, tala] = await abilities('Engelska');
    const current = (await assessmentsOfChild(t.db, oskar, 'HT2026')).find((a) => a.subjectId === engelska)!;
    const edit = `/children/${oskar}/assessment/edit?subject=${engelska}`;
    const fields = (comment: string) => ({
      subject: String(engelska), term: 'HT2026', comment, version: String(current.version),
      [`level-${forsta.id}`]: String(current.marks[0].levelId), [`level-${tala.id}`]: String(current.marks[1].levelId), action: 'draft',
    });
    const first = await postForm(teacher, edit, `/children/${oskar}/assessment/edit`, fields('Den första versionen'));
    assert.equal(first.status, 303);
    const stale = await postForm(teacher, edit, `/children/${oskar}/assessment/edit`, fields('Den andra versionen'));
    assert.equal(stale.status, 409);
    assert.match(stale.text, /Någon annan har sparat bedömningen/);
    assert.match(stale.text, /<p dir="auto">Den första versionen<\/p>/);
    assert.match(stale.text, />Den andra versionen<\/textarea>/);
    assert.match(stale.text, new RegExp(`name="version" value="${current.version + 1}"`));
    assert.equal((await assessmentsOfChild(t.db, oskar, 'HT2026')).find((a) => a.subjectId === engelska)!.comment, 'Den första versionen');
  });

  it('shows the class’s status per pupil and publishes the class’s drafts of a subject and term', async () => {
    const teacher = await as('larare2b');
    const engelska = await subjectId('Engelska');
    const page = await teacher.get(`/groups/${class2b}/assessment?term=HT2026&subject=${engelska}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Bedömning i 2B/);
    assert.match(page.text, new RegExp(`href="/children/${oskar}/assessment\\?term=HT2026">Oskar Andersson</a></th>\\s*<td>Utkast</td>`));
    assert.match(page.text, /1 utkast väntar på att publiceras/);
    const res = await postForm(teacher, `/groups/${class2b}/assessment?term=HT2026&subject=${engelska}`, `/groups/${class2b}/assessment/publish`,
      { term: 'HT2026', subject: String(engelska) });
    assert.equal(res.status, 303);
    const after = await teacher.get(String(res.headers.location));
    assert.match(after.text, /1 bedömning är publicerad/);
    assert.match((await (await as('vardnadshavare')).get(`/children/${oskar}/assessment`)).text, /Engelska/);
    assert.equal((await postForm(await as('larare4a'), `/groups/${class4a}/assessment`, `/groups/${class2b}/assessment/publish`,
      { term: 'HT2026', subject: String(engelska) })).status, 404);
  });

  it('publishes only the class’s finished drafts, says how many it left out and why, and counts exactly what it would publish', async () => {
    const teacher = await as('larare2b');
    const matematik = await subjectId('Matematik');
    const engelska = await subjectId('Engelska');
    const [tal, problem] = await abilities('Matematik');
    const edit = `/children/${oskar}/assessment/edit?subject=${matematik}&term=VT2026`;
    const draft = await postForm(teacher, edit, `/children/${oskar}/assessment/edit`, {
      subject: String(matematik), term: 'VT2026', comment: 'Halvfärdig', version: '0',
      [`level-${tal.id}`]: String(await levelId('Uppnår')), [`level-${problem.id}`]: '', action: 'draft',
    });
    assert.equal(draft.status, 303);
    // a finished draft of Oskar's written in 4A: the overview shows it, but publishing 2B's drafts does not take it
    const { id } = await t.db.insertInto('assessments').values({ child_id: oskar, subject_id: engelska, term: 'VT2026', group_id: class4a, comment: 'Skrivet i 4A',
      status: 'draft', published_at: null, updated_at: DEFAULT_NOW, updated_by: await personId(t.db, 'Tove', 'Almqvist') }).returning('id').executeTakeFirstOrThrow();
    const uppnar = await levelId('Uppnår');
    await t.db.insertInto('assessment_marks').values((await abilities('Engelska')).map((a) => ({ assessment_id: id, ability_id: a.id, level_id: uppnar }))).execute();
    const page = await teacher.get(`/groups/${class2b}/assessment?term=VT2026&subject=${matematik}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /1 utkast saknar kunskapsnivå för någon förmåga och publiceras inte förrän det är klart/);
    assert.doesNotMatch(page.text, /väntar på att publiceras/);
    const other = await teacher.get(`/groups/${class2b}/assessment?term=VT2026&subject=${engelska}`);
    assert.match(other.text, /<td>Utkast<\/td>/);
    assert.doesNotMatch(other.text, /väntar på att publiceras/, 'written in 4A: not what publishing 2B takes');
    const res = await postForm(teacher, `/groups/${class2b}/assessment?term=VT2026&subject=${matematik}`, `/groups/${class2b}/assessment/publish`,
      { term: 'VT2026', subject: String(matematik) });
    assert.equal(res.status, 303);
    assert.match((await teacher.get(String(res.headers.location))).text,
      /Publicerade bedömningar: 0\. 1 utkast saknar kunskapsnivå för någon förmåga och publicerades inte\./);
    const after = await assessmentsOfChild(t.db, oskar, 'VT2026');
    assert.equal(after.find((a) => a.subjectId === matematik)!.status, 'draft', 'the unfinished draft stays a draft');
    assert.equal(after.find((a) => a.subjectId === engelska)!.status, 'draft');
    assert.doesNotMatch((await (await as('vardnadshavare')).get(`/children/${oskar}/assessment?term=VT2026`)).text, /Halvfärdig/);
    await t.db.deleteFrom('assessments').where('id', '=', id).execute();
  });

  it('treats a draft save of a published assessment as publishing: a level left out is refused at the field, nothing changes', async () => {
    const teacher = await as('larare2b');
    const svenska = await subjectId('Svenska');
    const [las, skriv, tal] = await abilities('Svenska');
    const current = (await assessmentsOfChild(t.db, oskar, 'HT2026')).find((a) => a.subjectId === svenska)!;
    assert.equal(current.status, 'published');
    const res = await postForm(teacher, `/children/${oskar}/assessment/edit?subject=${svenska}`, `/children/${oskar}/assessment/edit`, {
      subject: String(svenska), term: 'HT2026', comment: 'Tömd', version: String(current.version),
      [`level-${las.id}`]: String(await levelId('Uppnår')), [`level-${skriv.id}`]: '', [`level-${tal.id}`]: '', action: 'draft',
    });
    assert.equal(res.status, 400);
    assert.match(res.text, new RegExp(`id="level-${skriv.id}-error"[^>]*>.*Välj en kunskapsnivå för Skriva`));
    assert.deepEqual((await assessmentsOfChild(t.db, oskar, 'HT2026')).find((a) => a.subjectId === svenska), current);
  });

  it('says at the form, not with a server error, when a level was removed from the matrix while the teacher saved', async () => {
    const teacher = await as('larare2b');
    const engelska = await subjectId('Engelska');
    const [forsta, tala] = await abilities('Engelska');
    const admin = await personId(t.db, 'Karin', 'Lindqvist');
    assert.deepEqual(await addLevel(t.db, demokommun, 'Tillfällig', admin, new Date(DEFAULT_NOW)), { ok: true });
    const gone = await levelId('Tillfällig');
    const current = (await assessmentsOfChild(t.db, oskar, 'HT2026')).find((a) => a.subjectId === engelska)!;
    // the admin's removal lands between the form's matrix and the save: the database's foreign key refuses the marks
    const postgres = dialectOf(t.db) === 'postgres';
    if (postgres) {
      await sql.raw(`create function vanish_level() returns trigger language plpgsql as $$ begin delete from assessment_levels where id = ${gone}; return new; end $$`).execute(t.db);
      await sql.raw(`create trigger vanish_level before insert on assessment_marks for each row when (new.level_id = ${gone}) execute function vanish_level()`).execute(t.db);
    } else {
      await sql.raw(`create trigger vanish_level before insert on assessment_marks when new.level_id = ${gone} begin delete from assessment_levels where id = ${gone}; end`).execute(t.db);
    }
    try {
      const res = await postForm(teacher, `/children/${oskar}/assessment/edit?subject=${engelska}`, `/children/${oskar}/assessment/edit`, {
        subject: String(engelska), term: 'HT2026', comment: 'Med en nivå som försvinner', version: String(current.version),
        [`level-${forsta.id}`]: String(gone), [`level-${tala.id}`]: String(await levelId('Uppnår')), action: 'draft',
      });
      assert.equal(res.status, 409);
      assert.match(res.text, /<title>Fel:/);
      assert.match(res.text, /bedömningsmatris ändrades medan du skrev/, 'the level is back once the save is undone: the matrix changed');
      assert.match(res.text, />Med en nivå som försvinner<\/textarea>/, 'what was typed stays');
    } finally {
      await sql.raw('drop trigger vanish_level' + (postgres ? ' on assessment_marks' : '')).execute(t.db);
      if (postgres) await sql.raw('drop function vanish_level()').execute(t.db);
    }
    assert.deepEqual((await assessmentsOfChild(t.db, oskar, 'HT2026')).find((a) => a.subjectId === engelska), current, 'nothing saved');
    // removed for good before the save: the query says 'gone', and the page says so at the level's field
    await t.db.deleteFrom('assessment_levels').where('id', '=', gone).execute();
    assert.equal(await saveAssessment(t.db, current.version, {
      childId: oskar, subjectId: engelska, term: 'HT2026', groupId: class2b, comment: 'x', marks: new Map([[forsta.id, gone]]), publish: true, by: admin, at: new Date(DEFAULT_NOW),
    }), 'gone');
    assert.deepEqual((await assessmentsOfChild(t.db, oskar, 'HT2026')).find((a) => a.subjectId === engelska), current);
  });

  it('shows the staff everything of the pupil’s, whichever school wrote it: an assessment and the IUP written at another school', async () => {
    const ekskolan2c = await groupId(t.db, '2C');
    const matematik = await subjectId('Matematik');
    await t.db.updateTable('assessments').set({ group_id: ekskolan2c }).where('child_id', '=', oskar).where('subject_id', '=', matematik).where('term', '=', 'HT2026').execute();
    await t.db.updateTable('development_plans').set({ group_id: ekskolan2c }).where('child_id', '=', oskar).where('term', '=', 'HT2026').execute();
    const teacher = await as('larare2b');
    assert.match((await teacher.get(`/children/${oskar}/assessment`)).text, /Oskar räknar säkert/);
    const print = await teacher.get(`/children/${oskar}/assessment/print`);
    assert.match(print.text, /Läsa med flyt och berätta vad texten handlar om\.\nLösa textuppgifter/, 'the plan, its line break kept');
    assert.match(print.text, /<dd class="print-text" dir="auto">Läsa med flyt/);
    assert.match(print.text, /<section class="print-subject">\s*<h3>Matematik<\/h3>/);
    await t.db.updateTable('assessments').set({ group_id: class2b }).where('child_id', '=', oskar).where('subject_id', '=', matematik).where('term', '=', 'HT2026').execute();
    await t.db.updateTable('development_plans').set({ group_id: class2b }).where('child_id', '=', oskar).where('term', '=', 'HT2026').execute();
  });

  it('links the class’s page to its assessment for whom the policy lets read it', async () => {
    assert.match((await (await as('larare2b')).get(`/groups/${class2b}`)).text, new RegExp(`href="/groups/${class2b}/assessment">Bedömning</a>`));
    assert.match((await (await signInWithSession(t.app, 'larare2b')).agent.get(`/groups/${class2b}`)).text, /assessment">Bedömning/, 'a weak session: the link leads to BankID');
    const pedagog = (await t.db.selectFrom('accounts').innerJoin('staff_assignments', 'staff_assignments.person_id', 'accounts.person_id')
      .select('staff_assignments.group_id').where('accounts.username', '=', 'pedagog').executeTakeFirstOrThrow()).group_id!;
    const preschool = await (await as('pedagog')).get(`/groups/${pedagog}`);
    assert.equal(preschool.status, 200);
    assert.doesNotMatch(preschool.text, /\/assessment"/, 'a preschool group has none');
  });

  it('prints one page for a meeting: the term’s assessments (drafts marked), the IUP and current adaptations', async () => {
    const res = await (await as('larare2b')).get(`/children/${oskar}/assessment/print`);
    assert.equal(res.status, 200);
    assert.match(res.text, /Bedömning och IUP för Oskar Andersson/);
    assert.match(res.text, /Individuell utvecklingsplan/);
    assert.match(res.text, /Extra anpassningar/);
    assert.equal((await (await as('vardnadshavare')).get(`/children/${oskar}/assessment/print`)).status, 404, 'staff print it');
  });

  it('records each read and write in the audit trail, about Oskar', async () => {
    const before = await t.db.selectFrom('audit_trail').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    await (await as('vardnadshavare')).get(`/children/${oskar}/assessment`);
    const engelska = await subjectId('Engelska');
    const current = (await assessmentsOfChild(t.db, oskar, 'HT2026')).find((a) => a.subjectId === engelska)!;
    await postForm(await as('larare2b'), `/children/${oskar}/assessment/edit?subject=${engelska}`, `/children/${oskar}/assessment/edit`, {
      subject: String(engelska), term: 'HT2026', comment: 'Loggad', version: String(current.version),
      ...Object.fromEntries(current.marks.map((m) => [`level-${m.abilityId}`, String(m.levelId)])), action: 'publish',
    });
    const rows = await t.db.selectFrom('audit_trail').select(['action', 'child_id', 'method', 'outcome'])
      .where('id', '>', Number(before?.id ?? 0)).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.action, r.child_id, r.method, r.outcome]), [
      ['child.assessment.read', oskar, 'GET', 'read'],
      ['child.assessment.write', oskar, 'GET', 'read'], // the form, opened (postForm reads its CSRF token there)
      ['child.assessment.write', oskar, 'POST', 'written'],
    ]);
  });

  describe('the matrix, for the admin', () => {
    it('lists the levels in order, the subjects with their abilities and the change log', async () => {
      const res = await (await signInWithSession(t.app, 'admin')).agent.get('/admin/assessment');
      assert.equal(res.status, 200, 'no strong login needed: the matrix holds nobody’s data');
      assert.match(res.text, /Bedömningsmatris/);
      assert.ok(res.text.indexOf('Arbetar mot') < res.text.indexOf('Uppnår') && res.text.indexOf('Uppnår') < res.text.indexOf('Fördjupar'));
      assert.match(res.text, /Taluppfattning/);
      assert.match(res.text, /Kunskapsnivå tillagd: Uppnår/);
      assert.match((await (await signInWithSession(t.app, 'admin')).agent.get('/admin')).text, /href="\/admin\/assessment"/);
      for (const name of ['larare2b', 'rektor', 'vardnadshavare']) assert.equal((await (await as(name)).get('/admin/assessment')).status, 404, name);
    });

    it('adds a level, refuses a name already there or empty at the field, and logs who did it', async () => {
      const admin = (await signInWithSession(t.app, 'admin')).agent;
      const added = await postForm(admin, '/admin/assessment', '/admin/assessment/levels', { municipality: String(demokommun), name: '  Utmärkt ' });
      assert.equal(added.status, 303);
      const levels = await t.db.selectFrom('assessment_levels').select('name').where('municipality_id', '=', demokommun).orderBy('position').execute();
      assert.deepEqual(levels.map((l) => l.name), ['Arbetar mot', 'Uppnår', 'Fördjupar', 'Utmärkt']);
      const again = await postForm(admin, '/admin/assessment', '/admin/assessment/levels', { municipality: String(demokommun), name: 'uppnår' });
      assert.equal(again.status, 400);
      assert.match(again.text, /id="level-name-error"[^>]*>.*uppnår finns redan/);
      const empty = await postForm(admin, '/admin/assessment', '/admin/assessment/subjects', { municipality: String(demokommun), name: ' ' });
      assert.equal(empty.status, 400);
      assert.match(empty.text, /id="subject-name-error"[^>]*>.*Skriv ett namn/);
      const long = await postForm(admin, '/admin/assessment', '/admin/assessment/subjects', { municipality: String(demokommun), name: 'x'.repeat(101) });
      assert.equal(long.status, 400);
      assert.match(long.text, /Namnet får vara högst 100 tecken/);
      const page = await admin.get('/admin/assessment');
      assert.match(page.text, /Kunskapsnivå tillagd: Utmärkt <span class="muted">[^<]*Karin Lindqvist/);
    });

    it('adds a subject and an ability; removes what no assessment uses and refuses what one uses, at the button', async () => {
      const admin = (await signInWithSession(t.app, 'admin')).agent;
      assert.equal((await postForm(admin, '/admin/assessment', '/admin/assessment/subjects', { municipality: String(demokommun), name: 'Bild' })).status, 303);
      const bild = await subjectId('Bild');
      assert.equal((await postForm(admin, '/admin/assessment', '/admin/assessment/abilities', { municipality: String(demokommun), subjectId: String(bild), name: 'Skapa' })).status, 303);
      assert.deepEqual((await abilities('Bild')).map((a) => a.name), ['Skapa']);
      const uppnar = await levelId('Uppnår');
      const refused = await postForm(admin, '/admin/assessment', '/admin/assessment/remove', { municipality: String(demokommun), kind: 'level', id: String(uppnar) });
      assert.equal(refused.status, 400);
      assert.match(refused.text, new RegExp(`id="remove-level-${uppnar}-error"[^>]*>.*Kunskapsnivån används i en bedömning`));
      const svenska = await subjectId('Svenska');
      assert.equal((await postForm(admin, '/admin/assessment', '/admin/assessment/remove', { municipality: String(demokommun), kind: 'subject', id: String(svenska) })).status, 400);
      assert.equal((await postForm(admin, '/admin/assessment', '/admin/assessment/remove', { municipality: String(demokommun), kind: 'subject', id: String(bild) })).status, 303);
      assert.equal(await t.db.selectFrom('assessment_subjects').select('id').where('id', '=', bild).executeTakeFirst(), undefined);
      assert.match((await admin.get('/admin/assessment')).text, /Ämne borttaget: Bild/);
    });

    it('refuses at the button, never with a server error, a removal the database finds in use', async () => {
      const admin = (await signInWithSession(t.app, 'admin')).agent;
      assert.equal((await postForm(admin, '/admin/assessment', '/admin/assessment/subjects', { municipality: String(demokommun), name: 'Musik' })).status, 303);
      const musik = await subjectId('Musik');
      assert.equal((await postForm(admin, '/admin/assessment', '/admin/assessment/abilities', { municipality: String(demokommun), subjectId: String(musik), name: 'Sjunga' })).status, 303);
      const [sjunga] = await abilities('Musik');
      // a mark naming Sjunga that the query's own check does not see (as one saved meanwhile): the foreign key refuses
      const svenska = (await assessmentsOfChild(t.db, oskar, 'HT2026')).find((a) => a.subject === 'Svenska')!;
      await t.db.insertInto('assessment_marks').values({ assessment_id: svenska.id, ability_id: sjunga.id, level_id: await levelId('Uppnår') }).execute();
      const res = await postForm(admin, '/admin/assessment', '/admin/assessment/remove', { municipality: String(demokommun), kind: 'subject', id: String(musik) });
      assert.equal(res.status, 400);
      assert.match(res.text, new RegExp(`id="remove-subject-${musik}-error"[^>]*>.*Ämnet har bedömningar`));
      assert.ok(await t.db.selectFrom('assessment_subjects').select('id').where('id', '=', musik).executeTakeFirst());
      await t.db.deleteFrom('assessment_marks').where('ability_id', '=', sjunga.id).execute();
    });

    it('refuses a name whatever its case, also when two admins add it at once', async () => {
      const karin = await personId(t.db, 'Karin', 'Lindqvist');
      const at = new Date(DEFAULT_NOW);
      const results = await Promise.all([addLevel(t.db, demokommun, 'Godkänd', karin, at), addLevel(t.db, demokommun, 'GODKÄND', karin, at)]);
      assert.deepEqual(results.map((r) => r.ok).sort(), [false, true]);
      assert.deepEqual(results.find((r) => !r.ok), { ok: false, error: 'taken' });
      const names = (await t.db.selectFrom('assessment_levels').select('name').where('municipality_id', '=', demokommun).execute()).map((l) => l.name.toLowerCase());
      assert.equal(names.filter((n) => n === 'godkänd').length, 1);
    });

    it('does not find another municipality’s level, subject or ability', async () => {
      const grannkommun = await municipalityId(t.db, 'Grannkommun');
      const theirs = (await t.db.insertInto('assessment_subjects').values({ municipality_id: grannkommun, name: 'Slöjd', position: 1 }).returning('id').executeTakeFirstOrThrow()).id;
      const admin = (await signInWithSession(t.app, 'admin')).agent;
      assert.equal((await postForm(admin, '/admin/assessment', '/admin/assessment/abilities', { municipality: String(demokommun), subjectId: String(theirs), name: 'Sy' })).status, 404);
      assert.equal((await postForm(admin, '/admin/assessment', '/admin/assessment/remove', { municipality: String(demokommun), kind: 'subject', id: String(theirs) })).status, 404);
      assert.equal((await postForm(admin, '/admin/assessment', '/admin/assessment/levels', { municipality: String(grannkommun), name: 'X' })).status, 404);
      assert.equal((await postForm(admin, '/admin/assessment', '/admin/assessment/remove', { municipality: String(demokommun), kind: 'other', id: '1' })).status, 404);
      assert.ok(await t.db.selectFrom('assessment_subjects').select('id').where('id', '=', theirs).executeTakeFirst());
    });
  });

  it('is not found for a guardian whose custody ended, and for everyone once the placement ended', async () => {
    const guardian = await as('vardnadshavare');
    assert.equal((await guardian.get(`/children/${oskar}/assessment`)).status, 200);
    const emma = await personId(t.db, 'Emma', 'Andersson');
    await t.db.deleteFrom('guardianships').where('guardian_id', '=', emma).where('child_id', '=', oskar).execute();
    assert.equal((await guardian.get(`/children/${oskar}/assessment`)).status, 404);
    assert.equal((await guardian.get(`/children/${oskar}/boxes/assessment`)).status, 404);
    await t.db.updateTable('placements').set({ end_date: '2026-11-20' }).where('child_id', '=', oskar).execute();
    for (const name of ['larare2b']) assert.equal((await (await as(name)).get(`/children/${oskar}/assessment`)).status, 404, name);
  });
});
