// The guardian's way to the documentation in a browser: the start page's Dokumentation box, the portfolio, one post with
// its photos large (the WebP or JPEG actually shown), the blog; axe (WCAG 2.1 AA) on each, with JavaScript on and off,
// and on a phone-sized window.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { readingCast, type ReadingCast } from './reading-setup.ts';

describe('reading the documentation in a browser', () => {
  let h: BrowserHarness;
  let cast: ReadingCast;
  before(async () => {
    h = await startBrowserHarness();
    cast = await readingCast(h.t);
  });
  after(() => h.close());

  /** Every image and source the page names comes through the access check for this browser's login (none broken). */
  async function assertImagesArrive(page: Page) {
    const sources = await page.locator('img[src], source[srcset]').evaluateAll((all) => all.map((e) => e.getAttribute('src') ?? e.getAttribute('srcset') ?? ''));
    assert.ok(sources.length > 0, 'images on the page');
    for (const src of sources) {
      const res = await page.request.get(src);
      assert.equal(res.status(), 200, src);
      assert.match(res.headers()['content-type'], /^image\/(webp|jpeg)/, src);
    }
  }

  for (const javaScript of [true, false]) {
    it(`a guardian goes from the box to the portfolio and a post (JavaScript ${javaScript ? 'on, axe 0' : 'off'})`, () => h.withPage({ javaScript, width: 360 }, async (page) => {
      await login(page, 'vardnadshavare');
      await page.goto(`/children/${cast.elsa}`);
      const box = page.locator('#box-documentation');
      await box.waitFor();
      await box.getByRole('link', { name: 'Hela portfolion' }).click();
      await page.waitForURL(`**/children/${cast.elsa}/portfolio`);
      assert.equal(await page.getByRole('heading', { level: 1, name: 'Portfolio: Elsa' }).count(), 1);
      assert.equal(await page.locator(`img[src="/media/${cast.media.none}/thumb.jpg"]`).count(), 1);
      assert.equal(await page.locator(`img[src="/media/${cast.media.unconsented}/thumb.jpg"]`).count(), 0);
      await assertImagesArrive(page);
      if (javaScript) await assertAccessible(page, 'portfolio'); // (axe needs JavaScript)
      await page.getByRole('link', { name: 'Läsprov gruppinlägg' }).click();
      await page.waitForURL(`**/posts/${cast.posts.group}`);
      await assertImagesArrive(page);
      if (javaScript) { // (the image the browser chose, WebP or JPEG, has arrived and been decoded)
        await page.waitForFunction(() => document.images.length > 0 && document.images[0].complete && document.images[0].naturalWidth > 0);
        assert.match(await page.evaluate(() => document.images[0].currentSrc), /\/display\.(webp|jpg)$/);
      }
      if (javaScript) await assertAccessible(page, 'post page');
    }));
  }

  it("the group's blog and the staff's view of a portfolio, axe 0", () => h.withPage({ javaScript: true }, async (page) => {
    await login(page, 'vardnadshavare3');
    await page.goto(`/groups/${cast.blabar}/blog`);
    assert.equal(await page.getByRole('heading', { level: 1, name: 'Blogg: Blåbär' }).count(), 1);
    await assertAccessible(page, 'blog');
    await page.context().clearCookies();
    await login(page, 'pedagog');
    await page.goto(`/children/${cast.elsa}/portfolio`);
    await assertAccessible(page, "staff's view of a portfolio");
  }));
});
