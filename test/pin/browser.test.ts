// In Chromium at 360 px, in Swedish and in Arabic (right to left): a guardian chooses a PIN for the browser, logs out,
// finds the PIN offered on the login page, types a wrong one and then the right one. axe finds nothing on the PIN
// settings (before and after), the login page with the PIN, the PIN page with an error, nor on a staff member's PIN page;
// no page scrolls sideways or has a tap target too small.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axe, describeViolations, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { PHONE_WIDTH, sidewaysScroll, smallTargets } from '../support/page-checks.ts';

const WORDS = {
  sv: { choose: 'Spara PIN-kod', saved: 'PIN-koden är sparad', logout: 'Logga ut', submit: 'Logga in med PIN-kod', wrong: 'Fel PIN-kod', staff: 'PIN-kod finns för vårdnadshavare' },
  ar: { choose: 'حفظ رمز PIN', saved: 'تم حفظ رمز PIN', logout: null, submit: 'تسجيل الدخول برمز PIN', wrong: 'رمز PIN خاطئ', staff: 'رمز PIN مخصص لأولياء الأمور' },
} as const;

describe('the PIN pages in Chromium', () => {
  let h: BrowserHarness;
  before(async () => { h = await startBrowserHarness(); });
  after(() => h.close());

  /** axe, sideways scroll and tap targets of the page as it is now, gathered under `what`. */
  async function problemsOf(page: Page, what: string, language: 'sv' | 'ar'): Promise<string[]> {
    const found: string[] = [];
    const dir = await page.locator('html').getAttribute('dir');
    if (dir !== (language === 'ar' ? 'rtl' : 'ltr')) found.push(`${what}: dir="${dir}"`);
    const violations = await axe(page);
    if (violations.length) found.push(`${what}: ${describeViolations(violations)}`);
    const scroll = await sidewaysScroll(page);
    if (scroll > 0) found.push(`${what}: scrolls ${scroll} px sideways`);
    for (const small of await smallTargets(page)) found.push(`${what}: ${small}`);
    return found;
  }

  for (const language of ['sv', 'ar'] as const) {
    it(`chooses a PIN, logs out and back in with it (${language}, ${PHONE_WIDTH} px, axe: nothing)`, async () => {
      const words = WORDS[language];
      await h.t.db.deleteFrom('trusted_devices').execute();
      await h.t.db.updateTable('accounts').set({ language }).where('username', '=', 'vardnadshavare').execute();
      const problems: string[] = [];
      try {
        await h.withPage({ javaScript: true, width: PHONE_WIDTH, touch: true }, async (page) => {
          await login(page, 'vardnadshavare');
          await page.goto('/settings/pin');
          problems.push(...await problemsOf(page, 'the PIN settings', language));
          await page.locator('#pin').fill('2580');
          await page.locator('#repeat').fill('2580');
          await page.getByRole('button', { name: words.choose }).click();
          await page.getByText(words.saved).waitFor();
          problems.push(...await problemsOf(page, 'the PIN settings with a browser', language));
          // Log out: the login page offers the PIN of this browser.
          await Promise.all([page.waitForURL('**/login'), page.locator('form[action="/logout"] [type=submit]').click()]);
          await page.locator('form[action="/login/pin"]').waitFor();
          problems.push(...await problemsOf(page, 'the login page with the PIN', language));
          await page.locator('#pin').fill('1397');
          await page.getByRole('button', { name: words.submit }).click();
          await page.locator('#pin-error').getByText(words.wrong).waitFor();
          assert.match(await page.title(), language === 'sv' ? /^Fel:/ : /.+/);
          problems.push(...await problemsOf(page, 'the PIN page with a wrong PIN', language));
          await page.locator('#pin').fill('2580');
          await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login'), { waitUntil: 'load' }),
            page.getByRole('button', { name: words.submit }).click()]);
          assert.equal(new URL(page.url()).pathname, '/');
        });
      } finally {
        await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', 'vardnadshavare').execute();
      }
      assert.deepEqual(problems, []);
    });

    it(`tells staff that a PIN is for guardians (${language}, ${PHONE_WIDTH} px, axe: nothing)`, async () => {
      await h.t.db.updateTable('accounts').set({ language }).where('username', '=', 'pedagog').execute();
      const problems: string[] = [];
      try {
        await h.withPage({ javaScript: true, width: PHONE_WIDTH, touch: true }, async (page) => {
          await login(page, 'pedagog');
          await page.goto('/settings/pin');
          await page.getByText(WORDS[language].staff).waitFor();
          assert.equal(await page.locator('#pin').count(), 0);
          problems.push(...await problemsOf(page, 'the PIN page of staff', language));
        });
      } finally {
        await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', 'pedagog').execute();
      }
      assert.deepEqual(problems, []);
    });
  }
});
