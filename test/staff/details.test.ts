// A staff member's details: the admin (and a unit's head, for staff working in their unit alone) changes the name, the
// e-mail address and the phone number; the admin alone fixes the personnummer (whole only on its own form); a taken
// address or number is a message at its field; the history says who and when; an invitation not used yet follows a
// new address; a protected identity's contact details are the admin's alone, and their address nobody's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { fingerprint, personId, unitId } from '../support/demo.ts';
import { invitationKeyIn } from '../support/mail.ts';
import { setStaffIdentity, updateStaffDetails } from '../../server/people/staff.ts';
import { normalizeKey } from '../../server/invitations/keys.ts';
import { lookUpKey } from '../../server/invitations/queries.ts';

describe('a staff member’s details', () => {
  let t: TestApp;
  let solrosen: number;
  let vitsippan: number;
  let adminId: number;
  before(async () => {
    t = await startTestApp();
    [solrosen, vitsippan] = await Promise.all([unitId(t.db, 'Förskolan Solrosen'), unitId(t.db, 'Förskolan Vitsippan')]);
    adminId = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'admin').executeTakeFirstOrThrow()).person_id;
  });
  after(() => t.close());

  let made = 0;
  /** A new staff member of Solrosen (the whole unit), added by the admin, invited or not; their person id. */
  const newStaff = async (invite: boolean, email = `personal-${++made}@example.com`) => {
    const admin = await signIn(t.app, 'admin');
    const res = await postForm(admin, '/admin/staff/new', '/admin/staff', {
      firstName: 'Ny', lastName: `Personal${made}`, email, unit: String(solrosen), group: '', role: 'staff', ...(invite ? { invite: 'yes' } : {}),
    });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    return Number(/\/admin\/staff\/(\d+)$/.exec(res.headers.location)?.[1]);
  };
  const person = (id: number) => t.db.selectFrom('persons').select(['first_name', 'last_name', 'email', 'phone', 'identity_number', 'identity_kind', 'birth_date'])
    .where('id', '=', id).executeTakeFirstOrThrow();
  const personChanges = (id: number) => t.db.selectFrom('register_changes').select(['change', 'field', 'old_value', 'new_value', 'source', 'changed_by', 'changed_at'])
    .where('entity', '=', 'person').where('entity_id', '=', id).where('change', '=', 'changed').orderBy('id').execute();
  const mailsTo = (address: string) => t.db.selectFrom('mail_outbox').select(['id', 'text_body']).where('recipient', '=', address).orderBy('id').execute();

  it('lets the admin change the name, e-mail and phone; each changed field goes in the history with who and when', async () => {
    const admin = await signIn(t.app, 'admin');
    const sara = await personId(t.db, 'Sara', 'Holm');
    const page = await admin.get(`/admin/staff/${sara}`);
    assert.match(page.text, new RegExp(`<a href="/admin/staff/${sara}/edit">Ändra namn, e-postadress och telefonnummer</a>`));
    const was = await person(sara);
    const form = await admin.get(`/admin/staff/${sara}/edit`);
    assert.equal(form.status, 200);
    assert.match(form.text, /name="lastName" type="text" value="Holm"/);
    assert.match(form.text, /Personen har ett konto\. E-postadressen för inloggning/, 'her login address is her own to change');

    const res = await postForm(admin, `/admin/staff/${sara}/edit`, `/admin/staff/${sara}/edit`, {
      firstName: 'Sara', lastName: 'Holm Berg', email: 'sara.holm.berg@example.com', phone: '070-111 22 33',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/admin/staff/${sara}`);
    assert.deepEqual(await person(sara), { ...was, last_name: 'Holm Berg', email: 'sara.holm.berg@example.com', phone: '070-111 22 33' });
    const at = t.clock.now().toISOString();
    assert.deepEqual(await personChanges(sara), [
      { change: 'changed', field: 'last_name', old_value: 'Holm', new_value: 'Holm Berg', source: 'admin', changed_by: adminId, changed_at: at },
      { change: 'changed', field: 'email', old_value: was.email, new_value: 'sara.holm.berg@example.com', source: 'admin', changed_by: adminId, changed_at: at },
      { change: 'changed', field: 'phone', old_value: was.phone, new_value: '070-111 22 33', source: 'admin', changed_by: adminId, changed_at: at },
    ]);
    const after = await admin.get(`/admin/staff/${sara}`);
    assert.match(after.text, /Uppgifterna är sparade\./);
    assert.match(after.text, /<h1>Sara Holm Berg<\/h1>/);
    assert.match(after.text, /<dd dir="ltr">070-111 22 33<\/dd>/);
    assert.match(after.text, /Personen ändrades: efternamn \(<span dir="auto">Holm<\/span> → <span dir="auto">Holm Berg<\/span>\)/);
    assert.match(after.text, /Personen ändrades: telefonnummer/);

    const again = await postForm(admin, `/admin/staff/${sara}/edit`, `/admin/staff/${sara}/edit`, {
      firstName: 'Sara', lastName: 'Holm Berg', email: 'sara.holm.berg@example.com', phone: '070-111 22 33',
    });
    assert.equal(again.status, 303);
    assert.equal((await personChanges(sara)).length, 3, 'saving the same again changes nothing, and records nothing');
  });

  it('gives a wrong form back filled in, each message at its field, and stores nothing', async () => {
    const admin = await signIn(t.app, 'admin');
    const sara = await personId(t.db, 'Sara', 'Holm Berg');
    const before = await fingerprint(t.db);
    const res = await postForm(admin, `/admin/staff/${sara}/edit`, `/admin/staff/${sara}/edit`, {
      firstName: 'Sara', lastName: ' ', email: 'inte-en-adress', phone: 'ring mig',
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /id="lastName-error"[^>]*>.*Skriv efternamnet\./);
    assert.match(res.text, /id="email-error"[^>]*>.*Skriv en e-postadress/);
    assert.match(res.text, /id="phone-error"[^>]*>.*Skriv ett telefonnummer med siffror/);
    assert.match(res.text, /name="email" type="email" value="inte-en-adress"/);
    assert.match(res.text, /name="phone" type="tel" value="ring mig"/);
    assert.equal(await fingerprint(t.db), before, 'nothing stored');
  });

  it('refuses an address another staff member has, in any case, as a message at the field', async () => {
    const admin = await signIn(t.app, 'admin');
    const sara = await personId(t.db, 'Sara', 'Holm Berg');
    const lena = await person(await personId(t.db, 'Lena', 'Strand'));
    const before = await fingerprint(t.db);
    const res = await postForm(admin, `/admin/staff/${sara}/edit`, `/admin/staff/${sara}/edit`, {
      firstName: 'Sara', lastName: 'Holm Berg', email: (lena.email ?? '').toUpperCase(), phone: '',
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /id="email-error"[^>]*>.*Det finns redan personal med den e-postadressen/);
    assert.equal(await fingerprint(t.db), before);
  });

  it('takes an address once when two staff members are given it at the same moment', async () => {
    const [a, b] = [await newStaff(false), await newStaff(false)];
    const author = { source: 'admin' as const, personId: adminId, at: t.clock.now() };
    const details = (last: string) => ({ firstName: 'Ny', lastName: last, email: 'samma@example.com', phone: null });
    const results = await Promise.all([updateStaffDetails(t.db, a, details('A'), author), updateStaffDetails(t.db, b, details('B'), author)]);
    assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.error)).sort(), ['email-taken', 'ok']);
    const holders = await t.db.selectFrom('persons').select('id').where('email', '=', 'samma@example.com').execute();
    assert.equal(holders.length, 1);
  });

  it('gives a personnummer to one staff member when two are given it at the same moment', async () => {
    const [a, b] = [await newStaff(false), await newStaff(false)];
    const author = { source: 'admin' as const, personId: adminId, at: t.clock.now() };
    const number = { number: '19990909-9999', kind: 'personnummer' as const, birthDate: '1999-09-09' };
    const results = await Promise.all([setStaffIdentity(t.db, a, number, author), setStaffIdentity(t.db, b, number, author)]);
    assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.error)).sort(), ['identity-taken', 'ok']);
    assert.equal((await t.db.selectFrom('persons').select('id').where('identity_number', '=', number.number).execute()).length, 1);
    const recorded = await t.db.selectFrom('register_changes').select('entity_id').where('field', '=', 'identity_number').where('entity_id', 'in', [a, b]).execute();
    assert.equal(recorded.length, 1, 'the history of the one that got it, not of the other');
  });

  it('lets a unit’s head change the details of staff working in their unit alone: not of one working in another unit too', async () => {
    const head = await signIn(t.app, 'rektor');
    const admin = await signIn(t.app, 'admin');
    const ny = await newStaff(false);
    assert.match((await head.get(`/admin/staff/${ny}`)).text, new RegExp(`/admin/staff/${ny}/edit`));
    const res = await postForm(head, `/admin/staff/${ny}/edit`, `/admin/staff/${ny}/edit`, {
      firstName: 'Nyss', lastName: `Personal${made}`, email: `nyss-${made}@example.com`, phone: '',
    });
    assert.equal(res.status, 303);
    assert.equal((await person(ny)).first_name, 'Nyss');
    const rektor = await personId(t.db, 'Maria', 'Ek');
    assert.deepEqual((await personChanges(ny)).map((c) => [c.field, c.changed_by]), [['first_name', rektor], ['email', rektor]]);

    const assigned = await postForm(admin, `/admin/staff/${ny}`, `/admin/staff/${ny}/assignments`, { unit: String(vitsippan), group: '', role: 'staff' });
    assert.equal(assigned.status, 303);
    const page = await head.get(`/admin/staff/${ny}`);
    assert.equal(page.status, 200, 'the head still sees them');
    assert.doesNotMatch(page.text, new RegExp(`/admin/staff/${ny}/edit`), 'no link to change them');
    assert.equal((await head.get(`/admin/staff/${ny}/edit`)).status, 404);
    assert.equal((await postForm(admin, `/admin/staff/${ny}/edit`, `/admin/staff/${ny}/edit`, {
      firstName: 'Nyss', lastName: 'Ändrad', email: '', phone: '',
    })).status, 303, 'the admin may');
    assert.equal((await head.get(`/admin/staff/${await personId(t.db, 'Lena', 'Strand')}/edit`)).status, 404, 'Lena works at Vitsippan');
    assert.equal((await (await signIn(t.app, 'pedagog')).get(`/admin/staff/${ny}/edit`)).status, 404, 'a colleague may not');

    // A staff member who is also a guardian: an address the head gave would carry the invitation, and the children, away.
    const parent = await newStaff(true);
    assert.equal((await head.get(`/admin/staff/${parent}/edit`)).status, 200);
    const elsa = await personId(t.db, 'Elsa', 'Andersson');
    await t.db.insertInto('guardianships').values({ guardian_id: parent, child_id: elsa, other_household: 1 }).execute();
    try {
      assert.equal((await head.get(`/admin/staff/${parent}/edit`)).status, 404);
      assert.equal((await postForm(head, `/admin/staff/${parent}`, `/admin/staff/${parent}/edit`, {
        firstName: 'Ny', lastName: 'Förälder', email: 'rektorns-egen@example.com', phone: '',
      })).status, 404);
      assert.equal((await admin.get(`/admin/staff/${parent}/edit`)).status, 200, 'the admin’s');
    } finally {
      await t.db.deleteFrom('guardianships').where('guardian_id', '=', parent).execute();
    }
  });

  it('lets the admin alone fix a personnummer: whole on its form only, masked elsewhere, never in a URL; a taken one is refused at its field', async () => {
    const admin = await signIn(t.app, 'admin');
    const ny = await newStaff(false);
    const page = await admin.get(`/admin/staff/${ny}`);
    assert.match(page.text, new RegExp(`<a href="/admin/staff/${ny}/identity">Rätta personnumret</a>`));
    assert.equal((await (await signIn(t.app, 'rektor')).get(`/admin/staff/${ny}/identity`)).status, 404, 'not the head');
    assert.doesNotMatch((await (await signIn(t.app, 'rektor')).get(`/admin/staff/${ny}`)).text, /\/identity"/, 'no link for the head');

    const set = await postForm(admin, `/admin/staff/${ny}/identity`, `/admin/staff/${ny}/identity`, { identity: '191212121212' });
    assert.equal(set.status, 303);
    assert.equal(set.headers.location, `/admin/staff/${ny}`, 'no number in the URL');
    assert.deepEqual(await person(ny), { ...(await person(ny)), identity_number: '19121212-1212', identity_kind: 'personnummer', birth_date: '1912-12-12' });
    const shown = await admin.get(`/admin/staff/${ny}`);
    assert.match(shown.text, /121212-XXXX/);
    assert.doesNotMatch(shown.text, /121212-1212|1212121212/, 'masked on the page');
    assert.match(shown.text, /Personnumret är sparat\./);
    assert.match(shown.text, /Personen ändrades: personnummer</, 'in the history, without its digits');
    const [change] = (await personChanges(ny)).filter((c) => c.field === 'identity_number');
    assert.deepEqual([change.old_value, change.new_value, change.changed_by], [null, null, adminId]);
    const form = await admin.get(`/admin/staff/${ny}/identity`);
    assert.match(form.text, /name="identity" type="text" value="19121212-1212"/, 'whole on its own form');

    const elsa = await t.db.selectFrom('persons').select('identity_number').where('first_name', '=', 'Elsa').where('last_name', '=', 'Andersson')
      .executeTakeFirstOrThrow();
    const before = await fingerprint(t.db);
    const taken = await postForm(admin, `/admin/staff/${ny}/identity`, `/admin/staff/${ny}/identity`, { identity: elsa.identity_number ?? '' });
    assert.equal(taken.status, 400);
    assert.match(taken.text, /id="identity-error"[^>]*>.*Det finns redan en person med det personnumret i kommunen/);
    assert.equal(await fingerprint(t.db), before, 'nothing stored');
    const wrong = await postForm(admin, `/admin/staff/${ny}/identity`, `/admin/staff/${ny}/identity`, { identity: '19121212-1213' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /id="identity-error"[^>]*>.*Personnumret stämmer inte/);
    assert.equal((await person(ny)).identity_number, '19121212-1212');
  });

  it('sends an invitation not used yet to the new address: the key mailed to the old one stops working', async () => {
    const admin = await signIn(t.app, 'admin');
    const ny = await newStaff(true, 'fel-adress@example.com');
    assert.doesNotMatch((await admin.get(`/admin/staff/${ny}/edit`)).text, /Personen har ett konto/);
    const [first] = await mailsTo('fel-adress@example.com');
    const firstKey = normalizeKey(invitationKeyIn(first.text_body) ?? '') ?? '';
    assert.equal((await lookUpKey(t.db, firstKey, t.clock.now())).ok, true);

    const res = await postForm(admin, `/admin/staff/${ny}/edit`, `/admin/staff/${ny}/edit`, {
      firstName: 'Ny', lastName: `Personal${made}`, email: 'ratt-adress@example.com', phone: '',
    });
    assert.equal(res.status, 303);
    const [second] = await mailsTo('ratt-adress@example.com');
    assert.ok(second, 'a new invitation to the new address');
    const secondKey = normalizeKey(invitationKeyIn(second.text_body) ?? '') ?? '';
    assert.deepEqual(await lookUpKey(t.db, firstKey, t.clock.now()), { ok: false, problem: 'revoked' });
    assert.equal((await lookUpKey(t.db, secondKey, t.clock.now())).ok, true);
    assert.equal((await mailsTo('fel-adress@example.com')).length, 1, 'nothing more to the old address');
    const page = await admin.get(`/admin/staff/${ny}`);
    assert.match(page.text, /En ny inbjudan har skickats till den nya e-postadressen/);
    assert.doesNotMatch(page.text, /gick till fel-adress@example\.com/);
  });

  it('says when an expired invitation went to the old address, and offers to send one to the new', async () => {
    const admin = await signIn(t.app, 'admin');
    const ny = await newStaff(true, 'gammal-adress@example.com');
    const invitation = await t.db.selectFrom('invitations').select('id').where('guardian_id', '=', ny).executeTakeFirstOrThrow();
    await t.db.updateTable('invitation_keys').set({ expires_at: '2026-11-01T00:00:00.000Z' }).where('invitation_id', '=', invitation.id).execute();
    const res = await postForm(admin, `/admin/staff/${ny}/edit`, `/admin/staff/${ny}/edit`, {
      firstName: 'Ny', lastName: `Personal${made}`, email: 'ny-adress@example.com', phone: '',
    });
    assert.equal(res.status, 303);
    assert.equal((await mailsTo('ny-adress@example.com')).length, 0, 'not sent by itself');
    const page = await admin.get(`/admin/staff/${ny}`);
    assert.match(page.text, /Den förra inbjudan gick till den gamla e-postadressen och har gått ut/);
    assert.match(page.text, /Inbjudan som inte har använts gick till gammal-adress@example\.com, inte till den nuvarande e-postadressen\./);
    assert.match(page.text, new RegExp(`action="/admin/staff/${ny}/invitation"`));
    assert.equal((await postForm(admin, `/admin/staff/${ny}`, `/admin/staff/${ny}/invitation`)).status, 303);
    assert.equal((await mailsTo('ny-adress@example.com')).length, 1, 'sent again, to the new address');
    assert.doesNotMatch((await admin.get(`/admin/staff/${ny}`)).text, /Inbjudan som inte har använts gick till/);
  });

  it('shows a protected staff member’s e-mail and phone to the admin alone, and their address to nobody (another’s to the admin only)', async () => {
    const ny = await newStaff(false, 'skyddad@example.com');
    await t.db.updateTable('persons').set({ phone: '070-999 88 77', street_address: 'Gömda vägen 3', postal_code: '123 45', city: 'Demostad' })
      .where('id', '=', ny).execute();
    const admin = await signIn(t.app, 'admin');
    const head = await signIn(t.app, 'rektor');
    const open = await head.get(`/admin/staff/${ny}`);
    assert.match(open.text, /skyddad@example\.com/, 'not protected: the head sees the e-mail address...');
    assert.doesNotMatch(open.text, /Gömda vägen/, '...but no home address, which is the admin’s');
    assert.match((await admin.get(`/admin/staff/${ny}`)).text, /Gömda vägen 3, 123 45 Demostad/);

    await t.db.updateTable('persons').set({ protected_identity: 1 }).where('id', '=', ny).execute();
    const seen = await admin.get(`/admin/staff/${ny}`);
    assert.match(seen.text, /skyddad@example\.com/);
    assert.match(seen.text, /070-999 88 77/);
    const hidden = await head.get(`/admin/staff/${ny}`);
    assert.match(hidden.text, /Skyddad identitet/);
    assert.match(hidden.text, /Visas inte: skyddad identitet/);
    const list = await head.get(`/units/${solrosen}/staff?q=Personal${made}`);
    assert.match(list.text, new RegExp(`Personal${made}, Ny`));
    for (const text of [hidden.text, list.text]) assert.doesNotMatch(text, /skyddad@example\.com|070-999 88 77/, 'no contact details for the head');
    for (const text of [seen.text, hidden.text, list.text]) assert.doesNotMatch(text, /Gömda vägen|123 45/, 'no address for anyone');
    assert.doesNotMatch((await head.get(`/units/${solrosen}/staff?q=skyddad%40example.com`)).text, new RegExp(`Personal${made}, Ny`), 'not found by the address');
    assert.match((await admin.get(`/units/${solrosen}/staff?q=skyddad%40example.com`)).text, new RegExp(`Personal${made}, Ny`), 'the admin finds them by it');
    assert.equal((await head.get(`/admin/staff/${ny}/edit`)).status, 404, 'the head changes no protected identity’s details');
    assert.equal((await admin.get(`/admin/staff/${ny}/edit`)).status, 200);
  });
});
