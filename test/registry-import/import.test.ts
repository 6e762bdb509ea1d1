// The registry import: a generated file of 2,000 children imported twice (the second time nothing changes), ten rows
// changed (exactly those change), a Windows-1252 file, the preview's list of who is reached against the outbox, an
// import that fails half-way, and bad input reported row by row in Swedish with nothing applied.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrfFrom, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { fingerprint, municipalityId } from '../support/demo.ts';
import { addMunicipalityAdmin, createGroup, createMunicipality, createUnit } from '../../server/people/commands.ts';
import { applyImport, previewImport } from '../../server/registry-import/import.ts';
import { decodeFile, readIdentity, readRegistryFile } from '../../server/registry-import/layout.ts';
import { changesNothing } from '../../server/registry-import/rules.ts';
import { sampleRows, toCsv } from '../../server/registry-import/sample.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import { today } from '../../server/kernel/clock.ts';
import { registryMailer, type RegistryMailer } from '../../server/invitations/registry-invitations.ts';

const CHILD = identityNumber('2021-03-15', 123);
const GROUPS = [{ unit: 'Förskolan Tallen', group: 'Kotten' }, { unit: 'Förskolan Tallen', group: 'Barret' }];

/** A municipality of its own for an import (an import is a whole municipality's register), with the demo admin as its admin. */
async function newMunicipality(t: TestApp, name: string): Promise<number> {
  const admin = await adminPerson(t);
  return t.db.transaction().execute(async (trx) => {
    const id = await createMunicipality(trx, { name }, t.clock.now());
    const unit = await createUnit(trx, { municipalityId: id, areaId: null, name: 'Förskolan Tallen', kind: 'preschool' });
    await createGroup(trx, unit, 'Kotten');
    await createGroup(trx, unit, 'Barret');
    await addMunicipalityAdmin(trx, admin, id);
    return id;
  });
}

async function adminPerson(t: TestApp): Promise<number> {
  const row = await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'admin').executeTakeFirstOrThrow();
  return row.person_id;
}

async function adminAccount(t: TestApp): Promise<{ personId: number; accountId: number }> {
  const row = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', 'admin').executeTakeFirstOrThrow();
  return { personId: row.person_id, accountId: row.id };
}

/** Uploads a file as the signed-in admin, the way the page's form does (multipart, the CSRF token first). */
async function upload(agent: Agent, bytes: Buffer, fields: Record<string, string> = {}) {
  const token = csrfFrom((await agent.get('/admin/import')).text);
  let req = agent.post('/admin/import').field('_csrf', token);
  for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
  return req.attach('file', bytes, { filename: 'register.csv', contentType: 'text/csv' });
}

async function approve(agent: Agent, previewPath: string) {
  const page = await agent.get(previewPath);
  const digest = page.text.match(/name="digest" value="([0-9a-f]+)"/)?.[1];
  assert.ok(digest, 'the preview has an approve form');
  return agent.post(`${previewPath}/apply`).type('form').send({ _csrf: csrfFrom(page.text), digest });
}

describe('reading a registry file', () => {
  it('reads Windows-1252 and UTF-8, with ; or , between columns', () => {
    const text = `typ;personnummer;förnamn;efternamn;barn;enhet;grupp;startdatum\nbarn;${CHILD};Åsa;Öström;;Förskolan Tallen;Kotten;2026-08-01\n`;
    const latin = decodeFile(Buffer.from(text, 'latin1'));
    assert.equal(latin.encoding, 'windows-1252');
    assert.equal(latin.text, text);
    assert.equal(decodeFile(Buffer.from(text, 'utf8')).encoding, 'utf-8');
    const read = readRegistryFile(latin.text, latin.encoding);
    assert.equal(read.delimiter, ';');
    assert.deepEqual(read.refused, []);
    assert.equal(read.rows[0].firstName, 'Åsa');
    assert.equal(readRegistryFile(text.replaceAll(';', ','), 'utf-8').rows.length, 1);
  });

  it('keeps names composed: "O" and a combining diaeresis in the file is "Ö", as a form would keep it', () => {
    const text = `typ;personnummer;förnamn;efternamn;barn;enhet;grupp;startdatum\nbarn;${CHILD};A\u030asa;O\u0308stro\u0308m;;Förskolan Tallen;Kotten;2026-08-01\n`;
    const decoded = decodeFile(Buffer.from(text, 'utf8'));
    const [row] = readRegistryFile(decoded.text, decoded.encoding).rows;
    assert.deepEqual([row.firstName, row.lastName], ['Åsa', 'Öström']);
  });

  it('knows a personnummer and a samordningsnummer from a wrong number', () => {
    const child = identityNumber('2021-03-15', 123);
    assert.deepEqual(readIdentity(child.replace('-', '').slice(2)), { number: child, kind: 'personnummer', birthDate: '2021-03-15' });
    const coordination = identityNumber('2021-03-15', 123, true);
    assert.deepEqual(readIdentity(coordination), { number: coordination, kind: 'samordningsnummer', birthDate: '2021-03-15' });
    assert.equal(readIdentity(child.slice(0, -1) + String((Number(child.at(-1)) + 1) % 10)), undefined);
    assert.equal(readIdentity('20210345-1234'), undefined);
  });

  it('maps the columns of another layout onto the documented one', () => {
    const text = `Typ,PNR,Förnamn,Efternamn,Barnets PNR,Skola,Klass,Från\nbarn,${CHILD},Åsa,Öström,,Förskolan Tallen,Kotten,2026-08-01\n`;
    const unmapped = readRegistryFile(text, 'utf-8');
    assert.equal(unmapped.problem?.kind, 'missing-columns');
    const mapped = readRegistryFile(text, 'utf-8', { personnummer: 'PNR', barn: 'Barnets PNR', enhet: 'Skola', grupp: 'Klass', startdatum: 'Från' });
    assert.equal(mapped.problem, undefined);
    assert.equal(mapped.rows[0].identity.number, CHILD);
  });
});

describe('importing a registry file', () => {
  let t: TestApp;
  let municipality: number;
  let admin: Agent;
  before(async () => {
    t = await startTestApp();
    municipality = await newMunicipality(t, 'Importkommun');
    admin = await signIn(t.app, 'admin');
  });
  after(() => t.close());

  const mail: RegistryMailer = (...args) => registryMailer(t.config)(...args);

  it('imports 2,000 children; the same file again changes nothing; ten changed rows change exactly those', async () => {
    const rows = sampleRows({ children: 2000, groups: GROUPS, startDate: '2026-08-01' });
    const text = toCsv(rows);
    const by = await adminAccount(t);
    const first = await applyImport(t.db, { municipalityId: municipality, text, encoding: 'utf-8', today: today(t.clock), now: t.clock.now(), by, source: 'import', mail });
    assert.ok(first.ok, JSON.stringify(!first.ok && 'plan' in first && first.plan.refused.slice(0, 3)));
    assert.equal(first.plan.newPersons.length, 6000);
    assert.equal(first.plan.newPlacements.length, 2000);
    assert.equal(first.plan.newGuardianships.length, 4000);
    assert.equal(first.plan.reach.length, 4000);
    const placed = await t.db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id').innerJoin('units', 'units.id', 'groups.unit_id')
      .select((eb) => eb.fn.countAll<number>().as('n')).where('units.municipality_id', '=', municipality).executeTakeFirstOrThrow();
    assert.equal(Number(placed.n), 2000);

    const before = await fingerprint(t.db);
    const again = await applyImport(t.db, { municipalityId: municipality, text, encoding: 'utf-8', today: today(t.clock), now: t.clock.now(), by, source: 'import', mail });
    assert.ok(again.ok && changesNothing(again.plan) && again.plan.reach.length === 0);
    assert.equal(await fingerprint(t.db), before, 'the same file again changed the database');

    const changed = rows.map((r) => [...r]);
    const children = changed.map((r, i) => ({ r, i })).filter(({ r }) => r[0] === 'barn').slice(100, 110);
    for (const { r } of children) r[3] = `${r[3]}-Ny`; // efternamn
    const historyBefore = await t.db.selectFrom('register_changes').select('id').where('municipality_id', '=', municipality).execute();
    const third = await applyImport(t.db, { municipalityId: municipality, text: toCsv(changed), encoding: 'utf-8', today: today(t.clock), now: t.clock.now(), by, source: 'import', mail });
    assert.ok(third.ok);
    assert.deepEqual(third.plan.changedPersons.map((p) => p.fields.map((f) => f.field)), Array(10).fill(['last_name']));
    assert.deepEqual(new Set(third.plan.changedPersons.map((p) => p.identity)), new Set(children.map(({ r }) => r[1])));
    assert.equal(third.plan.newPersons.length + third.plan.newPlacements.length + third.plan.endedPlacements.length + third.plan.newGuardianships.length
      + third.plan.removedGuardianships.length + third.plan.reach.length, 0);
    const history = await t.db.selectFrom('register_changes').selectAll().where('municipality_id', '=', municipality)
      .where('id', '>', Math.max(0, ...historyBefore.map((h) => h.id))).execute();
    assert.deepEqual(history.map((h) => [h.entity, h.change, h.field, h.source]), Array(10).fill(['person', 'changed', 'last_name', 'import']));
    const renamed = await t.db.selectFrom('persons').select('last_name').where('identity_number', 'in', children.map(({ r }) => r[1])).execute();
    assert.ok(renamed.every((p) => p.last_name.endsWith('-Ny')));
  });

  it('ends the placements and guardianships the register no longer has', async () => {
    const rows = sampleRows({ children: 2000, groups: GROUPS, startDate: '2026-08-01' });
    const child = rows.find((r) => r[0] === 'barn')!;
    const kept = rows.filter((r) => r === rows[0] || (r[1] !== child[1] && r[10] !== child[1]));
    const preview = await previewImport(t.db, { municipalityId: municipality, text: toCsv(kept), encoding: 'utf-8', today: today(t.clock) });
    assert.equal(preview.plan?.endedPlacements.length, 1);
    assert.equal(preview.plan?.endedPlacements[0].newEnd, today(t.clock), 'the placement ends today: its guardians keep the group until tomorrow');
    // the child's guardianships stay (the file says nothing of the child any more); a child still in it loses a guardian it no longer lists
    const other = rows.find((r) => r[0] === 'barn' && r !== child)!;
    const withoutGuardian = rows.filter((r) => !(r[0] === 'vårdnadshavare' && r[10] === other[1] && r[11] === 'ja'));
    const second = await previewImport(t.db, { municipalityId: municipality, text: toCsv(withoutGuardian), encoding: 'utf-8', today: today(t.clock) });
    assert.equal(second.plan?.removedGuardianships.length, 1);
    assert.equal(second.plan?.endedPlacements.length, 0);
  });

  it("withdraws the child from the open invitations of a guardian the file no longer lists: the key cannot bring the child back", async () => {
    const fresh = await newMunicipality(t, 'Indragningskommun');
    const rows = sampleRows({ children: 3, groups: GROUPS, startDate: today(t.clock) });
    const input = { municipalityId: fresh, encoding: 'utf-8' as const, today: today(t.clock), now: t.clock.now(), by: await adminAccount(t), source: 'import' as const, mail };
    assert.equal((await applyImport(t.db, { ...input, text: toCsv(rows) })).ok, true);
    const child = rows.find((r) => r[0] === 'barn')!;
    const dropped = rows.find((r) => r[0] === 'vårdnadshavare' && r[10] === child[1])!;
    const guardian = (await t.db.selectFrom('persons').select('id').where('identity_number', '=', dropped[1]).where('municipality_id', '=', fresh).executeTakeFirstOrThrow()).id;
    const openOf = () => t.db.selectFrom('invitations').select('id').where('guardian_id', '=', guardian).where('revoked_at', 'is', null).execute();
    assert.equal((await openOf()).length, 1, 'the guardian was invited');
    const applied = await applyImport(t.db, { ...input, text: toCsv(rows.filter((r) => r !== dropped)) });
    assert.equal(applied.ok && applied.plan.removedGuardianships.length, 1);
    assert.deepEqual(await openOf(), [], 'the invitation, which named only that child, is revoked');
    const keys = await t.db.selectFrom('invitation_keys').innerJoin('invitations', 'invitations.id', 'invitation_keys.invitation_id')
      .select('invitation_keys.revoked_at').where('invitations.guardian_id', '=', guardian).execute();
    assert.ok(keys.length > 0 && keys.every((k) => k.revoked_at !== null), 'and so is its key');
  });

  it('leaves the database as it was when the import fails half-way', async () => {
    const fresh = await newMunicipality(t, 'Avbrottskommun');
    const rows = sampleRows({ children: 30, groups: GROUPS, startDate: '2026-08-01' });
    const before = await fingerprint(t.db);
    let mails = 0;
    const failing: RegistryMailer = async (...args) => {
      if (++mails === 10) throw new Error('the mail server went away');
      await mail(...args);
    };
    await assert.rejects(applyImport(t.db, {
      municipalityId: fresh, text: toCsv(rows), encoding: 'utf-8', today: today(t.clock), now: t.clock.now(), by: await adminAccount(t), source: 'import', mail: failing,
    }), /went away/);
    assert.equal(mails, 10);
    assert.equal(await fingerprint(t.db), before);
  });

  it('reaches exactly the guardians the preview lists: the outbox holds their mails, person for person', async () => {
    const neighbour = await newMunicipality(t, 'Nåkommun');
    // 12 children: the last 4's guardians have no e-mail (paper); one guardian has protected identity and an address in the file
    const rows = sampleRows({ children: 12, groups: GROUPS, startDate: today(t.clock), withoutEmailFrom: 8 });
    rows[2][4] = 'ja';
    const res = await upload(admin, Buffer.from(toCsv(rows), 'utf8'), { municipality: String(neighbour) });
    assert.equal(res.status, 303, res.text?.slice(0, 300));
    const previewPath = res.headers.location;
    const page = await admin.get(previewPath);
    assert.equal(page.status, 200);
    const listed = [...page.text.matchAll(/<li data-reach="mail">[\s\S]*?<strong class="reach-email" dir="ltr">([^<]+)<\/strong>/g)].map((m) => m[1]).sort();
    assert.equal(listed.length, 16);
    assert.equal([...page.text.matchAll(/data-reach="paper"/g)].length, 8);
    assert.doesNotMatch(page.text, /Skolgatan 3,|Skolgatan 3</, 'the protected guardian\'s address is not shown');
    assert.doesNotMatch(page.text, /\d{8}-\d{4}|\d{6}-\d{4}/, 'no whole personnummer on the page');

    const outboxBefore = await t.db.selectFrom('mail_outbox').select('id').execute();
    const applied = await approve(admin, previewPath);
    assert.equal(applied.status, 303);
    const mails = await t.db.selectFrom('mail_outbox').select(['recipient', 'municipality_id'])
      .where('id', 'not in', outboxBefore.length ? outboxBefore.map((m) => m.id) : [0]).execute();
    assert.deepEqual(mails.map((m) => m.recipient).sort(), listed);
    assert.ok(mails.every((m) => m.municipality_id === neighbour));
    const guarded = await t.db.selectFrom('persons').select(['protected_identity', 'street_address']).where('identity_number', '=', rows[2][1]).where('municipality_id', '=', neighbour).executeTakeFirstOrThrow();
    assert.deepEqual(guarded, { protected_identity: 1, street_address: null });
    assert.match((await admin.get(previewPath)).text, /Genomförd/);
    // approving the same upload again changes nothing
    const before = await fingerprint(t.db);
    const twice = await admin.post(`${previewPath}/apply`).type('form').send({ _csrf: csrfFrom((await admin.get('/admin/import')).text), digest: 'x' });
    assert.equal(twice.status, 303);
    assert.equal(await fingerprint(t.db), before);
  });

  it('reads a Windows-1252 file with å, ä and ö', async () => {
    const child = identityNumber('2022-02-02', 456);
    const guardian = identityNumber('1990-09-09', 457);
    const text = 'typ;personnummer;förnamn;efternamn;epost;barn;enhet;grupp;startdatum\r\n'
      + `barn;${child};Märta;Åkesson-Öst;;;Förskolan Tallen;Kotten;2026-08-01\r\n`
      + `vårdnadshavare;${guardian};Björn;Åkesson-Öst;;${child};;;\r\n`;
    const file = readRegistryFile(text, 'utf-8');
    const original = await previewImport(t.db, { municipalityId: municipality, text, encoding: 'utf-8', today: today(t.clock) });
    assert.ok(file.rows.length === 2 && original.plan);
    const res = await upload(admin, Buffer.from(text, 'latin1'), { municipality: String(municipality) });
    assert.equal(res.status, 303);
    const page = await admin.get(res.headers.location);
    assert.match(page.text, /Windows-1252/);
    assert.match(page.text, /Märta Åkesson-Öst/);
    assert.match(page.text, /Björn Åkesson-Öst/);
  });

  it('reports bad input row by row in Swedish and applies nothing', async () => {
    const granne = await municipalityId(t.db, 'Grannkommun');
    const ekorren = await t.db.selectFrom('units').select('name').where('municipality_id', '=', granne).executeTakeFirstOrThrow();
    const child = identityNumber('2022-03-03', 321);
    const good = identityNumber('2022-03-04', 322);
    const bad = `${good.slice(0, -1)}${(Number(good.at(-1)) + 1) % 10}`; // the check digit wrong
    const text = [
      'typ;personnummer;förnamn;efternamn;barn;enhet;grupp;startdatum',
      `barn;${child};Ida;Berg;;Förskolan Tallen;Kotten;2026-08-01`,
      `barn;${child};Ida;Berg;;Förskolan Tallen;Kotten;2026-08-01`,
      `barn;${bad};Ola;Berg;;Förskolan Tallen;Kotten;2026-08-01`,
      `vårdnadshavare;${identityNumber('1980-01-01', 11)};Eva;Berg;;;;`,
      `barn;${identityNumber('2022-05-05', 12)};Per;Berg;;${ekorren.name};Ekollon;2026-08-01`,
    ].join('\n');
    const res = await upload(admin, Buffer.from(text, 'utf8'), { municipality: String(municipality) });
    const path = res.headers.location;
    const page = await admin.get(path);
    assert.match(page.text, /Rader som inte kan importeras/);
    assert.match(page.text, /<td>3<\/td><td dir="ltr">[^<]*<\/td><td>Raden är likadan som rad 2<\/td>/);
    assert.match(page.text, /<td>4<\/td>[\s\S]{0,80}Personnumret eller samordningsnumret är inte giltigt/);
    assert.match(page.text, /<td>5<\/td>[\s\S]{0,80}Vårdnadshavaren har inget barn/);
    assert.match(page.text, /<td>6<\/td>[\s\S]{0,80}Enheten ”Förskolan Ekorren” finns inte i kommunen/);
    assert.doesNotMatch(page.text, /name="digest"/, 'no approve form for a file with refused rows');
    const before = await fingerprint(t.db);
    const forced = await admin.post(`${path}/apply`).type('form').send({ _csrf: csrfFrom(page.text), digest: 'x' });
    assert.equal(forced.status, 400);
    assert.match(forced.text, /Filen har rader som inte kan importeras/);
    assert.equal(await fingerprint(t.db), before);

    const wrong = await upload(admin, Buffer.from(text.replaceAll(';', '\t'), 'utf8'), { municipality: String(municipality) });
    const wrongPage = await admin.get(wrong.headers.location);
    assert.match(wrongPage.text, /Kolumnerna ska skiljas med komma eller semikolon, men filen använder tabb/);
    const renamed = await upload(admin, Buffer.from(text.replace('förnamn', 'namn'), 'utf8'), { municipality: String(municipality) });
    const renamedPage = await admin.get(renamed.headers.location);
    assert.match(renamedPage.text, /Kolumnerna fornamn saknas/);
    assert.match(renamedPage.text, /Koppla filens kolumner/);
  });

  it('reports each case of bad input on its own row, in Swedish: delimiter, encoding, columns, personnummer, duplicates, guardians, groups', async () => {
    const granne = await municipalityId(t.db, 'Grannkommun');
    const other = await t.db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id').select(['groups.name as group', 'units.name as unit'])
      .where('units.municipality_id', '=', granne).executeTakeFirstOrThrow();
    const n = identityNumber;
    const [ida, ola, eva] = [n('2022-06-01', 401), n('2022-06-02', 402), n('1981-02-02', 403)];
    const place = 'Förskolan Tallen;Kotten;2026-08-01';
    // line by line (the header is line 1): the row, and the message of its refusal ('' for a row that is read)
    const rows: [string, string][] = [
      [`barn,${n('2022-06-03', 404)},Kim,Berg,,Förskolan Tallen,Kotten,2026-08-01,,`, 'Raden har fel avgränsare: kolumnerna ska skiljas med ; som på första raden'],
      [`barn;${n('2022-06-04', 405)};MÃ¤rta;Berg;;${place};;`, 'Raden har tecken som inte kunde läsas (fel teckenkodning): spara filen som UTF-8 eller Windows-1252'],
      [`barn;${n('2022-06-05', 406)};M„rta;Str”m;;${place};;`, 'Raden har tecken som inte kunde läsas (fel teckenkodning): spara filen som UTF-8 eller Windows-1252'],
      [`barn;${n('2022-06-06', 407)};M\uFFFDrta;Berg;;${place};;`, 'Raden har tecken som inte kunde läsas (fel teckenkodning): spara filen som UTF-8 eller Windows-1252'],
      [`barn;${n('2022-06-07', 408)};Kim;Berg;${place};;`, 'Raden har 9 kolumner men första raden har 10: kontrollera avgränsare och citattecken'],
      [`barn;${n('2022-06-08', 409)};Kim;Berg; Lind;;${place};;`, 'Raden har 11 kolumner men första raden har 10: kontrollera avgränsare och citattecken'],
      [`barn;${ida.slice(0, -1)}${(Number(ida.at(-1)) + 1) % 10};Ida;Berg;;${place};;`, 'Personnumret eller samordningsnumret är inte giltigt'],
      [`barn;;Ida;Berg;;${place};;`, 'Personnummer saknas'],
      [`vårdnadshavare;${eva};Eva;Berg;20220601-0000;;;;;nej`, 'Barnets personnummer i kolumnen barn är inte giltigt'],
      [`barn;${ida};Ida;Berg;;${place};;`, ''],
      [`barn;${ida};Ida;Berg;;${place};;`, 'Raden är likadan som rad 11'],
      [`barn;${ida};Ida;Bergström;;Förskolan Tallen;Barret;2026-08-01;;`, 'Samma person har andra uppgifter på rad 11'],
      [`barn;${ola};Ola;Berg;;${place};;`, ''],
      [`barn;${ola};Ola;Berg;;${place};2026-12-31;`, 'Barnet har redan den placeringen på en annan rad'],
      [`vårdnadshavare;${eva};Eva;Berg;${ida};;;;;nej`, ''],
      [`vårdnadshavare;${eva};Eva;Berg;${ida};;;;;ja`, 'Vårdnadshavaren står redan för barnet på rad 16'],
      [`vårdnadshavare;${n('1981-02-03', 410)};Per;Berg;;;;;;`, 'Vårdnadshavaren har inget barn: fyll i barnets personnummer i kolumnen barn'],
      [`vårdnadshavare;${n('1981-02-04', 411)};Lena;Berg;${n('2022-06-09', 412)};;;;;`, 'Barnet 220609-XXXX finns inte som barn i filen'],
      [`barn;${n('2022-06-10', 413)};Siv;Berg;;Förskolan Tallen;${other.group};2026-08-01;;`, `Gruppen ”${other.group}” finns inte på Förskolan Tallen i kommunen`],
      [`barn;${n('2022-06-11', 414)};Bo;Berg;;${other.unit};${other.group};2026-08-01;;`, `Enheten ”${other.unit}” finns inte i kommunen`],
      [`${n('2022-06-12', 415)};barn;Tor;Berg;;${place};;`, 'Okänd typ ”…”: skriv barn, vårdnadshavare eller personal'], // the number not repeated
      [';;;;;;;;;', ''], // a spreadsheet's empty row is no row
    ];
    const text = ['typ;personnummer;förnamn;efternamn;barn;enhet;grupp;startdatum;slutdatum;annat_hushall', ...rows.map(([row]) => row)].join('\r\n');
    const page = await admin.get(await upload(admin, Buffer.from(text, 'utf8'), { municipality: String(municipality) }).then((r) => r.headers.location));
    const refused = [...page.text.matchAll(/<tr><td>(\d+)<\/td><td dir="ltr">[^<]*<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [Number(m[1]), m[2]]);
    const html = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
    assert.deepEqual(refused, rows.map(([, message], i) => [i + 2, html(message)]).filter(([, message]) => message !== ''));
    assert.doesNotMatch(page.text, /\d{8}-\d{4}|\d{6}-\d{4}/, 'no whole personnummer on the page');
    assert.doesNotMatch(page.text, /name="digest"/);
    const before = await fingerprint(t.db);
    const forced = await admin.post(`${page.request.url.replace(/^https?:\/\/[^/]+/, '')}/apply`).type('form').send({ _csrf: csrfFrom(page.text), digest: 'x' });
    assert.equal(forced.status, 400);
    assert.equal(await fingerprint(t.db), before, 'nothing applied');
  });

  it('reads a file saved as UTF-16 (a spreadsheet’s “Unicode text”), and says so of one with tabs between its columns', async () => {
    const text = `typ;personnummer;förnamn;efternamn;barn;enhet;grupp;startdatum\r\nbarn;${identityNumber('2022-07-01', 420)};Åsa;Öberg;;Förskolan Tallen;Kotten;2026-08-01\r\n`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    assert.deepEqual(decodeFile(utf16), { text, encoding: 'utf-16' });
    const page = await admin.get((await upload(admin, utf16, { municipality: String(municipality) })).headers.location);
    assert.match(page.text, /Teckenkodning UTF-16/);
    assert.match(page.text, /Åsa Öberg/);
    const tabs = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replaceAll(';', '\t'), 'utf16le')]);
    const tabbed = await admin.get((await upload(admin, tabs, { municipality: String(municipality) })).headers.location);
    assert.match(tabbed.text, /Kolumnerna ska skiljas med komma eller semikolon, men filen använder tabb/);
  });

  it('applies nothing when the register changed between the preview and the approval', async () => {
    const fresh = await newMunicipality(t, 'Ändringskommun');
    const rows = sampleRows({ children: 3, groups: GROUPS, startDate: '2026-08-01' });
    const res = await upload(admin, Buffer.from(toCsv(rows), 'utf8'), { municipality: String(fresh) });
    const path = res.headers.location;
    const page = await admin.get(path);
    const digest = page.text.match(/name="digest" value="([0-9a-f]+)"/)?.[1];
    assert.ok(digest);
    // meanwhile someone else imports one of the file's children (the first row) into the register
    const first = await applyImport(t.db, {
      municipalityId: fresh, text: toCsv(rows.slice(0, 2)), encoding: 'utf-8', today: today(t.clock), now: t.clock.now(), by: await adminAccount(t), source: 'import', mail,
    });
    assert.ok(first.ok);
    const before = await fingerprint(t.db);
    const approved = await admin.post(`${path}/apply`).type('form').send({ _csrf: csrfFrom(page.text), digest });
    assert.equal(approved.status, 400);
    assert.match(approved.text, /Registret har ändrats sedan förhandsgranskningen/);
    assert.equal(await fingerprint(t.db), before);
  });

  it('applies one of two approvals of the same file at the same moment; the other changes nothing', async () => {
    const fresh = await newMunicipality(t, 'Samtidigkommun');
    const text = toCsv(sampleRows({ children: 20, groups: GROUPS, startDate: '2026-08-01' }));
    const preview = await previewImport(t.db, { municipalityId: fresh, text, encoding: 'utf-8', today: today(t.clock) });
    const by = await adminAccount(t);
    const approve = () => applyImport(t.db, {
      municipalityId: fresh, text, encoding: 'utf-8', today: today(t.clock), now: t.clock.now(), approvedDigest: preview.plan?.digest, by, source: 'import', mail,
    });
    const outcomes = await Promise.all([approve(), approve()]);
    assert.deepEqual(outcomes.map((o) => (o.ok ? 'applied' : o.error)).sort(), ['applied', 'changed-since-preview']);
    const persons = await t.db.selectFrom('persons').select('id').where('municipality_id', '=', fresh).execute();
    assert.equal(persons.length, 60);
  });

  it('asks which municipality when the admin has several, and for a file', async () => {
    const res = await upload(admin, Buffer.from('', 'utf8'));
    assert.equal(res.status, 400);
    assert.match(res.text, /Välj vilken kommun filen gäller/);
    assert.match(res.text, /Välj en fil att ladda upp/);
  });
});
