// Reporting the next day's absence from the start page's box, with JavaScript (htmx swaps the box) and without
// (a plain form and a redirect); axe on the absence page and the staff's Today page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { personId } from '../support/demo.ts';

describe('absence in Chromium', () => {
  let h: BrowserHarness;
  before(async () => { h = await startBrowserHarness(); });
  after(() => h.close());

  const reports = async (first: string, last: string) => {
    const child = await personId(h.t.db, first, last);
    return h.t.db.selectFrom('absences').select(['date', 'comment']).where('child_id', '=', child).where('cancelled_at', 'is', null).execute();
  };

  for (const javaScript of [true, false]) {
    it(`reports the next open day from the box with JavaScript ${javaScript ? 'on' : 'off'}`, async () => {
      const { page, problems } = await h.page({ javaScript });
      await login(page, javaScript ? 'vardnadshavare' : 'vardnadshavare2');
      const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
      await page.goto(`/children/${elsa}`);
      const box = page.locator('#box-absence');
      await box.getByText('Lägg till en kommentar').click();
      await box.getByLabel('Kommentar (frivillig)').fill(javaScript ? 'Hos farmor' : 'Hos morfar');
      const before = page.url();
      await box.getByRole('button', { name: 'I morgon, onsdag 25 november', exact: true }).click();
      await page.locator('#box-absence .flash, .flash').first().waitFor();
      if (javaScript) assert.equal(page.url(), before, 'htmx swapped the box in place');
      assert.match(await page.locator('#box-absence').textContent() ?? '', /onsdag 25 november/);
      const stored = await reports('Elsa', 'Andersson');
      assert.ok(stored.some((r) => r.date === '2026-11-25' && r.comment === (javaScript ? 'Hos farmor' : 'Hos morfar')));
      problems.assertNone();
    });
  }

  it('has no axe violations on the absence page, the box after a report and the staff Today page', async () => {
    const { page, problems } = await h.page({ javaScript: true });
    await login(page, 'vardnadshavare');
    const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    await page.goto(`/children/${elsa}`);
    await assertAccessible(page, 'start page with the absence box');
    await page.goto(`/children/${elsa}/absence`);
    await assertAccessible(page, 'absence page');
    await page.getByLabel('Första dagen').fill('2020-01-01');
    await page.getByRole('button', { name: 'Anmäl frånvaro' }).click();
    await page.locator('.error-summary').waitFor();
    await assertAccessible(page, 'absence page with an error');
    await page.context().close();

    const staff = await h.page({ javaScript: true });
    await login(staff.page, 'pedagog');
    await staff.page.getByRole('region', { name: 'Mina grupper' }).getByRole('link', { name: /^Idag/ }).first().click();
    await staff.page.getByRole('heading', { level: 1, name: /Idag: Blåbär/ }).waitFor();
    await assertAccessible(staff.page, 'the Today page');
    await staff.page.getByRole('button', { name: /^Kom Alice Johansson/ }).click();
    await staff.page.getByText(/Kom \d\d:\d\d/).first().waitFor();
    await assertAccessible(staff.page, 'the Today page after a check-in');
    problems.assertNone();
    staff.problems.assertNone();
  });
});
