// The pages of strong login's part A in a real browser (JavaScript on): an account by e-ID (the form and the page for a
// login that is missing) and the school staff's student-account pages (the class list, a pupil's page, the letter),
// each with no axe violation, in Swedish and Arabic (right to left), on a 360 px phone (no sideways scroll, no word
// broken, tap targets big enough) and on a desktop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, browserSuite, login } from '../support/browser.ts';
import { assertPagesFine, brokenWords, DESKTOP_WIDTH, PHONE_WIDTH, sidewaysScroll, smallTargets } from '../support/page-checks.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';
import { pendingEIdCookie } from '../support/e-id-pending.ts';

describe('pages of an account by e-ID and of student accounts', () => {
  const { h } = browserSuite();
  const pupilOf4A = async () => (await h.t.db.selectFrom('placements').select('child_id').where('group_id', '=', await groupId(h.t.db, '4A'))
    .where('child_id', 'not in', h.t.db.selectFrom('accounts').select('person_id')).orderBy('child_id').executeTakeFirstOrThrow()).child_id;

  for (const language of ['sv', 'ar'] as const) {
    for (const width of [PHONE_WIDTH, DESKTOP_WIDTH]) {
      const label = `${language === 'sv' ? 'Swedish' : 'Arabic'} at ${width} px`;

      it(`the staff's student-account pages, ${label}`, async () => {
        const pupil = await pupilOf4A();
        await assertPagesFine(h, { username: 'admin', language, width, paths: [`/groups/${await groupId(h.t.db, '4A')}/student-accounts`, `/children/${pupil}/student-account`] });
        // The letter is the answer of the form's POST.
        await h.t.db.updateTable('accounts').set({ language }).where('username', '=', 'admin').execute();
        await h.withPage({ javaScript: true, width, touch: width === PHONE_WIDTH }, async (page) => {
          await login(page, 'admin');
          await page.goto(`/children/${pupil}/student-account`);
          await page.locator('main form button[type="submit"]').click();
          await page.waitForSelector('.paper-invitation .key');
          assert.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr');
          await assertAccessible(page, `the letter, ${label}`);
          if (width === PHONE_WIDTH) {
            assert.equal(await sidewaysScroll(page), 0);
            assert.deepEqual(await brokenWords(page), []);
          }
        });
        await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', 'admin').execute();
      });

      it(`an account by e-ID: the form and a login that is missing, ${label}`, async () => {
        const demo = await municipalityId(h.t.db, 'Demokommun');
        const anna = await personId(h.t.db, 'Anna', 'Johansson');
        const cookie = await pendingEIdCookie(h.t, { municipalityId: demo, personId: anna, acr: 'loa3', language });
        await h.withPage({ javaScript: true, width, touch: width === PHONE_WIDTH }, async (page) => {
          await page.context().addCookies([{ name: cookie.name, value: cookie.value, url: h.baseURL }]);
          for (const submit of [false, true]) {
            const response = await page.goto('/account/new/e-id');
            assert.equal(response?.status(), 200);
            if (submit) {
              await page.locator('main form button[type="submit"]').click(); // empty: the errors at their fields
              await page.waitForSelector('.error-summary');
            }
            assert.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr');
            await assertAccessible(page, `the new account form${submit ? ' with errors' : ''}, ${label}`);
            if (width === PHONE_WIDTH) {
              assert.equal(await sidewaysScroll(page), 0);
              assert.deepEqual(await smallTargets(page), []);
              assert.deepEqual(await brokenWords(page), []);
            }
          }
        });
        await h.withPage({ javaScript: true, width, touch: width === PHONE_WIDTH }, async (page) => {
          if (language === 'ar') await page.context().addCookies([{ name: 'lang', value: 'ar', url: h.baseURL }]);
          assert.equal((await page.goto('/account/new/e-id'))?.status(), 200);
          assert.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr');
          await assertAccessible(page, `the page for a missing e-ID login, ${label}`);
          if (width === PHONE_WIDTH) assert.equal(await sidewaysScroll(page), 0);
        });
      });
    }
  }
});
