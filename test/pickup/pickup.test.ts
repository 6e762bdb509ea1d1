// The pickup list and emergency contacts (issue 26, item 3), kept by a child's guardians — both homes — with a name, a
// relation and a Swedish phone number; read by the staff of the child's group, on the pickup page and the child's card;
// every change in the child's history; a change saved meanwhile by the other guardian said, not overwritten. A child
// with protected identity: its list is seen by its guardians and its own group's staff, nobody else. Walking home alone
// from fritids: a guardian's yes or no, for a child placed in fritids only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { addPickupPerson } from '../../server/pickup/queries.ts';

describe('the pickup list and emergency contacts', () => {
  let t: TestApp;
  let elsa: number;
  let nora: number;
  let oskar: number;
  const agents = new Map<string, Agent>();
  const as = async (username: string) => {
    if (!agents.has(username)) agents.set(username, await signIn(t.app, username));
    return agents.get(username)!;
  };
  const page = (childId: number) => `/children/${childId}/pickup`;
  const personsOf = (childId: number) => t.db.selectFrom('pickup_persons').selectAll().where('child_id', '=', childId).orderBy('id').execute();
  const historyOf = (childId: number) => t.db.selectFrom('care_history').select(['what', 'old_value', 'new_value', 'changed_by', 'date'])
    .where('child_id', '=', childId).where('what', 'in', ['pickup', 'walkHome']).orderBy('id').execute();

  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    nora = await personId(t.db, 'Nora', 'Haddad');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
  });
  after(() => t.close());

  it('lets a guardian add a person who may pick up, the phone number kept as +46…, the change in the history', async () => {
    const emma = await as('vardnadshavare');
    const form = await emma.get(page(elsa));
    assert.equal(form.status, 200);
    assert.equal(form.headers['cache-control'], 'private, no-store');
    assert.match(form.text, /<h1>Hämtning och nödkontakter för Elsa<\/h1>/);
    assert.match(form.text, /Ingen på listan än\./);
    const res = await postForm(emma, page(elsa), page(elsa), { kind: 'pickup', name: '  Eva Berg ', relation: 'mormor', phone: '070-123 45 67' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, page(elsa));
    const [saved] = await personsOf(elsa);
    assert.deepEqual({ kind: saved.kind, name: saved.name, relation: saved.relation, phone: saved.phone, version: saved.version, removed_at: saved.removed_at },
      { kind: 'pickup', name: 'Eva Berg', relation: 'mormor', phone: '+46701234567', version: 1, removed_at: null });
    const shown = await emma.get(page(elsa));
    assert.match(shown.text, /Personen finns nu på listan/);
    assert.match(shown.text, /<strong dir="auto">Eva Berg<\/strong>, <span dir="auto">mormor<\/span>/);
    assert.match(shown.text, /<a href="tel:\+46701234567" dir="ltr">070-123 45 67<\/a>/);
    const [line] = await historyOf(elsa);
    assert.equal(line.what, 'pickup');
    assert.equal(line.old_value, null);
    assert.deepEqual(JSON.parse(line.new_value!), { kind: 'pickup', name: 'Eva Berg', relation: 'mormor', phone: '+46701234567' });
    const emmaAccount = await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow();
    assert.equal(line.changed_by, emmaAccount.id);
  });

  it('adds an emergency contact with a landline', async () => {
    const res = await postForm(await as('vardnadshavare2'), page(elsa), page(elsa), { kind: 'emergency', name: 'Farfar Nils', relation: 'farfar', phone: '08-123 456 78' });
    assert.equal(res.status, 303);
    const contact = (await personsOf(elsa)).find((p) => p.kind === 'emergency');
    assert.equal(contact?.phone, '+46812345678');
    const shown = await (await as('vardnadshavare')).get(page(elsa));
    assert.ok(shown.text.indexOf('Farfar Nils') > shown.text.indexOf('id="emergency-title"'), 'under Nödkontakter');
    assert.match(shown.text, />08-123 456 78</);
  });

  it('refuses a person without a name: a Swedish message at the field, the form kept, nothing saved', async () => {
    const emma = await as('vardnadshavare');
    const before = await personsOf(elsa);
    const historyBefore = await historyOf(elsa);
    const res = await postForm(emma, page(elsa), page(elsa), { kind: 'emergency', name: '   ', relation: 'granne', phone: '070-765 43 21' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel: /);
    assert.match(res.text, /<a href="#name">Skriv personens namn\.<\/a>/);
    assert.match(res.text, /<p class="field-error" id="name-error">/);
    assert.match(res.text, /id="relation" name="relation"[^>]*value="granne"/);
    assert.match(res.text, /id="phone" name="phone"[^>]*value="070-765 43 21"/);
    assert.match(res.text, /id="kind-emergency" name="kind" type="radio" value="emergency" checked/);
    assert.deepEqual(await personsOf(elsa), before);
    assert.deepEqual(await historyOf(elsa), historyBefore);
  });

  it('refuses a phone number that is not Swedish, and a missing relation', async () => {
    const before = await personsOf(elsa);
    const res = await postForm(await as('vardnadshavare'), page(elsa), page(elsa), { kind: 'pickup', name: 'Kim', relation: '', phone: '12345' });
    assert.equal(res.status, 400);
    assert.match(res.text, /Skriv ett svenskt telefonnummer, till exempel 070-123 45 67\./);
    assert.match(res.text, /Skriv vem personen är för barnet/);
    assert.deepEqual(await personsOf(elsa), before);
  });

  it('lets the other home’s guardian change a person; a change posted on the old version is said, nothing lost', async () => {
    const [eva] = await personsOf(elsa);
    const johan = await as('vardnadshavare2');
    const res = await postForm(johan, page(elsa), `/pickup-persons/${eva.id}`, { name: 'Eva Berg', relation: 'mormor', phone: '0701234599', version: '1' });
    assert.equal(res.status, 303);
    const [changed] = await personsOf(elsa);
    assert.equal(changed.phone, '+46701234599');
    assert.equal(changed.version, 2);
    const line = (await historyOf(elsa)).at(-1)!;
    assert.equal(JSON.parse(line.old_value!).phone, '+46701234567');
    assert.equal(JSON.parse(line.new_value!).phone, '+46701234599');

    // Emma's page was opened at version 1: her save is not applied, Johan's stays, what she typed is in the form.
    const stale = await postForm(await as('vardnadshavare'), page(elsa), `/pickup-persons/${eva.id}`, { name: 'Eva Bergström', relation: 'mormor', phone: '0701234567', version: '1' });
    assert.equal(stale.status, 409);
    assert.match(stale.text, /Någon annan ändrade personen efter att du öppnade sidan/);
    assert.match(stale.text, /Sparat nu: Eva Berg, mormor, 070-123 45 99/);
    assert.match(stale.text, new RegExp(`id="name-${eva.id}" name="name"[^>]*value="Eva Bergström"`));
    assert.match(stale.text, new RegExp(`action="/pickup-persons/${eva.id}" novalidate>\\s*<input type="hidden" name="_csrf" value="[^"]+">\\s*<input type="hidden" name="version" value="2">`));
    assert.deepEqual(await personsOf(elsa), [changed, ...(await personsOf(elsa)).slice(1)]);
    assert.equal((await personsOf(elsa))[0].name, 'Eva Berg');
  });

  it('refuses a change without a name at the person’s own field', async () => {
    const [eva] = await personsOf(elsa);
    const res = await postForm(await as('vardnadshavare'), page(elsa), `/pickup-persons/${eva.id}`, { name: '', relation: 'mormor', phone: '0701234599', version: String(eva.version) });
    assert.equal(res.status, 400);
    assert.match(res.text, new RegExp(`<a href="#name-${eva.id}">Skriv personens namn\\.</a>`));
    assert.match(res.text, /<details open>/);
    assert.deepEqual((await personsOf(elsa))[0], eva);
  });

  it('removes a person at the version read (the row kept, the change in the history); an old version is refused', async () => {
    const [eva] = await personsOf(elsa);
    const emma = await as('vardnadshavare');
    const stale = await postForm(emma, page(elsa), `/pickup-persons/${eva.id}/remove`, { version: '1' });
    assert.equal(stale.status, 409);
    assert.equal((await personsOf(elsa))[0].removed_at, null);
    const res = await postForm(emma, page(elsa), `/pickup-persons/${eva.id}/remove`, { version: String(eva.version) });
    assert.equal(res.status, 303);
    const [removed] = await personsOf(elsa);
    assert.equal(removed.removed_at, t.clock.now().toISOString());
    const line = (await historyOf(elsa)).at(-1)!;
    assert.equal(line.new_value, null);
    assert.equal(JSON.parse(line.old_value!).name, 'Eva Berg');
    const shown = await emma.get(page(elsa));
    assert.match(shown.text, /Eva Berg är borttagen från listan\./);
    assert.doesNotMatch(shown.text, /<strong dir="auto">Eva Berg<\/strong>/);
    // Johan's page still had her: his change is said, and what he typed waits in the form to add her again.
    const late = await postForm(await as('vardnadshavare2'), page(elsa), `/pickup-persons/${eva.id}`, { name: 'Eva B', relation: 'mormor', phone: '0701234599', version: String(eva.version) });
    assert.equal(late.status, 409);
    assert.match(late.text, /Någon annan hade redan tagit bort personen/);
    assert.match(late.text, /id="name" name="name"[^>]*value="Eva B"/);
    assert.equal((await personsOf(elsa))[0].name, 'Eva Berg');
  });

  it('shows the group’s staff the list read-only, on the page and on the child’s card; they cannot change it', async () => {
    const sara = await as('pedagog');
    const res = await sara.get(page(elsa));
    assert.equal(res.status, 200);
    assert.match(res.text, /Farfar Nils/);
    assert.match(res.text, /Vårdnadshavarna för Elsa skriver listan/);
    assert.doesNotMatch(res.text, /action="\/pickup-persons\/|action="\/children\/\d+\/pickup"/, 'no forms for staff');
    const card = await sara.get(`/children/${elsa}/info`);
    assert.equal(card.status, 200);
    assert.match(card.text, /Hämtlista och nödkontakter/);
    assert.match(card.text, /<strong dir="auto">Farfar Nils<\/strong>, <span dir="auto">farfar<\/span>/);
    const [, nils] = await personsOf(elsa);
    assert.equal((await postForm(sara, page(elsa), page(elsa), { kind: 'pickup', name: 'X', relation: 'Y', phone: '0701234567' })).status, 404);
    assert.equal((await postForm(sara, page(elsa), `/pickup-persons/${nils.id}`, { name: 'X', relation: 'Y', phone: '0701234567', version: '1' })).status, 404);
    assert.equal((await postForm(sara, page(elsa), `/pickup-persons/${nils.id}/remove`, { version: '1' })).status, 404);
    assert.equal((await personsOf(elsa))[1].name, 'Farfar Nils');
  });

  it('hides a protected child’s list from everyone but its guardians and its own group’s staff — page and card', async () => {
    const karim = await as('vardnadshavare3');
    assert.equal((await postForm(karim, page(nora), page(nora), { kind: 'pickup', name: 'Samira Haddad', relation: 'moster', phone: '073-111 22 33' })).status, 303);
    const own = await karim.get(page(nora));
    assert.equal(own.status, 200);
    assert.match(own.text, /Samira Haddad/);
    const sara = await as('pedagog');
    assert.match((await sara.get(page(nora))).text, /Samira Haddad/);
    assert.match((await sara.get(`/children/${nora}/info`)).text, /Samira Haddad/);
    const [samira] = await personsOf(nora);
    for (const username of ['pedagog2', 'pedagog3', 'rektor', 'rektor2', 'admin', 'grannadmin', 'vardnadshavare', 'vardnadshavare2', 'fritids']) {
      const agent = await as(username);
      assert.equal((await agent.get(page(nora))).status, 404, `${username}: the page`);
      const card = await agent.get(`/children/${nora}/info`);
      assert.doesNotMatch(card.text, /Samira|073-111|\+46731112233/, `${username}: the card`);
      assert.equal((await postForm(agent, '/', `/pickup-persons/${samira.id}`, { name: 'X', relation: 'Y', phone: '0701234567', version: '1' })).status, 404, `${username}: change`);
    }
    // ...and the history names her only for whom the list is for (the head and the admin read the history)
    const history = await (await as('rektor')).get(`/children/${nora}/history`);
    assert.equal(history.status, 200);
    assert.doesNotMatch(history.text, /Samira|073-111/);
    assert.match(history.text, /En person \(syns för vårdnadshavarna och gruppens personal\)/);
  });

  it('is not found for staff of another group and another unit, the unit’s head, the admin and another family', async () => {
    for (const username of ['pedagog2', 'pedagog3', 'rektor', 'admin', 'vardnadshavare3', 'larare2b']) {
      assert.equal((await (await as(username)).get(page(elsa))).status, 404, username);
    }
  });

  it('lets a guardian say yes or no to walking home alone for a child in fritids, in the history; not for a preschool child', async () => {
    const emma = await as('vardnadshavare');
    const oskarsPage = await emma.get(page(oskar));
    assert.match(oskarsPage.text, /Får Oskar gå hem själv från fritids\?/);
    const yes = await postForm(emma, page(oskar), `/children/${oskar}/walk-home`, { allowed: 'yes' });
    assert.equal(yes.status, 303);
    const row = await t.db.selectFrom('walk_home_permissions').selectAll().where('child_id', '=', oskar).executeTakeFirst();
    assert.equal(row?.allowed_at, t.clock.now().toISOString());
    assert.deepEqual((await historyOf(oskar)).map((h) => [h.what, h.new_value]), [['walkHome', '{"allowed":true}']]);
    assert.match((await emma.get(page(oskar))).text, /id="allowed-yes" name="allowed" type="radio" value="yes" checked/);
    const staff = await as('fritids');
    assert.match((await staff.get(page(oskar))).text, /Ja, Oskar får gå hem själv\./);
    assert.match((await staff.get(`/children/${oskar}/info`)).text, /Ja, Oskar Andersson får gå hem själv\./);

    const none = await postForm(emma, page(oskar), `/children/${oskar}/walk-home`, { allowed: 'maybe' });
    assert.equal(none.status, 400);
    assert.match(none.text, /Välj ja eller nej\./);
    const no = await postForm(emma, page(oskar), `/children/${oskar}/walk-home`, { allowed: 'no' });
    assert.equal(no.status, 303);
    assert.equal(await t.db.selectFrom('walk_home_permissions').selectAll().where('child_id', '=', oskar).executeTakeFirst(), undefined);
    assert.equal((await historyOf(oskar)).length, 2);

    assert.doesNotMatch((await emma.get(page(elsa))).text, /gå hem själv/, 'no question for a preschool child');
    const refused = await postForm(emma, page(elsa), `/children/${elsa}/walk-home`, { allowed: 'yes' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /Att gå hem själv gäller bara barn som går på fritids\./);
    assert.equal(await t.db.selectFrom('walk_home_permissions').selectAll().where('child_id', '=', elsa).executeTakeFirst(), undefined);
    assert.equal((await postForm(await as('fritids'), page(oskar), `/children/${oskar}/walk-home`, { allowed: 'yes' })).status, 404, 'staff do not answer for the family');
  });

  it('keeps the list of each child apart: a person of another child is not found through this child', async () => {
    const other = await addPickupPerson(t.db, { childId: oskar, kind: 'pickup', name: 'Oskars kompis mamma', relation: 'granne', phone: '+46701112233' }, await personId(t.db, 'Emma', 'Andersson'), t.clock.now());
    assert.equal((await postForm(await as('vardnadshavare2'), page(elsa), `/pickup-persons/${other}`, { name: 'X', relation: 'Y', phone: '0701234567', version: '1' })).status, 404);
  });
});
