// The municipality's data protection notice and accessibility statement: public pages filled from what the
// municipality's admins write on /admin/statements (each save a version, who and when), with the project's own test
// results; bad input comes back at its field with nothing saved; two admins saving at once do not overwrite each other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import request from 'supertest';
import { csrfFrom, postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { municipalityId } from '../support/demo.ts';
import { currentStatements } from '../../server/about/queries.ts';
import { savePart } from '../../server/about/pages.ts';
import { readTestResults } from '../../server/about/test-results.ts';
import { PERSONAL_DATA } from '../../server/app.ts';

const versions = async (t: TestApp, m: number) => Number((await t.db.selectFrom('municipality_statements')
  .select((eb) => eb.fn.countAll<number>().as('n')).where('municipality_id', '=', m).executeTakeFirstOrThrow()).n);

const PRIVACY = {
  controller: 'Barn- och utbildningsförvaltningen\nDemokommun\n462 85 Demostad\nE-post: barnutbildning@demokommun.se',
  dpo: 'Dataskyddsombud: dso@demokommun.se, 042-29 33 12',
  purpose: 'Att stödja kontakten mellan hem och förskola eller skola.',
  legal_basis: 'Allmänt intresse.',
  recipients: 'Inga överföringar till tredje land. Servrarna finns i Sverige.',
  retention: 'Enligt kommunens dokumenthanteringsplan.',
  rights: '',
  sources: 'Kommunens elevregister.',
  categories: '',
};

describe('the statements', () => {
  let t: TestApp;
  let admin: Agent;
  let demo: number;
  let granne: number;

  before(async () => {
    t = await startTestApp();
    admin = await signIn(t.app, 'admin');
    demo = await municipalityId(t.db, 'Demokommun');
    granne = await municipalityId(t.db, 'Grannkommun');
  });
  after(() => t.close());

  describe('GET /privacy and /accessibility', () => {
    it('let a visitor choose among the municipalities when the database has several, and show the one chosen', async () => {
      const res = await request(t.app).get('/privacy');
      assert.equal(res.status, 200);
      assert.match(res.text, /Välj kommun/);
      assert.match(res.text, new RegExp(`href="/privacy\\?municipality=${demo}">Demokommun<`));
      assert.match(res.text, new RegExp(`href="/privacy\\?municipality=${granne}">Grannkommun<`));
      const chosen = await request(t.app).get(`/accessibility?municipality=${granne}`);
      assert.match(chosen.text, /Grannkommun står bakom Vardag/);
      assert.equal((await request(t.app).get('/privacy?municipality=987654')).status, 404);
    });

    it("show a signed-in user their own municipality's", async () => {
      const res = await (await signIn(t.app, 'vardnadshavare')).get('/privacy');
      assert.match(res.text, /Demokommun är personuppgiftsansvarig/);
      assert.doesNotMatch(res.text, /Välj kommun/);
    });

    it('say what is not written yet, and the general text of rights and of the data Vardag holds', async () => {
      const res = await request(t.app).get(`/privacy?municipality=${granne}`);
      assert.match(res.text, /<h2>Kontaktuppgifter till den personuppgiftsansvarige<\/h2>\s*<p class="muted">Kommunen har inte skrivit det här ännu/);
      assert.match(res.text, /Du har rätt att få veta vilka uppgifter/);
      assert.match(res.text, /personnummer eller samordningsnummer/);
    });

    it("list how long Vardag keeps each kind of record of a child who left: the municipality's own period, else the default", async () => {
      await t.db.insertInto('retention_periods').values({ municipality_id: granne, kind: 'absences', length: 1, changed_by: 1,
        changed_at: t.clock.now().toISOString() }).execute();
      const own = (await request(t.app).get(`/privacy?municipality=${granne}`)).text;
      assert.match(own, /Vardag tar själv bort uppgifterna om ett barn som har slutat/);
      assert.match(own, /<li>Frånvaro: 1 månad<\/li>/);
      const other = (await request(t.app).get(`/privacy?municipality=${demo}`)).text;
      const defaults = new Map(PERSONAL_DATA.rules().map((r) => [r.kind, r.defaultMonths]));
      assert.match(other, new RegExp(`<li>Frånvaro: ${defaults.get('absences')} månader</li>`));
      assert.equal((other.match(/<li>[^<]*: \d+ månad(er)?<\/li>/g) ?? []).length, PERSONAL_DATA.rules().length);
    });

    it('list too how long what is kept for a time stays (uploaded registry files, sent mail), in days', async () => {
      await t.db.insertInto('retention_periods').values({ municipality_id: granne, kind: 'mails', length: 14, unit: 'days', changed_by: 1,
        changed_at: t.clock.now().toISOString() }).execute();
      const own = (await request(t.app).get(`/privacy?municipality=${granne}`)).text;
      assert.match(own, /Vardag tar också själv bort det som bara sparas en tid/);
      assert.match(own, /<li>Skickad e-post \(mottagare, ämne och när\): 14 dagar<\/li>/);
      const other = (await request(t.app).get(`/privacy?municipality=${demo}`)).text;
      for (const rule of PERSONAL_DATA.timedRules()) assert.match(other, new RegExp(`: ${rule.defaultDays} dagar</li>`), rule.kind);
      assert.equal((other.match(/<li>[^<]*: \d+ dag(ar)?<\/li>/g) ?? []).length, PERSONAL_DATA.timedRules().length);
    });
  });

  describe('POST /admin/statements/privacy', () => {
    it('publishes what the admin wrote, line by line, under the headings of the notice, and keeps the version', async () => {
      const before = await versions(t, demo);
      const res = await postForm(admin, '/admin/statements', '/admin/statements/privacy', { municipality: String(demo), ...PRIVACY });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/admin/statements?municipality=${demo}#privacy`);
      assert.equal(await versions(t, demo), before + 1);
      const page = (await request(t.app).get(`/privacy?municipality=${demo}`)).text;
      assert.match(page, /<h2>Kontaktuppgifter till den personuppgiftsansvarige<\/h2>\s*<p dir="auto">Barn- och utbildningsförvaltningen<br>Demokommun<br>462 85 Demostad<br>E-post: barnutbildning@demokommun.se<\/p>/);
      assert.match(page, /<h2>Vilken rättslig grund behandlingen stödjer sig på<\/h2>\s*<p dir="auto">Allmänt intresse.<\/p>/);
      assert.match(page, /Du har rätt att få veta/, 'rights left empty: the general text');
      assert.match(page, /Senast uppdaterad/);
      const saved = (await admin.get(`/admin/statements?municipality=${demo}`)).text;
      assert.match(saved, /Informationen om personuppgifter är sparad/);
      assert.match(saved, /Karin Lindqvist: Kontaktuppgifter till den personuppgiftsansvarige, Kontaktuppgifter till dataskyddsombudet/);
    });

    it('brings back a text that is too long at its field, with everything typed, and saves nothing', async () => {
      const before = await versions(t, demo);
      const res = await postForm(admin, '/admin/statements', '/admin/statements/privacy',
        { municipality: String(demo), ...PRIVACY, purpose: 'x'.repeat(5001), sources: 'Skrivet nyss.' });
      assert.equal(res.status, 400);
      assert.match(res.text, /<title>Fel: /);
      assert.match(res.text, /<p class="field-error" id="purpose-error">.*Skriv högst 5000 tecken/);
      assert.match(res.text, />Skrivet nyss.<\/textarea>/);
      assert.equal(await versions(t, demo), before);
    });

    it('says so when another admin saved since the form was shown, keeps what was typed and saves nothing', async () => {
      const form = (await admin.get(`/admin/statements?municipality=${demo}`)).text;
      const shown = Number(form.match(/name="version" value="(\d+)"/)?.[1]);
      const other = await savePart(t.db, demo, shown, { part: 'accessibility', value: {
        compliance: 'partial', knownProblems: null, feedbackEmail: null, feedbackPhone: null, assessedOn: null } }, 1, t.clock.now());
      assert.equal(other.ok, true);
      const before = await versions(t, demo);
      const body = new URLSearchParams({ _csrf: csrfFrom(form), municipality: String(demo), version: String(shown), ...PRIVACY, purpose: 'Min nya text.' });
      const res = await admin.post('/admin/statements/privacy').type('form').send(body.toString());
      assert.equal(res.status, 400);
      assert.match(res.text, /Någon annan sparade en ändring medan du skrev/);
      assert.match(res.text, />Min nya text.<\/textarea>/);
      assert.match(res.text, new RegExp(`name="version" value="${shown + 1}"`), 'the form is now based on the version in force');
      assert.equal(await versions(t, demo), before);
      assert.equal((await currentStatements(t.db, demo)).privacy.purpose, PRIVACY.purpose);
    });

    it('keeps one of two saves made at the same moment on the same version, never both', async () => {
      const { version } = await currentStatements(t.db, demo);
      const part = (purpose: string) => ({ part: 'privacy' as const, value: { ...PRIVACY, rights: null, categories: null, purpose } });
      const outcomes = await Promise.all([savePart(t.db, demo, version, part('A'), 1, t.clock.now()),
        savePart(t.db, demo, version, part('B'), 1, t.clock.now())]);
      assert.equal(outcomes.filter((o) => o.ok).length, 1);
      assert.equal((await currentStatements(t.db, demo)).version, version + 1);
    });

    it("is not found for another municipality's admin, for that municipality, and changes nothing", async () => {
      const grannadmin = await signIn(t.app, 'grannadmin');
      assert.equal((await grannadmin.get(`/admin/statements?municipality=${demo}`)).status, 404);
      const before = await versions(t, demo);
      const res = await postForm(grannadmin, '/admin/statements', '/admin/statements/privacy', { municipality: String(demo), ...PRIVACY });
      assert.equal(res.status, 404);
      assert.equal(await versions(t, demo), before);
      assert.match((await grannadmin.get('/admin/statements')).text, /Grannkommun/);
      assert.equal((await (await signIn(t.app, 'pedagog')).get('/admin/statements')).status, 404);
    });
  });

  describe('POST /admin/statements/accessibility', () => {
    it('refuses an e-mail address, a phone number and a day ahead that are not, each at its field, and saves nothing', async () => {
      const before = await versions(t, demo);
      const res = await postForm(admin, '/admin/statements', '/admin/statements/accessibility', {
        municipality: String(demo), compliance: 'partial', known_problems: 'PDF-bilagor', feedback_email: 'inte en adress',
        feedback_phone: 'ring mig', assessed_on: '2026-12-24',
      });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="feedback_email-error">.*Skriv en e-postadress/);
      assert.match(res.text, /id="feedback_phone-error">.*Skriv ett telefonnummer/);
      assert.match(res.text, /id="assessed_on-error">.*kan inte vara senare än i dag/);
      assert.match(res.text, /<option value="partial" selected>/);
      assert.equal(await versions(t, demo), before);
    });

    it("publishes how well Vardag complies, what is not accessible, whom to tell, and the project's own test results", async () => {
      const res = await postForm(admin, '/admin/statements', '/admin/statements/accessibility', {
        municipality: String(demo), compliance: 'partial', known_problems: 'Bilagor i PDF går inte att läsa med skärmläsare.',
        feedback_email: 'tillganglighet@demokommun.se', feedback_phone: '0521-72 10 00', assessed_on: '2026-11-20',
      });
      assert.equal(res.status, 303);
      const page = (await request(t.app).get(`/accessibility?municipality=${demo}`)).text;
      assert.match(page, /Vardag är delvis förenlig med lagen/);
      assert.match(page, /Bilagor i PDF går inte att läsa med skärmläsare./);
      assert.match(page, /href="mailto:tillganglighet@demokommun.se"/);
      assert.match(page, /href="tel:0521721000"/);
      assert.match(page, /bedömde senast Vardags tillgänglighet 20 november 2026/);
      const tests = readTestResults();
      assert.match(page, new RegExp(`kontrollerade axe-core ${tests.toolVersion.replaceAll('.', '\\.')} ${tests.pageKinds.length} sorters sidor`));
      assert.match(page, /Antal brister som hittades: 0/);
      // the privacy notice saved before is still in force: a part is saved without touching the other
      assert.equal((await currentStatements(t.db, demo)).privacy.controller, PRIVACY.controller);
    });
  });
});

describe("the project's own accessibility test results (server/about/test-results.json)", () => {
  const results = readTestResults();

  it('name every kind of page the browser accessibility test checks, and only those', () => {
    const source = fs.readFileSync(path.resolve(import.meta.dirname, '../browser/accessibility.test.ts'), 'utf8');
    const titles = [...source.matchAll(/^ {2}it\((['"`])(.*?)\1/gm)].map((m) => m[2]);
    assert.ok(titles.length > 5, 'the browser test was read');
    assert.deepEqual(results.pageKinds, titles);
  });

  it('were made with the axe-core installed now', () => {
    const installed = createRequire(import.meta.url)('axe-core/package.json') as { version: string };
    assert.equal(results.toolVersion, installed.version);
  });
});
