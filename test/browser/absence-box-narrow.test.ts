// The Frånvaro box on a 360 px phone: "Idag" and "I morgon, onsdag 25 november" are both whole on the screen, big
// enough to tap, and the page does not scroll sideways; in Arabic too (right to left).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { personId } from '../support/demo.ts';

describe('the absence box at 360 px', () => {
  let h: BrowserHarness;
  before(async () => { h = await startBrowserHarness(); }); // Tuesday 24 November 2026
  after(() => h.close());

  for (const [language, today, tomorrow] of [['sv', 'Idag', 'I morgon, onsdag 25 november'], ['ar', 'اليوم', 'غدًا، ']] as const) {
    it(`shows "today" and "tomorrow" with its date whole and tappable (${language})`, async () => {
      await h.t.db.updateTable('accounts').set({ language }).where('username', '=', 'vardnadshavare').execute();
      try {
        const { page, problems } = await h.page({ width: 360, touch: true });
        await login(page, 'vardnadshavare');
        await page.goto(`/children/${await personId(h.t.db, 'Elsa', 'Andersson')}`);
        const box = page.locator('#box-absence');
        const buttons = [box.getByRole('button', { name: today, exact: true }), box.locator('button[name="when"][value="next"]')];
        assert.match(await buttons[1].textContent() ?? '', new RegExp(`^${tomorrow}`));
        for (const button of buttons) {
          const r = await button.boundingBox();
          assert.ok(r, 'the button is shown');
          assert.ok(r.x >= 0 && r.x + r.width <= 360, `the button fits the screen: ${r.x}–${r.x + r.width}`);
          assert.ok(r.height >= 44, `tall enough to tap: ${r.height} px`);
        }
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0, 'nothing scrolls sideways');
        problems.assertNone();
      } finally {
        await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', 'vardnadshavare').execute();
      }
    });
  }
});
