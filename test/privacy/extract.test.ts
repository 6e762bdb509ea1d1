// The register extract: a guardian downloads everything Vardag holds about them and their children, an admin downloads
// it for a person of their municipality; the ZIP holds an HTML page and the same as JSON, and nothing of other families.
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { strFromU8, unzipSync } from 'fflate';
import type request from 'supertest';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { signInStrong } from '../support/strong-login.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { PersonalDataRegistry, type PersonalDataPart } from '../../server/kernel/personal-data.ts';
import { buildExtract } from '../../server/privacy/extract.ts';
import { personRegister } from '../../server/people/personal-data.ts';
import { accountIdsOf } from '../../server/accounts/personal-data.ts';

const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

async function download(agent: Agent, url: string): Promise<{ res: request.Response; files: Record<string, string> }> {
  const res = await agent.get(url).buffer(true).parse(binary);
  if (res.status !== 200) return { res, files: {} };
  const entries = unzipSync(new Uint8Array(res.body as Buffer));
  return { res, files: Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, strFromU8(bytes)])) };
}

describe('the register extract', () => {
  let t: TestApp;
  let ids: { emma: number; elsa: number; oskar: number; nora: number; johan: number };
  /** Names, e-mails and comments of everyone who is not Emma, Elsa or Oskar: none may be in Emma's extract. */
  let strangers: string[];

  before(async () => {
    t = await startTestApp();
    ids = {
      emma: await personId(t.db, 'Emma', 'Andersson'), elsa: await personId(t.db, 'Elsa', 'Andersson'),
      oskar: await personId(t.db, 'Oskar', 'Andersson'), nora: await personId(t.db, 'Nora', 'Haddad'), johan: await personId(t.db, 'Johan', 'Berg'),
    };
    const now = t.clock.now().toISOString();
    const emmaAccount = (await t.db.selectFrom('accounts').select('id').where('person_id', '=', ids.emma).executeTakeFirstOrThrow()).id;
    const karimAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare3').executeTakeFirstOrThrow()).id;
    // Emma's own family's records, and the second family's (Nora, in the same group) on the same days.
    await t.db.insertInto('absences').values([
      { child_id: ids.elsa, date: '2026-11-20', kind: 'reported', comment: 'Elsa har feber', created_by: emmaAccount, created_at: now },
      { child_id: ids.nora, date: '2026-11-20', kind: 'reported', comment: 'Noras hemliga kommentar', created_by: karimAccount, created_at: now },
    ]).execute();
    await t.db.insertInto('care_history').values([
      { child_id: ids.oskar, date: '2026-11-23', what: 'care_time', old_value: null, new_value: '08:00–15:00', changed_by: emmaAccount, changed_at: now },
      { child_id: ids.nora, date: '2026-11-23', what: 'care_time', old_value: null, new_value: '06:45–17:59', changed_by: karimAccount, changed_at: now },
    ]).execute();
    strangers = (await t.db.selectFrom('persons').select(['id', 'first_name', 'last_name', 'email'])
      .where('id', 'not in', [ids.emma, ids.elsa, ids.oskar]).execute())
      .flatMap((p) => [`${p.first_name} ${p.last_name}`, ...(p.email ? [p.email] : [])]);
    strangers.push('Noras hemliga kommentar', '06:45–17:59');
  });
  after(() => t.close());

  it('is a ZIP of an HTML page and JSON with the guardian\'s own records and their children\'s, from their settings', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    assert.match((await emma.get('/settings')).text, /href="\/settings\/extract"/);
    assert.equal((await emma.get('/settings/extract')).status, 200);
    const { res, files } = await download(emma, '/settings/extract/download');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /application\/zip/);
    assert.match(res.headers['content-disposition'], /^attachment; filename="registerutdrag-2026-11-24\.zip"$/);
    // (and the photos of Elsa's and Oskar's portfolios: test/documentation/personal-data.test.ts; their pictures:
    // test/child-page/child-page.test.ts)
    assert.deepEqual(Object.keys(files).filter((n) => !/^barn-\d+\/(portfolj-|barnets-bild\.jpg$)/.test(n)).sort(), ['registerutdrag.html', 'registerutdrag.json']);
    const json = JSON.parse(files['registerutdrag.json']);
    assert.equal(json.person.name, 'Emma Andersson');
    assert.deepEqual(json.children.map((c: { name: string }) => c.name).sort(), ['Elsa Andersson', 'Oskar Andersson']);
    const emmaRow = await t.db.selectFrom('persons').select('identity_number').where('id', '=', ids.emma).executeTakeFirstOrThrow();
    const section = (title: string, childId: number | null) => json.sections.find((s: { title: string; childId: number | null }) => s.title === title && s.childId === childId);
    assert.equal(section('personalData.sections.person', null).rows[0].identity_number, emmaRow.identity_number, 'her own number, whole');
    assert.deepEqual(section('personalData.sections.absences', ids.elsa).rows.map((r: { comment: string; by: string }) => [r.comment, r.by]), [['Elsa har feber', 'you']]);
    assert.deepEqual(section('personalData.sections.history', ids.oskar).rows.map((r: { new_value: string }) => r.new_value), ['08:00–15:00']);
    assert.equal(section('personalData.sections.accounts', null).rows[0].username, 'vardnadshavare');
    const html = files['registerutdrag.html'];
    assert.match(html, /Elsa har feber/);
    assert.match(html, /<h2>Barn: Elsa Andersson<\/h2>/);
    assert.doesNotMatch(html, /personalData\./, 'every heading and column is in the catalogue');
    for (const text of strangers) {
      assert.ok(!html.includes(text), `the HTML names ${text}`);
      assert.ok(!files['registerutdrag.json'].includes(text), `the JSON names ${text}`);
    }
  });

  it('of the other guardian in another household holds their own records and the shared child, not Emma\'s', async () => {
    const johan = await signIn(t.app, 'vardnadshavare2');
    const { files } = await download(johan, '/settings/extract/download');
    const json = JSON.parse(files['registerutdrag.json']);
    assert.deepEqual(json.children.map((c: { name: string }) => c.name), ['Elsa Andersson']);
    for (const text of ['Emma Andersson', 'Oskar Andersson', '08:00–15:00', 'vardnadshavare"']) {
      assert.ok(!files['registerutdrag.json'].includes(text), `Johan's extract names ${text}`);
    }
    // Emma reported Elsa's absence: Johan's extract says someone else did
    const absences = json.sections.find((s: { title: string; childId: number }) => s.title === 'personalData.sections.absences' && s.childId === ids.elsa);
    assert.deepEqual(absences.rows.map((r: { by: string }) => r.by), ['other']);
  });

  it('never holds a protected address, not even the guardian\'s own child\'s', async () => {
    const karim = await signIn(t.app, 'vardnadshavare3');
    const { files } = await download(karim, '/settings/extract/download');
    const json = JSON.parse(files['registerutdrag.json']);
    assert.deepEqual(json.children.map((c: { name: string }) => c.name), ['Nora Haddad']);
    const nora = json.sections.find((s: { title: string; childId: number }) => s.title === 'personalData.sections.person' && s.childId === ids.nora);
    assert.equal(nora.rows[0].protected_identity, 1);
    assert.equal(nora.rows[0].street_address, null);
    for (const file of Object.values(files)) assert.doesNotMatch(file, /Hemlig väg|462 99/);
    assert.match(files['registerutdrag.html'], /Adresser till personer med skyddade personuppgifter finns inte med/);
    assert.doesNotMatch(files['registerutdrag.json'], /Leila/, 'nothing of the other guardian');
  });

  it('is taken by the municipality\'s admin for a person, recorded in the audit trail; nobody else may', async () => {
    const admin = await signIn(t.app, 'admin');
    const page = await admin.get(`/admin/people/${ids.emma}/extract`);
    assert.equal(page.status, 200);
    const number = (await t.db.selectFrom('persons').select('identity_number').where('id', '=', ids.emma).executeTakeFirstOrThrow()).identity_number ?? '';
    assert.ok(number.length >= 10);
    const digits = number.replace(/[^0-9]/g, '');
    assert.ok(!page.text.includes(number) && !page.text.includes(digits.slice(-10)), 'the page shows the number masked');
    assert.match(page.text, /\d{6}-XXXX/);
    assert.match(page.text, /<h2>Barn: Elsa Andersson<\/h2>\s*<ul class="link-list">[\s\S]*?<li>Frånvaro: 1<\/li>/, 'what the extract holds, before it is downloaded');
    assert.ok(!page.text.includes('Noras hemliga kommentar') && !page.text.includes('Nora Haddad'));
    const { res, files } = await download(admin, `/admin/people/${ids.emma}/extract/download`);
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(files['registerutdrag.json']).person.name, 'Emma Andersson');
    const audited = await t.db.selectFrom('audit_trail').select(['action', 'record_id']).where('action', '=', 'person.extract.read').execute();
    assert.deepEqual(audited, [{ action: 'person.extract.read', record_id: ids.emma }, { action: 'person.extract.read', record_id: ids.emma }]);
    for (const actor of ['grannadmin', 'rektor', 'pedagog', 'vardnadshavare']) {
      const agent = await signIn(t.app, actor);
      assert.equal((await agent.get(`/admin/people/${ids.emma}/extract/download`)).status, 404, actor);
    }
  });

  it('is found by the admin by name, 50 a page', async () => {
    const admin = await signIn(t.app, 'admin');
    const municipality = (await t.db.selectFrom('persons').select('municipality_id').where('id', '=', ids.emma).executeTakeFirstOrThrow()).municipality_id;
    const found = await admin.get(`/municipalities/${municipality}/privacy?q=${encodeURIComponent('emma and')}`);
    assert.equal(found.status, 200);
    assert.match(found.text, new RegExp(`href="/admin/people/${ids.emma}/extract"`));
    assert.doesNotMatch(found.text, new RegExp(`href="/admin/people/${ids.johan}/extract"`));
    const many = await admin.get(`/municipalities/${municipality}/privacy?q=a`);
    assert.equal((many.text.match(/href="\/admin\/people\/\d+\/extract"/g) ?? []).length, 50);
    assert.match(many.text, /page=2/);
  });

  it('holds the files a domain adds, each child\'s in the child\'s folder, and only for the subject\'s own children', async () => {
    const photos: PersonalDataPart = {
      domain: 'photos',
      async extract(_db, subject) {
        return { sections: [], files: subject.childIds.map((childId) => ({ childId, name: 'foto 1.jpg', bytes: new Uint8Array([childId % 256, 1, 2]) })) };
      },
    };
    const registry = new PersonalDataRegistry(personRegister, accountIdsOf, [...PERSONAL_DATA.parts, photos]);
    const extract = await buildExtract(t.db, registry, ids.johan, t.clock.now(), () => '<html></html>');
    assert.ok(extract);
    const chunks: Buffer[] = [];
    const out = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk); done(); } });
    await extract.write(out);
    const names = Object.keys(unzipSync(new Uint8Array(Buffer.concat(chunks)))).filter((n) => !n.includes('/portfolj-') && !n.endsWith('/barnets-bild.jpg')).sort(); // (documentation's own photos and the children's pictures aside)
    assert.deepEqual(names, [`barn-${ids.elsa}/foto_1.jpg`, 'registerutdrag.html', 'registerutdrag.json']);
    assert.equal(await buildExtract(t.db, registry, 987654, t.clock.now(), () => ''), undefined);
  });

  it('holds the records that need a strong login only when the person takes it strong for their municipality, never the admin\'s', async () => {
    const secret: PersonalDataPart = {
      domain: 'test-strong', strongLogin: true,
      async extract(_db, subject) {
        return { sections: subject.childIds.map((childId) => ({ title: 'personalData.sections.notes', childId, columns: ['body'], rows: [{ body: 'Hemlig bedömning' }] })) };
      },
    };
    const registry = new PersonalDataRegistry(personRegister, accountIdsOf, [...PERSONAL_DATA.parts, secret]);
    const json = async (strong: boolean) => {
      const extract = await buildExtract(t.db, registry, ids.emma, t.clock.now(), () => '<html></html>', () => strong);
      assert.ok(extract);
      return extract.document;
    };
    const weak = await json(false);
    assert.equal(weak.withheld, true);
    assert.doesNotMatch(JSON.stringify(weak), /Hemlig bedömning/);
    const strong = await json(true);
    assert.equal(strong.withheld, false);
    assert.match(JSON.stringify(strong), /Hemlig bedömning/);
    // the registry's own parts: withheld on a weak download (the HTML says so), and the admin's always
    const emma = await signIn(t.app, 'vardnadshavare');
    const own = await emma.get('/settings/extract');
    assert.match(own.text, /kommer bara med när du är inloggad med BankID/);
    assert.match(own.text, /href="\/login\/strong\?next=%2Fsettings%2Fextract&amp;municipality=\d+"/);
    const { files } = await download(emma, '/settings/extract/download');
    assert.equal(JSON.parse(files['registerutdrag.json']).withheld, true);
    assert.match(files['registerutdrag.html'], /de visas bara för den som loggat in med BankID/);
    // ...and taken strong (an e-ID login of Demokommun), the page offers no BankID and the extract holds them
    const strongEmma = (await signInStrong(t.app, t.db, 'vardnadshavare', t.clock.now())).agent;
    assert.doesNotMatch((await strongEmma.get('/settings/extract')).text, /kommer bara med när du är inloggad med BankID/);
    const strongFiles = (await download(strongEmma, '/settings/extract/download')).files;
    assert.equal(JSON.parse(strongFiles['registerutdrag.json']).withheld, false);
    assert.doesNotMatch(strongFiles['registerutdrag.html'], /de visas bara för den som loggat in med BankID/);
    // someone without children has no such records: nothing is said to be left out
    const teacher = await signIn(t.app, 'pedagog');
    assert.doesNotMatch((await teacher.get('/settings/extract')).text, /kommer bara med när du är inloggad med BankID/);
    assert.equal(JSON.parse((await download(teacher, '/settings/extract/download')).files['registerutdrag.json']).withheld, false);
    const admin = await signIn(t.app, 'admin');
    assert.match((await admin.get(`/admin/people/${ids.emma}/extract`)).text, /ingår inte här/);
    const byAdmin = await download(admin, `/admin/people/${ids.emma}/extract/download`);
    assert.equal(JSON.parse(byAdmin.files['registerutdrag.json']).withheld, true);
  });
});
