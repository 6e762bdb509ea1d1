// A linked guardian on the admin pages: the admin and the child's unit head change the guardian's e-mail, phone,
// address and household (a protected address is never shown nor changed), end the guardianship with a reason (the
// guardian's access ends at once, their open invitations no longer name the child, the last guardian only with a tick),
// each in the history with who and when; and the admin's link to the child's trail in the audit search.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { databaseOf, TEST_DATABASE } from '../support/database.ts';
import { fingerprint, groupId, personId, unitId } from '../support/demo.ts';
import { whileHeld } from '../support/locks.ts';
import { guardianAddressHidden, parseGuardianDetails, parseGuardianshipEnd } from '../../server/children/rules.ts';
import { createInvitation, issueKey } from '../../server/invitations/queries.ts';

const formOf = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe("the guardian forms' rules", () => {
  it('reads contact details and the address, which is all three parts or none, and only when the form showed it', () => {
    assert.deepEqual(parseGuardianDetails(formOf({ email: ' emma@example.com ', phone: '070-123 45 67', other_household: 'yes' }), { addressShown: true }),
      { ok: true, value: { email: 'emma@example.com', phone: '070-123 45 67', otherHousehold: true, protectedIdentity: false, address: null } });
    assert.deepEqual(parseGuardianDetails(formOf({ street_address: 'Storgatan 1' }), { addressShown: true }),
      { ok: false, errors: { postal_code: { key: 'childAdmin.errors.addressIncomplete' } } });
    const hidden = parseGuardianDetails(formOf({ street_address: 'Storgatan 1', protected_identity: 'yes' }), { addressShown: false });
    assert.deepEqual(hidden, { ok: true, value: { email: null, phone: null, otherHousehold: false, protectedIdentity: true } }, 'no address: left as it is');
    assert.deepEqual(parseGuardianDetails(formOf({ email: 'emma@', phone: 'ring mig' }), { addressShown: true }),
      { ok: false, errors: { email: { key: 'childAdmin.errors.email' }, phone: { key: 'childAdmin.errors.phone' } } });
  });

  it("hides a guardian's address when it is protected, or when it is a protected child's own household's", () => {
    assert.equal(guardianAddressHidden({ protectedIdentity: true, childProtectedIdentity: false, otherHousehold: true }), true);
    assert.equal(guardianAddressHidden({ protectedIdentity: false, childProtectedIdentity: true, otherHousehold: false }), true);
    assert.equal(guardianAddressHidden({ protectedIdentity: false, childProtectedIdentity: true, otherHousehold: true }), false);
    assert.equal(guardianAddressHidden({ protectedIdentity: false, childProtectedIdentity: false, otherHousehold: false }), false);
  });

  it('ends a guardianship only with a reason from the list', () => {
    assert.deepEqual(parseGuardianshipEnd(formOf({ reason: 'deceased', confirm_last: 'yes' })), { ok: true, value: { reason: 'deceased', confirmedLast: true } });
    assert.deepEqual(parseGuardianshipEnd(formOf({ reason: 'other' })), { ok: true, value: { reason: 'other', confirmedLast: false } });
    assert.deepEqual(parseGuardianshipEnd(formOf({ reason: 'because' })), { ok: false, errors: { reason: { key: 'childAdmin.errors.endReason' } } });
    assert.deepEqual(parseGuardianshipEnd(formOf({})), { ok: false, errors: { reason: { key: 'childAdmin.errors.endReason' } } });
  });
});

/** A child placed in Blåbär with `guardians` new guardians (none of the demo's, so ending them disturbs no other test). */
async function family(t: TestApp, n: number, guardians: number): Promise<{ childId: number; guardianIds: number[] }> {
  const { municipality_id } = await t.db.selectFrom('units').select('municipality_id').where('id', '=', await unitId(t.db, 'Förskolan Solrosen'))
    .executeTakeFirstOrThrow();
  const person = (first: string) => t.db.insertInto('persons').values({ municipality_id, first_name: first, last_name: `Familj${n}`,
    protected_identity: 0, created_at: '2026-11-01T00:00:00Z' }).returning('id').executeTakeFirstOrThrow();
  const child = await person('Barn');
  await t.db.insertInto('placements').values({ child_id: child.id, group_id: await groupId(t.db, 'Blåbär'), start_date: '2026-01-01', end_date: null,
    hour_limit: 'none' }).execute();
  const guardianIds: number[] = [];
  for (let i = 0; i < guardians; i++) {
    const guardian = await person(`Förälder${i}`);
    await t.db.insertInto('guardianships').values({ guardian_id: guardian.id, child_id: child.id, other_household: 0 }).execute();
    guardianIds.push(guardian.id);
  }
  return { childId: child.id, guardianIds };
}

describe("a linked guardian's page", () => {
  let t: TestApp;
  let admin: Agent;
  let rektor: Agent;
  let elsa: number;
  let emma: number;
  let adminName: string;

  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    admin = await signIn(t.app, 'admin');
    rektor = await signIn(t.app, 'rektor');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    emma = await personId(t.db, 'Emma', 'Andersson');
    const account = await t.db.selectFrom('accounts').innerJoin('persons', 'persons.id', 'accounts.person_id')
      .select(['persons.first_name', 'persons.last_name']).where('accounts.username', '=', 'admin').executeTakeFirstOrThrow();
    adminName = `${account.first_name} ${account.last_name}`;
  });
  after(() => t.close());
  beforeEach(() => t.clock.set('2026-11-24T09:00:00Z'));

  const page = (childId: number, guardianId: number) => `/children/${childId}/guardians/${guardianId}`;
  const stored = (id: number) => t.db.selectFrom('persons').select(['email', 'phone', 'street_address', 'postal_code', 'city', 'protected_identity'])
    .where('id', '=', id).executeTakeFirstOrThrow();

  it("is reached from the child's page and shows the guardian's details, the personnummer masked", async () => {
    const child = await admin.get(`/admin/children/${elsa}`);
    assert.ok(child.text.includes(`href="${page(elsa, emma)}"`), 'a link to Emma’s page');
    assert.doesNotMatch(child.text, /\/unlink"/, 'no button removes a guardian without a reason');
    const res = await admin.get(page(elsa, emma));
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Emma Andersson <span class="muted">vårdnadshavare till Elsa Andersson<\/span><\/h1>/);
    const { email, identity_number } = await t.db.selectFrom('persons').select(['email', 'identity_number']).where('id', '=', emma).executeTakeFirstOrThrow();
    if (email) assert.ok(res.text.includes(`value="${email}"`), 'the stored e-mail in its field');
    assert.ok(identity_number && !res.text.includes(identity_number) && !res.text.includes(identity_number.slice(2)), 'the number masked');
    assert.match(res.text, /name="street_address"/);
    assert.match(res.text, /Personen är vårdnadshavare även för andra barn/, 'Emma is Oskar’s guardian too: her details change for both');
    // In Arabic (right to left) the masked number and the postal code still read left to right ("930208-XXXX", "462 43")
    assert.match(res.text, /<span dir="ltr">\d{6}-XXXX<\/span>/);
    assert.match(res.text, /<input id="postal_code" name="postal_code" type="text" value="[^"]*" dir="ltr"/);
  });

  it('saves e-mail, phone and address, each in the history with who and when (the address only as changed)', async () => {
    const res = await postForm(admin, page(elsa, emma), page(elsa, emma), {
      email: 'emma.ny@example.com', phone: '070-111 22 33', street_address: 'Nygatan 5', postal_code: '123 45', city: 'Nystad',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/admin/children/${elsa}`);
    assert.deepEqual(await stored(emma), {
      email: 'emma.ny@example.com', phone: '070-111 22 33', street_address: 'Nygatan 5', postal_code: '123 45', city: 'Nystad', protected_identity: 0,
    });
    assert.match((await admin.get(`/admin/children/${elsa}`)).text, /Vårdnadshavarens uppgifter är sparade\./);
    const history = (await admin.get(page(elsa, emma))).text;
    assert.match(history, new RegExp(`${adminName}:</span>\\s*Vårdnadshavarens uppgifter – ändrad: e-post [^<]*→ emma\\.ny@example\\.com`));
    assert.match(history, /Vårdnadshavarens uppgifter – ändrad: telefon [^<]*070-111 22 33/);
    assert.match(history, /Vårdnadshavarens uppgifter – ändrad: gatuadress\s*<\/li>/, 'the address only as changed');
    const rows = await t.db.selectFrom('register_changes').select(['field', 'old_value', 'new_value', 'changed_by', 'changed_at'])
      .where('entity', '=', 'person').where('entity_id', '=', emma).where('field', 'in', ['street_address', 'postal_code', 'city']).execute();
    assert.equal(rows.length, 3);
    assert.ok(rows.every((r) => r.old_value === null && r.new_value === null && r.changed_at === '2026-11-24T09:00:00.000Z'));
  });

  it('gives a wrong e-mail back at its field with the form as typed, and saves nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await postForm(admin, page(elsa, emma), page(elsa, emma), { email: 'emma.at.example', phone: '070-999 88 77' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /<p class="field-error" id="email-error">[^<]*<span class="visually-hidden">[^<]*<\/span> Skriv en e-postadress som namn@exempel\.se\./);
    assert.match(res.text, /value="emma\.at\.example"/);
    assert.match(res.text, /value="070-999 88 77"/);
    assert.equal(await fingerprint(t.db), before);
  });

  it('marks the guardian as living in another household than the child, with its history', async () => {
    const res = await postForm(admin, page(elsa, emma), page(elsa, emma), { email: 'emma.ny@example.com', phone: '070-111 22 33',
      street_address: 'Nygatan 5', postal_code: '123 45', city: 'Nystad', other_household: 'yes' });
    assert.equal(res.status, 303);
    const row = await t.db.selectFrom('guardianships').select('other_household').where('guardian_id', '=', emma).where('child_id', '=', elsa)
      .executeTakeFirstOrThrow();
    assert.equal(row.other_household, 1);
    assert.match((await admin.get(page(elsa, emma))).text, /Vårdnadshavare – ändrad: bor inte med barnet nej → ja/);
  });

  it("never shows a protected guardian's address, marks it, and leaves it as it is", async () => {
    const nora = await personId(t.db, 'Nora', 'Haddad');
    const leila = await personId(t.db, 'Leila', 'Haddad');
    const res = await admin.get(page(nora, leila));
    assert.equal(res.status, 200);
    assert.match(res.text, /<strong>Skyddade personuppgifter:<\/strong> adressen visas aldrig/);
    assert.doesNotMatch(res.text, /Hemlig väg|462 99/);
    assert.doesNotMatch(res.text, /name="street_address"/);
    const saved = await postForm(admin, page(nora, leila), page(nora, leila), {
      email: 'leila@example.com', street_address: 'Avslöjad gata 1', postal_code: '111 11', city: 'Stad', protected_identity: 'yes',
    });
    assert.equal(saved.status, 303);
    const after = await stored(leila);
    assert.deepEqual([after.street_address, after.postal_code, after.city, after.email], ['Hemlig väg 1', '462 99', 'Demostad', 'leila@example.com']);
    const history = (await admin.get(page(nora, leila))).text;
    assert.match(history, /Vårdnadshavarens uppgifter – ändrad: e-post\s*<\/li>/, 'a protected guardian’s contact details are not in the history');
    assert.ok(!history.slice(history.indexOf('id="history-title"')).includes('leila@example.com'), 'nor its new e-mail');
    assert.doesNotMatch(history, /Avslöjad/);
  });

  it("keeps the address of a guardian who lives with a protected child off the page, as it is the child's", async () => {
    const nora = await personId(t.db, 'Nora', 'Haddad');
    const karim = await personId(t.db, 'Karim', 'Haddad');
    await t.db.updateTable('persons').set({ street_address: 'Hemlig väg 1', postal_code: '462 99', city: 'Demostad' }).where('id', '=', karim).execute();
    const res = await admin.get(page(nora, karim));
    assert.equal(res.status, 200);
    assert.match(res.text, /<p class="notice">Skyddade personuppgifter: adressen visas inte\.<\/p>/);
    assert.doesNotMatch(res.text, /Hemlig väg|462 99|name="street_address"/);
    const saved = await postForm(admin, page(nora, karim), page(nora, karim), { street_address: 'Avslöjad gata 1', postal_code: '111 11', city: 'Stad' });
    assert.equal(saved.status, 303);
    assert.equal((await stored(karim)).street_address, 'Hemlig väg 1');
  });

  it("is the unit head's for a child of their unit, and nobody's for a person who is not the child's guardian", async () => {
    assert.equal((await rektor.get(page(elsa, emma))).status, 200);
    const oskar = await personId(t.db, 'Oskar', 'Andersson');
    const oskarsGuardian = (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', oskar).executeTakeFirstOrThrow()).guardian_id;
    assert.equal((await rektor.get(page(oskar, oskarsGuardian))).status, 404, 'Oskar is at Björkskolan');
    assert.equal((await admin.get(page(oskar, oskarsGuardian))).status, 200);
    const leila = await personId(t.db, 'Leila', 'Haddad');
    assert.equal((await admin.get(page(elsa, leila))).status, 404, 'Leila is not Elsa’s guardian');
    assert.equal((await postForm(admin, page(elsa, emma), page(elsa, leila), { email: 'x@example.com' })).status, 404);
    assert.equal((await postForm(admin, page(elsa, emma), `${page(elsa, leila)}/end`, { reason: 'other' })).status, 404);
  });

  it("links the admin to the child's trail in the audit search, and not the unit head", async () => {
    const municipality = (await t.db.selectFrom('persons').select('municipality_id').where('id', '=', elsa).executeTakeFirstOrThrow()).municipality_id;
    const href = `/admin/audit?municipality=${municipality}&amp;child=Elsa+Andersson`;
    const child = await admin.get(`/admin/children/${elsa}`);
    assert.ok(child.text.includes(`href="${href}"`), 'the link with the child filled in');
    const trail = await admin.get(href.replace('&amp;', '&'));
    assert.equal(trail.status, 200);
    assert.match(trail.text, /id="child" name="child" type="text" value="Elsa Andersson"/);
    assert.match(trail.text, /om Elsa Andersson|Elsa Andersson/);
    assert.doesNotMatch((await rektor.get(`/admin/children/${elsa}`)).text, /href="\/admin\/audit/);
  });
});

describe('ending a guardianship', () => {
  let t: TestApp;
  let admin: Agent;
  let families = 0;

  before(async () => {
    t = await startTestApp();
    admin = await signIn(t.app, 'admin');
  });
  after(() => t.close());

  const end = (childId: number, guardianId: number, fields: Record<string, string>) =>
    postForm(admin, `/children/${childId}/guardians/${guardianId}`, `/children/${childId}/guardians/${guardianId}/end`, fields);
  const guardiansOf = async (childId: number) => (await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', childId)
    .orderBy('guardian_id').execute()).map((g) => g.guardian_id);

  it('ends it with a reason: the access ends at once, and the history keeps who, when and why', async () => {
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    const emma = await personId(t.db, 'Emma', 'Andersson');
    const emmasAgent = await signIn(t.app, 'vardnadshavare');
    assert.equal((await emmasAgent.get(`/children/${elsa}`)).status, 200);
    const res = await end(elsa, emma, { reason: 'custody-changed' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/admin/children/${elsa}`);
    assert.ok(!(await guardiansOf(elsa)).includes(emma));
    assert.equal((await emmasAgent.get(`/children/${elsa}`)).status, 404, 'her access ended with the next request');
    assert.equal((await emmasAgent.get(`/children/${elsa}/info`)).status, 404);
    const page = (await admin.get(`/admin/children/${elsa}`)).text;
    assert.match(page, /Vårdnaden är avslutad\./);
    assert.match(page, /Vårdnadshavare – borttagen: skäl Vårdnaden har ändrats \(dom eller avtal\)/);
    assert.match(page, /Vårdnadshavare – borttagen: vårdnadshavare Emma Andersson<\/li>/);
  });

  it('refuses without a reason and changes nothing', async () => {
    const { childId, guardianIds } = await family(t, families++, 2);
    const before = await fingerprint(t.db);
    const res = await end(childId, guardianIds[0], { reason: '' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<p class="field-error" id="reason-error">[^<]*<span class="visually-hidden">[^<]*<\/span> Välj varför vårdnaden avslutas\./);
    assert.equal(await fingerprint(t.db), before);
  });

  it("warns before the child's last guardian goes, and ends it only with the tick", async () => {
    const { childId, guardianIds: [only] } = await family(t, families++, 1);
    const page = await admin.get(`/children/${childId}/guardians/${only}`);
    assert.match(page.text, /<p class="notice" role="note"><strong>Det här är den enda vårdnadshavaren för Barn Familj\d+ i Vardag\./);
    assert.match(page.text, /name="confirm_last"/);
    const before = await fingerprint(t.db);
    const refused = await end(childId, only, { reason: 'registered-in-error' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /<p class="field-error" id="confirm_last-error">[^<]*<span class="visually-hidden">[^<]*<\/span> Kryssa i rutan: det är barnets enda vårdnadshavare\./);
    assert.match(refused.text, /<option value="registered-in-error" selected>/, 'the reason chosen stays chosen');
    assert.equal(await fingerprint(t.db), before);
    const ended = await end(childId, only, { reason: 'registered-in-error', confirm_last: 'yes' });
    assert.equal(ended.status, 303);
    assert.deepEqual(await guardiansOf(childId), []);
    assert.match((await admin.get(`/admin/children/${childId}`)).text, /Barnet har inga vårdnadshavare i registret\./);
  });

  it("asks for no tick while another guardian stays", async () => {
    const { childId, guardianIds } = await family(t, families++, 2);
    const page = (await admin.get(`/children/${childId}/guardians/${guardianIds[0]}`)).text;
    assert.doesNotMatch(page, /name="confirm_last"/);
    assert.doesNotMatch(page, /vårdnadshavare även för andra barn/, 'a guardian of this child only');
    assert.equal((await end(childId, guardianIds[0], { reason: 'deceased' })).status, 303);
    assert.deepEqual(await guardiansOf(childId), [guardianIds[1]]);
  });

  it("takes the child out of the guardian's open invitations, and revokes one that covered only that child", async () => {
    const first = await family(t, families++, 1);
    const second = await family(t, families++, 1);
    const guardian = first.guardianIds[0];
    await t.db.insertInto('guardianships').values({ guardian_id: guardian, child_id: second.childId, other_household: 0 }).execute();
    const now = t.clock.now();
    const { municipality_id } = await t.db.selectFrom('persons').select('municipality_id').where('id', '=', guardian).executeTakeFirstOrThrow();
    const invite = async (childId: number, email: string) => {
      const id = await createInvitation(t.db, { guardianId: guardian, email, language: 'sv', sendOn: '2026-12-20', childId, municipalityId: municipality_id, by: 1, now });
      await issueKey(t.db, id, 'email', now);
      return id;
    };
    // one invitation for both children (as an import makes them), and for the second family's other guardian none
    const both = await invite(second.childId, 'bada@example.com');
    await t.db.insertInto('invitation_children').values({ invitation_id: both, child_id: first.childId }).execute();
    const covered = async (id: number) => (await t.db.selectFrom('invitation_children').select('child_id').where('invitation_id', '=', id).execute()).map((r) => r.child_id);
    const state = (id: number) => t.db.selectFrom('invitations').select('revoked_at').where('id', '=', id).executeTakeFirstOrThrow();

    assert.equal((await end(first.childId, guardian, { reason: 'custody-changed', confirm_last: 'yes' })).status, 303);
    assert.deepEqual(await covered(both), [second.childId], 'the invitation names only the child still theirs');
    assert.equal((await state(both)).revoked_at, null, 'and stays open for that child');

    assert.equal((await end(second.childId, guardian, { reason: 'custody-changed', confirm_last: 'yes' })).status, 303);
    assert.deepEqual(await covered(both), []);
    assert.notEqual((await state(both)).revoked_at, null, 'an invitation of no child is revoked');
    const keys = await t.db.selectFrom('invitation_keys').select('revoked_at').where('invitation_id', '=', both).execute();
    assert.ok(keys.length > 0 && keys.every((k) => k.revoked_at !== null), 'with its keys');
  });
});

describe('two guardians of one child ended at the same moment', () => {
  let t: TestApp;
  let admin: Agent;
  let url = '';

  before(async () => {
    const env = await databaseOf(TEST_DATABASE);
    url = env.VARDAG_DATABASE_URL;
    t = await startTestApp({ env });
    admin = await signIn(t.app, 'admin');
  });
  after(() => t.close());

  it('end one of them; the other is told it is the last, and stays', async () => {
    const { childId, guardianIds } = await family(t, 100, 2);
    // two admins' browsers (one browser's requests may wait for each other on its session)
    const agents = [admin, await signIn(t.app, 'admin')];
    const pages = await Promise.all(guardianIds.map((g, i) => agents[i].get(`/children/${childId}/guardians/${g}`)));
    const tokens = pages.map((p) => p.text.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '');
    const send = () => Promise.all(guardianIds.map((g, i) => agents[i].post(`/children/${childId}/guardians/${g}/end`).type('form')
      .send(new URLSearchParams({ _csrf: tokens[i], reason: 'custody-changed' }).toString())));
    let results: Awaited<ReturnType<typeof send>>;
    if (TEST_DATABASE === 'postgres') {
      // A third connection keeps guardianships from being deleted: unless the ends wait for each other before they
      // read the child's guardians, both read two and then wait here to delete one each.
      const held = await whileHeld(url, (client) => client.query('lock table guardianships in share row exclusive mode'), send);
      assert.equal(held.waited, 2, 'both ends waited');
      results = held.results;
    } else {
      results = await send();
    }
    assert.deepEqual(results.map((r) => r.status).sort(), [303, 400]);
    const left = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', childId).execute();
    assert.equal(left.length, 1, 'one guardian stays: the child was not left without one unwarned');
    assert.match(results.find((r) => r.status === 400)?.text ?? '', /Kryssa i rutan: det är barnets enda vårdnadshavare\./);
  });
});
