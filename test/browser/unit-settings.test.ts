// Unit settings on a 360 px phone: the overview and each section's page are short (under two and a half screens),
// nothing scrolls sideways and axe finds nothing, in Swedish and Arabic; new opening hours that cut into a child's
// care times are shown first, "Ändra" brings the form back filled in, and "Spara och meddela" saves, also without
// JavaScript.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { signIn } from '../support/app.ts';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { personId, unitId } from '../support/demo.ts';
import { openAndSubmit } from '../schedule/support.ts';
import { openingHours } from '../../server/settings/queries.ts';

const SCREEN = 800;
const SHOTS = process.env.VARDAG_SHOTS; // a folder to keep screenshots in, when a person wants to look at them

describe('unit settings at 360 px', () => {
  let h: BrowserHarness;
  let solrosen: number;
  before(async () => {
    h = await startBrowserHarness(); // Tuesday 24 November 2026
    solrosen = await unitId(h.t.db, 'Förskolan Solrosen');
  });
  after(() => h.close());

  const shot = async (page: Page, name: string) => {
    if (!SHOTS) return;
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/l-${name}.png`, fullPage: true });
  };

  const assertShortAndWhole = async (page: Page, what: string) => {
    const { height, overflow } = await page.evaluate(() => ({
      height: document.documentElement.scrollHeight, overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    assert.ok(height < 2.5 * SCREEN, `${what} is ${height} px high, over two and a half screens`);
    assert.equal(overflow, 0, `${what}: nothing scrolls sideways`);
  };

  for (const language of ['sv', 'ar'] as const) {
    it(`the overview and every section's page are short and accessible (${language})`, async () => {
      await h.t.db.updateTable('accounts').set({ language }).where('username', '=', 'rektor').execute();
      try {
        const { page, problems } = await h.page({ width: 360, touch: true });
        await login(page, 'rektor');
        await page.goto(`/units/${solrosen}/settings`);
        await shot(page, `overview-${language}`);
        await assertShortAndWhole(page, 'the overview');
        await assertAccessible(page, `the settings overview (${language})`);
        const sections = await page.locator('main .action-link[href*="/settings/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
        assert.equal(sections.length, 7, 'a link to each section');
        for (const href of sections) {
          await page.goto(href);
          const name = href.split('/').pop() ?? '';
          await shot(page, `${name}-${language}`);
          await assertShortAndWhole(page, name);
          await assertAccessible(page, `${name} (${language})`);
        }
        problems.assertNone();
      } finally {
        await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', 'rektor').execute();
      }
    });
  }

  for (const javaScript of [true, false]) {
    it(`hours that cut into Elsa's care times: preview, "Ändra", then save and tell (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
      const emma = await signIn(h.t.app, 'vardnadshavare');
      const registered = await openAndSubmit(emma, `/children/${elsa}/schedule?week=2026-W49`, `/children/${elsa}/schedule`,
        { 'starts_2026-12-02': '06:45', 'ends_2026-12-02': '15:00' });
      assert.equal(registered.status, 303);
      const opens = javaScript ? '07:00' : '07:15'; // the second run starts from the first's 07:00
      const before = await openingHours(h.t.db, solrosen);
      const { page, problems } = await h.page({ width: 360, touch: true, javaScript });
      await login(page, 'rektor');
      await page.goto(`/units/${solrosen}/settings/opening-hours`);
      await page.locator('#opens_3').fill(opens);
      await page.getByRole('button', { name: 'Spara öppettider' }).click();

      const lead = page.getByRole('heading', { level: 2, name: /barn har tider utanför de nya öppettiderna/ });
      await lead.waitFor();
      assert.match(await lead.textContent() ?? '', /^1 barn har tider utanför de nya öppettiderna:/);
      assert.match(await page.locator('#hours-impact').textContent() ?? '', /Elsa Andersson\s+onsdag 2 december: 06:45–15:00/);
      assert.deepEqual(await openingHours(h.t.db, solrosen), before, 'nothing saved yet');
      await assertShortAndWhole(page, 'the preview');
      if (javaScript) {
        await assertAccessible(page, 'the preview of new opening hours');
        await shot(page, 'preview-sv');
      }

      await page.getByRole('button', { name: 'Ändra', exact: true }).click();
      await page.locator('#opens_3').waitFor();
      assert.equal(await page.locator('#opens_3').inputValue(), opens, 'the form comes back filled in');
      await page.getByRole('button', { name: 'Spara öppettider' }).click();
      await lead.waitFor();
      await Promise.all([
        // The redirect after the save: a GET of the hours page (the preview came back from a POST to the same address).
        page.waitForResponse((res) => res.request().method() === 'GET' && res.url().endsWith('/settings/opening-hours'), { timeout: 20_000 }),
        page.getByRole('button', { name: 'Spara och meddela vårdnadshavarna' }).click(),
      ]);
      await page.locator('.flash').waitFor();
      assert.match(await page.locator('.flash').textContent() ?? '', /Öppettiderna är sparade\. Vårdnadshavarna till 1 barn har fått en notis\./);
      assert.deepEqual((await openingHours(h.t.db, solrosen))[3], { opens, closes: '18:00' });
      if (javaScript) await shot(page, 'saved-sv');
      problems.assertNone();
    });
  }
});
