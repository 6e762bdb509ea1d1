// A teacher invites, a guardian registers through the key and lands on the start page: without JavaScript, as a
// plain form on a cheap phone. axe (with JavaScript on) checks every form on the way.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { personId } from '../support/demo.ts';

describe('invite → register → start page in Chromium', () => {
  let h: BrowserHarness;
  before(async () => { h = await startBrowserHarness(); });
  after(() => h.close());

  async function invite(page: Page, who: string, other: string, checkAccessibility: boolean): Promise<void> {
    const alice = await personId(h.t.db, 'Alice', 'Johansson');
    await login(page, 'pedagog');
    await page.goto(`/children/${alice}/info`);
    await Promise.all([page.waitForURL(/\/invitations\/new$/), page.getByRole('link', { name: 'Bjud in vårdnadshavare' }).click()]);
    if (checkAccessibility) await assertAccessible(page, 'the invitation form');
    await page.getByRole('checkbox', { name: other }).uncheck();
    await page.getByRole('checkbox', { name: who }).check();
    await page.getByLabel(`E-postadress till ${who}`).fill('guardian.browser@example.com');
    await page.getByRole('button', { name: 'Granska innan du skickar' }).click();
    await page.getByRole('heading', { name: 'Kontrollera vilka som får inbjudan' }).waitFor();
    if (checkAccessibility) await assertAccessible(page, 'the confirmation page');
    await Promise.all([page.waitForURL(/\/groups\/\d+\/invitations$/), page.getByRole('button', { name: 'Skicka inbjudan' }).click()]);
    if (checkAccessibility) await assertAccessible(page, 'the list of invitations');
  }

  async function keyFromTheMail(): Promise<string> {
    const mail = await h.t.db.selectFrom('mail_outbox').select('text_body').orderBy('id', 'desc').executeTakeFirstOrThrow();
    return mail.text_body!.match(/\/register_invite\/([A-Z2-9]{12})/)![1];
  }

  it('works with JavaScript off', async () => {
    const teacher = await h.page({ javaScript: false });
    await invite(teacher.page, 'Anna Johansson', 'Andreas Eriksson', false);
    await teacher.page.context().close();

    const { page, problems } = await h.page({ javaScript: false });
    await page.goto(`/register_invite/${await keyFromTheMail()}`);
    await page.getByLabel('Användarnamn').fill('anna j');
    await page.getByLabel('Skriv e-postadressen igen').fill('guardian.browser@example.com');
    await page.getByLabel('Ditt namn').fill('Anna Johansson');
    await page.getByLabel('Lösenord').fill('kort');
    await page.getByRole('button', { name: 'Skapa konto' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Fel: /);
    assert.equal(await page.getByLabel('Användarnamn').inputValue(), 'anna j', 'the form comes back filled in');
    assert.equal(await page.getByLabel('Lösenord').inputValue(), '', 'but never the password');

    await page.getByLabel('Lösenord').fill('sju sorters kakor');
    await page.getByLabel('Jag har läst och godkänner villkoren').check();
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByRole('button', { name: 'Skapa konto' }).click()]);
    assert.match(await page.locator('h1').textContent() ?? '', /Alice Johansson/);
    problems.assertNone();
  });

  it('has no axe violations on the forms (JavaScript on)', async () => {
    const teacher = await h.page({ javaScript: true });
    await invite(teacher.page, 'Andreas Eriksson', 'Anna Johansson', true);
    await teacher.page.context().close();

    const { page, problems } = await h.page({ javaScript: true });
    await page.goto(`/register_invite/${await keyFromTheMail()}`);
    await assertAccessible(page, 'the registration form');
    await page.getByRole('button', { name: 'Skapa konto' }).click();
    await page.locator('.error-summary').waitFor();
    await assertAccessible(page, 'the registration form with errors');
    await page.goto('/register_invite');
    await assertAccessible(page, 'the key form');
    await page.goto('/register_invite/AAAABBBBCCCC');
    await assertAccessible(page, 'an unknown key');
    await page.goto(`/register_invite/${await keyFromTheMail()}/link`);
    await assertAccessible(page, '"Jag har redan ett konto"');
    problems.assertNone();
  });
});
