// Children and placements on the admin pages: the lists (searchable, paged, a unit head's own unit), adding a child,
// starting, ending and moving placements (no gap, no overlap), linking guardians, the history, and a guardian's access
// to the group ending the day after the placement's last day.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { fingerprint, groupId, personId, unitId } from '../support/demo.ts';
import { maskedIdentity, parseIdentity } from '../../server/children/rules.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import { startPlacement } from '../../server/people/placements.ts';

const placementsOf = (t: TestApp, childId: number) => t.db.selectFrom('placements').select(['id', 'group_id', 'start_date', 'end_date'])
  .where('child_id', '=', childId).orderBy('start_date').orderBy('id').execute();

describe('personnummer on the admin pages', () => {
  it('reads a personnummer or samordningsnummer in its usual forms, and refuses a wrong check digit', () => {
    assert.deepEqual(parseIdentity('190314-2386'), { number: '20190314-2386', kind: 'personnummer', birthDate: '2019-03-14' });
    assert.deepEqual(parseIdentity('201903142386'), { number: '20190314-2386', kind: 'personnummer', birthDate: '2019-03-14' });
    assert.deepEqual(parseIdentity('20190374-2383'), { number: '20190374-2383', kind: 'samordningsnummer', birthDate: '2019-03-14' });
    assert.equal(parseIdentity('20190314-2387'), undefined);
    assert.equal(parseIdentity('abc'), undefined);
  });

  it('masks a number as ÅÅMMDD-XXXX', () => {
    assert.equal(maskedIdentity('20190314-2386'), '190314-XXXX');
    assert.equal(maskedIdentity(null), null);
  });
});

describe('the children admin', () => {
  let t: TestApp;
  let admin: Agent;
  let rektor: Agent;
  let elsa: number;
  let blabar: number;
  let lingon: number;
  let solrosen: number;
  let elsaNumber: string;

  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    admin = await signIn(t.app, 'admin');
    rektor = await signIn(t.app, 'rektor');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    blabar = await groupId(t.db, 'Blåbär');
    lingon = await groupId(t.db, 'Lingon');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    elsaNumber = (await t.db.selectFrom('persons').select('identity_number').where('id', '=', elsa).executeTakeFirstOrThrow()).identity_number ?? '';
  });
  after(() => t.close());
  beforeEach(() => t.clock.set('2026-11-24T09:00:00Z'));

  describe('GET /admin/children', () => {
    it("lists the municipality's children with the personnummer masked, never whole", async () => {
      const res = await admin.get('/admin/children');
      assert.equal(res.status, 200);
      assert.match(res.text, /Andersson, Elsa/);
      assert.ok(elsaNumber.length === 13, 'Elsa has a personnummer');
      assert.ok(res.text.includes(`${elsaNumber.slice(2, 8)}-XXXX`));
      assert.ok(!res.text.includes(elsaNumber) && !res.text.includes(elsaNumber.slice(2)), 'the whole number is not shown');
      assert.doesNotMatch(res.text, /Ekollon/, "the other municipality's children are not listed");
    });

    it('leaves out a child whose placements have all ended, unless asked to show them', async () => {
      assert.doesNotMatch((await admin.get('/admin/children').query({ q: 'Linnea' })).text, /Slutberg, Linnea/);
      assert.match((await admin.get('/admin/children').query({ q: 'Linnea', ended: 'yes' })).text, /Slutberg, Linnea/);
    });

    it('finds by name and by birth date, never by a whole personnummer', async () => {
      const byName = await admin.get('/admin/children').query({ q: 'elsa' });
      assert.match(byName.text, /Andersson, Elsa/);
      assert.doesNotMatch(byName.text, /Haddad, Nora/);
      const byBirthDate = await admin.get('/admin/children').query({ q: elsaNumber.slice(2, 8) });
      assert.match(byBirthDate.text, /Andersson, Elsa/);
      assert.doesNotMatch(byBirthDate.text, /Haddad, Nora/);
      // a whole personnummer is not searched for (it would stand in the URL), nor written back into the page
      const byNumber = await admin.get('/admin/children').query({ q: elsaNumber });
      assert.match(byNumber.text, /inte hela personnumret/);
      assert.ok(!byNumber.text.includes(elsaNumber) && !byNumber.text.includes(elsaNumber.slice(2)));
    });

    it('pages by 50', async () => {
      const { municipality_id } = await t.db.selectFrom('persons').select('municipality_id').where('id', '=', elsa).executeTakeFirstOrThrow();
      for (let n = 0; n < 55; n++) {
        const { id } = await t.db.insertInto('persons').values({ municipality_id, first_name: `Sida${String(n).padStart(2, '0')}`, last_name: 'Sidtest',
          protected_identity: 0, created_at: '2026-11-01T00:00:00Z' }).returning('id').executeTakeFirstOrThrow();
        await t.db.insertInto('placements').values({ child_id: id, group_id: lingon, start_date: '2026-08-01', hour_limit: 'none' }).execute();
      }
      const rows = (text: string) => (text.match(/Sidtest, Sida\d\d/g) ?? []);
      const first = await admin.get('/admin/children').query({ q: 'sidtest' });
      assert.equal(rows(first.text).length, 50);
      assert.match(first.text, /55 barn/);
      assert.match(first.text, /href="\/admin\/children\?q=sidtest&amp;page=2"/);
      const second = await admin.get('/admin/children').query({ q: 'sidtest', page: '2' });
      assert.deepEqual(rows(second.text), ['Sidtest, Sida50', 'Sidtest, Sida51', 'Sidtest, Sida52', 'Sidtest, Sida53', 'Sidtest, Sida54']);
    });

    it("is a unit head's for their own unit only", async () => {
      const own = await rektor.get(`/units/${solrosen}/children`);
      assert.equal(own.status, 200);
      assert.match(own.text, /Andersson, Elsa/);
      assert.doesNotMatch(own.text, /Andersson, Oskar/, 'Oskar is at Björkskolan');
      const other = await rektor.get(`/units/${await unitId(t.db, 'Björkskolan')}/children`);
      assert.equal(other.status, 404);
      assert.equal((await rektor.get('/admin/children')).status, 404);
    });
  });

  describe("a child's page", () => {
    it('shows placements and guardians, the number masked, and the protected-identity marker', async () => {
      const res = await admin.get(`/admin/children/${elsa}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /Blåbär/);
      assert.match(res.text, /Emma/);
      assert.ok(!res.text.includes(elsaNumber));
      const nora = await admin.get(`/admin/children/${await personId(t.db, 'Nora', 'Haddad')}`);
      assert.match(nora.text, /Skyddade personuppgifter/);
      assert.doesNotMatch(nora.text, /Hemlig väg|462 99/);
    });
  });

  describe('adding a child', () => {
    it('adds the child with the first placement and its history', async () => {
      const number = identityNumber('2023-05-02', 417);
      const res = await postForm(admin, '/admin/children/new', '/admin/children', {
        first_name: 'Maja', last_name: 'Nyberg', identity_number: number.slice(2), group: String(lingon), start_date: '2026-12-01', hour_limit: 'none',
      });
      assert.equal(res.status, 303);
      const childId = Number(/\/admin\/children\/(\d+)$/.exec(res.headers.location)?.[1]);
      const person = await t.db.selectFrom('persons').select(['first_name', 'identity_number', 'identity_kind', 'birth_date']).where('id', '=', childId).executeTakeFirstOrThrow();
      assert.deepEqual(person, { first_name: 'Maja', identity_number: number, identity_kind: 'personnummer', birth_date: '2023-05-02' });
      assert.deepEqual((await placementsOf(t, childId)).map((p) => [p.group_id, p.start_date, p.end_date]), [[lingon, '2026-12-01', null]]);
      const page = await admin.get(res.headers.location);
      assert.match(page.text, /Barnet är tillagt/);
      assert.match(page.text, /Historik[\s\S]*Placering – tillagd: grupp/);
    });

    it('brings the form back filled in, with the message at the field, and saves nothing on bad input', async () => {
      const before = await fingerprint(t.db);
      const res = await postForm(admin, '/admin/children/new', '/admin/children', {
        first_name: 'Maja', last_name: 'Felsson', identity_number: '20230502-4171', group: String(lingon), start_date: '2026-12-01',
      });
      assert.equal(res.status, 400);
      assert.match(res.text, /<title>Fel:/);
      assert.match(res.text, /id="identity_number-error"[^>]*>[\s\S]*inget giltigt personnummer/);
      assert.match(res.text, /value="Felsson"/);
      assert.equal(await fingerprint(t.db), before);
    });

    it('refuses a personnummer already in the register and links to that child', async () => {
      const before = await fingerprint(t.db);
      const res = await postForm(admin, '/admin/children/new', '/admin/children', {
        first_name: 'Elsa', last_name: 'Dubblett', identity_number: elsaNumber, group: String(lingon), start_date: '2026-12-01',
      });
      assert.equal(res.status, 400);
      assert.match(res.text, /finns redan i kommunens register/);
      assert.ok(res.text.includes(`href="/admin/children/${elsa}"`));
      assert.equal(await fingerprint(t.db), before);
    });

    it("lets a unit head add a child only to their own unit's groups", async () => {
      const before = await fingerprint(t.db);
      const res = await postForm(rektor, `/units/${solrosen}/children/new`, `/units/${solrosen}/children`, {
        first_name: 'Ture', last_name: 'Annanstans', birth_date: '2023-01-01', group: String(await groupId(t.db, '2B')), start_date: '2026-12-01',
      });
      assert.equal(res.status, 400);
      assert.match(res.text, /Välj en grupp/);
      assert.equal(await fingerprint(t.db), before);
    });
  });

  describe('the correction form', () => {
    it('shows the whole personnummer there only, saves a correction with its history, and refuses a number taken', async () => {
      const maja = await personId(t.db, 'Maja', 'Nyberg'); // (added above)
      const form = await admin.get(`/admin/children/${maja}/edit`);
      assert.equal(form.status, 200);
      const number = identityNumber('2023-05-02', 417);
      assert.ok(form.text.includes(`value="${number}"`), 'the whole number, to correct it');
      const fixed = identityNumber('2023-05-12', 418);
      const saved = await postForm(admin, `/admin/children/${maja}/edit`, `/admin/children/${maja}/edit`, {
        first_name: 'Maja', last_name: 'Nyberg Ek', identity_number: fixed, street_address: 'Ekvägen 3', postal_code: '462 40', city: 'Demostad',
      });
      assert.equal(saved.status, 303);
      const person = await t.db.selectFrom('persons').select(['last_name', 'identity_number', 'birth_date', 'city']).where('id', '=', maja).executeTakeFirstOrThrow();
      assert.deepEqual(person, { last_name: 'Nyberg Ek', identity_number: fixed, birth_date: '2023-05-12', city: 'Demostad' });
      const page = await admin.get(`/admin/children/${maja}`);
      assert.match(page.text, /Barnet – ändrad: personnummer/);
      assert.ok(!page.text.includes(fixed) && !page.text.includes(number), 'neither number in the history');

      const before = await fingerprint(t.db);
      const taken = await postForm(admin, `/admin/children/${maja}/edit`, `/admin/children/${maja}/edit`, {
        first_name: 'Maja', last_name: 'Nyberg Ek', identity_number: elsaNumber,
      });
      assert.equal(taken.status, 400);
      assert.match(taken.text, /finns redan i kommunens register/);
      assert.equal(await fingerprint(t.db), before);
    });

    it('never shows a protected address, nor changes it', async () => {
      const nora = await personId(t.db, 'Nora', 'Haddad');
      const form = await admin.get(`/admin/children/${nora}/edit`);
      assert.equal(form.status, 200);
      assert.doesNotMatch(form.text, /Hemlig väg|462 99/);
      const saved = await postForm(admin, `/admin/children/${nora}/edit`, `/admin/children/${nora}/edit`, {
        first_name: 'Nora', last_name: 'Haddad', birth_date: '2021-09-30', identity_number: (await t.db.selectFrom('persons').select('identity_number').where('id', '=', nora).executeTakeFirstOrThrow()).identity_number ?? '',
        protected_identity: 'yes',
      });
      assert.equal(saved.status, 303, saved.text);
      const person = await t.db.selectFrom('persons').select(['street_address', 'protected_identity']).where('id', '=', nora).executeTakeFirstOrThrow();
      assert.deepEqual(person, { street_address: 'Hemlig väg 1', protected_identity: 1 });
    });
  });

  describe('placements', () => {
    async function newChild(name: string, group: number, start: string): Promise<number> {
      const res = await postForm(admin, '/admin/children/new', '/admin/children', {
        first_name: name, last_name: 'Flyttsson', birth_date: '2022-06-01', group: String(group), start_date: start,
      });
      assert.equal(res.status, 303, res.text);
      return Number(/(\d+)$/.exec(res.headers.location)?.[1]);
    }

    it('moves a child: the old placement ends the day before the new one starts, no gap and no overlap', async () => {
      const child = await newChild('Vilgot', blabar, '2026-08-15');
      const [placement] = await placementsOf(t, child);
      const res = await postForm(admin, `/placements/${placement.id}`, `/placements/${placement.id}/move`, { group: String(lingon), move_date: '2026-12-07' });
      assert.equal(res.status, 303);
      assert.deepEqual((await placementsOf(t, child)).map((p) => [p.group_id, p.start_date, p.end_date]),
        [[blabar, '2026-08-15', '2026-12-06'], [lingon, '2026-12-07', null]]);
    });

    it('refuses a move on or before the first day, to the same group, and saves nothing', async () => {
      const child = await newChild('Ines', blabar, '2026-11-01');
      const [placement] = await placementsOf(t, child);
      const before = await fingerprint(t.db);
      const early = await postForm(admin, `/placements/${placement.id}`, `/placements/${placement.id}/move`, { group: String(lingon), move_date: '2026-11-01' });
      assert.equal(early.status, 400);
      assert.match(early.text, /efter placeringens första dag/);
      const same = await postForm(admin, `/placements/${placement.id}`, `/placements/${placement.id}/move`, { group: String(blabar), move_date: '2026-12-01' });
      assert.equal(same.status, 400);
      assert.equal(await fingerprint(t.db), before);
    });

    it('refuses a new placement that shares days with one in the same kind of unit', async () => {
      const child = await newChild('Sigge', blabar, '2026-09-01');
      const before = await fingerprint(t.db);
      const res = await postForm(admin, `/admin/children/${child}`, `/children/${child}/placements`, { group: String(lingon), start_date: '2027-01-10' });
      assert.equal(res.status, 400);
      assert.match(res.text, /redan en placering i Blåbär/);
      assert.equal(await fingerprint(t.db), before);
      const [placement] = await placementsOf(t, child);
      const ended = await postForm(admin, `/placements/${placement.id}`, `/placements/${placement.id}/end`, { end_date: '2027-01-09' });
      assert.equal(ended.status, 303);
      const started = await postForm(admin, `/admin/children/${child}`, `/children/${child}/placements`, { group: String(lingon), start_date: '2027-01-10' });
      assert.equal(started.status, 303);
      assert.deepEqual((await placementsOf(t, child)).map((p) => [p.group_id, p.start_date, p.end_date]),
        [[blabar, '2026-09-01', '2027-01-09'], [lingon, '2027-01-10', null]]);
    });

    it('keeps one of two overlapping placements started at the same moment', async () => {
      const child = await newChild('Tvilling', blabar, '2026-08-01');
      const [placement] = await placementsOf(t, child);
      await postForm(admin, `/placements/${placement.id}`, `/placements/${placement.id}/end`, { end_date: '2026-12-31' });
      const { municipality_id } = await t.db.selectFrom('persons').select('municipality_id').where('id', '=', child).executeTakeFirstOrThrow();
      const author = { source: 'admin' as const, personId: null, at: t.clock.now() };
      const start = (group: number) => startPlacement(t.db, child, municipality_id, { id: group, unitKind: 'preschool' },
        { groupId: group, startDate: '2027-01-01', endDate: null, hourLimit: 'none' }, author);
      const results = await Promise.all([start(blabar), start(lingon), start(blabar)]);
      assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
      assert.equal((await placementsOf(t, child)).length, 2);
    });

    it("ends a guardian's access to the group's content the day after the placement's last day", async () => {
      const emma = await signIn(t.app, 'vardnadshavare');
      assert.equal((await emma.get(`/groups/${blabar}`)).status, 200, 'Elsa is in Blåbär');
      const [placement] = (await placementsOf(t, elsa)).filter((p) => p.group_id === blabar);
      const res = await postForm(admin, `/placements/${placement.id}`, `/placements/${placement.id}/end`, { end_date: '2026-11-26' });
      assert.equal(res.status, 303);
      t.clock.set('2026-11-26T15:00:00Z'); // the last day
      assert.equal((await emma.get(`/groups/${blabar}`)).status, 200, 'on the last day');
      assert.equal((await emma.get(`/children/${elsa}`)).status, 200);
      t.clock.set('2026-11-27T06:00:00Z'); // the day after
      assert.equal((await emma.get(`/groups/${blabar}`)).status, 404, 'the day after');
      assert.equal((await emma.get(`/children/${elsa}`)).status, 404);
      // ...an ended placement stays ended (a child who comes back gets a new one)...
      const before = await fingerprint(t.db);
      const reopen = await postForm(admin, `/placements/${placement.id}`, `/placements/${placement.id}/end`, { end_date: '2027-06-30' });
      assert.equal(reopen.status, 400);
      assert.match(reopen.text, /redan slutat/);
      assert.equal(await fingerprint(t.db), before);
      // ...and her admin page still finds her, to place her again
      assert.equal((await admin.get(`/admin/children/${elsa}`)).status, 200);
      assert.equal((await rektor.get(`/admin/children/${elsa}`)).status, 404, 'no longer in the unit head\'s unit');
      // ...nor the ended placement's own page, which names her
      assert.equal((await admin.get(`/placements/${placement.id}`)).status, 200);
      assert.equal((await rektor.get(`/placements/${placement.id}`)).status, 404, 'the ended placement is no longer the unit head\'s');
    });
  });

  describe('guardians', () => {
    it('links a new guardian by personnummer and name, refuses linking twice, and ends the guardianship, each in the history', async () => {
      const nora = await personId(t.db, 'Nora', 'Haddad');
      const number = identityNumber('1990-02-03', 221);
      const linked = await postForm(admin, `/admin/children/${nora}`, `/children/${nora}/guardians`, {
        guardian_identity_number: number, guardian_first_name: 'Sara', guardian_last_name: 'Haddad', other_household: 'yes',
      });
      assert.equal(linked.status, 303);
      const sara = await t.db.selectFrom('persons').select('id').where('identity_number', '=', number).executeTakeFirstOrThrow();
      const row = await t.db.selectFrom('guardianships').select('other_household').where('guardian_id', '=', sara.id).where('child_id', '=', nora).executeTakeFirstOrThrow();
      assert.equal(row.other_household, 1);

      const before = await fingerprint(t.db);
      const again = await postForm(admin, `/admin/children/${nora}`, `/children/${nora}/guardians`, { guardian_identity_number: number });
      assert.equal(again.status, 400);
      assert.match(again.text, /redan barnets vårdnadshavare/);
      assert.equal(await fingerprint(t.db), before);

      const unknown = await postForm(admin, `/admin/children/${nora}`, `/children/${nora}/guardians`, { guardian_identity_number: identityNumber('1988-07-07', 313) });
      assert.equal(unknown.status, 400);
      assert.match(unknown.text, /skriv för- och efternamn/);

      const unlinked = await postForm(admin, `/children/${nora}/guardians/${sara.id}`, `/children/${nora}/guardians/${sara.id}/end`, { reason: 'registered-in-error' });
      assert.equal(unlinked.status, 303);
      assert.equal((await t.db.selectFrom('guardianships').select('id').where('guardian_id', '=', sara.id).where('child_id', '=', nora).execute()).length, 0);
      const page = await admin.get(`/admin/children/${nora}`);
      assert.match(page.text, /Vårdnadshavare – borttagen: vårdnadshavare Sara Haddad/);
      assert.match(page.text, /Vårdnadshavare – tillagd: vårdnadshavare {1,2}Sara Haddad/);
      assert.ok(!page.text.includes(number), 'the guardian\'s number is masked');
    });
  });
});
