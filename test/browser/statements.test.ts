// The municipality's statements and the audit trail in a browser: the public notice and statement, the admin's page
// to write them (errors at the field), and the audit trail's search — axe (WCAG 2.1 AA), on a 360 px phone without
// sideways scrolling, and the forms working without JavaScript.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { municipalityId, personId } from '../support/demo.ts';
import { auditTrail } from '../../server/audit/trail.ts';

describe('the statements and the audit trail in a browser', () => {
  let h: BrowserHarness;
  let demo: number;

  before(async () => {
    h = await startBrowserHarness();
    demo = await municipalityId(h.t.db, 'Demokommun');
    const elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    const sara = await personId(h.t.db, 'Sara', 'Holm');
    for (let i = 0; i < 60; i++) {
      await auditTrail(h.t.db, h.t.clock).record({ accountId: 3, personId: sara, action: 'child.info.read', childId: elsa, recordId: null, method: 'GET' }, 'read');
    }
  });
  after(() => h.close());

  const noSidewaysScroll = async (page: Page, what: string) => {
    const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(scroll <= client, `${what}: ${scroll} px wide in a ${client} px window`);
  };

  it('the privacy notice: a choice of municipality, then the chosen one, to anyone', () => h.withPage({ javaScript: true }, async (page) => {
    await page.goto('/privacy');
    await assertAccessible(page, 'privacy notice, choosing');
    await page.getByRole('link', { name: 'Demokommun' }).click();
    await page.getByText('Demokommun är personuppgiftsansvarig').waitFor();
    await assertAccessible(page, 'privacy notice');
    await page.goto(`/accessibility?municipality=${demo}`);
    await assertAccessible(page, 'accessibility statement');
  }));

  it("the admin writes the statements on a phone without JavaScript; a wrong e-mail address comes back at its field", () => h.withPage({ javaScript: false, width: 360 }, async (page) => {
    await login(page, 'admin');
    await page.getByRole('link', { name: 'Personuppgifter och tillgänglighet' }).click();
    await noSidewaysScroll(page, 'the statements page');
    await page.getByLabel('Kontaktuppgifter till den personuppgiftsansvarige').fill('Barn- och utbildningsförvaltningen\nDemokommun');
    await page.getByRole('button', { name: 'Spara informationen om personuppgifter' }).click();
    await page.getByText('Informationen om personuppgifter är sparad.').waitFor();
    await page.getByLabel('E-post för synpunkter på tillgängligheten').fill('inte en adress');
    await page.getByRole('button', { name: 'Spara tillgänglighetsredogörelsen' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Fel: /);
    assert.equal(await page.getByLabel('E-post för synpunkter på tillgängligheten').inputValue(), 'inte en adress');
    await noSidewaysScroll(page, 'the statements page with an error');
    await page.goto(`/privacy?municipality=${demo}`);
    await page.getByText('Barn- och utbildningsförvaltningen').waitFor();
  }));

  it('the statements page with an error, and the audit trail, pass axe', () => h.withPage({ javaScript: true }, async (page) => {
    await login(page, 'admin');
    await page.goto('/admin/statements');
    await page.getByLabel('Senast bedömd').fill('2099-01-01');
    await page.getByRole('button', { name: 'Spara tillgänglighetsredogörelsen' }).click();
    await page.locator('.error-summary').waitFor();
    await assertAccessible(page, 'statements page with an error');
    await page.goto('/admin/audit');
    await assertAccessible(page, 'audit trail');
  }));

  it('the audit trail is searched and paged on a phone without JavaScript', () => h.withPage({ javaScript: false, width: 360 }, async (page) => {
    await login(page, 'admin');
    await page.getByRole('link', { name: 'Granskningslogg' }).click();
    await page.getByLabel('Barnets namn').fill('elsa');
    await page.getByRole('button', { name: 'Sök' }).click();
    await page.getByText('Antal träffar: 60').waitFor();
    await noSidewaysScroll(page, 'the audit trail');
    await page.getByRole('link', { name: 'Nästa sida' }).click();
    await page.getByText('Sida 2 av 2').waitFor();
    assert.equal(await page.locator('.audit-list li').count(), 10);
  }));
});
