// Retention of what is not a child's, on a fixed clock: an uploaded registry file never approved goes after its period
// (an applied one keeps only its summary), sent mails go after theirs (and a person's extract lists the mails sent to
// their own addresses), every change of a period is kept with who and when, and the retention job sweeps the logo
// files no unit names.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { Migrator } from 'kysely';
import type request from 'supertest';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { newInstallation } from '../support/database.ts';
import { municipalityId, personId, unitId } from '../support/demo.ts';
import { migrations } from '../../db/migrations/index.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { addEmail, addVerifiedEmail } from '../../server/accounts/settings-queries.ts';
import { queueMail } from '../../server/mail/outbox.ts';
import { logoFolder } from '../../server/organisation/logo.ts';
import { markImportApplied, storeImportFile } from '../../server/people/registry-sync.ts';
import { runRetentionRound } from '../../server/privacy/jobs.ts';
import { pictureFolder } from '../../server/child-page/picture.ts';
import { mediaFolder } from '../../server/media/store.ts';
import fsSync from 'node:fs';
import { retentionChanges, retentionPeriods, saveRetentionPeriods } from '../../server/privacy/queries.ts';
import { parseRetentionDays } from '../../server/privacy/rules.ts';

const NOW = '2026-11-24T09:00:00.000Z';
const daysBefore = (days: number, hours = 0) => new Date(Date.parse(NOW) - (days * 24 + hours) * 3_600_000);

const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('retention of what is not a child\'s', () => {
  let t: TestApp;
  let demo: number;
  let granne: number;
  let adminPerson: number;
  const round = () => runRetentionRound({ db: t.db, personalData: PERSONAL_DATA, dataDir: t.config.dataDir }, new Date(NOW));

  before(async () => {
    t = await startTestApp({ now: NOW });
    demo = await municipalityId(t.db, 'Demokommun');
    granne = await municipalityId(t.db, 'Grannkommun');
    adminPerson = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'admin').executeTakeFirstOrThrow()).person_id;
  });
  after(() => t.close());
  beforeEach(async () => {
    await t.db.deleteFrom('retention_periods').execute();
    await t.db.deleteFrom('retention_period_changes').execute();
  });

  describe('an uploaded registry file', () => {
    /** A file as the import page stores it, uploaded `days` (and `hours`) before now. */
    const upload = (municipality: number, name: string, days: number, hours = 0) => storeImportFile(t.db, {
      municipalityId: municipality, fileName: name, encoding: 'utf-8', content: 'personnummer;förnamn\n20200101-1234;Ada\n', by: adminPerson,
      at: daysBefore(days, hours),
    });
    const imports = async () => (await t.db.selectFrom('registry_imports').select(['file_name', 'content', 'summary']).orderBy('id').execute())
      .map((r) => `${r.file_name}:${r.content === '' ? 'empty' : 'file'}:${r.summary ?? '-'}`);

    beforeEach(async () => { await t.db.deleteFrom('registry_imports').execute(); });

    it('never approved, is removed whole 30 days after its upload (the default); an applied one keeps its summary', async () => {
      await upload(demo, 'old.csv', 30, 1);
      await upload(demo, 'recent.csv', 29, 23);
      const applied = await upload(demo, 'applied.csv', 60);
      await t.db.transaction().execute((trx) => markImportApplied(trx, applied, adminPerson, daysBefore(59), '{"children":3}'));
      // (a file applied by an older Vardag, which kept the file after applying it)
      const kept = await upload(demo, 'applied-before.csv', 60);
      await t.db.updateTable('registry_imports').set({ applied_at: daysBefore(45).toISOString(), applied_by: adminPerson, summary: '{"children":1}' })
        .where('id', '=', kept).execute();
      await upload(granne, 'granne.csv', 31);

      const { timed } = await round();
      assert.deepEqual(await imports(), ['recent.csv:file:-', 'applied.csv:empty:{"children":3}', 'applied-before.csv:empty:{"children":1}']);
      const demoRun = timed.find((r) => r.municipalityId === demo && r.kind === 'registryImports');
      assert.deepEqual(demoRun && { days: demoRun.days, removed: demoRun.removed }, { days: 30, removed: 2 });
      await round();
      assert.equal((await imports()).length, 3, 'run again, nothing more goes');
    });

    it('is kept the period the municipality set, in its own municipality only', async () => {
      await saveRetentionPeriods(t.db, granne, { days: new Map([['registryImports', 60]]) }, adminPerson, new Date(NOW));
      await saveRetentionPeriods(t.db, demo, { days: new Map([['registryImports', 10]]) }, adminPerson, new Date(NOW));
      await upload(granne, 'granne.csv', 31);
      await upload(demo, 'demo-11.csv', 11);
      await upload(demo, 'demo-9.csv', 9);
      await round();
      assert.deepEqual(await imports(), ['granne.csv:file:-', 'demo-9.csv:file:-']);
    });
  });

  describe('a sent mail', () => {
    beforeEach(async () => { await t.db.deleteFrom('mail_outbox').execute(); });

    /** A mail queued `days` before now and, unless `state` says otherwise, sent then. */
    async function mail(to: string, subject: string, municipality: number | null, days: number, state: 'sent' | 'failed' | 'waiting' = 'sent') {
      const at = daysBefore(days);
      const id = await queueMail(t.db, { to, subject, text: 'text', html: '<p>text</p>' }, at, { municipalityId: municipality });
      if (state === 'sent') await t.db.updateTable('mail_outbox').set({ sent_at: at.toISOString(), text_body: null, html_body: null }).where('id', '=', id).execute();
      if (state === 'failed') await t.db.updateTable('mail_outbox').set({ failed_at: at.toISOString(), text_body: null, html_body: null }).where('id', '=', id).execute();
      return id;
    }
    const subjects = async () => (await t.db.selectFrom('mail_outbox').select('subject').orderBy('id').execute()).map((m) => m.subject);

    it('is removed 90 days after it was sent or given up (the default), or after its municipality\'s own period; one waiting stays', async () => {
      await saveRetentionPeriods(t.db, granne, { days: new Map([['mails', 30]]) }, adminPerson, new Date(NOW));
      await mail('a@example.com', 'sent 91 days ago', demo, 91);
      await mail('a@example.com', 'sent 89 days ago', demo, 89);
      await mail('a@example.com', 'given up 91 days ago', demo, 91, 'failed');
      await mail('a@example.com', 'waiting 200 days', demo, 200, 'waiting');
      await mail('b@example.com', 'a test mail 91 days ago', null, 91);
      await mail('b@example.com', 'a test mail 80 days ago', null, 80);
      await mail('c@example.com', 'granne 31 days ago', granne, 31);
      await mail('c@example.com', 'granne 29 days ago', granne, 29);
      await round();
      assert.deepEqual(await subjects(), ['sent 89 days ago', 'waiting 200 days', 'a test mail 80 days ago', 'granne 29 days ago']);
    });

    it('is in the extract of the person whose account\'s address it went to: subject, when, whether it went; never another\'s', async () => {
      const emma = await personId(t.db, 'Emma', 'Andersson');
      const account = (await t.db.selectFrom('accounts').select('id').where('person_id', '=', emma).executeTakeFirstOrThrow()).id;
      await t.db.updateTable('accounts').set({ email: 'emma.andersson@example.com', email_key: 'emma.andersson@example.com' }).where('id', '=', account).execute();
      await addVerifiedEmail(t.db, account, 'familjen.andersson@example.com', new Date(NOW));
      await addEmail(t.db, { id: account, email: 'emma.andersson@example.com' }, 'inte.bekraftad@example.com', new Date(NOW));
      await mail('Emma.Andersson@Example.com', 'Inbjudan till Vardag', demo, 3);
      await mail('familjen.andersson@example.com', 'Frånvaro anmäld', demo, 2, 'failed');
      await mail('emma.andersson@example.com', 'Nytt meddelande', demo, 0, 'waiting');
      await mail('inte.bekraftad@example.com', 'Bekräfta adressen (not hers until confirmed)', demo, 1);
      await mail('karim.haddad@example.com', 'Karims brev', demo, 1);
      await mail('emma.andersson@example.com', 'Grannkommuns brev', granne, 1);
      await mail('emma.andersson@example.co', 'Nästan samma adress', demo, 1);

      const agent: Agent = await signIn(t.app, 'vardnadshavare');
      const res = await agent.get('/settings/extract/download').buffer(true).parse(binary);
      assert.equal(res.status, 200);
      const files = Object.fromEntries(Object.entries(unzipSync(new Uint8Array(res.body as Buffer))).map(([name, bytes]) => [name, strFromU8(bytes)]));
      const document = JSON.parse(files['registerutdrag.json']) as { sections: { title: string; rows: Record<string, string | null>[] }[] };
      const mails = document.sections.find((s) => s.title === 'personalData.sections.mails');
      assert.deepEqual(mails?.rows.map((r) => [r.subject, r.recipient, r.mail_status, r.created_at]), [
        ['Inbjudan till Vardag', 'Emma.Andersson@Example.com', 'sent', daysBefore(3).toISOString()],
        ['Frånvaro anmäld', 'familjen.andersson@example.com', 'failed', daysBefore(2).toISOString()],
        ['Nytt meddelande', 'emma.andersson@example.com', 'waiting', daysBefore(0).toISOString()],
      ]);
      const html = files['registerutdrag.html'];
      assert.match(html, /<caption>E-post som Vardag skickat till dina adresser<\/caption>/);
      assert.match(html, /<td>Inbjudan till Vardag<\/td><td>Skickad<\/td>/);
      assert.match(html, /<td>Frånvaro anmäld<\/td><td>Kunde inte skickas<\/td>/);
      for (const other of ['Karims brev', 'Grannkommuns brev', 'Nästan samma adress', 'Bekräfta adressen']) assert.doesNotMatch(html, new RegExp(other));
    });
  });

  describe('the retention settings', () => {
    const page = () => `/municipalities/${demo}/privacy`;
    const defaults = () => Object.fromEntries([
      ...PERSONAL_DATA.rules().map((r) => [`months_${r.kind}`, String(r.defaultMonths)]),
      ...PERSONAL_DATA.timedRules().map((r) => [`days_${r.kind}`, String(r.defaultDays)]),
    ]);

    it('show the days of the registry files and the mails, and refuse a period under a week at its field', async () => {
      const admin = await signIn(t.app, 'admin');
      const shown = (await admin.get(page())).text;
      assert.match(shown, /<label for="days_registryImports">Uppladdade registerfiler[^<]*<\/label>\s*<p class="hint" id="days_registryImports-hint">Dagar\. Standard: 30\.<\/p>/);
      assert.match(shown, /id="days_registryImports" name="days_registryImports" type="text" value="30"/);
      assert.match(shown, /id="days_mails" name="days_mails" type="text" value="90"/);
      const refused = await postForm(admin, page(), `${page()}/retention`, { ...defaults(), days_registryImports: '3', days_mails: '' });
      assert.equal(refused.status, 400);
      assert.match(refused.text, /Skriv ett helt antal dagar, från 7 till 3650/);
      assert.match(refused.text, /Skriv hur många dagar/);
      assert.match(refused.text, /id="days_registryImports" name="days_registryImports" type="text" value="3"/);
      assert.equal((await retentionPeriods(t.db, demo, 'days')).size, 0, 'nothing saved');
      assert.equal((await retentionPeriods(t.db, demo)).size, 0);
      const saved = await postForm(admin, page(), `${page()}/retention`, { ...defaults(), days_registryImports: '14' });
      assert.equal(saved.status, 303);
      assert.equal((await retentionPeriods(t.db, demo, 'days')).get('registryImports'), 14);
      assert.match((await admin.get(page())).text, /id="days_registryImports" name="days_registryImports" type="text" value="14"/);
    });

    it('keep every change of a period, who made it, when, from what to what, newest first', async () => {
      const admin = await signIn(t.app, 'admin');
      assert.match((await admin.get(page())).text, /Ingen har ändrat gallringstiderna/);
      await postForm(admin, page(), `${page()}/retention`, { ...defaults(), months_absences: '18' });
      t.clock.set('2026-11-25T14:30:00Z');
      try {
        await postForm(admin, page(), `${page()}/retention`, { ...defaults(), months_absences: '6', days_mails: '30' });
        await postForm(admin, page(), `${page()}/retention`, { ...defaults(), months_absences: '6', days_mails: '30' }); // nothing changed: no entry
      } finally {
        t.clock.set(NOW);
      }
      const name = (await t.db.selectFrom('persons').select(['first_name', 'last_name']).where('id', '=', adminPerson).executeTakeFirstOrThrow());
      const who = `${name.first_name} ${name.last_name}`;
      const section = (await admin.get(page())).text.split('id="retention-changes"')[1] ?? '';
      const entries = [...section.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
      assert.equal(entries.length, 3, entries.join('\n'));
      assert.match(entries[0], new RegExp(`^.*25 nov.*2026.*, ${who}: Skickad e-post \\(mottagare, ämne och när\\), från 90 dagar till 30 dagar$`));
      assert.match(entries[1], new RegExp(`^.*25 nov.*2026.*, ${who}: Frånvaro, från 18 månader till 6 månader$`));
      assert.match(entries[2], new RegExp(`^.*24 nov.*2026.*, ${who}: Frånvaro, från standard \\(12 månader\\) till 18 månader$`));
    });

    it('keep a true chain of changes when two admins save at once', async () => {
      await Promise.all([10, 20, 30].map((months, i) => saveRetentionPeriods(t.db, demo, { months: new Map([['absences', months]]) }, adminPerson + i, new Date(NOW))));
      const changes = (await retentionChanges(t.db, demo)).reverse();
      assert.equal(changes.length, 3);
      assert.equal(changes[0].oldLength, null);
      assert.equal(changes[1].oldLength, changes[0].newLength, 'each change is from what the one before saved');
      assert.equal(changes[2].oldLength, changes[1].newLength);
      assert.equal((await retentionPeriods(t.db, demo)).get('absences'), changes[2].newLength);
    });
  });

  describe('the logo files', () => {
    it('that no unit names, written over an hour ago, are removed by the retention job; others stay', async () => {
      const solrosen = await unitId(t.db, 'Förskolan Solrosen');
      const folder = logoFolder(t.config.dataDir);
      await fs.mkdir(folder, { recursive: true });
      const named = `${solrosen}-aaaaaaaaaaaaaaaa.webp`;
      await t.db.updateTable('units').set({ logo_file: named, logo_width: 10, logo_height: 10 }).where('id', '=', solrosen).execute();
      const files = {
        named, orphan: `${solrosen}-bbbbbbbbbbbbbbbb.webp`, young: `${solrosen}-cccccccccccccccc.webp`,
        partial: `.${solrosen}-dddddddddddddddd.webp.0123456789ab.partial`, foreign: 'README.txt',
      };
      for (const file of Object.values(files)) await fs.writeFile(path.join(folder, file), 'x');
      const old = daysBefore(0, 2);
      for (const file of [files.named, files.orphan, files.partial, files.foreign]) await fs.utimes(path.join(folder, file), old, old);
      const young = daysBefore(0, 0.5);
      await fs.utimes(path.join(folder, files.young), young, young);

      const { logoFiles } = await round();
      assert.deepEqual(logoFiles.sort(), [files.partial, files.orphan].sort());
      assert.deepEqual((await fs.readdir(folder)).sort(), [files.named, files.young, files.foreign].sort());
      await t.db.updateTable('units').set({ logo_file: null, logo_width: null, logo_height: null }).where('id', '=', solrosen).execute();
    });

    it('and so are stored photos no post or home observation names, once over a day old; those a post names stay', async () => {
      const root = mediaFolder(t.config.dataDir);
      const named = (await t.db.selectFrom('post_media').select('file_key').executeTakeFirstOrThrow()).file_key;
      const orphan = 'ab'.padEnd(64, '0');
      await fs.mkdir(path.join(root, 'ab', orphan), { recursive: true });
      await fs.writeFile(path.join(root, 'ab', orphan, 'full.jpg'), 'x');
      const old = daysBefore(2);
      for (const folder of [path.join(root, 'ab', orphan), path.join(root, named.slice(0, 2), named)]) await fs.utimes(folder, old, old);
      const { mediaFiles } = await round();
      assert.deepEqual(mediaFiles, [orphan]);
      assert.ok(fsSync.existsSync(path.join(root, named.slice(0, 2), named)), 'the photo of a demo post stays');
      assert.equal(fsSync.existsSync(path.join(root, 'ab', orphan)), false);
    });

    it("and so are child picture files no child's page names (written just before a crash), once over an hour old", async () => {
      const folder = pictureFolder(t.config.dataDir);
      await fs.mkdir(folder, { recursive: true });
      const orphan = '999999-eeeeeeeeeeeeeeee.jpg';
      const young = '999999-ffffffffffffffff.jpg';
      for (const file of [orphan, young]) await fs.writeFile(path.join(folder, file), 'x');
      const old = daysBefore(0, 2);
      await fs.utimes(path.join(folder, orphan), old, old);
      const named = await fs.readdir(folder);
      const { pictureFiles } = await round();
      assert.deepEqual(pictureFiles, [orphan]);
      assert.deepEqual((await fs.readdir(folder)).sort(), named.filter((f) => f !== orphan).sort());
      await fs.rm(path.join(folder, young));
    });
  });
});

describe('the days of a timed kind, as the form says them', () => {
  const rules = [{ kind: 'mails', defaultDays: 90, remove: async () => 0 }];
  const parse = (raw: string) => {
    const parsed = parseRetentionDays(rules, (name) => (name === 'days_mails' ? raw : ''));
    return parsed.ok ? parsed.value.get('mails') : parsed.errors.days_mails?.key;
  };

  it('are a whole number from a week to ten years, trimmed; anything else is refused at the field', () => {
    assert.equal(parse(' 7 '), 7);
    assert.equal(parse('3650'), 3650);
    assert.equal(parse('6'), 'personalData.errors.daysRange');
    assert.equal(parse('3651'), 'personalData.errors.daysRange');
    for (const bad of ['1e3', '30.5', '-30', 'trettio']) assert.equal(parse(bad), 'personalData.errors.daysRange', bad);
    assert.equal(parse('  '), 'personalData.errors.daysMissing');
  });
});

describe('migration 0037 on periods already set', () => {
  it('keeps each period, in months, as its first change from the default, with who and when', async () => {
    const installation = await newInstallation('retention-0037');
    const connection = installation.open();
    try {
      const migrator = new Migrator({ db: connection.db, provider: { getMigrations: async () => migrations } });
      assert.equal((await migrator.migrateTo('0033_add_logo_to_units')).error, undefined);
      const db = connection.db;
      const { id } = await db.insertInto('municipalities').values({ name: 'Provkommun', created_at: NOW, terms_of_use: null }).returning('id').executeTakeFirstOrThrow();
      // (the table as migration 0032 made it: `months`)
      await db.insertInto('retention_periods').values({ municipality_id: id, kind: 'absences', months: 18, changed_by: 7, changed_at: NOW } as never).execute();
      assert.equal((await migrator.migrateToLatest()).error, undefined, 'the upgrade runs');
      assert.deepEqual([...await retentionPeriods(db, id)], [['absences', 18]]);
      assert.deepEqual(await retentionPeriods(db, id, 'days'), new Map());
      const changes = await db.selectFrom('retention_period_changes').select(['kind', 'unit', 'old_length', 'new_length', 'changed_by', 'changed_at']).execute();
      assert.deepEqual(changes, [{ kind: 'absences', unit: 'months', old_length: null, new_length: 18, changed_by: 7, changed_at: NOW }]);
    } finally {
      await connection.close();
      await installation.remove();
    }
  });
});
