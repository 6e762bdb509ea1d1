// Notes (Anteckningar): the staff of Elsa's group write short notes about her for her guardians; both her households
// read them; nobody else finds the page; the unit's head turns notes on and off on the settings page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';

describe('notes about a child', () => {
  let t: TestApp;
  let elsa: number;
  let solrosen: number;
  const agents = new Map<string, Agent>();
  const as = async (name: string) => {
    if (!agents.has(name)) agents.set(name, await signIn(t.app, name));
    return agents.get(name)!;
  };
  const notesOfElsa = () => t.db.selectFrom('notes').select(['id', 'body', 'version', 'unit_id', 'author_id']).where('child_id', '=', elsa).orderBy('id').execute();

  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
  });
  after(() => t.close());

  it('shows the demo notes to Elsa’s guardians in both households, newest first, with who wrote them', async () => {
    for (const guardian of ['vardnadshavare', 'vardnadshavare2']) {
      const res = await (await as(guardian)).get(`/children/${elsa}/notes`);
      assert.equal(res.status, 200, guardian);
      assert.match(res.text, /Anteckningar om Elsa/);
      assert.match(res.text, /Sara Holm/);
      assert.ok(res.text.indexOf('strumpor') < res.text.indexOf('igelkott'), 'the newest first');
      assert.doesNotMatch(res.text, /Skriv en anteckning/, 'a guardian reads, does not write');
    }
  });

  it('is not found for another family, staff of another group or unit, a pupil and anonymous', async () => {
    for (const name of ['vardnadshavare3', 'pedagog2', 'pedagog3', 'rektor2', 'grannadmin', 'elev', 'larare2b']) {
      const res = await (await as(name)).get(`/children/${elsa}/notes`);
      assert.equal(res.status, 404, name);
    }
    const anonymous = await (await import('supertest')).default(t.app).get(`/children/${elsa}/notes`);
    assert.equal(anonymous.status, 303);
  });

  it('lets the group’s teacher write a note the guardians then read; the note is in the unit it was written in', async () => {
    const pedagog = await as('pedagog');
    const res = await postForm(pedagog, `/children/${elsa}/notes`, `/children/${elsa}/notes`, { body: '  Elsa har övat på att cykla idag.\nHon var modig!  ' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/children/${elsa}/notes`);
    const saved = (await notesOfElsa()).at(-1)!;
    assert.equal(saved.body, 'Elsa har övat på att cykla idag.\nHon var modig!');
    assert.equal(saved.unit_id, solrosen);
    assert.equal(saved.author_id, await personId(t.db, 'Sara', 'Holm'));
    const page = await (await as('vardnadshavare2')).get(`/children/${elsa}/notes`);
    assert.match(page.text, /<p dir="auto">Elsa har övat på att cykla idag\.<\/p>\s*<p dir="auto">Hon var modig!<\/p>/);
  });

  it('refuses an empty or too long note at the field, keeps what was typed and saves nothing', async () => {
    const before = (await notesOfElsa()).length;
    const pedagog = await as('pedagog');
    const empty = await postForm(pedagog, `/children/${elsa}/notes`, `/children/${elsa}/notes`, { body: '   ' });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /<title>Fel:/);
    assert.match(empty.text, /id="body-error"[^>]*>.*Skriv anteckningen/);
    const long = 'Lång text. '.repeat(100);
    const tooLong = await postForm(pedagog, `/children/${elsa}/notes`, `/children/${elsa}/notes`, { body: long });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.text, /Anteckningen får vara högst 1000 tecken/);
    assert.ok(tooLong.text.includes(long.trim()), 'what was typed stays in the form');
    assert.equal((await notesOfElsa()).length, before);
  });

  it('does not let a guardian write, change or remove a note', async () => {
    const before = await notesOfElsa();
    const guardian = await as('vardnadshavare');
    const page = `/children/${elsa}/notes`;
    assert.equal((await postForm(guardian, page, page, { body: 'Från hemmet' })).status, 404);
    const note = before[0];
    assert.equal((await guardian.get(`/notes/${note.id}/edit`)).status, 404);
    assert.equal((await postForm(guardian, page, `/notes/${note.id}/edit`, { body: 'Ändrad', version: String(note.version) })).status, 404);
    assert.equal((await postForm(guardian, page, `/notes/${note.id}/delete`)).status, 404);
    assert.deepEqual(await notesOfElsa(), before);
  });

  it('says so when a colleague saved the note meanwhile, shows their text and keeps what was typed', async () => {
    const [note] = await notesOfElsa();
    const pedagog = await as('pedagog');
    const rektor = await as('rektor');
    const form = await pedagog.get(`/notes/${note.id}/edit`);
    assert.equal(form.status, 200);
    assert.match(form.text, new RegExp(`name="version" value="${note.version}"`));
    const first = await postForm(rektor, `/notes/${note.id}/edit`, `/notes/${note.id}/edit`, { body: 'Rektorns version', version: String(note.version) });
    assert.equal(first.status, 303);
    const stale = await postForm(pedagog, `/notes/${note.id}/edit`, `/notes/${note.id}/edit`, { body: 'Pedagogens version', version: String(note.version) });
    assert.equal(stale.status, 409);
    assert.match(stale.text, /Någon annan har ändrat anteckningen/);
    assert.match(stale.text, /<p dir="auto">Rektorns version<\/p>/);
    assert.match(stale.text, />Pedagogens version<\/textarea>/);
    assert.equal((await notesOfElsa())[0].body, 'Rektorns version');
    const again = await postForm(pedagog, `/notes/${note.id}/edit`, `/notes/${note.id}/edit`, { body: 'Pedagogens version', version: String(note.version + 1) });
    assert.equal(again.status, 303);
    assert.equal((await notesOfElsa())[0].body, 'Pedagogens version');
    assert.match((await (await as('vardnadshavare')).get(`/children/${elsa}/notes`)).text, /\(ändrad /);
  });

  it('lets the staff remove a note', async () => {
    const [note] = await notesOfElsa();
    const res = await postForm(await as('pedagog'), `/children/${elsa}/notes`, `/notes/${note.id}/delete`);
    assert.equal(res.status, 303);
    assert.ok(!(await notesOfElsa()).some((n) => n.id === note.id));
    assert.doesNotMatch((await (await as('vardnadshavare')).get(`/children/${elsa}/notes`)).text, /Pedagogens version/);
  });

  it('records each read and write in the audit trail, about Elsa', async () => {
    const before = await t.db.selectFrom('audit_trail').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    await (await as('vardnadshavare')).get(`/children/${elsa}/notes`);
    await postForm(await as('pedagog'), `/children/${elsa}/notes`, `/children/${elsa}/notes`, { body: 'Loggad anteckning' });
    const rows = await t.db.selectFrom('audit_trail').select(['action', 'child_id', 'method', 'outcome'])
      .where('id', '>', Number(before?.id ?? 0)).orderBy('id').execute();
    assert.deepEqual(rows.filter((r) => r.action.startsWith('child.notes')).map((r) => [r.action, r.child_id, r.method, r.outcome]), [
      ['child.notes.read', elsa, 'GET', 'read'],
      ['child.notes.read', elsa, 'GET', 'read'], // (the form's page, read for its token)
      ['child.notes.create', elsa, 'POST', 'written'],
    ]);
  });

  describe('the unit settings’ Dokumentation section', () => {
    it('turns notes off: the page is gone for everyone, the notes are kept; on again, they are back; each change in the history', async () => {
      const kept = (await notesOfElsa()).length;
      const rektor = await as('rektor');
      const section = `/units/${solrosen}/settings/documentation`;
      const page = await rektor.get(section);
      assert.equal(page.status, 200);
      assert.match(page.text, /id="notes" name="notes" type="checkbox" value="on"[^>]*checked/);
      const off = await postForm(rektor, section, section, {});
      assert.equal(off.status, 303);
      assert.equal(off.headers.location, section);
      for (const name of ['vardnadshavare', 'pedagog', 'rektor']) assert.equal((await (await as(name)).get(`/children/${elsa}/notes`)).status, 404, name);
      assert.equal((await postForm(await as('pedagog'), '/', `/children/${elsa}/notes`, { body: 'När det är avstängt' })).status, 404);
      assert.equal((await notesOfElsa()).length, kept);
      const on = await postForm(rektor, section, section, { notes: 'on', guestbook: 'on' });
      assert.equal(on.status, 303);
      assert.equal((await (await as('vardnadshavare')).get(`/children/${elsa}/notes`)).status, 200);
      const history = await rektor.get(`/units/${solrosen}/settings/history`);
      assert.match(history.text, /Anteckningar från på till av/);
      assert.match(history.text, /Anteckningar från av till på/);
      assert.match(history.text, /Gästbok på barnets sida från av till på/);
      const overview = await rektor.get(`/units/${solrosen}/settings`);
      assert.match(overview.text, /Anteckningar: <strong>på<\/strong>/);
    });

    it('is the unit’s head’s and the admin’s alone', async () => {
      for (const name of ['pedagog', 'vardnadshavare', 'rektor2', 'grannadmin']) {
        assert.equal((await (await as(name)).get(`/units/${solrosen}/settings/documentation`)).status, 404, name);
      }
      assert.equal((await (await as('admin')).get(`/units/${solrosen}/settings/documentation`)).status, 200);
    });
  });
});
