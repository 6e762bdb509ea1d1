// A unit as its head and the municipality's admin keep it: the head changes the unit's address and contact details
// (never its name, kind or area); the admin's unit page leads to the unit's groups, children and staff; the admin closes
// a unit from a day once nothing of it goes on from then (refused, naming how many, while it does), the closed unit is
// marked in the lists, says since when, takes no new group, and opens again; every change in its history.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { changesOf } from '../../server/people/register-changes.ts';
import { admitsNewPeople, unitDetails } from '../../server/people/organisation.ts';

describe('a unit’s head and admin', () => {
  let t: TestApp;
  let admin: Agent;
  let rektor: Agent;
  let solrosen: number;
  let rektorPerson: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    admin = await signIn(t.app, 'admin');
    rektor = await signIn(t.app, 'rektor');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    rektorPerson = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'rektor').executeTakeFirstOrThrow()).person_id;
  });
  after(() => t.close());

  const contact = { street_address: 'Solrosvägen 2', postal_code: '12345', city: 'Demostad', phone: '08-555 123 45', email: 'solrosen@demokommun.se' };

  describe('the unit’s address and contact details (/units/:unitId/contact)', () => {
    it('are reached from the head’s unit page and saved by the head, with who and when in the history', async () => {
      const unitPage = await rektor.get(`/units/${solrosen}`);
      assert.match(unitPage.text, new RegExp(`href="/units/${solrosen}/contact"`));
      assert.match((await rektor.get(`/units/${solrosen}/settings`)).text, new RegExp(`href="/units/${solrosen}/contact"`), 'and from its settings');
      const before = await unitDetails(t.db, solrosen);
      assert.ok(before);
      const res = await postForm(rektor, `/units/${solrosen}/contact`, `/units/${solrosen}/contact`, contact);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/units/${solrosen}/contact`);
      const after = await unitDetails(t.db, solrosen);
      assert.deepEqual([after?.streetAddress, after?.postalCode, after?.city, after?.phone, after?.email],
        ['Solrosvägen 2', '123 45', 'Demostad', '08-555 123 45', 'solrosen@demokommun.se']);
      assert.deepEqual([after?.name, after?.kind, after?.areaId], [before.name, before.kind, before.areaId]);
      const history = (await changesOf(t.db, 'unit', solrosen)).filter((c) => c.field === 'phone');
      assert.deepEqual(history.map((c) => [c.newValue, c.changedBy, c.source]), [['08-555 123 45', rektorPerson, 'admin']]);
      const page = await rektor.get(`/units/${solrosen}/contact`);
      assert.match(page.text, /Ändringarna är sparade\./);
      assert.match(page.text, /name="phone" type="tel" value="08-555 123 45"/);
      assert.match(page.text, /Telefon ändrades från ”[^”]*” till ”08-555 123 45”/);
    });

    it('never change the unit’s name, kind or area, whatever the form sends', async () => {
      const before = await unitDetails(t.db, solrosen);
      const res = await postForm(rektor, `/units/${solrosen}/contact`, `/units/${solrosen}/contact`,
        { ...contact, name: 'Kapade förskolan', kind: 'school', area: '' });
      assert.equal(res.status, 303);
      const after = await unitDetails(t.db, solrosen);
      assert.deepEqual([after?.name, after?.kind, after?.areaId], [before?.name, before?.kind, before?.areaId]);
      assert.doesNotMatch((await rektor.get(`/units/${solrosen}/contact`)).text, /name="name"/, 'the head’s form has no name field');
    });

    it('come back filled in with the message at each wrong field, and nothing saved', async () => {
      const res = await postForm(rektor, `/units/${solrosen}/contact`, `/units/${solrosen}/contact`,
        { ...contact, street_address: 'Nya vägen 9', postal_code: '12', email: 'inte en adress' });
      assert.equal(res.status, 400);
      assert.match(res.text, /<title>Fel:/);
      assert.match(res.text, /id="postal_code-error"[^>]*>.*fem siffror/s);
      assert.match(res.text, /id="email-error"/);
      assert.match(res.text, /name="street_address" type="text" value="Nya vägen 9"/);
      assert.equal((await unitDetails(t.db, solrosen))?.streetAddress, 'Solrosvägen 2', 'nothing half-saved');
    });

    it('are not for staff, nor for the head of another unit', async () => {
      const pedagog = await signIn(t.app, 'pedagog');
      const rektor2 = await signIn(t.app, 'rektor2');
      assert.equal((await pedagog.get(`/units/${solrosen}/contact`)).status, 404);
      assert.equal((await rektor2.get(`/units/${solrosen}/contact`)).status, 404);
      assert.doesNotMatch((await pedagog.get(`/units/${solrosen}`)).text, new RegExp(`href="/units/${solrosen}/contact"`));
    });
  });

  describe('the admin’s unit page (/admin/units/:unitId)', () => {
    it('links to the unit’s groups, children and staff lists', async () => {
      const page = await admin.get(`/admin/units/${solrosen}`);
      for (const list of ['groups', 'children', 'staff']) {
        assert.match(page.text, new RegExp(`href="/units/${solrosen}/${list}"`), list);
        assert.equal((await admin.get(`/units/${solrosen}/${list}`)).status, 200, list);
      }
    });
  });

  describe('closing a unit (POST /admin/units/:unitId/close) and opening it again', () => {
    it('is refused while children are placed, staff assigned or groups in use from that day, naming how many', async () => {
      const res = await postForm(admin, `/admin/units/${solrosen}`, `/admin/units/${solrosen}/close`, { closed_on: '2027-01-01' });
      assert.equal(res.status, 400);
      assert.match(res.text, /Enheten kan inte stängas från och med/);
      const placed = await t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id').select('placements.child_id').distinct()
        .where('groups.unit_id', '=', solrosen).where((p) => p.or([p('placements.end_date', 'is', null), p('placements.end_date', '>=', '2027-01-01')])).execute();
      assert.ok(placed.length > 1);
      assert.match(res.text, new RegExp(`id="close_children-error"[^>]*>.*${placed.length} barn är placerade på enheten`, 's'));
      assert.match(res.text, /id="close_staff-error"[^>]*>.*\d+ i personalen är kopplade? till enheten/s);
      assert.match(res.text, /id="close_groups-error"[^>]*>.*\d+ grupper? används fortfarande/s);
      assert.match(res.text, new RegExp(`href="/units/${solrosen}/children"`));
      assert.match(res.text, /name="closed_on" type="date" value="2027-01-01"/, 'the day typed comes back');
      assert.equal((await unitDetails(t.db, solrosen))?.closedOn, null);
    });

    it('asks for a real day', async () => {
      const res = await postForm(admin, `/admin/units/${solrosen}`, `/admin/units/${solrosen}/close`, { closed_on: '2027-02-30' });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="closed_on-error"[^>]*>.*år-månad-dag/s);
    });

    it('closes a unit whose children and staff have left and groups have ended; it is marked, takes no new group, and opens again', async () => {
      const created = await postForm(admin, '/admin/units/new', '/admin/units', { name: 'Förskolan Vallmon', kind: 'preschool' });
      assert.equal(created.status, 303);
      const vallmon = Number(String(created.headers.location).split('/').pop());
      const { id: group } = await t.db.insertInto('groups').values({ unit_id: vallmon, name: 'Vallmogruppen' }).returning('id').executeTakeFirstOrThrow();
      const elsa = await personId(t.db, 'Elsa', 'Andersson');
      await t.db.insertInto('placements').values({ child_id: elsa, group_id: group, start_date: '2026-01-01', end_date: '2026-06-30', hour_limit: 'none' }).execute();
      const pedagog = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'pedagog').executeTakeFirstOrThrow();
      await t.db.insertInto('staff_assignments').values({ person_id: pedagog.person_id, unit_id: vallmon, group_id: null, role: 'staff', start_date: '2026-01-01', end_date: '2026-06-30' }).execute();

      const groupOpen = await postForm(admin, `/admin/units/${vallmon}`, `/admin/units/${vallmon}/close`, { closed_on: '2026-07-01' });
      assert.equal(groupOpen.status, 400);
      assert.match(groupOpen.text, /1 grupp används fortfarande/);
      assert.doesNotMatch(groupOpen.text, /close_children-error|close_staff-error/, 'the placement and the assignment ended the day before');
      await t.db.updateTable('groups').set({ ended_on: '2026-07-01' }).where('id', '=', group).execute();
      const tooEarly = await postForm(admin, `/admin/units/${vallmon}`, `/admin/units/${vallmon}/close`, { closed_on: '2026-06-30' });
      assert.equal(tooEarly.status, 400);
      assert.match(tooEarly.text, /1 barn är placerat på enheten den dagen eller senare/);
      assert.match(tooEarly.text, /1 i personalen är kopplad till enheten den dagen eller senare/);

      const closed = await postForm(admin, `/admin/units/${vallmon}`, `/admin/units/${vallmon}/close`, { closed_on: '2026-07-01' });
      assert.equal(closed.status, 303);
      assert.equal((await unitDetails(t.db, vallmon))?.closedOn, '2026-07-01');
      const page = await admin.get(`/admin/units/${vallmon}`);
      assert.match(page.text, /Enheten är stängd från och med/);
      assert.match(page.text, /<p class="notice">Stängd från och med [^<]*1 juli/);
      assert.match(page.text, /Stängdes från och med [^<]*1 juli/, 'in the history');
      assert.match(page.text, new RegExp(`action="/admin/units/${vallmon}/reopen"`));
      assert.match((await admin.get(`/units/${vallmon}`)).text, /<p class="notice">Stängd från och med [^<]*1 juli/, 'the unit’s own page too');
      const list = await admin.get('/admin/units?q=vallmon');
      assert.match(list.text, /Förskolan Vallmon<\/a> <span class="muted">[^<]*<strong>Stängd från och med/);
      assert.doesNotMatch((await admin.get('/admin/units?q=solrosen')).text, /Stängd från och med/);

      const groups = await admin.get(`/units/${vallmon}/groups`);
      assert.doesNotMatch(groups.text, new RegExp(`form method="post" action="/units/${vallmon}/groups"`), 'no form for a new group');
      const refused = await postForm(admin, `/units/${vallmon}/groups`, `/units/${vallmon}/groups`, { name: 'Ny grupp' });
      assert.equal(refused.status, 400);
      assert.match(refused.text, /Enheten är stängd och får inga nya grupper/);
      assert.equal((await t.db.selectFrom('groups').select('id').where('unit_id', '=', vallmon).execute()).length, 1);
      await t.db.transaction().execute(async (trx) => {
        assert.deepEqual(await admitsNewPeople(trx, { unitId: vallmon }), { ok: false, error: 'unit-closed' });
        assert.deepEqual(await admitsNewPeople(trx, { groupId: group }), { ok: false, error: 'group-ended' });
      });
      const twice = await postForm(admin, `/admin/units/${vallmon}`, `/admin/units/${vallmon}/close`, { closed_on: '2026-08-01' });
      assert.equal(twice.status, 400);
      assert.match(twice.text, /Enheten är redan stängd\./);
      assert.equal((await unitDetails(t.db, vallmon))?.closedOn, '2026-07-01');

      const reopened = await postForm(admin, `/admin/units/${vallmon}`, `/admin/units/${vallmon}/reopen`);
      assert.equal(reopened.status, 303);
      assert.equal((await unitDetails(t.db, vallmon))?.closedOn, null);
      assert.deepEqual((await changesOf(t.db, 'unit', vallmon)).filter((c) => c.field === 'closed_on').map((c) => [c.oldValue, c.newValue]),
        [['2026-07-01', null], [null, '2026-07-01']]);
      assert.match((await admin.get(`/admin/units/${vallmon}`)).text, /Öppnades igen/);
      assert.equal((await postForm(admin, `/units/${vallmon}/groups`, `/units/${vallmon}/groups`, { name: 'Ny grupp' })).status, 303);
      assert.equal((await postForm(admin, `/admin/units/${vallmon}`, `/admin/units/${vallmon}/reopen`)).status, 400, 'an open unit is not reopened');
    });

    it('is the admin’s only: the head cannot close their unit', async () => {
      const res = await postForm(rektor, `/units/${solrosen}`, `/admin/units/${solrosen}/close`, { closed_on: '2027-01-01' });
      assert.equal(res.status, 404);
      assert.equal((await unitDetails(t.db, solrosen))?.closedOn, null);
    });
  });
});
