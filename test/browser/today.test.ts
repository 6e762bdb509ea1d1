// Today on a 360 px touch-screen phone in Chromium: arrival and departure in places of their own (a double tap does
// not check out), the page keeps its scroll position and focus, a child reported absent is asked about first, "Ångra",
// the correction form and the print view; axe on each.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { groupId, personId } from '../support/demo.ts';
import { attendancesOn } from '../../server/attendance/queries.ts';

const PHONE = { width: 360, touch: true };
const DAY = '2026-11-24';

describe('Today in Chromium at 360 px', () => {
  let h: BrowserHarness;
  let blabar: number;
  before(async () => {
    h = await startBrowserHarness({ careTimes: true });
    blabar = await groupId(h.t.db, 'Blåbär');
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.t.db.deleteFrom('attendances').execute();
    await h.t.db.deleteFrom('absences').execute();
  });

  const stored = async (child: number) => (await attendancesOn(h.t.db, [child], DAY, blabar)).get(child);
  const rowOf = (page: Page, child: number) => page.locator(`#child-${child}`);
  const today = async (page: Page) => {
    await login(page, 'pedagog');
    await page.goto(`/groups/${blabar}/today`);
  };

  it('checks in with one tap and does not check out on a second tap at the same spot', () => h.withPage({ ...PHONE, javaScript: true }, async (page) => {
    await today(page);
    const alice = await personId(h.t.db, 'Alice', 'Johansson');
    const kom = await page.locator(`#arrive-${alice}`).boundingBox();
    assert.ok(kom);
    const spot = { x: kom.x + kom.width / 2, y: kom.y + kom.height / 2 };
    await page.touchscreen.tap(spot.x, spot.y);
    await rowOf(page, alice).locator('.check-in', { hasText: 'Kom 10:00' }).waitFor();
    await page.touchscreen.tap(spot.x, spot.y);
    await page.waitForTimeout(400);
    assert.deepEqual([(await stored(alice))?.arrivedAt, (await stored(alice))?.leftAt], ['10:00', null], 'in, not out');
    assert.equal(await page.locator(`#leave-${alice}`).count(), 1, 'Gick waits in its own place');
    const gick = await page.locator(`#leave-${alice}`).boundingBox();
    assert.ok(gick && (gick.x > kom.x + kom.width - 1 || gick.x + gick.width < kom.x + 1), 'Gick stands beside Kom, not on it');
  }));

  it('checks a child in once when both taps of a double tap reach the server', () => h.withPage({ ...PHONE, javaScript: true }, async (page) => {
    await today(page);
    const alice = await personId(h.t.db, 'Alice', 'Johansson');
    await page.locator(`#arrive-${alice}`).dblclick();
    await rowOf(page, alice).locator('.check-in', { hasText: 'Kom 10:00' }).waitFor();
    await page.waitForTimeout(400);
    assert.equal((await stored(alice))?.leftAt, null);
    assert.equal((await h.t.db.selectFrom('care_history').select('id').where('child_id', '=', alice).where('what', '=', 'attendance')
      .where('changed_at', '>=', '2026-11-24T09:00:00.000Z').execute()).length >= 1, true);
  }));

  it('keeps the scroll position and swaps only the row tapped (and the summary line)', () => h.withPage({ ...PHONE, javaScript: true }, async (page) => {
    await today(page);
    const last = page.locator('ul.today > li').last();
    const id = Number((await last.getAttribute('id'))!.slice('child-'.length));
    await last.locator(`#arrive-${id}`).scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 120));
    const before = await page.evaluate(() => window.scrollY);
    assert.ok(before > 400, `scrolled down (${before})`);
    const firstRow = await page.locator('ul.today > li').first().elementHandle();
    await page.locator(`#arrive-${id}`).tap();
    await rowOf(page, id).locator('.check-in', { hasText: 'Kom 10:00' }).waitFor();
    assert.equal(await page.evaluate(() => window.scrollY), before, 'the page did not jump');
    assert.equal(await firstRow!.evaluate((e) => e.isConnected), true, 'the other rows stayed where they were');
    assert.match(await page.locator('#today-summary').textContent() ?? '', /1 har kommit/);
  }));

  it('keeps scroll and focus when the list refreshes every 30 s', async () => {
    const context = await h.context({ ...PHONE, javaScript: true });
    const page = await context.newPage();
    await page.clock.install();
    await today(page);
    const alice = await personId(h.t.db, 'Alice', 'Johansson');
    await page.locator(`#arrive-${alice}`).focus();
    await page.evaluate(() => window.scrollBy(0, 200));
    const before = await page.evaluate(() => window.scrollY);
    const refreshed = page.waitForResponse((r) => r.url().includes(`/groups/${blabar}/today?date=`));
    await page.clock.runFor(31_000);
    await refreshed;
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => document.activeElement?.id), `arrive-${alice}`, 'focus stays on the button');
    assert.equal(await page.evaluate(() => window.scrollY), before);
    await context.close();
  });

  it('offers Ångra after a tap, which takes the arrival back', () => h.withPage({ ...PHONE, javaScript: true }, async (page) => {
    await today(page);
    const alice = await personId(h.t.db, 'Alice', 'Johansson');
    await page.locator(`#arrive-${alice}`).tap();
    await page.locator(`#undo-${alice}`).tap();
    await rowOf(page, alice).getByText('Incheckningen är ångrad.').waitFor();
    assert.equal(await stored(alice), undefined);
    assert.equal(await page.locator(`#arrive-${alice}`).count(), 1, 'Kom is back');
    await assertAccessible(page, 'Today after an undo');
  }));

  for (const javaScript of [true, false]) {
    it(`asks before checking in a child reported absent, JavaScript ${javaScript ? 'on' : 'off'}`, () => h.withPage({ ...PHONE, javaScript }, async (page) => {
      const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
      await h.t.db.insertInto('absences').values({ child_id: elsa, date: DAY, starts: null, ends: null, kind: 'reported', comment: 'Feber',
        created_by: 1, created_at: '2026-11-24T05:00:00Z' }).execute();
      await today(page);
      await page.locator(`#arrive-${elsa}`).tap();
      await page.getByRole('heading', { name: 'Har Elsa Andersson kommit?' }).waitFor();
      assert.match(await page.locator('main').textContent() ?? '', /Elsa Andersson är anmäld frånvarande i dag \(hela dagen\)/);
      assert.equal(await stored(elsa), undefined, 'not yet');
      if (javaScript) await assertAccessible(page, 'the confirmation page');
      await page.getByRole('button', { name: 'Ja, Elsa Andersson har kommit' }).tap();
      await page.waitForURL((url) => url.pathname === `/groups/${blabar}/today` && url.hash === `#child-${elsa}`);
      assert.equal((await stored(elsa))?.arrivedAt, '10:00');
    }));
  }

  it('corrects the times on a form of its own, with messages at the fields', () => h.withPage({ ...PHONE, javaScript: true }, async (page) => {
    await today(page);
    const alice = await personId(h.t.db, 'Alice', 'Johansson');
    await rowOf(page, alice).getByRole('link', { name: 'Ändra tider Alice Johansson' }).tap();
    await page.getByLabel('Kom').fill('09:30');
    await page.getByLabel('Gick').fill('09:00');
    await page.getByRole('button', { name: 'Spara tiderna' }).tap();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.locator('#left-error').textContent() ?? '', /Gick måste vara senare än Kom \(09:30\)/);
    await assertAccessible(page, 'the correction form with an error');
    await page.getByLabel('Gick').fill('09:45');
    await page.getByRole('button', { name: 'Spara tiderna' }).tap();
    await page.waitForURL((url) => url.pathname === `/groups/${blabar}/today`);
    assert.deepEqual([(await stored(alice))?.arrivedAt, (await stored(alice))?.leftAt], ['09:30', '09:45']);
    await assertAccessible(page, 'Today');
  }));

  it('prints Today on A4 without navigation, and the print page passes axe', () => h.withPage({ javaScript: true, width: 1024 }, async (page) => {
    await today(page);
    await page.getByRole('link', { name: 'Skriv ut dagens lista' }).click();
    await page.getByRole('button', { name: 'Skriv ut' }).waitFor();
    await assertAccessible(page, 'the print page');
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['.site-header', '.site-footer', '.demo-banner', '.screen-only']) {
      const visible = await page.locator(hidden).evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).length);
      assert.equal(visible, 0, `${hidden} is not printed`);
    }
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.equal(pages, 1, 'one A4 page for the group');
  }));
});
