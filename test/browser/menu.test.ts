// In Chromium at 360 px: Elsa's mother sees the tomorrow card above the boxes and opens Solrosen's menu from the start
// page; the teacher fills in a week from last week's and saves a day with JavaScript off, and sees a refused meal at its
// field. axe finds nothing on the start page with the card, the menu and its form (also with an error), and no page
// scrolls sideways.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { personId, unitId } from '../support/demo.ts';

/** Whether the page is wider than the window (a sideways scroll on a phone). */
const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

// The test app's today is Tuesday 24 November 2026: the card is about Wednesday, whose lunch the demo's menu holds.
describe('the menu and the tomorrow card in Chromium', () => {
  let h: BrowserHarness;
  let elsa: number;
  let solrosen: number;
  before(async () => {
    h = await startBrowserHarness();
    elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    solrosen = await unitId(h.t.db, 'Förskolan Solrosen');
  });
  after(() => h.close());

  it('shows the mother the tomorrow card and the week’s menu (axe: nothing, no sideways scroll)', async () => {
    const { page, problems } = await h.page({ javaScript: true, width: 360, touch: true });
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${elsa}`);
    const card = page.locator('.tomorrow-card');
    await card.getByRole('heading', { name: 'I morgon, onsdag 25 november' }).waitFor();
    assert.equal(await card.getByRole('link', { name: 'Lunch' }).count(), 1);
    await assertAccessible(page, 'the start page with the tomorrow card');
    assert.equal(await scrollsSideways(page), false);
    await page.getByRole('link', { name: /^Matsedel/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Matsedel Förskolan Solrosen, vecka 48' }).waitFor();
    await page.getByRole('heading', { name: 'Onsdag 25 november', exact: true }).waitFor();
    await assertAccessible(page, 'the menu');
    assert.equal(await scrollsSideways(page), false);
    await page.getByRole('link', { name: 'Nästa vecka' }).click();
    await page.getByRole('heading', { level: 1, name: 'Matsedel Förskolan Solrosen, vecka 49' }).waitFor();
    problems.assertNone();
  });

  it('lets the teacher fill in next week from this week’s and save it with JavaScript off', async () => {
    const { page, problems } = await h.page({ javaScript: false, width: 360, touch: true });
    await login(page, 'pedagog');
    await page.goto(`/units/${solrosen}/menu/edit?week=2026-W50`);
    await page.getByRole('link', { name: 'Fyll i från förra veckan' }).click();
    await page.getByText('Förra veckans matsedel är ifylld').waitFor();
    const lastWeeksMonday = await h.t.db.selectFrom('menu_days').select('lunch').where('unit_id', '=', solrosen).where('date', '=', '2026-11-30').executeTakeFirstOrThrow();
    assert.equal(await page.locator('#lunch-2026-12-07').inputValue(), lastWeeksMonday.lunch);
    await page.locator('#lunch-2026-12-07').fill('Tacos med bönor');
    await page.getByRole('button', { name: 'Spara matsedeln' }).click();
    await page.getByText('Matsedeln är sparad.').waitFor();
    await page.getByText('Tacos med bönor').waitFor();
    const stored = await h.t.db.selectFrom('menu_days').select('lunch').where('unit_id', '=', solrosen).where('date', '=', '2026-12-07').executeTakeFirstOrThrow();
    assert.equal(stored.lunch, 'Tacos med bönor');
    problems.assertNone();
  });

  it('shows the form and a refused meal at its field to axe at 360 px, and the staff start page without sideways scroll', async () => {
    const { page, problems } = await h.page({ javaScript: true, width: 360, touch: true });
    await login(page, 'pedagog');
    await page.goto('/');
    await page.getByRole('link', { name: 'Ny händelse Blåbär' }).waitFor();
    assert.equal(await scrollsSideways(page), false);
    await page.goto(`/units/${solrosen}/menu/edit?week=2026-W51`);
    await assertAccessible(page, 'the menu form');
    assert.equal(await scrollsSideways(page), false);
    await page.locator('#snack-2026-12-14').fill('x'.repeat(201));
    await page.getByRole('button', { name: 'Spara matsedeln' }).click();
    await page.locator('#snack-2026-12-14-error').waitFor();
    assert.match(await page.title(), /^Fel:/);
    await assertAccessible(page, 'the menu form with an error');
    assert.equal(await scrollsSideways(page), false);
    problems.assertNone();
  });
});
