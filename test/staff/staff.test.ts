// Staff: the admin's and a unit head's lists, adding a staff member and inviting them by e-mail (the key makes an
// account that works as staff), a substitute whose assignment ends by itself, ending an assignment, and the history.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { fingerprint, groupId, municipalityId, personId, unitId } from '../support/demo.ts';
import { invitationKeyIn } from '../support/mail.ts';
import { addStaffMember, staffList } from '../../server/people/staff.ts';
import { today } from '../../server/kernel/clock.ts';
import { normalizeKey } from '../../server/invitations/keys.ts';
import { lookUpKey } from '../../server/invitations/queries.ts';

const PASSWORD = 'ett långt lösenord för vikarien';

describe('staff', () => {
  let t: TestApp;
  let solrosen: number;
  let vitsippan: number;
  let blabar: number;
  before(async () => {
    t = await startTestApp();
    [solrosen, vitsippan, blabar] = await Promise.all([unitId(t.db, 'Förskolan Solrosen'), unitId(t.db, 'Förskolan Vitsippan'), groupId(t.db, 'Blåbär')]);
  });
  after(() => t.close());

  const assignmentsOf = (person: number) => t.db.selectFrom('staff_assignments').selectAll().where('person_id', '=', person).orderBy('id').execute();
  const changesOf = (entity: 'person' | 'staff_assignment', id: number) =>
    t.db.selectFrom('register_changes').selectAll().where('entity', '=', entity).where('entity_id', '=', id).orderBy('id').execute();
  const lastMail = () => t.db.selectFrom('mail_outbox').selectAll().orderBy('id', 'desc').executeTakeFirst();

  it('lists the municipality’s staff for its admin, found by name or address, and a unit’s for its head', async () => {
    const admin = await signIn(t.app, 'admin');
    const all = await admin.get('/admin/staff');
    assert.equal(all.status, 200);
    assert.match(all.text, /Holm, Sara/);
    assert.match(all.text, /Strand, Lena/);
    const found = await admin.get('/admin/staff?q=sara+holm');
    assert.match(found.text, /Holm, Sara/);
    assert.doesNotMatch(found.text, /Strand, Lena/);
    const head = await signIn(t.app, 'rektor');
    const unit = await head.get(`/units/${solrosen}/staff`);
    assert.equal(unit.status, 200);
    assert.match(unit.text, /Holm, Sara/);
    assert.doesNotMatch(unit.text, /Strand, Lena/, 'Lena works at Vitsippan');
    assert.equal((await head.get(`/units/${vitsippan}/staff`)).status, 404);
    assert.equal((await head.get('/admin/staff')).status, 404, 'a unit head is no admin');
    assert.equal((await (await signIn(t.app, 'grannadmin')).get('/admin/staff')).text.includes('Holm, Sara'), false, 'another municipality’s admin');
  });

  it('marks a staff member with protected identity, on the list and on their page, and never shows an address', async () => {
    const lena = await personId(t.db, 'Lena', 'Strand');
    const was = await t.db.selectFrom('persons').select(['protected_identity', 'street_address', 'postal_code']).where('id', '=', lena).executeTakeFirstOrThrow();
    await t.db.updateTable('persons').set({ protected_identity: 1, street_address: 'Hemlig gatan 9', postal_code: '111 99' }).where('id', '=', lena).execute();
    try {
      const admin = await signIn(t.app, 'admin');
      const list = await admin.get('/admin/staff?q=lena');
      assert.match(list.text, /Strand, Lena<\/strong><\/a>\s*<span class="state protected-identity">Skyddad identitet/);
      const page = await admin.get(`/admin/staff/${lena}`);
      assert.match(page.text, /Skyddad identitet/);
      assert.doesNotMatch(`${list.text}${page.text}`, /Hemlig gatan|111 99/);
    } finally {
      await t.db.updateTable('persons').set(was).where('id', '=', lena).execute();
    }
  });

  it('pages the list 50 at a time, in name order', async () => {
    const demo = await municipalityId(t.db, 'Demokommun');
    const first = await staffList(t.db, { municipalityIds: [demo] }, { q: '', page: 1, today: today(t.clock), perPage: 2 });
    const second = await staffList(t.db, { municipalityIds: [demo] }, { q: '', page: 2, today: today(t.clock), perPage: 2 });
    assert.ok(first.total > 4);
    assert.equal(first.rows.length, 2);
    assert.equal(second.rows.length, 2);
    const names = [...first.rows, ...second.rows].map((r) => r.lastName);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, 'sv')));
    assert.equal(new Set([...first.rows, ...second.rows].map((r) => r.personId)).size, 4, 'no one on two pages');
  });

  it('gives a wrong form back filled in, each message at its field, and stores nothing', async () => {
    const admin = await signIn(t.app, 'admin');
    const before = await fingerprint(t.db);
    const res = await postForm(admin, '/admin/staff/new', '/admin/staff', {
      firstName: 'Vera', lastName: '', email: 'inte-en-adress', phone: 'ring mig', identity: '19121212-1213', unit: String(solrosen), group: String(blabar),
      role: 'unit_head', startDate: '2026-11-24', endDate: '2026-11-20', invite: 'yes',
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel:/);
    assert.match(res.text, /id="lastName-error"[^>]*>.*Skriv efternamnet\./);
    assert.match(res.text, /id="email-error"[^>]*>.*Skriv en e-postadress/);
    assert.match(res.text, /id="identity-error"[^>]*>.*Personnumret stämmer inte/);
    assert.match(res.text, /id="phone-error"[^>]*>.*Skriv ett telefonnummer med siffror/);
    assert.match(res.text, /id="group-error"[^>]*>.*hela enheten/);
    assert.match(res.text, /id="endDate-error"[^>]*>.*före första dagen/);
    assert.match(res.text, /name="firstName" type="text" value="Vera"/);
    assert.match(res.text, /name="email" type="email" value="inte-en-adress"/);
    assert.equal(await fingerprint(t.db), before, 'nothing stored');
  });

  it('adds a substitute and invites them: the key makes an account that works as staff until the last day, and no longer', async () => {
    const admin = await signIn(t.app, 'admin');
    const res = await postForm(admin, '/admin/staff/new', '/admin/staff', {
      firstName: 'Vera', lastName: 'Vikarie', email: 'vera.vikarie@example.com', phone: '070-555 66 77', identity: '19121212-1212', unit: String(solrosen),
      group: String(blabar), role: 'staff', startDate: '', endDate: '2026-11-27', invite: 'yes',
    });
    assert.equal(res.status, 303);
    const vera = await personId(t.db, 'Vera', 'Vikarie');
    assert.equal(res.headers.location, `/admin/staff/${vera}`);
    const [assignment] = await assignmentsOf(vera);
    assert.deepEqual({ ...assignment, id: 0 }, {
      id: 0, person_id: vera, unit_id: solrosen, group_id: blabar, role: 'staff', start_date: '2026-11-24', end_date: '2026-11-27',
    });
    const person = await t.db.selectFrom('persons').select(['identity_number', 'email', 'phone']).where('id', '=', vera).executeTakeFirstOrThrow();
    assert.deepEqual(person, { identity_number: '19121212-1212', email: 'vera.vikarie@example.com', phone: '070-555 66 77' });
    assert.deepEqual((await changesOf('person', vera)).map((c) => [c.change, c.source]), [['created', 'admin']]);
    assert.deepEqual((await changesOf('staff_assignment', assignment.id)).map((c) => [c.change, c.field, c.new_value]),
      [['created', null, `staff unit ${solrosen} group ${blabar}`], ['changed', 'start_date', '2026-11-24'], ['changed', 'end_date', '2026-11-27']]);

    const page = await admin.get(`/admin/staff/${vera}`);
    assert.match(page.text, /121212-XXXX/, 'the personnummer masked');
    assert.doesNotMatch(page.text, /1212-1212|121212-1212/, 'never whole');
    assert.match(page.text, /Inbjudan: Skickad/);
    assert.match(page.text, /till och med/);

    const mail = await lastMail();
    assert.equal(mail?.recipient, 'vera.vikarie@example.com');
    assert.match(mail?.subject ?? '', /Inbjudan till Vardag från Demokommun/);
    assert.match(mail?.text_body ?? '', /personal på Förskolan Solrosen/);
    const key = invitationKeyIn(mail?.text_body);
    assert.ok(key, 'the mail carries a key');

    const registered = await postForm(request.agent(t.app), `/register_invite/${key}`, '/register_invite', {
      key: key ?? '', username: 'vera.vikarie', email: 'vera.vikarie@example.com', email_confirm: 'vera.vikarie@example.com',
      name: 'Vera Vikarie', password: PASSWORD, terms: 'yes',
    });
    assert.equal(registered.status, 303, registered.text.slice(0, 400));
    const account = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'vera.vikarie').executeTakeFirstOrThrow();
    assert.equal(account.person_id, vera);

    const substitute = await signIn(t.app, 'vera.vikarie', PASSWORD);
    assert.equal((await substitute.get(`/groups/${blabar}/today`)).status, 200, 'staff of Blåbär');
    t.clock.set('2026-11-27T15:00:00Z');
    assert.equal((await substitute.get(`/groups/${blabar}/today`)).status, 200, 'on the last day still');
    t.clock.set('2026-11-28T07:00:00Z');
    assert.equal((await substitute.get(`/groups/${blabar}/today`)).status, 404, 'the day after: no longer');
    assert.doesNotMatch((await admin.get(`/groups/${blabar}`)).text, /Vera Vikarie/, 'not listed as the group’s staff');
    assert.doesNotMatch((await admin.get('/admin/staff')).text, /Vikarie, Vera/, 'not on the list of staff');
    t.clock.set('2026-11-24T09:00:00Z');
  });

  it('refuses an address another staff member has, in any case', async () => {
    const admin = await signIn(t.app, 'admin');
    const before = await fingerprint(t.db);
    const res = await postForm(admin, '/admin/staff/new', '/admin/staff', {
      firstName: 'Vera', lastName: 'Annan', email: 'Vera.Vikarie@Example.com', unit: String(solrosen), group: '', role: 'staff',
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /id="email-error"[^>]*>.*Det finns redan personal med den e-postadressen/);
    assert.equal(await fingerprint(t.db), before);
  });

  it('adds one staff member when the same address is sent twice at the same moment', async () => {
    const demo = await municipalityId(t.db, 'Demokommun');
    const author = { source: 'admin' as const, personId: null, at: t.clock.now() };
    const person = { municipalityId: demo, firstName: 'Dubbel', lastName: 'Klick', email: 'dubbel.klick@example.com', identity: null };
    const assignment = { unitId: solrosen, groupId: null, role: 'staff' as const, startDate: '2026-11-24', endDate: null };
    const results = await Promise.all([addStaffMember(t.db, person, assignment, author), addStaffMember(t.db, person, assignment, author)]);
    assert.deepEqual(results.map((r) => r.ok).sort(), [false, true]);
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => !r.ok && r.error), ['email-taken']);
    assert.equal((await t.db.selectFrom('persons').select('id').where('last_name', '=', 'Klick').execute()).length, 1);
  });

  it('lets a unit head add staff to their own unit only, and not see those of other units', async () => {
    const head = await signIn(t.app, 'rektor');
    const form = await head.get(`/units/${solrosen}/staff/new`);
    assert.equal(form.status, 200);
    assert.doesNotMatch(form.text, /Förskolan Vitsippan/, 'only the head’s own unit to choose');
    const refused = await postForm(head, `/units/${solrosen}/staff/new`, `/units/${solrosen}/staff`, {
      firstName: 'Olof', lastName: 'Ny', email: 'olof@example.com', unit: String(vitsippan), group: '', role: 'staff',
    });
    assert.equal(refused.status, 400, 'another unit is not among the choices');
    assert.equal((await postForm(head, `/units/${solrosen}/staff/new`, `/units/${vitsippan}/staff`, {
      firstName: 'Olof', lastName: 'Ny', email: 'olof@example.com', unit: String(vitsippan), group: '', role: 'staff',
    })).status, 404);
    const added = await postForm(head, `/units/${solrosen}/staff/new`, `/units/${solrosen}/staff`, {
      firstName: 'Olof', lastName: 'Ny', email: 'olof@example.com', unit: String(solrosen), group: '', role: 'staff',
    });
    assert.equal(added.status, 303);
    const olof = await personId(t.db, 'Olof', 'Ny');
    assert.equal((await assignmentsOf(olof)).length, 1);
    assert.equal(await t.db.selectFrom('mail_outbox').select('id').where('recipient', '=', 'olof@example.com').executeTakeFirst(), undefined, 'not invited');
    const lena = await personId(t.db, 'Lena', 'Strand');
    assert.equal((await head.get(`/admin/staff/${lena}`)).status, 404, 'Lena works at Vitsippan');
    const olofsPage = await head.get(`/admin/staff/${olof}`);
    assert.equal(olofsPage.status, 200);
    assert.match(olofsPage.text, /<option value="\d+"[^>]*>Förskolan Solrosen<\/option>/);
    assert.doesNotMatch(olofsPage.text, /Förskolan Vitsippan|Björkskolan/, 'a new assignment only in the head’s own unit');
    const invited = await postForm(head, `/admin/staff/${olof}`, `/admin/staff/${olof}/invitation`);
    assert.equal(invited.status, 303);
    const first = await lastMail();
    assert.equal(first?.recipient, 'olof@example.com');
    assert.equal((await postForm(head, `/admin/staff/${olof}`, `/admin/staff/${olof}/invitation`)).status, 303);
    const second = await lastMail();
    assert.notEqual(second?.id, first?.id, 'a new mail');
    const firstKey = normalizeKey(invitationKeyIn(first?.text_body) ?? '') ?? '';
    const secondKey = normalizeKey(invitationKeyIn(second?.text_body) ?? '') ?? '';
    assert.deepEqual(await lookUpKey(t.db, firstKey, t.clock.now()), { ok: false, problem: 'revoked' }, 'the earlier key stops working');
    assert.equal((await lookUpKey(t.db, secondKey, t.clock.now())).ok, true);
  });

  it('ends an assignment at once: the teacher loses the group the same moment, and the history says who and when', async () => {
    const head = await signIn(t.app, 'rektor');
    const sara = await personId(t.db, 'Sara', 'Holm');
    const [assignment] = await assignmentsOf(sara);
    const teacher = await signIn(t.app, 'pedagog');
    assert.equal((await teacher.get(`/groups/${blabar}/today`)).status, 200);

    const past = await postForm(head, `/admin/staff/${sara}`, `/admin/staff/assignments/${assignment.id}/end`, { lastDay: '2026-11-01' });
    assert.equal(past.status, 400);
    assert.match(past.text, new RegExp(`id="lastDay-${assignment.id}-error"[^>]*>.*Sista dagen har redan passerat`));
    assert.equal((await assignmentsOf(sara))[0].end_date, null, 'nothing saved');

    const ended = await postForm(head, `/admin/staff/${sara}`, `/admin/staff/assignments/${assignment.id}/end`, { lastDay: '', now: 'yes' });
    assert.equal(ended.status, 303);
    assert.equal(ended.headers.location, `/units/${solrosen}/staff`, 'the head no longer sees her: back to the unit’s list');
    assert.equal((await assignmentsOf(sara))[0].end_date, '2026-11-23');
    assert.equal((await teacher.get(`/groups/${blabar}/today`)).status, 404, 'no longer staff of Blåbär');
    const rektor = await personId(t.db, 'Maria', 'Ek');
    const [change] = await changesOf('staff_assignment', assignment.id);
    assert.deepEqual([change.change, change.field, change.old_value, change.new_value, change.changed_by], ['ended', 'end_date', null, '2026-11-23', rektor]);

    const admin = await signIn(t.app, 'admin');
    assert.doesNotMatch((await admin.get('/admin/staff?q=sara')).text, /Holm, Sara/, 'no longer on the list of staff');
    const former = await admin.get('/admin/staff?q=sara&ended=yes');
    assert.match(former.text, /Holm, Sara/, '...but found among those whose assignments have ended');
    assert.match(former.text, /avslutat måndag 23 november|avslutat 23 november/);
    const again = await admin.get(`/admin/staff/${sara}`);
    assert.equal(again.status, 200, 'the admin still finds her');
    assert.match(again.text, /Ett uppdrag avslutades/);
    assert.match(again.text, /Maria Ek/);
    assert.doesNotMatch(again.text, new RegExp(`/admin/staff/assignments/${assignment.id}/end`), 'nothing left to end');
  });

  it('adds an assignment that starts later: it counts from its first day', async () => {
    const admin = await signIn(t.app, 'admin');
    const sara = await personId(t.db, 'Sara', 'Holm');
    const res = await postForm(admin, `/admin/staff/${sara}`, `/admin/staff/${sara}/assignments`, {
      unit: String(solrosen), group: String(blabar), role: 'staff', startDate: '2026-12-01', endDate: '',
    });
    assert.equal(res.status, 303);
    const teacher = await signIn(t.app, 'pedagog');
    assert.equal((await teacher.get(`/groups/${blabar}/today`)).status, 404, 'not yet');
    t.clock.set('2026-12-01T07:00:00Z');
    assert.equal((await teacher.get(`/groups/${blabar}/today`)).status, 200, 'from the first day');
    t.clock.set('2026-11-24T09:00:00Z');
  });
});
