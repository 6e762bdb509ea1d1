// A 360 px touch-screen phone in Chromium: links that act as buttons (a box's title and its closing link, link lists,
// the week navigation, "Till startsidan") are at least 44 px tall, and the header stays one row in every language.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSuite, chooseLanguage, login } from '../support/browser.ts';
import { LANGUAGES } from '../../server/kernel/i18n.ts';

const PHONE = { javaScript: true, width: 360, touch: true };
const MIN_TARGET = 44;

/** Each visible element the selector finds, with its text and height (CSS pixels). */
async function heights(page: Page, selector: string): Promise<{ text: string; height: number }[]> {
  return page.locator(selector).evaluateAll((elements) => elements
    .filter((e) => (e as HTMLElement).offsetParent !== null)
    .map((e) => ({ text: (e.textContent ?? '').trim(), height: e.getBoundingClientRect().height })));
}

async function assertTall(page: Page, selector: string, what: string): Promise<number> {
  const found = await heights(page, selector);
  assert.ok(found.length > 0, `${what}: nothing found for ${selector} on ${page.url()}`);
  const short = found.filter((f) => f.height < MIN_TARGET);
  assert.deepEqual(short, [], `${what} lower than ${MIN_TARGET} px on ${page.url()}`);
  return found.length;
}

/** The header's height, and the distinct tops (rounded) of the brand and each item of the user menu: one row, one top. */
async function headerRows(page: Page): Promise<{ height: number; rows: number }> {
  return page.locator('.site-header').evaluate((header) => {
    const items = [header.querySelector('.brand'), ...header.querySelectorAll('.user-menu > *')]
      .filter((e): e is Element => e !== null && (e as HTMLElement).offsetWidth > 1);
    const middles = items.map((e) => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; });
    const rows = middles.filter((m, i) => middles.findIndex((n) => Math.abs(n - m) < 8) === i).length;
    return { height: header.getBoundingClientRect().height, rows };
  });
}

describe('tap targets and the header on a 360 px touch screen', () => {
  const { h, demo } = browserSuite();

  it('makes box titles, the boxes’ own links and the start page’s link list at least 44 px tall', () => h.withPage(PHONE, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${demo.elsa}`);
    assert.equal(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), true, 'the context is a touch screen');
    assert.ok(await assertTall(page, '.box h2 > a', 'box titles') >= 3);
    await assertTall(page, '.box p > a:only-child', 'links alone at the end of a box');
    const seeAndChange = page.locator('#box-schedule a', { hasText: 'Se och ändra tider' });
    assert.ok(((await seeAndChange.boundingBox())?.height ?? 0) >= MIN_TARGET, '"Se och ändra tider"');
    await assertTall(page, '.link-list li > a:only-child', 'the link list');
    await assertTall(page, '.child-switcher a', 'the child switcher');
  }));

  it('makes "Till startsidan", the week navigation and the log-out button at least 44 px tall', () => h.withPage(PHONE, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${demo.elsa}/schedule`);
    await assertTall(page, '.day-nav a', 'the week navigation');
    const toStart = page.getByRole('link', { name: 'Till startsidan' });
    assert.ok(((await toStart.boundingBox())?.height ?? 0) >= MIN_TARGET, '"Till startsidan" in the link list');
    await assertTall(page, '.site-header .link-button', 'the log-out button');
    for (const path of [`/children/${demo.elsa}/absence`, '/no-such-page']) {
      await page.goto(path);
      await assertTall(page, 'a.action-link', `"Till startsidan" on ${path}`);
    }
  }));

  it('keeps the header to one row, in every language, for a guardian and for staff', () => h.withPage(PHONE, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${demo.elsa}`);
    for (const language of LANGUAGES) {
      if (language.code !== 'sv') await chooseLanguage(page, language.code);
      const { height, rows } = await headerRows(page);
      assert.equal(rows, 1, `the header's items on one row in ${language.code}`);
      assert.ok(height < 70, `the header is ${height} px high in ${language.code}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `the page is ${width} px wide in ${language.code}`);
    }
    await chooseLanguage(page, 'sv');
    await page.context().clearCookies();
    await login(page, 'pedagog');
    assert.equal((await headerRows(page)).rows, 1, 'the header on one row for a teacher');
    await page.context().clearCookies();
    await login(page, 'admin');
    assert.equal((await headerRows(page)).rows, 1, 'the header on one row for an admin');
  }));

  it('shows the user’s name in the header where there is room, and leaves mouse-sized links as they were', () => h.withPage({ width: 1024 }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${demo.elsa}`);
    assert.ok(((await page.locator('.user-name').boundingBox())?.width ?? 0) > 50, 'the name is shown');
    assert.equal((await headerRows(page)).rows, 1);
    const title = await heights(page, '.box h2 > a');
    assert.ok(title.every((f) => f.height < MIN_TARGET), 'box titles keep their height with a mouse');
  }));
});
