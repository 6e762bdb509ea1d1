// At 360 px, a guardian reports today by mistake from the start page's box and taps "Ångra" (JavaScript on: the box
// swaps; off: a plain form and a redirect), then reports again and takes today's absence back with "Ta tillbaka";
// in Swedish and Arabic, with axe on the box after each step.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, chooseLanguage, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { personId } from '../support/demo.ts';

const SHOTS = process.env.VARDAG_SHOTS; // a folder: screenshots of each step, to look at

describe('undoing and withdrawing absence at 360 px in Chromium', () => {
  let h: BrowserHarness;
  before(async () => { h = await startBrowserHarness(); });
  after(() => h.close());

  const active = async (childId: number) => h.t.db.selectFrom('absences').select(['date']).where('child_id', '=', childId)
    .where('cancelled_at', 'is', null).where('date', '=', '2026-11-24').execute();

  for (const javaScript of [true, false]) {
    it(`undoes a report from the box, then takes today's absence back, with JavaScript ${javaScript ? 'on' : 'off'}`, async () => {
      const { page, problems } = await h.page({ javaScript, width: 360, touch: true });
      await login(page, javaScript ? 'vardnadshavare' : 'vardnadshavare2');
      const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
      await page.goto(`/children/${elsa}`);
      const box = page.locator('#box-absence');
      const before = page.url();

      await box.getByRole('button', { name: 'Idag', exact: true }).click();
      await box.getByRole('button', { name: 'Ångra anmälan' }).waitFor();
      if (javaScript) assert.equal(page.url(), before, 'htmx swapped the box in place');
      assert.match(await box.locator('.undo-report').textContent() ?? '', /Frånvaron är anmäld[\s\S]*tisdag 24 november/);
      assert.equal((await active(elsa)).length, 1);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/k-undo-${javaScript ? 'js' : 'nojs'}-sv.png`, fullPage: true, caret: 'initial' });

      await box.getByRole('button', { name: 'Ångra anmälan' }).click();
      await page.getByText('Anmälan är ångrad.').first().waitFor();
      assert.equal((await active(elsa)).length, 0, 'undone');
      assert.equal(await box.getByRole('button', { name: 'Ångra anmälan' }).count(), 0);

      await box.getByRole('button', { name: 'Idag', exact: true }).click();
      await box.getByRole('button', { name: 'Ta tillbaka tisdag 24 november' }).waitFor();
      await box.getByRole('button', { name: 'Ta tillbaka tisdag 24 november' }).click();
      await page.getByText('Frånvaron är tillbakatagen. Personalen ser det direkt.').first().waitFor();
      assert.equal((await active(elsa)).length, 0, 'withdrawn');
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/k-withdrawn-${javaScript ? 'js' : 'nojs'}-sv.png`, fullPage: true, caret: 'initial' });
      // Nothing wider than the phone.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');
      // (axe last, and only with JavaScript: it needs it, and leaves style attributes that htmx's next swap would copy)
      if (javaScript) await assertAccessible(page, 'the box after "Ångra" and "Ta tillbaka"');
      problems.assertNone();
    });
  }

  it('reads right to left in Arabic: "تراجع" beside the report, and it undoes', async () => {
    h.t.clock.set('2026-11-24T09:20:00Z'); // (a report is what one account made at one moment: not the same moment as above)
    const { page, problems } = await h.page({ javaScript: true, width: 360, touch: true });
    await login(page, 'vardnadshavare');
    await chooseLanguage(page, 'ar');
    const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    await page.goto(`/children/${elsa}`);
    const box = page.locator('#box-absence');
    await box.getByRole('button', { name: 'اليوم', exact: true }).click();
    await box.getByRole('button', { name: 'تراجع عن الإبلاغ' }).waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/k-undo-js-ar.png`, fullPage: true, caret: 'initial' });
    await box.getByRole('button', { name: 'تراجع عن الإبلاغ' }).click();
    await page.getByText('تم التراجع عن الإبلاغ.').first().waitFor();
    assert.equal((await active(elsa)).length, 0);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');
    // (axe last: it leaves style attributes behind, which htmx's next swap would copy, against the CSP)
    await assertAccessible(page, 'the box after "Ångra" in Arabic');
    problems.assertNone();
  });
});
