// The organisation's admin pages on a 360 px phone: the overview, areas, units and a unit's groups have nothing that
// scrolls sideways and axe finds nothing, in Swedish and Arabic; a new unit is made with a wrong postal code first
// (the form comes back filled in, the message at the field), then right; a group is created and renamed by the unit's
// head, with JavaScript on and off; the head changes the unit's phone number from the unit's page; closing a unit in
// use is refused with what still goes on in it, said at the field.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { unitId } from '../support/demo.ts';

describe('organisation admin pages at 360 px', () => {
  let h: BrowserHarness;
  let solrosen: number;
  before(async () => {
    h = await startBrowserHarness(); // Tuesday 24 November 2026
    solrosen = await unitId(h.t.db, 'Förskolan Solrosen');
  });
  after(() => h.close());

  const assertWhole = async (page: Page, what: string) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `${what}: nothing scrolls sideways`);
  };

  for (const language of ['sv', 'ar'] as const) {
    it(`every page is whole and accessible (${language})`, async () => {
      await h.t.db.updateTable('accounts').set({ language }).where('username', 'in', ['admin', 'rektor']).execute();
      try {
        const { page, problems } = await h.page({ width: 360, touch: true });
        await login(page, 'admin');
        const blabar = await h.t.db.selectFrom('groups').select('id').where('name', '=', 'Blåbär').executeTakeFirstOrThrow();
        const norra = await h.t.db.selectFrom('areas').select('id').where('name', '=', 'Norra området').executeTakeFirstOrThrow();
        for (const path of ['/admin', '/admin/areas', `/admin/areas/${norra.id}`, '/admin/units', '/admin/units/new', `/admin/units/${solrosen}`,
          `/units/${solrosen}/groups`, `/units/${solrosen}/groups/${blabar.id}`, `/units/${solrosen}/contact`]) {
          await page.goto(path);
          await assertWhole(page, path);
          await assertAccessible(page, `${path} (${language})`);
        }
        problems.assertNone();
      } finally {
        await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', 'in', ['admin', 'rektor']).execute();
      }
    });
  }

  for (const javaScript of [true, false]) {
    it(`a new unit: a wrong postal code comes back at the field, filled in; then saved (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const name = `Förskolan Vitsippa ${javaScript ? 'A' : 'B'}`;
      const { page, problems } = await h.page({ width: 360, touch: true, javaScript });
      await login(page, 'admin');
      await page.goto('/admin');
      await page.getByRole('link', { name: 'Förskolor och skolor' }).click();
      await page.getByRole('link', { name: 'Ny förskola eller skola' }).click();
      await page.locator('#name').fill(name);
      await page.getByLabel('Skola', { exact: true }).check();
      await page.locator('#postal_code').fill('1234');
      await page.locator('#city').fill('Demostad');
      await page.getByRole('button', { name: 'Skapa enheten' }).click();
      await page.locator('#postal_code-error').waitFor();
      assert.match(await page.title(), /^Fel:/);
      assert.equal(await page.locator('#name').inputValue(), name);
      assert.equal(await page.locator('#city').inputValue(), 'Demostad');
      assert.equal(await page.getByLabel('Skola', { exact: true }).isChecked(), true);
      if (javaScript) await assertAccessible(page, 'the unit form with an error'); // (axe runs in the page's JavaScript)
      await page.locator('#postal_code').fill('123 45');
      await page.getByRole('button', { name: 'Skapa enheten' }).click();
      await page.locator('.flash').waitFor();
      const unit = await h.t.db.selectFrom('units').select(['kind', 'postal_code', 'city']).where('name', '=', name).executeTakeFirstOrThrow();
      assert.deepEqual(unit, { kind: 'school', postal_code: '123 45', city: 'Demostad' });
      problems.assertNone();
    });

    it(`the unit head creates and renames a group (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const name = `Smultron ${javaScript ? 'A' : 'B'}`;
      const { page, problems } = await h.page({ width: 360, touch: true, javaScript });
      await login(page, 'rektor');
      await page.goto(`/units/${solrosen}`);
      await page.getByRole('link', { name: 'Grupper', exact: true }).click();
      await page.locator('#name').fill(name);
      await page.getByRole('button', { name: 'Skapa gruppen' }).click();
      await page.locator('.flash').waitFor();
      await page.getByRole('link', { name, exact: true }).click();
      await page.locator('#name').fill(`${name} och Hallon`);
      await page.getByRole('button', { name: 'Byt namn' }).click();
      await page.locator('.flash').waitFor();
      assert.match(await page.locator('section[aria-labelledby="history-title"]').textContent() ?? '', /ändrades från/);
      const group = await h.t.db.selectFrom('groups').select('name').where('name', '=', `${name} och Hallon`).executeTakeFirst();
      assert.ok(group, 'renamed');
      problems.assertNone();
    });

    it(`the unit head changes the unit's phone number, a wrong one said at the field first (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const phone = javaScript ? '08-555 000 01' : '08-555 000 02';
      const { page, problems } = await h.page({ width: 360, touch: true, javaScript });
      await login(page, 'rektor');
      await page.goto(`/units/${solrosen}`);
      await page.getByRole('link', { name: 'Adress och kontaktuppgifter' }).click();
      await page.locator('#phone').fill('ring oss');
      await page.getByRole('button', { name: 'Spara ändringarna' }).click();
      await page.locator('#phone-error').waitFor();
      assert.match(await page.title(), /^Fel:/);
      if (javaScript) await assertAccessible(page, 'the contact form with an error');
      await page.locator('#phone').fill(phone);
      await page.getByRole('button', { name: 'Spara ändringarna' }).click();
      await page.locator('.flash').waitFor();
      const unit = await h.t.db.selectFrom('units').select('phone').where('id', '=', solrosen).executeTakeFirstOrThrow();
      assert.equal(unit.phone, phone);
      problems.assertNone();
    });
  }

  it('closing a unit in use is refused, with how many children, staff and groups, at the field', async () => {
    const { page, problems } = await h.page({ width: 360, touch: true });
    await login(page, 'admin');
    await page.goto(`/admin/units/${solrosen}`);
    await page.locator('#closed_on').fill('2027-01-01');
    await page.getByRole('button', { name: 'Stäng enheten' }).click();
    await page.locator('#closed_on-error').waitFor();
    assert.match(await page.title(), /^Fel:/);
    assert.match(await page.locator('#close_children-error').textContent() ?? '', /barn är placerade på enheten/);
    await assertWhole(page, 'the refused closing');
    await assertAccessible(page, 'the refused closing');
    const unit = await h.t.db.selectFrom('units').select('closed_on').where('id', '=', solrosen).executeTakeFirstOrThrow();
    assert.equal(unit.closed_on, null);
    problems.assertNone();
  });
});
