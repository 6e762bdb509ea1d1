// Information's pages in Chromium, for Elsa's mother and Blåbär's teacher (and the forms of Solrosen's head and the
// municipality's administrator), in Swedish and Arabic (right to left), on a 360 px phone and a desktop: the list, a
// search, an item, the new-item form and the edit and remove forms pass axe; on the phone nothing scrolls sideways and
// every target is big enough for a finger. The teacher publishes a letter with a PDF from a phone with JavaScript off;
// the mother finds last month's letter about the outing by searching, with JavaScript off, and opens its file.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_NOW, postForm, signIn } from '../support/app.ts';
import { browserSuite, login } from '../support/browser.ts';
import { municipalityId, unitId } from '../support/demo.ts';
import { assertPagesFine, sidewaysScroll, visitsOf } from '../support/page-checks.ts';

const PHONE = { width: 360, touch: true };
/** The smallest PDF a reader opens: one empty page. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
  + '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describe('information’s pages in Chromium', () => {
  const { h, demo } = browserSuite();
  let letter: number;
  let solrosen: number;
  let demokommun: number;

  /** Publishes through the real form and returns the item's id (the answer names the item). */
  const publish = async (username: string, place: string, fields: Record<string, string>) => {
    const res = await postForm(await signIn(h.t.app, username), `${place}/information/new`, `${place}/information`, fields);
    assert.equal(res.status, 303, `publishing ${fields.title}: ${res.status}`);
    const id = Number(/\/information\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    assert.ok(id > 0, `the answer names the item: ${res.headers.location}`);
    return id;
  };

  before(async () => {
    solrosen = await unitId(h.t.db, 'Förskolan Solrosen');
    demokommun = await municipalityId(h.t.db, 'Demokommun');
    // Last month's letter about the outing: published on 20 October (the test app's today is 24 November 2026).
    h.t.clock.set('2026-10-20T07:00:00Z');
    try {
      letter = await publish('pedagog', `/groups/${demo.blabar}`, {
        title: 'Utflykt till Trollskogen', body: 'Torsdag går vi till Trollskogen.\nTa med matsäck och regnkläder.',
        link: 'https://example.org/trollskogen', pinned: '1',
      });
    } finally {
      h.t.clock.set(DEFAULT_NOW);
    }
    await publish('rektor', `/units/${solrosen}`, { title: 'Nya öppettider i jul', body: 'Vi stänger kl. 15 den 23 december.' });
  });

  const guardianPages = () => ['/information', '/information?q=trollskogen', `/information/${letter}`];
  const staffPages = () => [...guardianPages(), `/groups/${demo.blabar}/information/new`, `/information/${letter}/edit`, `/information/${letter}/remove`];

  for (const visit of visitsOf('vardnadshavare')) {
    it(`passes axe and fits a finger for ${visit.label}`, () => assertPagesFine(h, { ...visit, username: 'vardnadshavare', paths: guardianPages() }));
  }
  for (const visit of visitsOf('pedagog')) {
    it(`passes axe and fits a finger for ${visit.label}`, () => assertPagesFine(h, { ...visit, username: 'pedagog', paths: staffPages() }));
  }
  it('passes axe and fits a finger for the unit’s and the municipality’s publish forms, on a phone in Swedish and Arabic', async () => {
    for (const language of ['sv', 'ar'] as const) {
      await assertPagesFine(h, { username: 'rektor', language, width: 360, paths: [`/units/${solrosen}/information/new`] });
      await assertPagesFine(h, { username: 'admin', language, width: 360, paths: [`/municipalities/${demokommun}/information/new`] });
    }
  });

  it('lets the teacher publish a letter with a PDF from a phone without JavaScript, and the mother open the file', async () => {
    await h.withPage({ ...PHONE, javaScript: false }, async (page) => {
      await login(page, 'pedagog');
      await page.goto(`/groups/${demo.blabar}/information/new`);
      await page.getByLabel('Rubrik').fill('Lucia på förskolan');
      await page.getByLabel('Text', { exact: true }).fill('Välkomna till luciatåget den 11 december kl. 8.');
      await page.locator('input[type=file]').setInputFiles({ name: 'Luciabrev.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.getByRole('button', { name: 'Publicera' }).click();
      await page.getByText('Informationen är publicerad.').waitFor();
      await page.getByRole('link', { name: /Luciabrev\.pdf/ }).waitFor();
      assert.equal(await sidewaysScroll(page), 0);
    });
    await h.withPage({ ...PHONE, javaScript: false }, async (page) => {
      await login(page, 'vardnadshavare');
      await page.goto('/information');
      await page.getByRole('link', { name: 'Lucia på förskolan' }).click();
      await page.getByText('Välkomna till luciatåget').waitFor();
      const href = await page.getByRole('link', { name: /Luciabrev\.pdf/ }).getAttribute('href');
      assert.ok(href, 'the file is linked');
      const file = await page.request.get(href);
      assert.equal(file.status(), 200);
      assert.ok((await file.body()).subarray(0, 5).equals(Buffer.from('%PDF-')), 'the PDF itself');
    });
  });

  it('lets the mother find last month’s letter about the outing by searching, without JavaScript', () => h.withPage({ ...PHONE, javaScript: false }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto('/information');
    await page.getByLabel('Sök i informationen').fill('trollskogen');
    await page.getByRole('button', { name: 'Sök', exact: true }).click();
    await page.waitForURL(/\/information\?q=trollskogen/);
    await page.getByRole('link', { name: 'Utflykt till Trollskogen' }).click();
    await page.getByText('Ta med matsäck och regnkläder.').waitFor();
    assert.equal(await sidewaysScroll(page), 0);
    await page.goto('/information?q=trollskogen');
    assert.equal(await page.getByRole('link', { name: 'Lucia på förskolan' }).count(), 0, 'only what matches');
  }));
});
