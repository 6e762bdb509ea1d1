// The child's own page in a browser, on a 360 px phone: `vardnadshavare` reaches Elsa's page from the child switcher
// (her picture beside her name), the page, its edit page and a refused greeting have nothing that scrolls sideways and
// axe finds nothing, in Swedish and Arabic; a new picture chosen from the phone is uploaded and shown, with
// JavaScript on and off; the group's teacher sees the pictures on Today.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { assertAccessible, browserSuite, login } from '../support/browser.ts';
import { unitId } from '../support/demo.ts';

describe("the child's own page at 360 px", () => {
  const { h, demo } = browserSuite(); // Tuesday 24 November 2026
  before(async () => {
    await h.t.db.updateTable('unit_settings').set({ guestbook_enabled: 1 }).where('unit_id', '=', await unitId(h.t.db, 'Förskolan Solrosen')).execute();
  });

  const assertWhole = async (page: Page, what: string) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `${what}: nothing scrolls sideways`);
  };
  /** Whether the image has loaded with the size it says (a broken picture has a natural width of 0). */
  const loaded = (page: Page, selector: string) => page.locator(selector).first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

  for (const language of ['sv', 'ar'] as const) {
    it(`the start page, the page, its edit page and a refused greeting are whole and accessible (${language})`, async () => {
      await h.t.db.updateTable('accounts').set({ language }).where('username', '=', 'vardnadshavare').execute();
      try {
        const { page, problems } = await h.page({ width: 360, touch: true });
        await login(page, 'vardnadshavare');
        await page.goto(`/children/${demo.elsa}`);
        assert.ok(await loaded(page, '.child-bar-picture'), 'Elsa’s picture beside her name');
        await assertWhole(page, 'the start page');
        await assertAccessible(page, `the start page (${language})`);
        await page.locator('.child-page-link a').click();
        await page.waitForURL(`**/children/${demo.elsa}/page`);
        assert.ok(await loaded(page, 'img.child-picture'));
        for (const path of [`/children/${demo.elsa}/page`, `/children/${demo.elsa}/page/edit`]) {
          await page.goto(path);
          await assertWhole(page, path);
          await assertAccessible(page, `${path} (${language})`);
        }
        await page.goto(`/children/${demo.elsa}/page`);
        await page.locator('#guestbook button[type=submit]').first().click();
        await page.locator('#greeting-error').waitFor();
        await assertAccessible(page, `a refused greeting (${language})`);
        problems.assertNone();
      } finally {
        await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', 'vardnadshavare').execute();
      }
    });
  }

  for (const javaScript of [true, false]) {
    it(`a guardian uploads a new picture from the phone and sees it (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const photo = await sharp({ create: { width: 900, height: 1200, channels: 3, background: javaScript ? '#2a9d8f' : '#e76f51' } }).jpeg().toBuffer();
      const { page, problems } = await h.page({ width: 360, touch: true, javaScript });
      await login(page, 'vardnadshavare');
      await page.goto(`/children/${demo.elsa}/page`);
      const before = await page.locator('img.child-picture').getAttribute('src');
      await page.getByRole('link', { name: 'Ändra presentation och bild' }).click();
      await page.locator('#picture').setInputFiles({ name: 'IMG_1234.jpg', mimeType: 'image/jpeg', buffer: photo });
      await page.getByRole('button', { name: 'Ladda upp bilden' }).click();
      await page.waitForURL(`**/children/${demo.elsa}/page`);
      await page.getByText('Bilden är sparad.').waitFor();
      const after = await page.locator('img.child-picture').getAttribute('src');
      assert.notEqual(after, before, 'a new picture, at a new address');
      assert.ok(await loaded(page, 'img.child-picture'));
      problems.assertNone();
    });
  }

  it('shows the pictures on the teacher’s Today list', async () => {
    const { page, problems } = await h.page({ width: 360, touch: true });
    await login(page, 'pedagog');
    await page.goto(`/groups/${demo.blabar}/today`);
    assert.ok(await page.locator('img.today-picture').count() > 5, 'the children of Blåbär have pictures');
    assert.ok(await loaded(page, 'img.today-picture'));
    await assertWhole(page, 'Today');
    await assertAccessible(page, 'Today with pictures');
    problems.assertNone();
  });
});
