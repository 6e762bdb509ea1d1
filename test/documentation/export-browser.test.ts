// axe (WCAG 2.1 AA) on G's pages in a real browser: the municipality's documentation settings (and with errors), the
// portfolio download page (and with its error), and the ZIP's index.html opened from the disk, offline.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { signIn } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { removeDir, tempDir } from '../support/system.ts';
import { insertPost, storedPhoto, withoutDemoPosts } from './export-fixtures.ts';
import { addObservation, decideObservation } from '../../server/documentation/comments-queries.ts';

describe('the export and documentation settings pages in a browser (axe)', () => {
  let h: BrowserHarness;
  let elsa: number;
  before(async () => {
    h = await startBrowserHarness();
    await withoutDemoPosts(h.t.db);
    elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    const teacher = (await h.t.db.selectFrom('accounts').select('person_id').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).person_id;
    await insertPost(h.t.db, {
      groupId: await groupId(h.t.db, 'Blåbär'), kind: 'portfolio', title: 'Elsa målar', body: 'Blått och gult.', reflection: 'Hon blandar färger.',
      authorId: teacher, children: [elsa], media: [{ stored: await storedPhoto(h.t.dir, { r: 20, g: 90, b: 200 }), tagged: [elsa], caption: 'Målningen' }],
    });
    const emma = await personId(h.t.db, 'Emma', 'Andersson');
    const home = await storedPhoto(h.t.dir, { r: 200, g: 90, b: 20 });
    const seen = await addObservation(h.t.db, { childId: elsa, groupId: await groupId(h.t.db, 'Blåbär'), by: emma, body: 'Bullar hemma.', at: new Date(),
      photo: { key: home.key, mime: home.mime, width: home.width, height: home.height } });
    await decideObservation(h.t.db, seen, 'approved', teacher, new Date());
  });
  after(() => h.close());

  it('the documentation settings, and with errors', () => h.withPage({ javaScript: true }, async (page) => {
    await login(page, 'admin');
    await page.goto('/admin/documentation');
    await assertAccessible(page, 'documentation settings');
    await page.locator('#image_max_mb').fill('0');
    await page.locator('#strong_login').check();
    await Promise.all([page.waitForLoadState('load'), page.locator('form[action="/admin/documentation"] [type=submit]').click()]);
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Fel: /);
    await assertAccessible(page, 'documentation settings with errors');
  }));

  it('the portfolio download page, and with its error', () => h.withPage({ javaScript: true }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${elsa}/portfolio/export`);
    await assertAccessible(page, 'portfolio download page');
    await Promise.all([page.waitForLoadState('load'), page.locator('form[action$="/portfolio/export/download"] [type=submit]').click()]);
    await page.locator('.error-summary').waitFor();
    await assertAccessible(page, 'portfolio download page with its error');
  }));

  it('the ZIP’s index.html, opened from the disk', async () => {
    const agent = await signIn(h.t.app, 'vardnadshavare');
    const res = await agent.get(`/children/${elsa}/portfolio/export/download?accept=yes`).buffer(true)
      .parse((r, done) => { const c: Buffer[] = []; r.on('data', (b: Buffer) => c.push(b)); r.on('end', () => done(null, Buffer.concat(c))); });
    const dir = tempDir('portfolio');
    try {
      for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(res.body as Buffer)))) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), bytes);
      }
      await h.withPage({ javaScript: true }, async (page) => {
        await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
        const loaded = await page.locator('img').evaluateAll((imgs: HTMLImageElement[]) => imgs.map((img) => img.complete && img.naturalWidth > 0));
        assert.deepEqual(loaded, [true, true], 'the post’s photo and the one from home open offline');
        await assertAccessible(page, 'the ZIP’s index.html');
      });
    } finally {
      removeDir(dir);
    }
  });
});
