// The contact list in Chromium: a guardian chooses what the others see from a 360 px phone without JavaScript and finds
// themself in the list; the list and the choice pass axe (the choice's error state too); the list prints on A4 without
// the page's navigation.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, browserSuite, login } from '../support/browser.ts';

const PHONE = { width: 360, touch: true };

describe('the contact list in Chromium', () => {
  const { h, demo } = browserSuite();
  beforeEach(() => h.t.db.deleteFrom('contact_visibility').execute());

  it('lets a guardian show their phone from the start page\'s box on a phone without JavaScript', () => h.withPage({ ...PHONE, javaScript: false }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${demo.elsa}`);
    await page.getByRole('link', { name: 'Välj vad andra ser om dig' }).click();
    await page.getByRole('heading', { level: 1, name: 'Kontaktlistan: vad andra ser om dig' }).waitFor();
    await page.getByLabel('Mitt telefonnummer').check();
    await page.getByRole('button', { name: 'Spara' }).click();
    await page.getByText('Ditt val är sparat.').waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling at 360 px');
    await page.goto(`/children/${demo.elsa}`);
    await page.getByRole('link', { name: 'Hela kontaktlistan för Blåbär' }).click();
    await page.getByRole('heading', { level: 1, name: /Kontaktlista: Blåbär/ }).waitFor();
    await page.getByRole('row', { name: /Elsa Andersson.*Emma Andersson/ }).waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the list fits 360 px');
  }));

  it('shows the choice and its error state without an axe violation', () => h.withPage({ ...PHONE, javaScript: true }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto('/settings/contacts');
    await assertAccessible(page, 'the contact choice');
    await page.locator('input[name="shows"]').evaluateAll((inputs) => { for (const i of inputs) (i as HTMLInputElement).checked = false; });
    await page.getByRole('button', { name: 'Spara' }).click();
    await page.getByRole('link', { name: 'Välj vad andra vårdnadshavare får se' }).waitFor();
    await assertAccessible(page, 'the contact choice with an error');
  }));

  it('shows the list to the staff without an axe violation and prints it on A4 without navigation', () => h.withPage({ javaScript: true, width: 1024 }, async (page) => {
    await h.t.db.insertInto('contact_visibility').values({ person_id: (await h.t.db.selectFrom('persons').select('id')
      .where('first_name', '=', 'Johan').where('last_name', '=', 'Berg').executeTakeFirstOrThrow()).id, shows: 'both', updated_at: new Date().toISOString() }).execute();
    await login(page, 'pedagog');
    await page.goto(`/groups/${demo.blabar}/contacts`);
    await page.getByRole('button', { name: 'Skriv ut' }).waitFor();
    await assertAccessible(page, 'the contact list');
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling at 360 px');
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['.site-header', '.site-footer', '.demo-banner', '.screen-only']) {
      const visible = await page.locator(hidden).evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).length);
      assert.equal(visible, 0, `${hidden} is not printed`);
    }
    const rows = await page.locator('.contact-table tbody tr').count();
    assert.ok(rows >= 10, `${rows} rows`);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.ok(pages >= 1 && pages <= 3, `${pages} A4 pages for ${rows} rows`);
  }));
});
