// The choices page and the bell in Chromium: axe (WCAG 2.1 AA) finds nothing, in Swedish and right to left, with an
// error too; and saving works with JavaScript off (a plain form).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, chooseLanguage, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';

describe('notification choices in the browser', () => {
  let h: BrowserHarness;
  before(async () => { h = await startBrowserHarness(); });
  after(() => h.close());

  it('has no axe violations on the choices page, also in Persian and with an error, nor on the bell', () => h.withPage({ javaScript: true }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto('/settings/notifications');
    assert.equal(await page.getByRole('heading', { level: 1, name: 'Notiser' }).count(), 1);
    assert.equal(await page.getByRole('heading', { level: 2, name: 'Om Elsa' }).count(), 1);
    await assertAccessible(page, 'notification choices');
    // a time that is not one of the choices (a stale form): the page again with the error at its field
    await page.locator('#c0_blog_timing').evaluate((select) => { select.innerHTML = '<option value="sometimes" selected>?</option>'; });
    await Promise.all([page.waitForResponse((res) => res.request().method() === 'POST'), page.getByRole('button', { name: 'Spara val' }).click()]);
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Fel: /);
    await assertAccessible(page, 'notification choices with an error');
    await page.goto('/notifications');
    await assertAccessible(page, 'the bell');
    await chooseLanguage(page, 'fa');
    await page.goto('/settings/notifications');
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    await assertAccessible(page, 'notification choices in Persian');
    await chooseLanguage(page, 'sv');
  }));

  it('saves a choice with JavaScript off', () => h.withPage({ javaScript: false }, async (page) => {
    await login(page, 'vardnadshavare2');
    await page.goto('/settings/notifications');
    await page.getByRole('group', { name: 'Blogginlägg' }).getByLabel('När').selectOption('off');
    await Promise.all([page.waitForURL((url) => url.pathname === '/settings/notifications'), page.getByRole('button', { name: 'Spara val' }).click()]);
    assert.equal(await page.getByText('Dina val av notiser är sparade.').count(), 1);
    assert.match(await page.locator('#choices-sentence').textContent() ?? '', /blogginlägg bara i Vardag/);
  }));
});
