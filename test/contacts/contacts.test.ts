// The contact list (Kontaktlista) as people use it: Blåbär's list for every kind of user, each guardian's own choice of
// what the others see, the start page's box, paper. A child with protected identity (Nora), her guardians (Leila, who
// has one too, and Karim) and every guardian who chose nothing (the default) never appear, for any actor; no address ever.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { ACTORS, type ActorName } from '../support/visibility.ts';
import { choiceOf, choicesOf, saveChoice } from '../../server/contacts/queries.ts';
import { contactList } from '../../server/contacts/rules.ts';
import { contactsPersonalData } from '../../server/contacts/personal-data.ts';
import type { GroupContactFacts } from '../../server/people/contact-list.ts';
import request from 'supertest';

/** Who may open Blåbär's list: the families of its children (Karim, Nora's guardian, too) and its staff, head and admin. */
const MAY_READ: readonly ActorName[] = ['admin', 'rektor', 'pedagog', 'vardnadshavare', 'vardnadshavare2', 'vardnadshavare3'];

describe('the contact list', () => {
  let t: TestApp;
  const agents = new Map<ActorName, Agent>();
  let blabar: number;
  let elsa: number;
  let nora: number;
  let people: Record<'emma' | 'johan' | 'karim' | 'leila', { id: number; phone: string; email: string; address: string }>;

  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    for (const actor of ACTORS) if (actor !== 'anonymous') agents.set(actor, await signIn(t.app, actor));
    [blabar, elsa, nora] = await Promise.all([groupId(t.db, 'Blåbär'), personId(t.db, 'Elsa', 'Andersson'), personId(t.db, 'Nora', 'Haddad')]);
    const person = async (first: string, last: string) => {
      const id = await personId(t.db, first, last);
      const p = await t.db.selectFrom('persons').select(['phone', 'email', 'street_address']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.ok(p.phone && p.email && p.street_address, `${first} has a phone, an e-mail and an address in the demo`);
      return { id, phone: p.phone, email: p.email, address: p.street_address };
    };
    people = { emma: await person('Emma', 'Andersson'), johan: await person('Johan', 'Berg'), karim: await person('Karim', 'Haddad'), leila: await person('Leila', 'Haddad') };
  });
  beforeEach(() => t.db.deleteFrom('contact_visibility').execute());
  after(() => t.close());

  const list = `/groups/${0}/contacts`;
  const listOf = (group: number) => list.replace('0', String(group));
  const get = (actor: ActorName, path: string) => (actor === 'anonymous' ? request(t.app).get(path) : agents.get(actor)!.get(path));
  /** The page's own content (the header names the signed-in user and their children). */
  const main = (html: string) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? assert.fail('no <main>');
  const choose = (actor: ActorName, shows: string) => postForm(agents.get(actor)!, '/settings/contacts', '/settings/contacts', { shows });

  /** Nothing of Nora's household, no address of anybody. */
  function assertNothingProtected(html: string, label: string) {
    for (const name of ['Nora', 'Leila', 'Karim']) assert.doesNotMatch(html, new RegExp(name), `${label} names ${name}`);
    for (const p of Object.values(people)) {
      assert.ok(!html.includes(p.address), `${label} shows an address`);
    }
    assert.ok(!html.includes(people.karim.phone) && !html.includes(people.karim.email), `${label} shows Karim's details`);
    assert.ok(!html.includes(people.leila.phone) && !html.includes(people.leila.email), `${label} shows Leila's details`);
  }

  it('is for the families and the staff of the group; everyone else gets 404 (the anonymous visitor the login)', async () => {
    for (const actor of ACTORS) {
      const res = await get(actor, listOf(blabar));
      if (actor === 'anonymous') {
        assert.equal(res.status, 303);
        assert.match(res.headers.location, /^\/login/);
      } else {
        assert.equal(res.status, MAY_READ.includes(actor) ? 200 : 404, `${actor}: ${res.status}`);
      }
      if (res.status === 200) assert.match(String(res.headers['cache-control']), /private, no-store/);
    }
  });

  it('is not for a family whose child starts in the group later, until the child has started', async () => {
    const lingon = await groupId(t.db, 'Lingon');
    const oskar = await personId(t.db, 'Oskar', 'Andersson');
    const { id } = await t.db.insertInto('placements').values({ child_id: oskar, group_id: lingon, start_date: '2027-01-11', end_date: null, hour_limit: 'none' })
      .returning('id').executeTakeFirstOrThrow();
    try {
      assert.equal((await get('vardnadshavare', listOf(lingon))).status, 404);
      await t.db.updateTable('placements').set({ start_date: '2026-11-02' }).where('id', '=', id).execute();
      assert.equal((await get('vardnadshavare', listOf(lingon))).status, 200);
    } finally {
      await t.db.deleteFrom('placements').where('id', '=', id).execute();
    }
  });

  it('shows nobody who chose nothing (the default), never the protected child nor her guardians, for every actor', async () => {
    for (const actor of MAY_READ) {
      const res = await get(actor, listOf(blabar));
      assert.equal(res.status, 200);
      assert.match(res.text, /<h1>Kontaktlista: Blåbär <span class="muted">Förskolan Solrosen<\/span><\/h1>/);
      assert.match(res.text, /Elsa Andersson/, `${actor} sees Elsa in the list`);
      assert.doesNotMatch(main(res.text), /Emma Andersson|Johan Berg/, `${actor}: no guardian chose to be seen`);
      assert.doesNotMatch(res.text, /Linnea Slutberg/, 'a child whose placement ended is not in the group');
      assertNothingProtected(main(res.text), actor);
    }
  });

  it('shows a guardian with exactly what they chose, to every actor; "none" hides them again; Nora\'s household never', async () => {
    assert.equal((await choose('vardnadshavare', 'phone')).status, 303);
    assert.equal((await choose('vardnadshavare2', 'email')).status, 303);
    assert.equal((await choose('vardnadshavare3', 'both')).status, 303); // Karim: stored, never shown
    await saveChoice(t.db, people.leila.id, 'both', t.clock.now()); // Leila (protected, no account)
    for (const actor of MAY_READ) {
      const res = await get(actor, listOf(blabar));
      assert.ok(res.text.includes(people.emma.phone), `${actor} sees Emma's phone`);
      assert.match(res.text, /Emma Andersson/);
      assert.ok(!res.text.includes(people.emma.email), `${actor} does not see Emma's e-mail`);
      assert.ok(res.text.includes(`mailto:${people.johan.email}`), `${actor} sees Johan's e-mail`);
      assert.ok(!res.text.includes(people.johan.phone), `${actor} does not see Johan's phone`);
      assertNothingProtected(main(res.text), actor);
    }
    assert.equal((await choose('vardnadshavare', 'none')).status, 303);
    for (const actor of MAY_READ) {
      const res = await get(actor, listOf(blabar));
      assert.doesNotMatch(main(res.text), /Emma Andersson/, `${actor} no longer sees Emma`);
      assert.ok(!res.text.includes(people.emma.phone));
    }
  });

  it('never names the sibling of a protected child, nor so the family\'s surname, for any actor', async () => {
    // Sami: Nora's brother in Blåbär, no protected identity of his own; Karim (their guardian) chose to show everything.
    const { id: sami } = await t.db.insertInto('persons').values({
      municipality_id: 1, first_name: 'Sami', last_name: 'Haddad', identity_number: null, identity_kind: null, birth_date: '2022-03-01',
      protected_identity: 0, street_address: null, postal_code: null, city: null, email: null, phone: null, created_at: t.clock.now().toISOString(),
    }).returning('id').executeTakeFirstOrThrow();
    try {
      await t.db.insertInto('guardianships').values([
        { guardian_id: people.karim.id, child_id: sami, other_household: 0 }, { guardian_id: people.leila.id, child_id: sami, other_household: 0 }]).execute();
      await t.db.insertInto('placements').values({ child_id: sami, group_id: blabar, start_date: '2026-08-17', end_date: null, hour_limit: 'none' }).execute();
      await choose('vardnadshavare3', 'both');
      await choose('vardnadshavare', 'phone');
      for (const actor of MAY_READ) {
        const res = await get(actor, listOf(blabar));
        assert.equal(res.status, 200);
        assert.doesNotMatch(main(res.text), /Sami|Haddad/, `${actor} sees Nora's brother or the family's name`);
        assertNothingProtected(main(res.text), actor);
        assert.ok(res.text.includes(people.emma.phone), `${actor} still sees the others who chose to be seen`);
      }
      const box = await get('vardnadshavare3', `/children/${sami}/boxes/contacts`).set('HX-Request', 'true');
      assert.equal(box.status, 200);
      assert.match(box.text, /Familjer som visar sina uppgifter: 1/, 'Emma only; not Karim');
    } finally {
      await t.db.deleteFrom('placements').where('child_id', '=', sami).execute();
      await t.db.deleteFrom('guardianships').where('child_id', '=', sami).execute();
      await t.db.deleteFrom('persons').where('id', '=', sami).execute();
    }
  });

  it('lists the group\'s staff and the unit\'s head with role, work phone and e-mail', async () => {
    const res = await get('vardnadshavare', listOf(blabar));
    const staff = await t.db.selectFrom('staff_assignments').innerJoin('persons', 'persons.id', 'staff_assignments.person_id')
      .select(['persons.first_name', 'persons.last_name', 'persons.phone', 'persons.email']).where('staff_assignments.group_id', '=', blabar)
      .where((eb) => eb.or([eb('staff_assignments.end_date', 'is', null), eb('staff_assignments.end_date', '>=', '2026-11-24')])).execute();
    assert.ok(staff.length > 0);
    for (const s of staff) {
      assert.ok(res.text.includes(`${s.first_name} ${s.last_name}`), `${s.first_name} is listed`);
      if (s.phone) assert.ok(res.text.includes(s.phone), `${s.first_name}'s phone`);
      if (s.email) assert.ok(res.text.includes(`mailto:${s.email}`), `${s.first_name}'s e-mail`);
    }
    assert.match(res.text, /Rektor\/förskolechef/, 'the head of Solrosen');
    assert.match(res.text, /<button type="button" class="print-button" data-print hidden>Skriv ut<\/button>/);
    const css = await fs.readFile(new URL('../../static/css/vardag.css', import.meta.url), 'utf8');
    assert.match(css, /@media print \{\n {2}@page \{ size: A4; margin: 12mm; \}\n {2}\.contact-list-page/, 'an A4 print style of its own');
  });

  it('shows the box on the child\'s start page: staff, the way to the list and to one\'s choice; Karim\'s without his family', async () => {
    await choose('vardnadshavare2', 'phone');
    const emma = await get('vardnadshavare', `/children/${elsa}/boxes/contacts`);
    assert.equal(emma.status, 200);
    assert.match(emma.text, /Familjer som visar sina uppgifter: 1/);
    assert.match(emma.text, new RegExp(`href="/groups/${blabar}/contacts"`));
    assert.match(emma.text, /href="\/settings\/contacts"/);
    assert.doesNotMatch(emma.text, /Funktionen är inte byggd än|inte byggd än/);
    const karim = await get('vardnadshavare3', `/children/${nora}/boxes/contacts`).set('HX-Request', 'true');
    assert.equal(karim.status, 200);
    assert.match(karim.text, /<section class="box" id="box-contacts"/, 'the box alone');
    assertNothingProtected(karim.text, 'Karim\'s box');
    assert.match(karim.text, /Familjer som visar sina uppgifter: 1/, 'Johan, in Blåbär too');
  });

  it('keeps the choice: the form shows the registered details, a refused form says why at the field, nothing saved', async () => {
    const page = await get('vardnadshavare', '/settings/contacts');
    assert.equal(page.status, 200);
    assert.match(page.text, /<input id="shows-none" name="shows" type="radio" value="none" checked>/, 'the default: nothing');
    assert.ok(page.text.includes(people.emma.phone) && page.text.includes(people.emma.email));
    assert.match(page.text, /Andra vårdnadshavare ser nu inga uppgifter om dig\./);
    for (const shows of ['', 'address', 'all']) {
      const refused = await choose('vardnadshavare', shows);
      assert.equal(refused.status, 400);
      assert.match(refused.text, /<title>Fel: Kontaktlistan: vad andra ser om dig/);
      assert.match(refused.text, /<p class="field-error" id="shows-error">.*Välj vad andra vårdnadshavare får se<\/p>/);
      assert.match(refused.text, /<a href="#shows">Välj vad andra vårdnadshavare får se<\/a>/);
    }
    assert.equal(await choiceOf(t.db, people.emma.id), undefined, 'nothing saved');
    const saved = await choose('vardnadshavare', 'both');
    assert.equal(saved.headers.location, '/settings/contacts');
    const after = await get('vardnadshavare', '/settings/contacts');
    assert.match(after.text, /<p class="flash" role="status">Ditt val är sparat\.<\/p>/);
    assert.match(after.text, /value="both" checked>/);
    assert.ok(after.text.includes(`Andra vårdnadshavare ser nu: ${people.emma.phone}, ${people.emma.email}`));
    assert.deepEqual((await choiceOf(t.db, people.emma.id))?.shows, 'both');
  });

  it('tells a protected family and a non-guardian that they are never in a list (no form)', async () => {
    const karim = await get('vardnadshavare3', '/settings/contacts');
    assert.match(karim.text, /Du syns aldrig i kontaktlistan, eftersom du eller ditt barn har skyddade personuppgifter\./);
    assert.doesNotMatch(karim.text, /name="shows"/);
    const pedagog = await get('pedagog', '/settings/contacts');
    assert.match(pedagog.text, /Du är inte vårdnadshavare till något barn i Vardag\./);
    assert.doesNotMatch(pedagog.text, /name="shows"/);
  });

  it('puts one\'s own choice in one\'s register extract, and nobody else\'s', async () => {
    await choose('vardnadshavare', 'email');
    await choose('vardnadshavare2', 'both');
    const part = await contactsPersonalData.extract!(t.db, { personId: people.emma.id, municipalityId: 1, accountIds: [], childIds: [elsa] });
    assert.deepEqual(part.sections.map((s) => [s.title, s.rows.map((r) => r.contact_shows)]), [['personalData.sections.contactVisibility', ['email']]]);
    assert.deepEqual((await contactsPersonalData.extract!(t.db, { personId: people.karim.id, municipalityId: 1, accountIds: [], childIds: [] })).sections, []);
  });

  it('stores one row when two saves arrive at once (one upsert each)', async () => {
    const results = await Promise.all(['phone', 'email', 'both', 'phone'].map((shows) => choose('vardnadshavare', shows)));
    assert.deepEqual(results.map((r) => r.status), [303, 303, 303, 303]);
    const rows = await t.db.selectFrom('contact_visibility').select('shows').where('person_id', '=', people.emma.id).execute();
    assert.equal(rows.length, 1);
    assert.ok(['phone', 'email', 'both'].includes(rows[0].shows));
    assert.deepEqual([...(await choicesOf(t.db, [people.emma.id, people.johan.id])).keys()], [people.emma.id]);
  });
});

describe('the contact list\'s rules', () => {
  const person = (id: number, first: string, extra: Partial<{ protectedIdentity: boolean; phone: string | null; email: string | null }> = {}) => ({
    id, firstName: first, lastName: 'Test', protectedIdentity: false, phone: `070-${id}`, email: `${first.toLowerCase()}@example.com`, ...extra,
  });
  const facts = (over: Partial<GroupContactFacts> = {}): GroupContactFacts => ({
    staff: [{ ...person(1, 'Pia'), role: 'staff' }, { ...person(2, 'Hemlig', { protectedIdentity: true }), role: 'staff' }, { ...person(3, 'Rut'), role: 'unit_head' }],
    children: [
      { id: 10, firstName: 'Alva', lastName: 'Test', protectedIdentity: false, guardians: [person(20, 'Anna'), person(21, 'Bo', { phone: null })] },
      { id: 11, firstName: 'Skyddad', lastName: 'Test', protectedIdentity: true, guardians: [person(22, 'Cilla')] },
      { id: 12, firstName: 'Dag', lastName: 'Test', protectedIdentity: false, guardians: [person(23, 'Dora', { protectedIdentity: true }), person(24, 'Erik')] },
      { id: 13, firstName: 'Ella', lastName: 'Test', protectedIdentity: false, guardians: [person(25, 'Frej')] },
    ],
    guardiansOfProtected: new Set([25]),
    ...over,
  });

  it('shows staff with their work details, a protected identity by name and role only', () => {
    const { staff } = contactList(facts(), new Map());
    assert.deepEqual(staff.map((s) => [s.name, s.role, s.phone, s.email]), [
      ['Pia Test', 'staff', '070-1', 'pia@example.com'], ['Hemlig Test', 'staff', null, null], ['Rut Test', 'unit_head', '070-3', 'rut@example.com']]);
  });

  it('leaves out a protected child, a child with a protected guardian and a protected child\'s sibling; a guardian only as chosen, never by default', () => {
    const choices = new Map([[20, 'both'], [21, 'phone'], [22, 'both'], [23, 'both'], [24, 'both'], [25, 'both']] as const);
    const { children } = contactList(facts(), new Map(choices));
    assert.deepEqual(children.map((c) => c.name), ['Alva Test'],
      'not Ella: Frej is the guardian of a child with protected identity, and Ella\'s name would name that household');
    assert.deepEqual(children[0].guardians, [{ id: 20, name: 'Anna Test', phone: '070-20', email: 'anna@example.com' }],
      'Bo chose his phone, which is not registered: nothing to show, so he is not listed');
    assert.deepEqual(contactList(facts(), new Map()).children.flatMap((c) => c.guardians), [], 'the default shows nobody');
    assert.deepEqual(contactList(facts(), new Map([[20, 'email']])).children[0].guardians, [{ id: 20, name: 'Anna Test', phone: null, email: 'anna@example.com' }]);
  });
});
