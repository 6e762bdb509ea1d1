// Two pages that held wide tables, on a 360 px phone, a desktop and A4 paper: the child's history (a card per change
// on a phone, one row per change on a desktop) and Today's children per half hour (every half hour of the opening
// day, 06:30–18:00 at Förskolan Solrosen, without scrolling sideways). In Swedish and Arabic (right to left).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { recordHistory } from '../../server/history/queries.ts';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { groupId, personId } from '../support/demo.ts';

/** The half hours of Förskolan Solrosen's Tuesday, 06:30 to 17:30 (closing at 18:00): 23 of them. */
const HALF_HOURS = Array.from({ length: 23 }, (_, n) => {
  const minutes = 6 * 60 + 30 + n * 30;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
});
/** Screenshots for a person to look at, when asked for (VARDAG_SHOTS=<folder>). */
const SHOTS = process.env.VARDAG_SHOTS;

describe('tables on a phone, a desktop and paper', () => {
  let h: BrowserHarness;
  let elsa: number;
  let blabar: number;

  before(async () => {
    h = await startBrowserHarness({ careTimes: true }); // Tuesday 24 November 2026, the demo's standard care times
    elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    blabar = await groupId(h.t.db, 'Blåbär');
    const by = (await h.t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
    const at = h.t.clock.now();
    await h.t.db.transaction().execute(async (trx) => {
      await recordHistory(trx, { childId: elsa, date: '2026-11-25', what: 'times', old: { starts: '08:00', ends: '16:00' },
        new: { starts: '07:15', ends: '16:45', comment: 'Mormor hämtar, hon har en röd jacka och heter Ingegerd Sundström-Lindqvist' }, by, at });
      await recordHistory(trx, { childId: elsa, date: '2026-11-26', what: 'absence', old: null, new: { wholeDay: true }, by, at });
      await recordHistory(trx, { childId: elsa, date: '2026-11-30', what: 'standard', old: null,
        new: { 1: { starts: '08:00', ends: '16:00' }, 2: { starts: '08:00', ends: '16:00' }, 3: { dayOff: true }, 4: { starts: '07:30', ends: '15:30' }, 5: { starts: '08:00', ends: '14:00' } }, by, at });
      await recordHistory(trx, { childId: elsa, date: '2026-11-24', what: 'attendance', old: null, new: { arrived_at: '07:52' }, by, at });
    });
  });
  after(() => h.close());

  async function shoot(page: Page, name: string): Promise<void> {
    if (!SHOTS) return;
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/m-${name}.png`, fullPage: true });
  }

  async function staffPage(language: string, width: number): Promise<Page> {
    await h.t.db.updateTable('accounts').set({ language }).where('username', '=', 'pedagog').execute();
    const { page } = await h.page({ width });
    await login(page, 'pedagog');
    return page;
  }

  /** How far the page and each element matching `selector` scroll sideways (0 when it all fits). */
  const overflow = (page: Page, selector: string) => page.evaluate((sel) => ({
    page: document.documentElement.scrollWidth - window.innerWidth,
    elements: [...document.querySelectorAll(sel)].map((e) => e.scrollWidth - e.clientWidth),
  }), selector);

  /** The half hours of the table that are wholly in sight: inside the window and any box around them that scrolls. */
  const visibleHalfHours = (page: Page) => page.evaluate(() => {
    const table = document.querySelector('table.slots');
    if (!table) return [];
    let left = 0;
    let right = document.documentElement.clientWidth;
    for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX === 'visible') continue;
      const r = box.getBoundingClientRect();
      left = Math.max(left, r.left);
      right = Math.min(right, r.right);
    }
    return [...table.querySelectorAll('th')].filter((th) => /^\d\d:\d\d$/.test(th.textContent?.trim() ?? '')).filter((th) => {
      const r = th.getBoundingClientRect();
      return r.width > 0 && r.left >= left - 0.5 && r.right <= right + 0.5;
    }).map((th) => th.textContent?.trim() ?? '');
  });

  for (const language of ['sv', 'ar']) {
    it(`shows each change of the history whole at 360 px, as a card, in ${language}`, async () => {
      const page = await staffPage(language, 360);
      try {
        await page.goto(`/children/${elsa}/history`);
        const changes = page.locator('ol.history > li');
        assert.equal(await changes.count(), 4, 'one card per change');
        const first = changes.first();
        // Each card names what each value is: when, what, before, after, who, when changed.
        assert.equal(await first.locator('dt').count(), 6);
        assert.ok(await first.locator('dt').first().isVisible(), 'the terms are shown on a phone');
        const sizes = await overflow(page, 'ol.history dd');
        assert.equal(sizes.page, 0, 'the page does not scroll sideways');
        assert.deepEqual(sizes.elements.filter((n) => n > 0), [], 'no value is cut');
        // Words are not broken letter by letter: the narrowest value column holds a whole word such as "Frånvaro".
        const widths = await page.locator('ol.history dd').evaluateAll((dds) => dds.map((d) => d.getBoundingClientRect().width));
        assert.ok(Math.min(...widths) > 120, `the values have room: ${Math.min(...widths)} px`);
        await shoot(page, `history-360-${language}`);
        await assertAccessible(page, 'the history at 360 px');
      } finally {
        await page.context().close();
      }
    });

    it(`shows the history as rows under column headings on a desktop, in ${language}`, async () => {
      const page = await staffPage(language, 1280);
      try {
        await page.goto(`/children/${elsa}/history`);
        assert.ok(await page.locator('.history-head').isVisible(), 'column headings');
        const term = await page.locator('ol.history dt').first().boundingBox();
        assert.ok(term && term.width <= 1, 'the terms stay for screen readers only');
        await shoot(page, `history-1280-${language}`);
        // One row per change: the six values of a change side by side, starting at the same height.
        const rows = await page.locator('ol.history > li').evaluateAll((lis) => lis.map((li) =>
          new Set([...li.querySelectorAll('dd')].map((dd) => Math.round(dd.getBoundingClientRect().top))).size));
        assert.deepEqual(rows, [1, 1, 1, 1]);
        assert.equal((await overflow(page, 'ol.history')).page, 0);
        await assertAccessible(page, 'the history at 1280 px');
      } finally {
        await page.context().close();
      }
    });

    for (const width of [360, 1280]) {
      it(`shows every half hour of the opening day on Today at ${width} px, in ${language}`, async () => {
        const page = await staffPage(language, width);
        try {
          await page.goto(`/groups/${blabar}/today`);
          const sizes = await overflow(page, 'table.slots');
          assert.equal(sizes.page, 0, 'the page does not scroll sideways');
          assert.deepEqual(sizes.elements, [0], 'the table is not cut');
          assert.deepEqual(await visibleHalfHours(page), HALF_HOURS, 'every half hour, 06:30 to 17:30');
          await shoot(page, `today-${width}-${language}`);
          if (SHOTS) await page.locator('table.slots').screenshot({ path: `${SHOTS}/m-today-table-${width}-${language}.png` });
          await assertAccessible(page, `Today at ${width} px`);
        } finally {
          await page.context().close();
        }
      });
    }

    it(`prints every half hour on A4, in ${language}`, async () => {
      // A4 is 210 mm wide; less Chromium's default margins, about 720 CSS pixels are printed.
      const page = await staffPage(language, 720);
      try {
        await page.emulateMedia({ media: 'print' });
        await page.goto(`/groups/${blabar}/today`);
        const sizes = await overflow(page, 'table.slots');
        assert.equal(sizes.page, 0);
        assert.deepEqual(sizes.elements, [0]);
        assert.deepEqual(await visibleHalfHours(page), HALF_HOURS);
        const pdf = await page.pdf({ format: 'A4' });
        assert.ok(pdf.length > 1000, 'it prints');
        if (SHOTS) {
          fs.writeFileSync(`${SHOTS}/m-today-a4-${language}.pdf`, pdf);
          await shoot(page, `today-print-${language}`);
          await page.locator('table.slots').screenshot({ path: `${SHOTS}/m-today-table-print-${language}.png` });
        }
        await page.goto(`/children/${elsa}/history`);
        assert.equal((await overflow(page, 'ol.history dd')).page, 0, 'the history fits the paper too');
        if (SHOTS) fs.writeFileSync(`${SHOTS}/m-history-a4-${language}.pdf`, await page.pdf({ format: 'A4' }));
      } finally {
        await page.context().close();
      }
    });
  }
});
