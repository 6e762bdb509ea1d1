// Extra adaptations (extra anpassningar, "Övrig bedömning" in seed 001): what the school does for one pupil, who decided
// it and when, reviewed by a day. Read by the pupil's guardians, the pupil, the class's teachers and the school's head —
// always with a strong login, never the content on a weak session —; written, changed and ended by those teachers and
// the head. Nobody else finds the page: another class, another school, the admin, fritids staff, another family.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { demoPasswordHash, postForm, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';
import { enableEId, signInStrong, signInWithSession } from '../support/strong-login.ts';
import { createAccount } from '../../server/accounts/queries.ts';
import { addGuardianship, assignStaff, createGroup, createPerson, createUnit } from '../../server/people/commands.ts';
import { addAdaptation, adaptationsOfChild } from '../../server/adaptations/queries.ts';
import { addDays } from '../../server/kernel/dates.ts';
import { today } from '../../server/kernel/clock.ts';

describe('extra adaptations of a pupil', () => {
  let t: TestApp;
  let oskar: number;
  let pupil: number; // the 4A pupil with the login `elev`
  let class2b: number;
  let class4a: number;
  let tove: number;
  let day: string;
  const strong = new Map<string, Agent>();
  /** An agent with a strong session for the demo login (made once). */
  const as = async (username: string) => {
    if (!strong.has(username)) strong.set(username, (await signInStrong(t.app, t.db, username, t.clock.now())).agent);
    return strong.get(username)!;
  };
  const rowsOf = (childId: number) => t.db.selectFrom('extra_adaptations').selectAll().where('child_id', '=', childId).orderBy('id').execute();
  const page = (childId: number) => `/children/${childId}/adaptations`;
  const newForm = (childId: number) => `/children/${childId}/adaptations/new`;
  const login = async (first: string, last: string, username: string) => {
    await createAccount(t.db, { personId: await personId(t.db, first, last), username, email: null, passwordHash: await demoPasswordHash() }, t.clock.now());
  };

  before(async () => {
    t = await startTestApp();
    day = today(t.clock);
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    class2b = await groupId(t.db, '2B');
    class4a = await groupId(t.db, '4A');
    tove = await personId(t.db, 'Tove', 'Almqvist');
    const elev = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'elev').executeTakeFirstOrThrow();
    pupil = elev.person_id;
    // Logins for Helena (4A's teacher) and Bo (Björkskolan's head), and a school of its own in Demokommun with its head.
    await login('Helena', 'Vik', 'larare4a');
    await login('Bo', 'Skoglund', 'rektorbjork');
    const demo = await municipalityId(t.db, 'Demokommun');
    const ekskolan = await createUnit(t.db, { municipalityId: demo, areaId: null, name: 'Ekskolan', kind: 'school' });
    const class3c = await createGroup(t.db, ekskolan, '3C');
    for (const [first, groupOf, role, username] of [['Rut', class3c, 'staff', 'larareek'], ['Sven', null, 'unit_head', 'rektorek']] as const) {
      const person = await createPerson(t.db, { municipalityId: demo, firstName: first, lastName: 'Eksson' }, t.clock.now());
      await assignStaff(t.db, { personId: person, unitId: ekskolan, groupId: groupOf, role });
      await createAccount(t.db, { personId: person, username, email: null, passwordHash: await demoPasswordHash() }, t.clock.now());
    }
    // The 4A pupil's own adaptation.
    await addAdaptation(t.db, {
      childId: pupil, groupId: class4a, what: 'Ljudböcker i svenska', decidedBy: 'Mentorn', decidedOn: addDays(day, -20), reviewBy: addDays(day, 100),
    }, await personId(t.db, 'Helena', 'Vik'), t.clock.now());
  });
  after(() => t.close());

  it('shows Oskar’s guardian what the school does, who decided and when, and by when it is reviewed; current before ended', async () => {
    const res = await (await as('vardnadshavare')).get(page(oskar));
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Extra anpassningar för Oskar<\/h1>/);
    assert.match(res.text, /Dagens schema med bilder/);
    assert.match(res.text, /<p dir="auto">Extra tid vid prov och diagnoser, i ett lugnare rum bredvid klassrummet\.<\/p>\s*<p dir="auto">Oskar får läsa/);
    assert.match(res.text, /Klassläraren och specialpedagogen/);
    assert.match(res.text, /Följs upp senast/);
    assert.ok(res.text.indexOf('Pågående') < res.text.indexOf('Hörselkåpor'), 'the ended one under the current ones');
    assert.match(res.text, /<h2 id="ended-title">Avslutade<\/h2>/);
    assert.doesNotMatch(res.text, /\/edit"|\/end"|adaptations\/new/, 'a guardian reads, does not write');
    assert.doesNotMatch(res.text, /Ljudböcker/, 'nothing of another pupil');
  });

  it('lets a pupil see only their own', async () => {
    const elev = await as('elev');
    const own = await elev.get(page(pupil));
    assert.equal(own.status, 200);
    assert.match(own.text, /Ljudböcker i svenska/);
    assert.doesNotMatch(own.text, /\/edit"|adaptations\/new/);
    assert.equal((await elev.get(page(oskar))).status, 404);
    assert.equal((await elev.get(newForm(pupil))).status, 404);
    const [mine] = await rowsOf(pupil);
    assert.equal((await elev.get(`/adaptations/${mine.id}/edit`)).status, 404);
  });

  it('is not found for another class’s and another school’s staff, the admin, fritids staff, a preschool’s head and another family', async () => {
    const [first] = await rowsOf(oskar);
    for (const username of ['larare4a', 'larareek', 'rektorek', 'admin', 'grannadmin', 'fritids', 'rektor', 'pedagog', 'vardnadshavare2', 'vardnadshavare3']) {
      const agent = await as(username);
      assert.equal((await agent.get(page(oskar))).status, 404, `${username}: the page`);
      assert.equal((await agent.get(newForm(oskar))).status, 404, `${username}: the form`);
      assert.equal((await agent.get(`/adaptations/${first.id}/edit`)).status, 404, `${username}: the edit form`);
      assert.equal((await postForm(agent, '/', `/adaptations/${first.id}/end`, { version: String(first.version) })).status, 404, `${username}: end`);
      assert.equal((await postForm(agent, '/', page(oskar), { what: 'X', decidedBy: 'Y', decidedOn: day, reviewBy: day })).status, 404, `${username}: create`);
    }
    assert.deepEqual((await rowsOf(oskar))[0], first);
    const anonymous = await request(t.app).get(page(oskar));
    assert.equal(anonymous.status, 303);
    assert.match(String(anonymous.headers.location), /^\/login/);
  });

  it('lets the class’s teacher add one, written in the pupil’s class; the guardian then reads it', async () => {
    const teacher = await as('larare2b');
    const list = await teacher.get(page(oskar));
    assert.match(list.text, new RegExp(`href="/children/${oskar}/adaptations/new"`));
    const form = await teacher.get(newForm(oskar));
    assert.equal(form.status, 200);
    assert.match(form.text, new RegExp(`id="decidedOn" name="decidedOn" type="date" value="${day}"`), 'today as the day of the decision');
    const res = await postForm(teacher, newForm(oskar), page(oskar), {
      what: '  Ett eget bord vid fönstret.  ', decidedBy: 'Klassläraren', decidedOn: addDays(day, -1), reviewBy: addDays(day, 30),
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, page(oskar));
    const saved = (await rowsOf(oskar)).at(-1)!;
    assert.equal(saved.what, 'Ett eget bord vid fönstret.');
    assert.equal(saved.decided_by, 'Klassläraren');
    assert.equal(saved.review_by, addDays(day, 30));
    assert.equal(saved.group_id, class2b);
    assert.equal(saved.created_by, tove);
    assert.equal(saved.ended_on, null);
    assert.match((await teacher.get(page(oskar))).text, /Anpassningen är sparad/);
    assert.match((await (await as('vardnadshavare')).get(page(oskar))).text, /Ett eget bord vid fönstret\./);
  });

  it('lets the school’s head add one too, in the pupil’s first school class', async () => {
    const head = await as('rektorbjork');
    const res = await postForm(head, newForm(oskar), page(oskar), { what: 'Stödtecken', decidedBy: 'Rektorn', decidedOn: day, reviewBy: day });
    assert.equal(res.status, 303);
    const saved = (await rowsOf(oskar)).at(-1)!;
    assert.equal(saved.what, 'Stödtecken');
    assert.equal(saved.group_id, class2b);
  });

  it('refuses bad input with a Swedish message at the field, keeps what was typed, saves nothing', async () => {
    const teacher = await as('larare2b');
    const before = await rowsOf(oskar);
    const early = await postForm(teacher, newForm(oskar), page(oskar), {
      what: 'Pauser', decidedBy: 'Klassläraren', decidedOn: '2026-11-20', reviewBy: '2026-11-19',
    });
    assert.equal(early.status, 400);
    assert.match(early.text, /<title>Fel:/);
    assert.match(early.text, /id="reviewBy-error"[^>]*>.*Uppföljningen kan inte vara före beslutsdagen \(fredag 20 november\)/);
    assert.match(early.text, /<a href="#reviewBy">/, 'the summary links to the field');
    assert.match(early.text, />Pauser<\/textarea>/);
    assert.match(early.text, /value="Klassläraren"/);
    const long = 'Lång beskrivning. '.repeat(60);
    const tooLong = await postForm(teacher, newForm(oskar), page(oskar), { what: long, decidedBy: 'x'.repeat(201), decidedOn: day, reviewBy: day });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.text, /id="what-error"[^>]*>.*Beskrivningen får vara högst 1000 tecken/);
    assert.match(tooLong.text, /id="decidedBy-error"[^>]*>.*Vem som beslutade får vara högst 200 tecken/);
    assert.ok(tooLong.text.includes(long.trim()), 'what was typed stays');
    const empty = await postForm(teacher, newForm(oskar), page(oskar), { what: ' ', decidedBy: '', decidedOn: '', reviewBy: '2026-02-30' });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Skriv vad skolan gör/);
    assert.match(empty.text, /Skriv vem som beslutade anpassningen/);
    assert.match(empty.text, /Skriv vilken dag anpassningen beslutades/);
    assert.match(empty.text, /id="reviewBy-error"[^>]*>.*Skriv ett datum/);
    assert.deepEqual(await rowsOf(oskar), before);
    // the same on a change
    const [first] = before;
    const change = await postForm(teacher, `/adaptations/${first.id}/edit`, `/adaptations/${first.id}/edit`, {
      what: first.what, decidedBy: first.decided_by, decidedOn: first.decided_on, reviewBy: addDays(first.decided_on, -1), version: String(first.version),
    });
    assert.equal(change.status, 400);
    assert.match(change.text, /Uppföljningen kan inte vara före beslutsdagen/);
    assert.deepEqual(await rowsOf(oskar), before);
  });

  it('marks a passed review day for staff only', async () => {
    await postForm(await as('larare2b'), newForm(oskar), page(oskar), {
      what: 'Anpassad läxa', decidedBy: 'Klassläraren', decidedOn: addDays(day, -100), reviewBy: addDays(day, -1),
    });
    assert.match((await (await as('larare2b')).get(page(oskar))).text, /Dags att följa upp/);
    const family = await (await as('vardnadshavare')).get(page(oskar));
    assert.match(family.text, /Anpassad läxa/);
    assert.doesNotMatch(family.text, /Dags att följa upp/);
  });

  it('says so when a colleague saved the adaptation meanwhile, shows theirs and keeps what was typed', async () => {
    const [first] = await rowsOf(oskar);
    const teacher = await as('larare2b');
    const head = await as('rektorbjork');
    const form = await teacher.get(`/adaptations/${first.id}/edit`);
    assert.equal(form.status, 200);
    assert.match(form.text, new RegExp(`name="version" value="${first.version}"`));
    const fields = (what: string, version: number) => ({
      what, decidedBy: first.decided_by, decidedOn: first.decided_on, reviewBy: first.review_by, version: String(version),
    });
    assert.equal((await postForm(head, `/adaptations/${first.id}/edit`, `/adaptations/${first.id}/edit`, fields('Rektorns text', first.version))).status, 303);
    const stale = await postForm(teacher, `/adaptations/${first.id}/edit`, `/adaptations/${first.id}/edit`, fields('Lärarens text', first.version));
    assert.equal(stale.status, 409);
    assert.match(stale.text, /Någon annan har ändrat anpassningen/);
    assert.match(stale.text, /<p dir="auto">Rektorns text<\/p>/);
    assert.match(stale.text, />Lärarens text<\/textarea>/);
    assert.match(stale.text, new RegExp(`name="version" value="${first.version + 1}"`));
    assert.equal((await rowsOf(oskar))[0].what, 'Rektorns text');
    const again = await postForm(teacher, `/adaptations/${first.id}/edit`, `/adaptations/${first.id}/edit`, fields('Lärarens text', first.version + 1));
    assert.equal(again.status, 303);
    const saved = (await rowsOf(oskar))[0];
    assert.equal(saved.what, 'Lärarens text');
    assert.equal(saved.version, first.version + 2);
    assert.equal(saved.updated_by, tove);
  });

  it('ends an adaptation today; an ended one is kept read-only and cannot be ended again', async () => {
    const [first] = await rowsOf(oskar);
    const teacher = await as('larare2b');
    const stale = await postForm(teacher, page(oskar), `/adaptations/${first.id}/end`, { version: String(first.version - 1) });
    assert.equal(stale.status, 409);
    assert.equal((await rowsOf(oskar))[0].ended_on, null);
    const res = await postForm(teacher, page(oskar), `/adaptations/${first.id}/end`, { version: String(first.version) });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, page(oskar));
    const ended = (await rowsOf(oskar))[0];
    assert.equal(ended.ended_on, day);
    const edit = await teacher.get(`/adaptations/${ended.id}/edit`);
    assert.equal(edit.status, 200);
    assert.match(edit.text, /Anpassningen avslutades tisdag 24 november och kan inte längre ändras/);
    assert.doesNotMatch(edit.text, /<textarea/);
    const change = await postForm(teacher, page(oskar), `/adaptations/${ended.id}/edit`, {
      what: 'Efteråt', decidedBy: 'X', decidedOn: day, reviewBy: day, version: String(ended.version),
    });
    assert.equal(change.status, 409);
    assert.equal((await postForm(teacher, page(oskar), `/adaptations/${ended.id}/end`, { version: String(ended.version) })).status, 409);
    assert.deepEqual((await rowsOf(oskar))[0], ended);
    const list = await teacher.get(page(oskar));
    assert.ok(list.text.indexOf('Lärarens text') > list.text.indexOf('id="ended-title"'), 'listed under the ended ones');
  });

  it('records each read and change in the audit trail, about Oskar', async () => {
    const last = await t.db.selectFrom('audit_trail').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    await (await as('vardnadshavare')).get(page(oskar));
    const [first] = (await rowsOf(oskar)).filter((r) => r.ended_on === null);
    await postForm(await as('larare2b'), `/adaptations/${first.id}/edit`, `/adaptations/${first.id}/edit`, {
      what: 'Granskad', decidedBy: first.decided_by, decidedOn: first.decided_on, reviewBy: first.review_by, version: String(first.version),
    });
    const rows = await t.db.selectFrom('audit_trail').select(['action', 'child_id', 'record_id', 'method', 'outcome'])
      .where('id', '>', Number(last?.id ?? 0)).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.action, r.child_id, r.record_id, r.method, r.outcome]), [
      ['child.adaptations.read', oskar, oskar, 'GET', 'read'],
      ['adaptation.update', oskar, first.id, 'GET', 'read'], // (the form's page, read for its token)
      ['adaptation.update', oskar, first.id, 'POST', 'written'],
    ]);
  });

  it('shows a guardian in another household the same; a guardian whose custody ended no longer finds them', async () => {
    const johan = await personId(t.db, 'Johan', 'Berg');
    await addGuardianship(t.db, { guardianId: johan, childId: oskar, otherHousehold: true });
    const other = (await signInStrong(t.app, t.db, 'vardnadshavare2', t.clock.now())).agent;
    const seen = await other.get(page(oskar));
    assert.equal(seen.status, 200);
    assert.match(seen.text, /Klassläraren och specialpedagogen/);
    await t.db.deleteFrom('guardianships').where('guardian_id', '=', johan).where('child_id', '=', oskar).execute();
    const gone = await other.get(page(oskar));
    assert.equal(gone.status, 404);
    assert.doesNotMatch(gone.text, /Klassläraren och specialpedagogen/);
  });

  it('once the pupil’s school placement ended, nobody finds them (fritids is no school class)', async () => {
    assert.ok((await adaptationsOfChild(t.db, oskar)).length > 0);
    await t.db.updateTable('placements').set({ end_date: addDays(day, -1) }).where('child_id', '=', oskar).where('group_id', '=', class2b).execute();
    const [first] = await rowsOf(oskar);
    for (const username of ['vardnadshavare', 'larare2b', 'rektorbjork']) {
      const agent = await as(username);
      assert.equal((await agent.get(page(oskar))).status, 404, username);
      assert.equal((await agent.get(`/adaptations/${first.id}/edit`)).status, 404, username);
    }
  });
});

describe('extra adaptations on a weak session', () => {
  let t: TestApp;
  let oskar: number;
  let day: string;
  const page = (childId: number) => `/children/${childId}/adaptations`;
  const newForm = (childId: number) => `/children/${childId}/adaptations/new`;
  const rowsOf = () => t.db.selectFrom('extra_adaptations').selectAll().where('child_id', '=', oskar).orderBy('id').execute();

  before(async () => {
    t = await startTestApp();
    day = today(t.clock);
    oskar = await personId(t.db, 'Oskar', 'Andersson');
  });
  after(() => t.close());

  it('a weak session never receives the records: the way to BankID instead (or, without e-ID, a page saying so)', async () => {
    for (const username of ['vardnadshavare', 'larare2b']) {
      const { agent } = await signInWithSession(t.app, username);
      const noEId = await agent.get(page(oskar));
      assert.equal(noEId.status, 403, username);
      assert.doesNotMatch(noEId.text, /Dagens schema|Klassläraren och specialpedagogen/);
    }
    await enableEId(t.db, await municipalityId(t.db, 'Demokommun'));
    const { agent } = await signInWithSession(t.app, 'vardnadshavare');
    const weak = await agent.get(page(oskar));
    assert.equal(weak.status, 303);
    assert.match(String(weak.headers.location), /^\/login\/e-id\?next=/);
    assert.doesNotMatch(weak.text, /Dagens schema/);
    const teacher = await signInWithSession(t.app, 'larare2b');
    const before = await rowsOf();
    for (const url of [newForm(oskar), `/adaptations/${before[0].id}/edit`]) {
      const res = await teacher.agent.get(url);
      assert.equal(res.status, 303, url);
      assert.doesNotMatch(res.text, /Dagens schema/);
    }
    const csrf = (await teacher.agent.get('/')).text.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
    const posted = await teacher.agent.post(page(oskar)).type('form')
      .send({ _csrf: csrf, what: 'Svag session', decidedBy: 'Någon', decidedOn: day, reviewBy: day });
    assert.equal(posted.status, 303);
    assert.match(String(posted.headers.location), /^\/login\/e-id/);
    assert.deepEqual(await rowsOf(), before, 'nothing saved on a weak session');
  });
});
