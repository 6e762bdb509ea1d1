// Step-up in Chromium at 360 px, in Swedish and Arabic (right to left): the locked documentation box, the kept form sent
// again after the strong login, and the page saying a municipality has no e-ID, each without an axe violation, sideways
// scroll or small target. What step-up does: step-up.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { municipalityId, personId } from '../support/demo.ts';
import { enableEId, markSessionStrong, sessionIdOf, setDocumentationStrongLogin, storedSession } from '../support/strong-login.ts';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { PHONE_WIDTH, sidewaysScroll, smallTargets } from '../support/page-checks.ts';
import { SESSION_COOKIE } from '../../server/accounts/routes.ts';
import { childPage } from '../../server/child-page/queries.ts';

describe('step-up in Chromium (axe, 360 px, Swedish and Arabic)', () => {
  let h: BrowserHarness;
  let elsa: number;
  let grannGroup: number;
  before(async () => {
    h = await startBrowserHarness();
    elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    const demokommun = await municipalityId(h.t.db, 'Demokommun');
    const grannkommun = await municipalityId(h.t.db, 'Grannkommun');
    await enableEId(h.t.db, demokommun);
    await setDocumentationStrongLogin(h.t.db, demokommun, true);
    await setDocumentationStrongLogin(h.t.db, grannkommun, true);
    grannGroup = (await h.t.db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id').select('groups.id')
      .where('units.municipality_id', '=', grannkommun).orderBy('groups.id').executeTakeFirstOrThrow()).id;
  });
  after(() => h.close());

  /** The browser's session id (its cookie), to mark it strong as the e-ID callback would. */
  async function browserSession(page: Page): Promise<string> {
    const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
    if (!cookie) throw new Error('no session cookie');
    return sessionIdOf(`${SESSION_COOKIE}=${cookie.value}`);
  }

  async function checkPage(page: Page, what: string, language: 'sv' | 'ar'): Promise<void> {
    assert.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr', what);
    await assertAccessible(page, what);
    assert.equal(await sidewaysScroll(page), 0, `${what}: scrolls sideways`);
    assert.deepEqual(await smallTargets(page), [], `${what}: small targets`);
  }

  for (const language of ['sv', 'ar'] as const) {
    it(`the locked box, the kept form sent again, the no-e-ID page (${language})`, async () => {
      for (const username of ['vardnadshavare', 'grannadmin']) {
        await h.t.db.updateTable('accounts').set({ language }).where('username', '=', username).execute();
      }
      try {
        await h.withPage({ javaScript: true, width: PHONE_WIDTH, touch: true }, async (page) => {
          await login(page, 'vardnadshavare');
          await page.goto(`/children/${elsa}`);
          const link = page.locator('#box-documentation a.action-link');
          assert.equal(await link.getAttribute('href'), `/login/strong?next=%2Fchildren%2F${elsa}&municipality=${await municipalityId(h.t.db, 'Demokommun')}`);
          await checkPage(page, 'the start page with the documentation box locked', language);

          // Strong, the edit page opened; the strong login lapses while the guardian writes; the post is kept.
          const sid = await browserSession(page);
          await markSessionStrong(h.t.db, sid, h.t.clock.now());
          await page.goto(`/children/${elsa}/page/edit`);
          await page.locator('#presentation').fill(`Skrivet i webbläsaren (${language})`);
          await h.t.db.updateTable('sessions').set({ sess: JSON.stringify({ ...(await storedSession(h.t.db, sid)), strong: undefined }) }).where('sid', '=', sid).execute();
          await page.locator('form[action$="/page"] button[type=submit]').click();
          await page.waitForURL((url) => url.pathname === '/login/e-id');
          await markSessionStrong(h.t.db, sid, h.t.clock.now()); // (the e-ID login)
          await page.goto('/login/step-up');
          await checkPage(page, 'the kept form', language);
          await Promise.all([page.waitForURL((url) => url.pathname === `/children/${elsa}/page`), page.locator('main form button[type=submit]').click()]);
          assert.equal((await childPage(h.t.db, elsa)).presentation, `Skrivet i webbläsaren (${language})`);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH, touch: true }, async (page) => {
          await login(page, 'grannadmin');
          const res = await page.goto(`/groups/${grannGroup}/blog`);
          assert.equal(res?.status(), 403);
          await checkPage(page, 'the page saying the municipality has no e-ID', language);
        });
      } finally {
        for (const username of ['vardnadshavare', 'grannadmin']) {
          await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', username).execute();
        }
      }
    });
  }
});
