// The development plan pages in Chromium on a strong session: the teacher's page with the talk's note form, the plan
// form (with its error at the field), the guardian's page with the comment form and an earlier term's plan; each without
// an axe violation or sideways scroll at 360 px, in Swedish and Arabic (right to left). What the pages do: plans.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { personId } from '../support/demo.ts';
import { startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { PHONE_WIDTH, assertReadsInLanguage, loginStrong } from '../support/page-checks.ts';

describe('development plans in Chromium (axe, 360 px, Swedish and Arabic)', () => {
  let h: BrowserHarness;
  let oskar: number;
  before(async () => {
    h = await startBrowserHarness();
    oskar = await personId(h.t.db, 'Oskar', 'Andersson');
  });
  after(() => h.close());

  const strongLogin = (page: Page, username: string) => loginStrong(page, h.t.db, username, h.t.clock.now());
  const checkPage = assertReadsInLanguage;

  for (const language of ['sv', 'ar'] as const) {
    it(`the teacher's and the guardian's pages (${language})`, async () => {
      for (const username of ['vardnadshavare', 'larare2b']) {
        await h.t.db.updateTable('accounts').set({ language }).where('username', '=', username).execute();
      }
      try {
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await strongLogin(page, 'larare2b');
          await page.goto(`/children/${oskar}/plan`);
          assert.equal(await page.getByText('Vi kom överens om målen i utvecklingsplanen.').count(), 2, 'the note shown and in its form');
          await checkPage(page, 'the teacher’s plan page', language);
          await page.goto(`/children/${oskar}/plan/edit`);
          await page.locator('#goals').fill('');
          await page.locator('form[action$="/plan/edit"] button[type=submit]').click();
          await page.locator('#goals-error').waitFor();
          await checkPage(page, 'the plan form with an error', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await strongLogin(page, 'vardnadshavare');
          await page.goto(`/children/${oskar}/plan`);
          assert.equal(await page.locator('#comment').count(), 1);
          await checkPage(page, 'the guardian’s plan page', language);
          await page.goto(`/children/${oskar}/plan?term=VT2026`);
          assert.equal(await page.getByText('Läsa kapitelböcker på egen hand.').count(), 1);
          await checkPage(page, 'an earlier term’s plan', language);
        });
      } finally {
        for (const username of ['vardnadshavare', 'larare2b']) {
          await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', username).execute();
        }
      }
    });
  }
});
