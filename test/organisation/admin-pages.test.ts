// The organisation's admin pages: the overview, areas, units and a unit's groups, as the municipality's admin and a
// unit's head use them. Plain forms: a wrong field comes back with what was typed and the message at the field; a
// name already taken is said at the field; every change leaves its history with who made it; a group is ended or
// removed only when empty.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId, unitId } from '../support/demo.ts';
import { changesOf } from '../../server/people/register-changes.ts';
import { groupsOfUnit } from '../../server/people/queries.ts';
import { addPlacement } from '../../server/people/commands.ts';

describe('the organisation admin pages', () => {
  let t: TestApp;
  let admin: Agent;
  let rektor: Agent;
  let demo: number;
  let solrosen: number;
  let adminPerson: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    admin = await signIn(t.app, 'admin');
    rektor = await signIn(t.app, 'rektor');
    demo = await municipalityId(t.db, 'Demokommun');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    const account = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    adminPerson = account.person_id;
  });
  after(() => t.close());

  const areaNamed = (name: string) => t.db.selectFrom('areas').select(['id', 'name', 'municipality_id']).where('name', '=', name).executeTakeFirst();
  const unitNamed = (name: string) => t.db.selectFrom('units').selectAll().where('name', '=', name).executeTakeFirst();

  describe('GET /admin', () => {
    it('lists the sections that exist, linked from the admin start page', async () => {
      const start = await admin.get('/');
      assert.match(start.text, /href="\/admin"/);
      const res = await admin.get('/admin');
      assert.equal(res.status, 200);
      assert.match(res.text, /href="\/admin\/areas"/);
      assert.match(res.text, /href="\/admin\/units"/);
      assert.match(res.text, new RegExp(`href="/municipalities/${demo}"`));
      // a section another domain has not built yet is not linked (every link leads somewhere)
      for (const [, path] of res.text.matchAll(/href="(\/admin\/[a-z]+)"/g)) {
        assert.equal((await admin.get(path)).status, 200, path);
      }
    });

    it('is not there for a unit head, a teacher or a guardian', async () => {
      assert.equal((await rektor.get('/admin')).status, 404);
      assert.doesNotMatch((await rektor.get('/')).text, /href="\/admin"/);
    });
  });

  describe('POST /admin/areas', () => {
    it('creates an area with its history, then shows it in the searchable list', async () => {
      const res = await postForm(admin, '/admin/areas', '/admin/areas', { name: '  Östra   området ' });
      assert.equal(res.status, 303);
      const area = await areaNamed('Östra området');
      assert.ok(area, 'stored trimmed');
      assert.equal(area.municipality_id, demo);
      assert.equal(res.headers.location, `/admin/areas/${area.id}`);
      const history = await changesOf(t.db, 'area', area.id);
      assert.deepEqual(history.map((c) => [c.change, c.newValue, c.changedBy, c.source]), [['created', 'Östra området', adminPerson, 'admin']]);
      const page = await admin.get(`/admin/areas/${area.id}`);
      assert.match(page.text, /Historik/);
      assert.match(page.text, /Skapades som ”Östra området”/);

      const found = await admin.get('/admin/areas?q=östra');
      assert.match(found.text, /Östra området/);
      assert.doesNotMatch(found.text, /Norra området/);
      assert.match((await admin.get('/admin/areas')).text, /Norra området/);
    });

    it('refuses an empty name and a name the municipality already has, at the field, with what was typed', async () => {
      const empty = await postForm(admin, '/admin/areas', '/admin/areas', { name: '   ' });
      assert.equal(empty.status, 400);
      assert.match(empty.text, /<title>Fel:/);
      assert.match(empty.text, /id="name-error"[^>]*>.*Skriv ett namn\./s);
      const taken = await postForm(admin, '/admin/areas', '/admin/areas', { name: 'Norra området' });
      assert.equal(taken.status, 400);
      assert.match(taken.text, /Kommunen har redan ett område med det namnet\./);
      assert.match(taken.text, /name="name" type="text" value="Norra området"/);
      const areas = await t.db.selectFrom('areas').select('id').where('name', '=', 'Norra området').execute();
      assert.equal(areas.length, 1, 'nothing half-saved');
    });

    it('renames an area and removes it only when no unit belongs to it', async () => {
      const norra = await areaNamed('Norra området');
      assert.ok(norra);
      const refused = await postForm(admin, `/admin/areas/${norra.id}`, `/admin/areas/${norra.id}/remove`);
      assert.equal(refused.status, 400);
      assert.match(refused.text, /Området kan inte tas bort/);
      assert.ok(await areaNamed('Norra området'), 'still there');

      await postForm(admin, '/admin/areas', '/admin/areas', { name: 'Tillfälligt' });
      const temp = await areaNamed('Tillfälligt');
      assert.ok(temp);
      const renamed = await postForm(admin, `/admin/areas/${temp.id}`, `/admin/areas/${temp.id}`, { name: 'Västra området' });
      assert.equal(renamed.status, 303);
      assert.equal((await areaNamed('Västra området'))?.id, temp.id);
      const removed = await postForm(admin, `/admin/areas/${temp.id}`, `/admin/areas/${temp.id}/remove`);
      assert.equal(removed.status, 303);
      assert.equal(await areaNamed('Västra området'), undefined);
      const history = await changesOf(t.db, 'area', temp.id);
      assert.deepEqual(history.map((c) => [c.change, c.field, c.oldValue, c.newValue]),
        [['removed', null, 'Västra området', null], ['changed', 'name', 'Tillfälligt', 'Västra området'], ['created', null, null, 'Tillfälligt']]);
    });

    it('does not let an admin of another municipality see or change the area', async () => {
      const granne = await signIn(t.app, 'grannadmin');
      const norra = await areaNamed('Norra området');
      assert.ok(norra);
      assert.equal((await granne.get(`/admin/areas/${norra.id}`)).status, 404);
      assert.doesNotMatch((await granne.get('/admin/areas')).text, /Norra området/);
    });
  });

  describe('POST /admin/units', () => {
    it('creates a unit with kind, area, address and contact details, each field in its history', async () => {
      const norra = await areaNamed('Norra området');
      assert.ok(norra);
      const res = await postForm(admin, '/admin/units/new', '/admin/units', {
        name: 'Förskolan Tussilago', kind: 'preschool', area: String(norra.id), street_address: 'Ängsvägen 4', postal_code: '12345',
        city: 'Demostad', phone: '08-123 456 78', email: 'tussilago@demokommun.se',
      });
      assert.equal(res.status, 303);
      const unit = await unitNamed('Förskolan Tussilago');
      assert.ok(unit);
      assert.deepEqual([unit.kind, unit.area_id, unit.street_address, unit.postal_code, unit.city, unit.phone, unit.email, unit.municipality_id],
        ['preschool', norra.id, 'Ängsvägen 4', '123 45', 'Demostad', '08-123 456 78', 'tussilago@demokommun.se', demo]);
      const history = await changesOf(t.db, 'unit', unit.id);
      assert.ok(history.some((c) => c.change === 'created' && c.newValue === 'Förskolan Tussilago'));
      assert.ok(history.some((c) => c.field === 'email' && c.newValue === 'tussilago@demokommun.se'));
      const page = await admin.get(`/admin/units/${unit.id}`);
      assert.match(page.text, new RegExp(`href="/units/${unit.id}/settings/opening-hours"`));
      assert.match(page.text, new RegExp(`href="/units/${unit.id}/groups"`));
      assert.match((await admin.get('/admin/units?q=tussi')).text, /Förskolan Tussilago/);
    });

    it('brings the form back filled in, with each wrong field said at the field, and saves nothing', async () => {
      const res = await postForm(admin, '/admin/units/new', '/admin/units', {
        name: 'Förskolan Solrosen', kind: 'zoo', area: '', postal_code: '1234', phone: 'ring mig', email: 'inte en adress', city: 'Demostad',
      });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="kind-error"/);
      assert.match(res.text, /id="postal_code-error"[^>]*>.*fem siffror/s);
      assert.match(res.text, /id="phone-error"/);
      assert.match(res.text, /id="email-error"/);
      assert.match(res.text, /name="city" type="text" value="Demostad"/);
      assert.match(res.text, /name="postal_code" type="text" value="1234"/);
      const taken = await postForm(admin, '/admin/units/new', '/admin/units', { name: 'Förskolan Solrosen', kind: 'school' });
      assert.equal(taken.status, 400);
      assert.match(taken.text, /Kommunen har redan en förskola eller skola med det namnet\./);
      assert.equal((await t.db.selectFrom('units').select('id').where('name', '=', 'Förskolan Solrosen').execute()).length, 1);
    });

    it('refuses an area of another municipality', async () => {
      const granne = await municipalityId(t.db, 'Grannkommun');
      const { id: foreignArea } = await t.db.insertInto('areas').values({ municipality_id: granne, name: 'Grannens område' }).returning('id').executeTakeFirstOrThrow();
      const res = await postForm(admin, '/admin/units/new', '/admin/units', { name: 'Skolan Smygen', kind: 'school', area: String(foreignArea) });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="area-error"/);
      assert.equal(await unitNamed('Skolan Smygen'), undefined);
    });

    it('changes only what changed, and records each field with its old and new value', async () => {
      const unit = await unitNamed('Förskolan Tussilago');
      assert.ok(unit);
      const res = await postForm(admin, `/admin/units/${unit.id}`, `/admin/units/${unit.id}`, {
        name: 'Förskolan Tussilago', kind: 'preschool', area: '', street_address: 'Ängsvägen 4', postal_code: '123 45', city: 'Demostad',
        phone: '08-123 456 79', email: 'tussilago@demokommun.se',
      });
      assert.equal(res.status, 303);
      const history = await changesOf(t.db, 'unit', unit.id);
      const latest = history.filter((c) => c.id > Math.max(...history.filter((h) => h.change === 'created').map((h) => h.id)) && c.change === 'changed');
      const newest = latest.filter((c) => c.oldValue !== null);
      assert.deepEqual(newest.map((c) => [c.field, c.oldValue, c.newValue]).sort(), [['area_id', String(unit.area_id), null], ['phone', '08-123 456 78', '08-123 456 79']].sort());
      const page = await admin.get(`/admin/units/${unit.id}`);
      assert.match(page.text, /Telefon ändrades från ”08-123 456 78” till ”08-123 456 79”/);
      assert.match(page.text, /Område ändrades från ”Norra området” till ”–”/, 'the area by its name, not its id');
    });

    it('is for the municipality’s admin only: not a unit head', async () => {
      assert.equal((await rektor.get(`/admin/units/${solrosen}`)).status, 404);
      assert.equal((await rektor.get('/admin/units')).status, 404);
    });
  });

  describe('a unit’s groups (/units/:unitId/groups)', () => {
    it('lets the unit head create and rename a group, with its history', async () => {
      const unitPage = await rektor.get(`/units/${solrosen}`);
      assert.match(unitPage.text, new RegExp(`href="/units/${solrosen}/groups"`));
      const created = await postForm(rektor, `/units/${solrosen}/groups`, `/units/${solrosen}/groups`, { name: 'Hallon' });
      assert.equal(created.status, 303);
      const hallon = await groupId(t.db, 'Hallon');
      const renamed = await postForm(rektor, `/units/${solrosen}/groups/${hallon}`, `/units/${solrosen}/groups/${hallon}`, { name: 'Hallonet' });
      assert.equal(renamed.status, 303);
      const rektorPerson = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'rektor').executeTakeFirstOrThrow()).person_id;
      const history = await changesOf(t.db, 'group', hallon);
      assert.deepEqual(history.map((c) => [c.change, c.field, c.oldValue, c.newValue, c.changedBy]),
        [['changed', 'name', 'Hallon', 'Hallonet', rektorPerson], ['created', null, null, 'Hallon', rektorPerson]]);
      const taken = await postForm(rektor, `/units/${solrosen}/groups`, `/units/${solrosen}/groups`, { name: 'Blåbär' });
      assert.equal(taken.status, 400);
      assert.match(taken.text, /Enheten har redan en grupp med det namnet\./);
    });

    it('does not end a group with children placed today or later, and ends it once they have left', async () => {
      const { id: tall } = await t.db.insertInto('groups').values({ unit_id: solrosen, name: 'Tallen' }).returning('id').executeTakeFirstOrThrow();
      const elsa = await personId(t.db, 'Elsa', 'Andersson');
      await t.db.transaction().execute((trx) => addPlacement(trx, { childId: elsa, groupId: tall, startDate: '2026-01-01', endDate: '2026-11-24' }));
      const refused = await postForm(rektor, `/units/${solrosen}/groups/${tall}`, `/units/${solrosen}/groups/${tall}/end`);
      assert.equal(refused.status, 400);
      assert.match(refused.text, /barn är placerade i den i dag eller framåt/);
      assert.equal((await t.db.selectFrom('groups').select('ended_on').where('id', '=', tall).executeTakeFirstOrThrow()).ended_on, null);

      t.clock.set('2026-11-25T09:00:00Z'); // the placement ended yesterday
      try {
        const removed = await postForm(rektor, `/units/${solrosen}/groups/${tall}`, `/units/${solrosen}/groups/${tall}/remove`);
        assert.equal(removed.status, 400, 'a group that was used is ended, not removed');
        assert.match(removed.text, /Avsluta den i stället/);
        const ended = await postForm(rektor, `/units/${solrosen}/groups/${tall}`, `/units/${solrosen}/groups/${tall}/end`);
        assert.equal(ended.status, 303);
        assert.equal((await t.db.selectFrom('groups').select('ended_on').where('id', '=', tall).executeTakeFirstOrThrow()).ended_on, '2026-11-25');
        assert.ok(!(await groupsOfUnit(t.db, solrosen)).some((g) => g.id === tall), 'no longer among the groups in use');
        assert.deepEqual((await changesOf(t.db, 'group', tall)).map((c) => [c.change, c.newValue]), [['ended', '2026-11-25']]);
        const page = await rektor.get(`/units/${solrosen}/groups`);
        assert.match(page.text, /Avslutade grupper/);
        // the name is free again for a group in use
        assert.equal((await postForm(rektor, `/units/${solrosen}/groups`, `/units/${solrosen}/groups`, { name: 'Tallen' })).status, 303);
      } finally {
        t.clock.set('2026-11-24T09:00:00Z');
      }
    });

    it('does not end a group its staff are assigned to, nor remove a group in use', async () => {
      const blabar = await groupId(t.db, 'Blåbär');
      const end = await postForm(rektor, `/units/${solrosen}/groups/${blabar}`, `/units/${solrosen}/groups/${blabar}/end`);
      assert.equal(end.status, 400);
      const remove = await postForm(rektor, `/units/${solrosen}/groups/${blabar}`, `/units/${solrosen}/groups/${blabar}/remove`);
      assert.equal(remove.status, 400);
      assert.ok((await groupsOfUnit(t.db, solrosen)).some((g) => g.id === blabar));

      const { id: ek } = await t.db.insertInto('groups').values({ unit_id: solrosen, name: 'Eken' }).returning('id').executeTakeFirstOrThrow();
      const pedagog = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'pedagog').executeTakeFirstOrThrow();
      await t.db.insertInto('staff_assignments').values({ person_id: pedagog.person_id, unit_id: solrosen, group_id: ek, role: 'staff' }).execute();
      const staffed = await postForm(rektor, `/units/${solrosen}/groups/${ek}`, `/units/${solrosen}/groups/${ek}/end`);
      assert.equal(staffed.status, 400);
      assert.match(staffed.text, /personal är kopplad till den/);
    });

    it('removes a group made by mistake, with its history', async () => {
      await postForm(rektor, `/units/${solrosen}/groups`, `/units/${solrosen}/groups`, { name: 'Felskriven' });
      const wrong = await groupId(t.db, 'Felskriven');
      const res = await postForm(rektor, `/units/${solrosen}/groups/${wrong}`, `/units/${solrosen}/groups/${wrong}/remove`);
      assert.equal(res.status, 303);
      assert.equal(await t.db.selectFrom('groups').select('id').where('id', '=', wrong).executeTakeFirst(), undefined);
      assert.deepEqual((await changesOf(t.db, 'group', wrong)).map((c) => c.change), ['removed', 'created']);
    });

    it('answers 404 for a group of another unit under this unit’s path', async () => {
      const lingon = await groupId(t.db, 'Humlan'); // Vitsippan's
      assert.equal((await admin.get(`/units/${solrosen}/groups/${lingon}`)).status, 404);
      const before = await t.db.selectFrom('groups').select('name').where('id', '=', lingon).executeTakeFirstOrThrow();
      assert.equal((await postForm(admin, `/units/${solrosen}/groups`, `/units/${solrosen}/groups/${lingon}`, { name: 'Kapad' })).status, 404);
      assert.equal((await t.db.selectFrom('groups').select('name').where('id', '=', lingon).executeTakeFirstOrThrow()).name, before.name);
    });

    it('is not for a unit head of another unit, nor for staff', async () => {
      const rektor2 = await signIn(t.app, 'rektor2');
      const pedagog = await signIn(t.app, 'pedagog');
      assert.equal((await rektor2.get(`/units/${solrosen}/groups`)).status, 404);
      assert.equal((await pedagog.get(`/units/${solrosen}/groups`)).status, 404);
    });
  });
});
