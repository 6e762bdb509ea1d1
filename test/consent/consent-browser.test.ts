// Photo consent in Chromium: a guardian answers from a 360 px phone without JavaScript, the staff record a paper answer,
// and the reference list fits a phone and prints on A4 with pictures and marks only; axe on each page.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, browserSuite, login } from '../support/browser.ts';
import { currentAnswers } from '../../server/consent/queries.ts';

const PHONE = { width: 360, touch: true };

describe('photo consent in Chromium', () => {
  const { h, demo } = browserSuite();
  beforeEach(() => h.t.db.deleteFrom('photo_consents').execute());

  it('lets a guardian answer from the child\'s start page on a phone without JavaScript', () => h.withPage({ ...PHONE, javaScript: false }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${demo.elsa}`);
    await page.getByRole('link', { name: 'Samtycke till bilder' }).click();
    await page.getByRole('heading', { level: 1, name: 'Samtycke till bilder: Elsa' }).waitFor();
    await page.getByRole('button', { name: 'Spara mitt svar' }).click();
    await page.getByRole('link', { name: 'Välj ja eller nej' }).waitFor();
    await page.getByLabel('Ja, Elsa får synas').check();
    await page.getByRole('button', { name: 'Spara mitt svar' }).click();
    await page.getByText('Ditt ja är sparat.').waitFor();
    const [mine] = await currentAnswers(h.t.db, [demo.elsa]);
    assert.deepEqual([mine.answer, mine.source], ['yes', 'guardian']);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling at 360 px');
  }));

  it('shows the guardian\'s page and its error state without an axe violation', () => h.withPage({ ...PHONE, javaScript: true }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${demo.elsa}/consent`);
    await assertAccessible(page, 'the guardian\'s consent page');
    await page.getByRole('button', { name: 'Spara mitt svar' }).click();
    await page.getByRole('link', { name: 'Välj ja eller nej' }).waitFor();
    await assertAccessible(page, 'the consent page with an error');
  }));

  it('lets the staff record a paper answer, and the page passes axe', () => h.withPage({ ...PHONE, javaScript: true }, async (page) => {
    await login(page, 'pedagog');
    await page.goto(`/children/${demo.elsa}/consent`);
    await assertAccessible(page, 'the staff\'s consent page');
    await page.getByLabel('Johan Berg').check();
    await page.getByRole('group', { name: /^Får Elsa synas/ }).getByLabel('Nej').check();
    await page.getByRole('button', { name: 'Spara svaret' }).click();
    await page.getByText('Svaret är sparat.').waitFor();
    await page.locator('.people-list li', { hasText: 'Johan Berg: Nej' }).waitFor();
    await assertAccessible(page, 'the staff\'s consent page with history');
  }));

  it('shows the reference list on a phone and prints it on A4 without navigation or links', () => h.withPage({ javaScript: true, width: 1024 }, async (page) => {
    await login(page, 'pedagog');
    await page.goto(`/groups/${demo.blabar}/today`);
    await page.getByRole('link', { name: 'Samtycke till bilder' }).click();
    await page.getByRole('button', { name: 'Skriv ut' }).waitFor();
    await assertAccessible(page, 'the reference list');
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling at 360 px');
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['.site-header', '.site-footer', '.demo-banner', '.screen-only']) {
      const visible = await page.locator(hidden).evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).length);
      assert.equal(visible, 0, `${hidden} is not printed`);
    }
    const cards = await page.locator('.consent-card').count();
    assert.ok(cards >= 10, `${cards} children`);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.ok(pages >= 1 && pages <= 2, `${pages} A4 pages for ${cards} children`);
  }));
});
