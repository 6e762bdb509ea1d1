// The assessment pages in Chromium on a strong session: the guardian's and the pupil's page, the teacher's page, the
// form (with an error at its field), the class's overview and the print page; the start page's box (and, on a weak
// session, the way to BankID in its place); the admin's matrix with an error. Each without an axe violation or sideways
// scroll at 360 px, in Swedish and Arabic (right to left); a teacher saves a draft on a phone without JavaScript.
// What the pages do: assessment.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { personId } from '../support/demo.ts';
import { login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { PHONE_WIDTH, assertReadsInLanguage, loginStrong } from '../support/page-checks.ts';

describe('school assessment in Chromium (axe, 360 px, Swedish and Arabic)', () => {
  let h: BrowserHarness;
  let oskar: number;
  let pupil: number;
  let class2b: number;
  let svenska: number;
  const users = ['vardnadshavare', 'larare2b', 'elev', 'admin'];

  before(async () => {
    h = await startBrowserHarness();
    oskar = await personId(h.t.db, 'Oskar', 'Andersson');
    pupil = (await h.t.db.selectFrom('accounts').select('person_id').where('username', '=', 'elev').executeTakeFirstOrThrow()).person_id;
    class2b = (await h.t.db.selectFrom('groups').select('id').where('name', '=', '2B').executeTakeFirstOrThrow()).id;
    svenska = (await h.t.db.selectFrom('assessment_subjects').select('id').where('name', '=', 'Svenska').executeTakeFirstOrThrow()).id;
  });
  after(() => h.close());

  const strongLogin = (page: Page, username: string) => loginStrong(page, h.t.db, username, h.t.clock.now());
  const checkPage = assertReadsInLanguage;

  for (const language of ['sv', 'ar'] as const) {
    it(`the teacher's, the guardian's, the pupil's and the admin's pages (${language})`, async () => {
      for (const username of users) await h.t.db.updateTable('accounts').set({ language }).where('username', '=', username).execute();
      try {
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await strongLogin(page, 'larare2b');
          await page.goto(`/children/${oskar}/assessment`);
          assert.equal(await page.locator('.tag').count(), 1, 'the draft marked');
          await checkPage(page, 'the teacher’s page of a pupil', language);
          // a new assessment published without its levels: the message at each ability's field
          await page.goto(`/children/${oskar}/assessment/edit?subject=${svenska}&term=HT2025`);
          await page.locator('button[value=publish]').click();
          await page.locator('.field-error').first().waitFor();
          await checkPage(page, 'the form with an error', language);
          await page.goto(`/groups/${class2b}/assessment`);
          await checkPage(page, 'the class’s overview', language);
          await page.goto(`/children/${oskar}/assessment/print`);
          await checkPage(page, 'the print page', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await strongLogin(page, 'vardnadshavare');
          await page.goto(`/children/${oskar}/assessment`);
          await checkPage(page, 'the guardian’s page', language);
          await page.goto(`/children/${oskar}`);
          await page.locator('#box-assessment').waitFor();
          await checkPage(page, 'the start page with the box', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await login(page, 'vardnadshavare');
          await page.goto(`/children/${oskar}`);
          await page.locator('#box-assessment').waitFor();
          assert.equal(await page.locator('#box-assessment a[href^="/login/strong"]').count(), 1, 'the way to BankID in the box’s place');
          await checkPage(page, 'the start page on a weak session', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await strongLogin(page, 'elev');
          await page.goto(`/children/${pupil}/assessment`);
          await checkPage(page, 'the pupil’s page', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await login(page, 'admin');
          await page.goto('/admin/assessment');
          await checkPage(page, 'the matrix', language);
          await page.locator('form[action$="/levels"] button[type=submit]').click();
          await page.locator('#level-name-error').waitFor();
          await checkPage(page, 'the matrix with an error', language);
        });
      } finally {
        for (const username of users) await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', username).execute();
      }
    });
  }

  it('a teacher saves a draft on a phone without JavaScript', () => h.withPage({ javaScript: false, width: PHONE_WIDTH }, async (page) => {
    await strongLogin(page, 'larare2b');
    await page.goto(`/children/${oskar}/assessment/edit?subject=${svenska}&term=VT2026`);
    await page.locator('#comment').fill('Skrivet på telefonen.');
    await page.getByRole('button', { name: 'Spara som utkast' }).click();
    await page.getByText('Utkastet är sparat.').waitFor();
    assert.equal(await page.getByText('Skrivet på telefonen.').count(), 1);
  }));
});
