// The admin's login page (/admin/login) and staff links (/admin/login/staff) in Chromium: both whole at 360 px and
// accessible (axe) in Swedish and Arabic, also with a field's error. What they do: admin.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { municipalityId } from '../support/demo.ts';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { DEFAULT_LOGIN_SETTINGS, saveLoginSettings } from '../../server/e-id/settings.ts';

const ISSUER = 'https://broker.example.se/oidc';

describe('the admin’s login pages in Chromium', () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserHarness();
    const demo = await municipalityId(h.t.db, 'Demokommun');
    await saveLoginSettings(h.t.db, demo, { eId: { enabled: true, issuer: ISSUER, clientId: 'c', personnummerClaim: 'pnr', strongAcr: ['a'], staffMatch: 'subject' }, login: DEFAULT_LOGIN_SETTINGS }, 1, new Date());
  });
  after(() => h.close());

  const assertWhole = async (page: Page, what: string) => {
    const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(scroll <= client, `${what}: ${scroll} px wide in a ${client} px window`);
  };

  for (const language of ['sv', 'ar'] as const) {
    it(`both pages are whole at 360 px and accessible, also with an error (${language})`, async () => {
      await h.t.db.updateTable('accounts').set({ language }).where('username', '=', 'admin').execute();
      try {
        const { page, problems } = await h.page({ width: 360, touch: true });
        await login(page, 'admin');
        for (const path of ['/admin/login', '/admin/login/staff']) {
          await page.goto(path);
          if (language === 'ar') assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
          await assertWhole(page, path);
          await assertAccessible(page, `${path} (${language})`);
        }
        await page.goto('/admin/login');
        await page.locator('#strong_idle_minutes').fill('2');
        await page.locator('form[action="/admin/login"] button[type=submit]:not([formaction])').click();
        await page.locator('#strong_idle_minutes-error').waitFor();
        await assertWhole(page, '/admin/login with an error');
        await assertAccessible(page, `/admin/login with an error (${language})`);
        problems.assertNone();
      } finally {
        await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', 'admin').execute();
      }
    });
  }
});
