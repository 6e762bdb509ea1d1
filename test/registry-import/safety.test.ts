// Import safety: a file that would end a large share of the register (a truncated export) is shown with a warning and
// applied only when that is confirmed (a tick on the page, --allow-mass-end in the shell); a large preview a page at a
// time, with the whole list of who is reached as CSV (audited); and a staff row's last day ending the assignment.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { fingerprint } from '../support/demo.ts';
import { addMunicipalityAdmin, createGroup, createMunicipality, createUnit } from '../../server/people/commands.ts';
import { applyImport, previewImport } from '../../server/registry-import/import.ts';
import { runImportCommand } from '../../server/registry-import/cli.ts';
import { changesNothing, massEndOf, pageOf, previewPaging } from '../../server/registry-import/rules.ts';
import { sampleRows, toCsv } from '../../server/registry-import/sample.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import { today } from '../../server/kernel/clock.ts';
import { registryMailer, type RegistryMailer } from '../../server/invitations/registry-invitations.ts';

const GROUPS = [{ unit: 'Förskolan Tallen', group: 'Kotten' }, { unit: 'Förskolan Tallen', group: 'Barret' }];

async function adminAccount(t: TestApp): Promise<{ personId: number; accountId: number }> {
  const row = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'admin').executeTakeFirstOrThrow();
  return { personId: row.person_id, accountId: row.id };
}

/** A municipality of its own (an import is a whole municipality's register), with the demo admin as its admin. */
async function newMunicipality(t: TestApp, name: string): Promise<number> {
  const admin = await adminAccount(t);
  return t.db.transaction().execute(async (trx) => {
    const id = await createMunicipality(trx, { name }, t.clock.now());
    const unit = await createUnit(trx, { municipalityId: id, areaId: null, name: 'Förskolan Tallen', kind: 'preschool' });
    await createGroup(trx, unit, 'Kotten');
    await createGroup(trx, unit, 'Barret');
    await addMunicipalityAdmin(trx, admin.personId, id);
    return id;
  });
}

async function upload(agent: Agent, text: string, municipality: number): Promise<string> {
  const token = csrfFrom((await agent.get('/admin/import')).text);
  const res = await agent.post('/admin/import').field('_csrf', token).field('municipality', String(municipality))
    .attach('file', Buffer.from(text, 'utf8'), { filename: 'register.csv', contentType: 'text/csv' });
  assert.equal(res.status, 303, res.text?.slice(0, 300));
  return res.headers.location;
}

/** The rows of these children (the header, each child's row and its guardians' rows). */
function withoutChildren(rows: string[][], children: readonly string[]): string[][] {
  const gone = new Set(children);
  return rows.filter((r, i) => i === 0 || !(gone.has(r[1]) || (r[0] === 'vårdnadshavare' && gone.has(r[10]))));
}

describe('a file that would end a large share of the register', () => {
  it('is a large share when more than 5 and more than 10 % of the current placements or of the guardianships end', () => {
    const register = (placements: number, guardianships: number) => ({
      placements: [
        ...Array.from({ length: placements }, (_, i) => ({ id: i, childId: i, groupId: 1, startDate: '2026-01-01', endDate: null })),
        { id: -1, childId: -1, groupId: 1, startDate: '2025-01-01', endDate: '2026-06-30' }, // ended before today: not counted
      ],
      guardianships: Array.from({ length: guardianships }, (_, i) => ({ id: i, guardianId: i, childId: i, otherHousehold: false })),
    });
    assert.equal(massEndOf(5, 0, register(20, 40), '2026-12-01'), null, '5 is not more than 5');
    assert.deepEqual(massEndOf(6, 0, register(20, 40), '2026-12-01'), { placements: 6, placementsOf: 20, guardianships: 0, guardianshipsOf: 40 });
    assert.equal(massEndOf(6, 0, register(60, 40), '2026-12-01'), null, '6 of 60 is not more than 10 %');
    assert.ok(massEndOf(7, 0, register(60, 40), '2026-12-01'));
    assert.equal(massEndOf(0, 6, register(20, 60), '2026-12-01'), null);
    assert.deepEqual(massEndOf(0, 7, register(20, 60), '2026-12-01'), { placements: 0, placementsOf: 20, guardianships: 7, guardianshipsOf: 60 });
  });

  describe('on the page and in the shell', () => {
    let t: TestApp;
    let admin: Agent;
    let mail: RegistryMailer;
    before(async () => {
      t = await startTestApp();
      admin = await signIn(t.app, 'admin');
      mail = registryMailer(t.config);
    });
    after(() => t.close());

    const importWhole = async (municipality: number, rows: string[][]) => {
      const applied = await applyImport(t.db, {
        municipalityId: municipality, text: toCsv(rows), encoding: 'utf-8', today: today(t.clock), now: t.clock.now(), by: await adminAccount(t), source: 'import', mail,
      });
      assert.ok(applied.ok);
    };
    const openPlacements = async (municipality: number) => Number((await t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
      .innerJoin('units', 'units.id', 'groups.unit_id').select((eb) => eb.fn.countAll<number>().as('n')).where('units.municipality_id', '=', municipality)
      .where('placements.end_date', 'is', null).executeTakeFirstOrThrow()).n);

    it('warns on the preview naming how many, and applies only with the tick', async () => {
      const municipality = await newMunicipality(t, 'Avbrottskommun');
      const rows = sampleRows({ children: 40, groups: GROUPS, startDate: '2026-08-01' });
      await importWhole(municipality, rows);
      const children = rows.filter((r) => r[0] === 'barn').map((r) => r[1]);
      const cut = withoutChildren(rows, children.slice(30)); // the export stopped after 30 of 40 children

      const path = await upload(admin, toCsv(cut), municipality);
      const page = await admin.get(path);
      assert.equal(page.status, 200);
      assert.match(page.text, /Varning: filen avslutar en stor del av registret/);
      assert.match(page.text, /Filen avslutar 10 av kommunens 40 pågående placeringar och tar bort 0 av 80 kopplingar mellan barn och vårdnadshavare/);
      assert.match(page.text, /<input id="confirm_mass_end" name="confirm_mass_end" type="checkbox" value="yes">/);
      assert.match(page.text, /Jag har kontrollerat att 10 av placeringarna och 0 av kopplingarna till vårdnadshavare ska avslutas/);
      const digest = page.text.match(/name="digest" value="([0-9a-f]+)"/)?.[1];
      assert.ok(digest);

      const before = await fingerprint(t.db);
      const unticked = await admin.post(`${path}/apply`).type('form').send({ _csrf: csrfFrom(page.text), digest });
      assert.equal(unticked.status, 400);
      assert.match(unticked.text, /<title>Fel:/);
      assert.match(unticked.text, /<a href="#confirm_mass_end">Kryssa i att du har kontrollerat att placeringarna och kopplingarna till vårdnadshavare ska avslutas<\/a>/);
      assert.match(unticked.text, /aria-describedby="confirm_mass_end-error" aria-invalid="true"/);
      assert.equal(await fingerprint(t.db), before, 'nothing applied without the tick');

      const ticked = await admin.post(`${path}/apply`).type('form').send({ _csrf: csrfFrom(page.text), digest, confirm_mass_end: 'yes' });
      assert.equal(ticked.status, 303);
      assert.equal(await openPlacements(municipality), 30);
    });

    it('warns when a file drops a large share of the guardianships', async () => {
      const municipality = await newMunicipality(t, 'Vårdnadskommun');
      const rows = sampleRows({ children: 20, groups: GROUPS, startDate: '2026-08-01' });
      await importWhole(municipality, rows);
      const cut = rows.filter((r, i) => !(r[0] === 'vårdnadshavare' && r[11] === 'ja' && i <= 30)); // the first 10 children's second guardians gone
      const preview = await previewImport(t.db, { municipalityId: municipality, text: toCsv(cut), encoding: 'utf-8', today: today(t.clock) });
      assert.deepEqual(preview.plan?.massEnd, { placements: 0, placementsOf: 20, guardianships: 10, guardianshipsOf: 40 });
      const small = rows.filter((r, i) => !(r[0] === 'vårdnadshavare' && r[11] === 'ja' && i < 12)); // 3 of 40
      const fine = await previewImport(t.db, { municipalityId: municipality, text: toCsv(small), encoding: 'utf-8', today: today(t.clock) });
      assert.equal(fine.plan?.removedGuardianships.length, 3);
      assert.equal(fine.plan?.massEnd, null);
    });

    it('is refused by `npm run import -- --apply` without --allow-mass-end, and applied with it', async () => {
      const municipality = await newMunicipality(t, 'Skalkommun');
      const rows = sampleRows({ children: 30, groups: GROUPS, startDate: '2026-08-01' });
      await importWhole(municipality, rows);
      const cut = toCsv(withoutChildren(rows, rows.filter((r) => r[0] === 'barn').map((r) => r[1]).slice(20)));
      const run = async (...extra: string[]) => {
        let out = '';
        const errors: string[] = [];
        const code = await runImportCommand(['register.csv', '--municipality', 'Skalkommun', ...extra], { db: t.db, config: t.config, clock: t.clock }, {
          read: () => ({ text: cut, encoding: 'utf-8' }), out: (text) => { out += text; }, err: (line) => errors.push(line),
        });
        return { code, out, errors };
      };
      const previewed = await run();
      assert.equal(previewed.code, 0);
      assert.match(previewed.out, /Varning: filen avslutar en stor del av registret: Filen avslutar 10 av kommunens 30 pågående placeringar/);

      const before = await fingerprint(t.db);
      const refused = await run('--apply', '--as', 'admin');
      assert.equal(refused.code, 1);
      assert.match(refused.out, /Inget har ändrats: filen avslutar en stor del av registret\. .*--allow-mass-end/);
      assert.equal(await fingerprint(t.db), before);

      const applied = await run('--apply', '--as', 'admin', '--allow-mass-end');
      assert.equal(applied.code, 0, applied.out + applied.errors.join('\n'));
      assert.match(applied.out, /Importen är genomförd/);
      assert.equal(await openPlacements(municipality), 20);
    });
  });
});

describe('a large preview', () => {
  let t: TestApp;
  let admin: Agent;
  let path: string;
  let reach: { how: string; name: string }[];
  before(async () => {
    t = await startTestApp();
    admin = await signIn(t.app, 'admin');
    const municipality = await newMunicipality(t, 'Storkommun');
    // 2,000 children, 4,000 guardians to reach: the last 500 children's guardians on paper
    const text = toCsv(sampleRows({ children: 2000, groups: GROUPS, startDate: today(t.clock), withoutEmailFrom: 1500 }));
    path = await upload(admin, text, municipality);
    const preview = await previewImport(t.db, { municipalityId: municipality, text, encoding: 'utf-8', today: today(t.clock) });
    reach = (preview.plan?.reach ?? []).map((r) => ({ how: r.how, name: r.name }));
  });
  after(() => t.close());

  const reachedOn = (html: string) => [...html.matchAll(/<li data-reach="(\w+)"><strong>([^<]+)<\/strong>/g)].map((m) => ({ how: m[1], name: m[2] }));

  it('shows each list a page at a time, and the page stays light', async () => {
    const page = await admin.get(path);
    assert.equal(page.status, 200);
    assert.ok(page.text.length < 300_000, `the preview of 2,000 children weighs ${page.text.length} characters`);
    assert.deepEqual(reachedOn(page.text), reach.slice(0, 100));
    assert.match(page.text, /<h2 id="reach">Vilka som nås <span class="muted">\(4000\)<\/span><\/h2>/);
    assert.match(page.text, /E-post i dag: 3000/);
    assert.match(page.text, /På papper: 1000/);
    assert.match(page.text, /Sida 1 av 40/);
    assert.match(page.text, /<h2 id="newPersons">Nya personer <span class="muted">\(6000\)<\/span><\/h2>/);
    assert.match(page.text, /name="digest"/, 'the approve form is on every page');

    const next = page.text.match(/<a href="([^"]*list=reach[^"]*page=2[^"]*)" rel="next">/)?.[1];
    assert.ok(next, 'a link to the next page of who is reached');
    const second = await admin.get(next.replaceAll('&amp;', '&'));
    assert.equal(second.status, 200);
    assert.match(second.text, /Sida 2 av 40/);
    assert.deepEqual(reachedOn(second.text), reach.slice(100, 200));

    const paper = await admin.get(`${path}?list=reach&how=paper&page=10`);
    assert.match(paper.text, /Sida 10 av 10/);
    assert.deepEqual(reachedOn(paper.text), reach.filter((r) => r.how === 'paper').slice(900));

    const persons = await admin.get(`${path}?list=newPersons&page=60`);
    assert.match(persons.text, /Sida 60 av 60/);
  });

  it('gives the admin the whole list of who is reached as CSV, and the audit trail says so', async () => {
    const id = Number(path.split('/').at(-1));
    const before = await t.db.selectFrom('audit_trail').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
    const res = await admin.get(`${path}/reached.csv`).buffer(true).parse((r, done) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => { text += chunk; });
      r.on('end', () => done(null, text));
    });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    const lines = String(res.body).split('\r\n').filter(Boolean);
    assert.equal(lines[0], '\uFEFFvardnadshavare;skyddad_identitet;barn;enhet;hur;epost;skickas');
    assert.equal(lines.length, 4001);
    assert.equal(lines.filter((l) => l.includes(';papper;;')).length, 1000);
    assert.ok(lines.some((l) => l.includes(';epost;vh0-0@example.com;')));
    assert.doesNotMatch(String(res.body), /\d{6}-\d{4}/, 'no personnummer in the list');
    const audited = await t.db.selectFrom('audit_trail').select(['action', 'record_id']).where('id', '>', Number(before.id ?? 0)).execute();
    assert.deepEqual(audited.filter((a) => a.action === 'registryImport.export').map((a) => a.record_id), [id]);
  });

  it('reads the paging of a preview’s address, anything unknown the first page', () => {
    assert.deepEqual(previewPaging({ list: 'reach', page: '3', how: 'paper' }), { list: 'reach', page: 3, how: 'paper' });
    assert.deepEqual(previewPaging({ list: 'newPersons', page: '2', how: 'paper' }), { list: 'newPersons', page: 2, how: '' });
    assert.deepEqual(previewPaging({ list: 'persons', page: '2' }), { list: '', page: 1, how: '' });
    assert.deepEqual(previewPaging({ list: 'reach', page: '-1', how: 'pigeon' }), { list: 'reach', page: 1, how: '' });
    assert.deepEqual(pageOf([1, 2, 3, 4, 5], 9, 2), { items: [5], page: 3, pages: 3, total: 5 });
    assert.deepEqual(pageOf([], 1, 2), { items: [], page: 1, pages: 1, total: 0 });
  });
});

describe('a staff row’s last day', () => {
  let t: TestApp;
  let municipality: number;
  let mail: RegistryMailer;
  before(async () => {
    t = await startTestApp();
    municipality = await newMunicipality(t, 'Personalkommun');
    mail = registryMailer(t.config);
  });
  after(() => t.close());

  const STAFF = identityNumber('1985-04-04', 210);
  const NEW = identityNumber('1990-05-05', 211);
  const file = (...rows: string[]) => ['typ;personnummer;fornamn;efternamn;epost;barn;enhet;grupp;startdatum;slutdatum;roll', ...rows].join('\n');
  const apply = async (text: string) => {
    const outcome = await applyImport(t.db, {
      municipalityId: municipality, text, encoding: 'utf-8', today: today(t.clock), now: t.clock.now(), by: await adminAccount(t), source: 'import', mail,
    });
    assert.ok(outcome.ok, JSON.stringify(!outcome.ok && 'plan' in outcome && outcome.plan.refused));
    return outcome.plan;
  };
  const assignments = (identity: string) => t.db.selectFrom('staff_assignments').innerJoin('persons', 'persons.id', 'staff_assignments.person_id')
    .select(['staff_assignments.id', 'staff_assignments.start_date', 'staff_assignments.end_date']).where('persons.identity_number', '=', identity)
    .where('persons.municipality_id', '=', municipality).orderBy('staff_assignments.id').execute();

  it('ends the assignment on that day, with its history, and the same file again changes nothing', async () => {
    await apply(file(`personal;${STAFF};Stina;Ek;stina@example.com;;Förskolan Tallen;Kotten;;;personal`));
    const [open] = await assignments(STAFF);
    assert.equal(open.end_date, null);

    const ending = file(`personal;${STAFF};Stina;Ek;stina@example.com;;Förskolan Tallen;Kotten;;2027-01-31;personal`);
    const preview = await previewImport(t.db, { municipalityId: municipality, text: ending, encoding: 'utf-8', today: today(t.clock) });
    assert.equal(preview.plan?.endedAssignments.length, 1);
    const plan = await apply(ending);
    assert.deepEqual(plan.endedAssignments.map((a) => [a.name, a.oldEnd, a.newEnd]), [['Stina Ek', null, '2027-01-31']]);
    assert.deepEqual(await assignments(STAFF), [{ ...open, end_date: '2027-01-31' }]);
    const history = await t.db.selectFrom('register_changes').select(['change', 'field', 'old_value', 'new_value', 'source'])
      .where('entity', '=', 'staff_assignment').where('entity_id', '=', open.id).where('change', '=', 'ended').execute();
    assert.deepEqual(history, [{ change: 'ended', field: 'end_date', old_value: null, new_value: '2027-01-31', source: 'import' }]);

    const again = await apply(ending);
    assert.ok(changesNothing(again));
    // an empty last day leaves the register's as it is; a later one moves it
    assert.ok(changesNothing(await apply(file(`personal;${STAFF};Stina;Ek;stina@example.com;;Förskolan Tallen;Kotten;;;personal`))));
    await apply(file(`personal;${STAFF};Stina;Ek;stina@example.com;;Förskolan Tallen;Kotten;;2027-06-30;personal`));
    assert.equal((await assignments(STAFF))[0].end_date, '2027-06-30');
    const moved = await t.db.selectFrom('register_changes').select(['change', 'old_value', 'new_value']).where('entity', '=', 'staff_assignment')
      .where('entity_id', '=', open.id).where('field', '=', 'end_date').orderBy('id').execute();
    assert.deepEqual(moved, [{ change: 'ended', old_value: null, new_value: '2027-01-31' }, { change: 'changed', old_value: '2027-01-31', new_value: '2027-06-30' }]);
  });

  it('gives a new assignment the file’s first and last day, and a first day after the last one ended is a new assignment', async () => {
    await apply(file(`personal;${NEW};Nils;Al;nils@example.com;;Förskolan Tallen;Barret;2026-01-01;2026-06-30;personal`));
    assert.deepEqual((await assignments(NEW)).map((a) => [a.start_date, a.end_date]), [['2026-01-01', '2026-06-30']]);
    await apply(file(`personal;${NEW};Nils;Al;nils@example.com;;Förskolan Tallen;Barret;2026-08-15;;personal`));
    assert.deepEqual((await assignments(NEW)).map((a) => [a.start_date, a.end_date]), [['2026-01-01', '2026-06-30'], ['2026-08-15', null]]);
  });

  it('refuses a last day before the assignment’s first day, and the same assignment (the same first day) twice', async () => {
    const preview = await previewImport(t.db, {
      municipalityId: municipality, today: today(t.clock), encoding: 'utf-8',
      text: file(`personal;${NEW};Nils;Al;nils@example.com;;Förskolan Tallen;Barret;;2026-08-01;personal`,
        `personal;${STAFF};Stina;Ek;stina@example.com;;Förskolan Tallen;Kotten;;2027-06-30;personal`,
        `personal;${STAFF};Stina;Ek;stina@example.com;;Förskolan Tallen;Kotten;;2027-07-31;personal`,
        `personal;${STAFF};Stina;Ek;stina@example.com;;Förskolan Tallen;Kotten;2027-09-01;;personal`), // a later period: no duplicate
    });
    assert.deepEqual(preview.plan?.refused.map((r) => [r.line, r.reason.key]), [
      [2, 'registryImport.refused.endBeforeStart'], [4, 'registryImport.refused.duplicateAssignment'],
    ]);
  });
});
