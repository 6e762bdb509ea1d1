// A closed unit and an ended group take no one new: no child added, placed or moved there, no staff assignment, no
// registry import row placing someone there (its people already there stay as the file says). The forms offer neither;
// a form sent anyway (or shown before the closing) comes back with the message at the field and nothing saved.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { fingerprint, groupId, municipalityId, personId, unitId } from '../support/demo.ts';
import { addMunicipalityAdmin, createGroup, createMunicipality, createUnit } from '../../server/people/commands.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import { insertAssignments, insertPlacements, RegisterMoved } from '../../server/people/registry-sync.ts';
import { applyImport, previewImport } from '../../server/registry-import/import.ts';
import { changesNothing } from '../../server/registry-import/rules.ts';
import { registryMailer } from '../../server/invitations/registry-invitations.ts';
import { today } from '../../server/kernel/clock.ts';

/** The values a page's select offers. */
function offered(html: string, select: string): number[] {
  const body = new RegExp(`<select id="${select}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1];
  assert.ok(body !== undefined, `the page has the select ${select}`);
  return [...body.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]));
}

describe('a closed unit and an ended group on the admin pages', () => {
  let t: TestApp;
  let admin: Agent;
  let solrosen: number;
  let eken: number;
  let ekorren: number;
  let gamla: number;
  let lingon: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    admin = await signIn(t.app, 'admin');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    lingon = await groupId(t.db, 'Lingon');
    const demo = await municipalityId(t.db, 'Demokommun');
    [eken, ekorren, gamla] = await t.db.transaction().execute(async (trx) => {
      const unit = await createUnit(trx, { municipalityId: demo, areaId: null, name: 'Förskolan Eken', kind: 'preschool' });
      return [unit, await createGroup(trx, unit, 'Ekorren'), await createGroup(trx, solrosen, 'Gamla gruppen')];
    });
    await t.db.updateTable('units').set({ closed_on: '2026-11-01' }).where('id', '=', eken).execute();
    await t.db.updateTable('groups').set({ ended_on: '2026-10-01' }).where('id', '=', gamla).execute();
  });
  after(() => t.close());

  describe('children', () => {
    it('offers neither in the new child’s form, and refuses a child sent there with the message at the group', async () => {
      const groups = offered((await admin.get('/admin/children/new')).text, 'group');
      assert.ok(groups.includes(lingon));
      assert.ok(!groups.includes(ekorren) && !groups.includes(gamla), String(groups));
      const before = await fingerprint(t.db);
      const child = { first_name: 'Stina', last_name: 'Stängd', birth_date: '2023-02-02', start_date: '2026-12-01', hour_limit: 'none' };
      const closed = await postForm(admin, '/admin/children/new', '/admin/children', { ...child, group: String(ekorren) });
      assert.equal(closed.status, 400);
      assert.match(closed.text, /id="group-error"[^>]*>[\s\S]{0,200}Enheten är stängd och tar inte emot nya placeringar/);
      assert.match(closed.text, /value="Stängd"/, 'the form comes back filled in');
      const ended = await postForm(admin, '/admin/children/new', '/admin/children', { ...child, group: String(gamla) });
      assert.equal(ended.status, 400);
      assert.match(ended.text, /id="group-error"[^>]*>[\s\S]{0,200}Gruppen har avslutats och tar inte emot nya placeringar/);
      assert.equal(await fingerprint(t.db), before, 'no child, no placement, no history');
    });

    it('refuses a new placement or a move there, and the child’s and placement’s pages offer neither', async () => {
      const elsa = await personId(t.db, 'Elsa', 'Andersson');
      const placement = await t.db.selectFrom('placements').select('id').where('child_id', '=', elsa).orderBy('id').executeTakeFirstOrThrow();
      for (const url of [`/admin/children/${elsa}`, `/placements/${placement.id}`]) {
        const groups = offered((await admin.get(url)).text, 'group');
        assert.ok(groups.includes(lingon), url);
        assert.ok(!groups.includes(ekorren) && !groups.includes(gamla), `${url}: ${groups}`);
      }

      const before = await fingerprint(t.db);
      const started = await postForm(admin, `/admin/children/${elsa}`, `/children/${elsa}/placements`, { group: String(gamla), start_date: '2027-08-01' });
      assert.equal(started.status, 400);
      assert.match(started.text, /id="group-error"[^>]*>[\s\S]{0,200}Gruppen har avslutats/);
      const moved = await postForm(admin, `/placements/${placement.id}`, `/placements/${placement.id}/move`, { group: String(ekorren), move_date: '2026-12-07' });
      assert.equal(moved.status, 400);
      assert.match(moved.text, /id="group-error"[^>]*>[\s\S]{0,200}Enheten är stängd/);
      assert.equal(await fingerprint(t.db), before);
    });
  });

  describe('staff', () => {
    const vera = { firstName: 'Vera', lastName: 'Stängd', email: 'vera.stangd@example.com', role: 'staff', startDate: '2026-12-01', endDate: '', invite: 'yes' };

    it('offers neither in the new staff member’s form, and refuses one sent there with the message at the field', async () => {
      const form = (await admin.get('/admin/staff/new')).text;
      assert.ok(offered(form, 'unit').includes(solrosen) && !offered(form, 'unit').includes(eken), String(offered(form, 'unit')));
      assert.ok(offered(form, 'group').includes(lingon));
      assert.ok(!offered(form, 'group').includes(gamla) && !offered(form, 'group').includes(ekorren), String(offered(form, 'group')));
      const before = await fingerprint(t.db);
      const closed = await postForm(admin, '/admin/staff/new', '/admin/staff', { ...vera, unit: String(eken), group: '' });
      assert.equal(closed.status, 400);
      assert.match(closed.text, /id="unit-error"[^>]*>[\s\S]{0,200}Enheten är stängd och tar inte emot ny personal/);
      const ended = await postForm(admin, '/admin/staff/new', '/admin/staff', { ...vera, unit: String(solrosen), group: String(gamla) });
      assert.equal(ended.status, 400);
      assert.match(ended.text, /id="group-error"[^>]*>[\s\S]{0,200}Gruppen har avslutats och tar inte emot ny personal/);
      assert.equal(await fingerprint(t.db), before, 'no person, no assignment, no invitation');
    });

    it('refuses an assignment there on the staff member’s page, which offers neither', async () => {
      const sara = await personId(t.db, 'Sara', 'Holm');
      const page = (await admin.get(`/admin/staff/${sara}`)).text;
      assert.ok(offered(page, 'unit').includes(solrosen) && !offered(page, 'unit').includes(eken), String(offered(page, 'unit')));
      assert.ok(!offered(page, 'group').includes(gamla) && !offered(page, 'group').includes(ekorren), String(offered(page, 'group')));
      const before = await fingerprint(t.db);
      const closed = await postForm(admin, `/admin/staff/${sara}`, `/admin/staff/${sara}/assignments`,
        { unit: String(eken), group: String(ekorren), role: 'staff', startDate: '2026-12-01', endDate: '' });
      assert.equal(closed.status, 400);
      assert.match(closed.text, /id="unit-error"[^>]*>[\s\S]{0,200}Enheten är stängd/);
      const ended = await postForm(admin, `/admin/staff/${sara}`, `/admin/staff/${sara}/assignments`,
        { unit: String(solrosen), group: String(gamla), role: 'staff', startDate: '2026-12-01', endDate: '' });
      assert.equal(ended.status, 400);
      assert.match(ended.text, /id="group-error"[^>]*>[\s\S]{0,200}Gruppen har avslutats/);
      assert.equal(await fingerprint(t.db), before);
    });
  });
});

describe('a closed unit and an ended group in the registry import', () => {
  let t: TestApp;
  let municipality: number;
  let tallen: number;
  let granen: number;
  let kotten: number;
  let barret: number;
  let by: { personId: number; accountId: number };
  const CHILD = identityNumber('2021-03-15', 301);
  const OTHER = identityNumber('2021-04-16', 302);
  const STAFF = identityNumber('1985-04-04', 303);
  const header = 'typ;personnummer;fornamn;efternamn;barn;enhet;grupp;startdatum;slutdatum;roll';
  const file = (...rows: string[]) => [header, ...rows].join('\n');
  const preview = (text: string) => previewImport(t.db, { municipalityId: municipality, text, encoding: 'utf-8', today: today(t.clock) });
  const apply = (text: string) => applyImport(t.db, {
    municipalityId: municipality, text, encoding: 'utf-8', today: today(t.clock), now: t.clock.now(), by, source: 'import', mail: registryMailer(t.config),
  });

  before(async () => {
    t = await startTestApp();
    const admin = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'admin').executeTakeFirstOrThrow();
    by = { personId: admin.person_id, accountId: admin.id };
    [municipality, tallen, granen, kotten, barret] = await t.db.transaction().execute(async (trx) => {
      const id = await createMunicipality(trx, { name: 'Stängdakommun' }, t.clock.now());
      const open = await createUnit(trx, { municipalityId: id, areaId: null, name: 'Förskolan Tallen', kind: 'preschool' });
      const closed = await createUnit(trx, { municipalityId: id, areaId: null, name: 'Förskolan Granen', kind: 'preschool' });
      await createGroup(trx, closed, 'Kotten');
      const groups = [await createGroup(trx, open, 'Kotten'), await createGroup(trx, open, 'Barret')];
      await addMunicipalityAdmin(trx, admin.person_id, id);
      return [id, open, closed, ...groups];
    });
  });
  after(() => t.close());

  it('refuses, row by row in Swedish, a child or staff member placed anew in a closed unit or an ended group', async () => {
    await t.db.updateTable('units').set({ closed_on: '2026-11-01' }).where('id', '=', granen).execute();
    await t.db.updateTable('groups').set({ ended_on: '2026-10-01' }).where('id', '=', barret).execute();
    const text = file(
      `barn;${CHILD};Åsa;Öström;;Förskolan Granen;Kotten;2026-12-01;;`,
      `barn;${OTHER};Olle;Öström;;Förskolan Tallen;Barret;2026-12-01;;`,
      `personal;${STAFF};Stina;Ek;;Förskolan Granen;;;;personal`,
    );
    const { plan } = await preview(text);
    assert.ok(plan);
    assert.deepEqual(plan.refused.map((r) => [r.line, r.reason.key, r.reason.params]), [
      [2, 'registryImport.refused.unitClosed', { unit: 'Förskolan Granen' }],
      [3, 'registryImport.refused.groupEnded', { unit: 'Förskolan Tallen', group: 'Barret' }],
      [4, 'registryImport.refused.unitClosed', { unit: 'Förskolan Granen' }],
    ]);
    assert.deepEqual([plan.newPlacements.length, plan.newAssignments.length], [0, 0]);
    const before = await fingerprint(t.db);
    const outcome = await apply(text);
    assert.equal(outcome.ok ? 'applied' : outcome.error, 'refused-rows');
    assert.equal(await fingerprint(t.db), before);
    await t.db.updateTable('units').set({ closed_on: null }).where('id', '=', granen).execute();
    await t.db.updateTable('groups').set({ ended_on: null }).where('id', '=', barret).execute();
  });

  it('keeps the rows of those already placed there when the unit closes or the group ends', async () => {
    const text = file(`barn;${OTHER};Olle;Öström;;Förskolan Tallen;Barret;2026-09-01;2026-09-30;`);
    const first = await apply(text);
    assert.ok(first.ok, JSON.stringify(!first.ok && 'plan' in first && first.plan.refused));
    await t.db.updateTable('groups').set({ ended_on: '2026-10-01' }).where('id', '=', barret).execute();
    const { plan } = await preview(text);
    assert.ok(plan);
    assert.deepEqual(plan.refused, []);
    assert.ok(changesNothing(plan));
    await t.db.updateTable('groups').set({ ended_on: null }).where('id', '=', barret).execute();
  });

  it('checks again in the transaction of the apply: a group ended or a unit closed since the plan moves the register', async () => {
    await t.db.updateTable('groups').set({ ended_on: '2026-11-20' }).where('id', '=', kotten).execute();
    await t.db.updateTable('units').set({ closed_on: '2026-11-20' }).where('id', '=', granen).execute();
    const child = (await t.db.selectFrom('persons').select('id').where('identity_number', '=', OTHER).executeTakeFirstOrThrow()).id;
    const author = { source: 'import' as const, personId: by.personId, at: t.clock.now() };
    const before = await fingerprint(t.db);
    await assert.rejects(t.db.transaction().execute((trx) =>
      insertPlacements(trx, municipality, [{ childId: child, groupId: kotten, startDate: '2026-12-01', endDate: null }], author)), RegisterMoved);
    await assert.rejects(t.db.transaction().execute((trx) =>
      insertAssignments(trx, municipality, [{ personId: child, unitId: granen, groupId: null, role: 'staff', startDate: null, endDate: null }], author)), RegisterMoved);
    await assert.rejects(t.db.transaction().execute((trx) =>
      insertAssignments(trx, municipality, [{ personId: child, unitId: tallen, groupId: kotten, role: 'staff', startDate: null, endDate: null }], author)), RegisterMoved);
    assert.equal(await fingerprint(t.db), before);
  });
});
