// Care times in Chromium: a guardian saves a week with JavaScript on (htmx moves between weeks) and off (plain forms),
// and axe (WCAG 2.1 AA) finds nothing on the week view, with an error, for staff, on standard times and the history.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { personId } from '../support/demo.ts';

describe('care times in a browser', () => {
  let h: BrowserHarness;
  let elsa: number;
  before(async () => {
    h = await startBrowserHarness(); // Tuesday 24 November 2026
    elsa = await personId(h.t.db, 'Elsa', 'Andersson');
  });
  after(() => h.close());

  const withPage = (javaScript: boolean, test: (page: Page) => Promise<void>) => h.withPage({ javaScript, width: 390 }, test);

  const save = async (page: Page) => {
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Spara veckan' }).click()]);
    await page.waitForLoadState('load');
  };

  const saved = (date: string) => h.t.db.selectFrom('care_times').select(['starts', 'ends', 'day_off', 'comment'])
    .where('child_id', '=', elsa).where('date', '=', date).executeTakeFirst();

  for (const javaScript of [true, false]) {
    it(`saves a week with JavaScript ${javaScript ? 'on' : 'off'}`, () => withPage(javaScript, async (page) => {
      const [week, monday, tuesday] = javaScript ? ['2026-W50', '2026-12-07', '2026-12-08'] : ['2026-W51', '2026-12-14', '2026-12-15'];
      await login(page, 'vardnadshavare');
      await page.goto(`/children/${elsa}/schedule?week=2026-W49`);
      assert.match((await page.locator('#week-title').textContent())!, /^Vecka 49/);
      // To the week: with JavaScript htmx swaps in the next week and keeps the address in step; without, a plain link.
      const link = page.getByRole('link', { name: javaScript ? 'Vecka 50, nästa' : 'Vecka 49, föregående' });
      if (javaScript) {
        await Promise.all([page.waitForURL(`**/schedule?week=${week}`), link.click()]);
        await page.locator('#week-title', { hasText: 'Vecka 50' }).waitFor();
      } else {
        await page.goto(`/children/${elsa}/schedule?week=${week}`);
      }
      await page.locator(`#starts_${monday}`).fill('07:30');
      await page.locator(`#ends_${monday}`).fill('16:15');
      await page.locator(`#off_${tuesday}`).check();
      await page.locator(`#comment_${monday}`).fill('Mormor hämtar');
      await save(page);

      assert.equal(new URL(page.url()).search, `?week=${week}`);
      assert.equal(await page.locator('.flash').textContent(), 'Tiderna är sparade.');
      assert.equal(await page.locator(`#starts_${monday}`).inputValue(), '07:30');
      assert.equal(await page.locator(`#off_${tuesday}`).isChecked(), true);
      assert.match((await page.locator(`#day_${monday}`).textContent())!, /Registrerad av Emma Andersson/);
      assert.deepEqual(await saved(monday), { starts: '07:30', ends: '16:15', day_off: 0, comment: 'Mormor hämtar' });
      assert.deepEqual(await saved(tuesday), { starts: null, ends: null, day_off: 1, comment: null });
    }));
  }

  it('fills the whole week, without JavaScript', () => withPage(false, async (page) => {
    await login(page, 'vardnadshavare2');
    await page.goto(`/children/${elsa}/schedule?week=2027-W02`);
    await page.locator('#week_starts').fill('08:00');
    await page.locator('#week_ends').fill('15:00');
    await page.locator('#off_2027-01-15').check();
    await save(page);
    for (const date of ['2027-01-11', '2027-01-12', '2027-01-13', '2027-01-14']) {
      assert.deepEqual(await saved(date), { starts: '08:00', ends: '15:00', day_off: 0, comment: null }, date);
    }
    assert.equal((await saved('2027-01-15'))?.day_off, 1);
  }));

  it('the week view is accessible, with an error, for staff, and the standard times and history pages', () => withPage(true, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${elsa}/schedule`);
    await assertAccessible(page, 'week view');
    await page.goto(`/children/${elsa}/schedule?week=2027-W03`);
    await page.locator('#starts_2027-01-18').fill('16:00');
    await page.locator('#ends_2027-01-18').fill('08:00');
    const response = page.waitForResponse((res) => res.request().method() === 'POST');
    await page.getByRole('button', { name: 'Spara veckan' }).click();
    assert.equal((await response).status(), 400);
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    assert.match(await page.title(), /^Fel: /);
    assert.match((await page.locator('#ends_2027-01-18-error').textContent())!, /Hämtningen måste vara senare än lämningen/);
    await assertAccessible(page, 'week view with an error');
    await page.goto(`/children/${elsa}/schedule/standard`);
    await assertAccessible(page, 'standard times');
    await page.context().clearCookies();

    await login(page, 'pedagog');
    await page.goto(`/children/${elsa}/schedule?week=2026-W50&comment=2026-12-09`);
    await page.locator('#staff_comment').fill('Utflykt till skogen');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Spara kommentaren' }).click()]);
    assert.match((await page.locator('#day_2026-12-09').textContent())!, /Kommentar från personalen \(Sara Holm\): Utflykt till skogen/);
    await assertAccessible(page, 'week view for staff');
    await page.goto(`/children/${elsa}/history`);
    assert.equal(await page.locator('ol.history > li').count() > 0, true);
    await assertAccessible(page, 'history');
  }));
});
