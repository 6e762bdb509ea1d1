// "Logga in med SMS-kod" in a real browser on a 360 px phone: from the login page's link to the code's form and in,
// in Swedish and in Arabic (right to left), each page and its error state checked by axe (JavaScript on), and the
// whole way once more with JavaScript off.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, chooseLanguage, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { municipalityId } from '../support/demo.ts';

const EMMA_MOBILE = '+46701112233';

describe('logging in with an SMS code in the browser', () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserHarness();
    const admin = await h.t.db.selectFrom('accounts').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    await h.t.db.insertInto('login_settings').values({
      municipality_id: await municipalityId(h.t.db, 'Demokommun'), sms_code_login: 1, changed_by: admin.id, changed_at: h.t.clock.now().toISOString(),
    }).execute();
    await h.t.db.updateTable('accounts').set({ mobile: EMMA_MOBILE }).where('username', '=', 'vardnadshavare').execute();
  });
  after(() => h.close());

  const latestCode = async () => {
    const sms = await h.t.db.selectFrom('sms_outbox').select('message').where('recipient', '=', EMMA_MOBILE).orderBy('id', 'desc').executeTakeFirstOrThrow();
    return sms.message.match(/\d{6}/)?.[0] ?? assert.fail(`no code in ${sms.message}`);
  };
  const fitsTheWidth = async (page: Page, what: string) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${what}: ${width} px wide on a 360 px screen`);
  };

  for (const language of ['sv', 'ar'] as const) {
    it(`takes a guardian in with the code, every page accessible at 360 px (${language})`, async () => {
      await h.withPage({ width: 360, touch: true }, async (page) => {
        await page.goto('/login');
        if (language === 'ar') {
          await chooseLanguage(page, 'ar');
          assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
        }
        const link = page.locator('a[href="/login/sms"]');
        assert.equal(await link.textContent(), language === 'sv' ? 'Logga in med SMS-kod' : 'تسجيل الدخول برمز SMS');
        await Promise.all([page.waitForURL('**/login/sms'), link.click()]);
        await assertAccessible(page, `the SMS login page (${language})`);
        await fitsTheWidth(page, 'the SMS login page');

        await page.locator('form[action="/login/sms"] [type=submit]').click();
        await page.locator('.error-summary').waitFor();
        assert.equal(await page.locator('#name').getAttribute('aria-invalid'), 'true');
        await assertAccessible(page, `the SMS login page with an error (${language})`);

        await page.locator('#name').fill('070-111 22 33');
        await Promise.all([page.waitForURL('**/login/sms/code'), page.locator('form[action="/login/sms"] [type=submit]').click()]);
        await assertAccessible(page, `the code page (${language})`);
        await fitsTheWidth(page, 'the code page');
        assert.equal(await page.locator('#code').getAttribute('autocomplete'), 'one-time-code');

        await page.locator('#code').fill('12345');
        await page.locator('form[action="/login/sms/code"] [type=submit]').click();
        await page.locator('.error-summary').waitFor();
        await assertAccessible(page, `the code page with an error (${language})`);

        await page.locator('#code').fill(await latestCode());
        await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form[action="/login/sms/code"] [type=submit]').click()]);
        assert.equal(await page.locator('form[action="/logout"]').count(), 1, 'signed in');
        assert.equal(new URL(page.url()).pathname, '/');
      });
    });
  }

  it('works without JavaScript: plain forms and redirects', async () => {
    await h.withPage({ javaScript: false, width: 360 }, async (page) => {
      await page.goto('/login/sms');
      await page.locator('#name').fill('vardnadshavare');
      await Promise.all([page.waitForURL('**/login/sms/code'), page.locator('form[action="/login/sms"] [type=submit]').click()]);
      await page.locator('#code').fill(await latestCode());
      await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form[action="/login/sms/code"] [type=submit]').click()]);
      assert.equal(await page.locator('h1.child-name').count(), 1, 'the start page of a guardian');
    });
  });
});
