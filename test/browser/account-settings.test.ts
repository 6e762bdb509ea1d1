// "Glömt lösenord?" and "Mina inställningar" in Chromium: axe (WCAG 2.1 AA) on each page, errors included, and the
// forms used the way a guardian uses them, with JavaScript and without.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';

describe('account pages in a browser', () => {
  let h: BrowserHarness;
  before(async () => { h = await startBrowserHarness({ env: { PUBLIC_URL: 'http://127.0.0.1' } }); });
  after(() => h.close());

  const withPage = (javaScript: boolean, test: (page: Page) => Promise<void>) => h.withPage({ javaScript, width: 390 }, test);

  const submit = async (page: Page, form: string) => {
    await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.locator(`${form} [type=submit]`).click()]);
  };

  it('the forgotten-password pages are accessible, with and without an error', () => withPage(true, async (page) => {
    await page.goto('/login');
    await Promise.all([page.waitForURL('**/password/forgot'), page.getByRole('link', { name: 'Glömt lösenord?' }).click()]);
    await assertAccessible(page, 'forgotten password');
    await submit(page, 'form[action="/password/forgot"]');
    await page.locator('.error-summary').waitFor();
    await assertAccessible(page, 'forgotten password with an error');
    await page.locator('#name').fill('vardnadshavare');
    await submit(page, 'form[action="/password/forgot"]');
    assert.equal(await page.locator('h1').textContent(), 'Titta i din e-post');
    await assertAccessible(page, 'link sent');
  }));

  it('the settings page is accessible, with an error, and in Arabic', () => withPage(true, async (page) => {
    await login(page, 'vardnadshavare');
    await Promise.all([page.waitForURL('**/settings'), page.getByRole('link', { name: 'Mina inställningar' }).click()]);
    await assertAccessible(page, 'settings');
    await page.locator('#mobile').fill('08-123 45');
    await submit(page, 'form[action="/settings/mobile"]');
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    assert.match(await page.locator('#mobile-error').textContent() ?? '', /Skriv ett svenskt mobilnummer/);
    await assertAccessible(page, 'settings with an error');
    await page.locator('#language-ar').check();
    await submit(page, '#language-section form');
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    await assertAccessible(page, 'settings in Arabic');
  }));

  /** The code in the newest SMS to `mobile`, as its holder reads it on the phone. */
  const codeSentTo = async (mobile: string) => {
    const sms = await h.t.db.selectFrom('sms_outbox').select('message').where('recipient', '=', mobile).orderBy('id', 'desc').executeTakeFirstOrThrow();
    return sms.message.match(/\b(\d{6})\b/)![1];
  };

  it('works without JavaScript: a new mobile number is verified by the code SMS:ed to it, then saved and shown', () => withPage(false, async (page) => {
    await login(page, 'vardnadshavare2');
    await page.goto('/settings');
    await page.locator('#mobile').fill('+46 70 765 43 21');
    await submit(page, 'form[action="/settings/mobile"]');
    assert.equal(new URL(page.url()).pathname, '/settings');
    assert.equal(await page.locator('.flash').textContent(), 'Vi har skickat en kod i ett sms till numret. Skriv in den under Mobilnummer.');
    assert.match(await page.locator('#mobile-pending').textContent() ?? '', /Vi har skickat en kod till 070-765 43 21\./);
    assert.equal(await page.locator('#mobile').inputValue(), '', 'not the account\'s number yet');
    await page.locator('#code').fill(await codeSentTo('+46707654321'));
    await submit(page, 'form[action="/settings/mobile/verify"]');
    assert.equal(await page.locator('.flash').textContent(), 'Mobilnumret är bekräftat. Sms från Vardag går nu dit.');
    assert.equal(await page.locator('#mobile').inputValue(), '070-765 43 21');
  }));

  it('a number waiting for its code is accessible on a narrow phone, with a wrong code too', () => h.withPage({ javaScript: true, width: 360 }, async (page) => {
    await login(page, 'vardnadshavare3');
    await page.goto('/settings');
    await page.locator('#mobile').fill('073-555 12 34');
    await submit(page, 'form[action="/settings/mobile"]');
    await page.locator('#code').waitFor();
    await assertAccessible(page, 'settings with a number waiting for its code');
    const code = await codeSentTo('+46735551234');
    await page.locator('#code').fill(code === '000000' ? '111111' : '000000');
    await submit(page, 'form[action="/settings/mobile/verify"]');
    assert.match(await page.locator('#code-error').textContent() ?? '', /Koden stämmer inte\. Du har 4 försök kvar\./);
    await assertAccessible(page, 'settings with a wrong code');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'nothing wider than the screen');
  }));
});
