// axe (WCAG 2.1 A and AA) on every kind of page there is, reached the way a user reaches it, with JavaScript on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, chooseLanguage, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';

describe('accessibility (axe, WCAG 2.1 AA)', () => {
  let h: BrowserHarness;
  before(async () => { h = await startBrowserHarness(); });
  after(() => h.close());

  /** A fresh page with JavaScript on; checks it saw no console error or CSP violation, then closes it. */
  const withPage = (test: (page: Page) => Promise<void>) => h.withPage({ javaScript: true }, test);

  const follow = async (page: Page, link: ReturnType<Page['getByRole']>) => {
    const href = await link.getAttribute('href');
    assert.ok(href, 'the link has an address');
    await Promise.all([page.waitForURL((url) => url.pathname === href), link.click()]);
  };

  it('the login page', () => withPage(async (page) => {
    await page.goto('/login');
    await assertAccessible(page, 'login page');
  }));

  it('the login page in Somali, Persian and Dari (right to left)', () => withPage(async (page) => {
    await page.goto('/login');
    for (const [code, tag, dir, button] of [['so', 'so', 'ltr', 'Soo gal'], ['fa', 'fa', 'rtl', 'ورود'], ['prs', 'fa-AF', 'rtl', 'ورود']]) {
      await chooseLanguage(page, code);
      assert.equal(await page.locator('html').getAttribute('lang'), tag);
      assert.equal(await page.locator('html').getAttribute('dir'), dir);
      assert.equal(await page.getByRole('button', { name: button, exact: true }).count(), 1);
      await assertAccessible(page, `login page in ${code}`);
    }
  }));

  it('the login page with errors', () => withPage(async (page) => {
    await page.goto('/login');
    const response = page.waitForResponse((res) => res.request().method() === 'POST');
    await page.getByRole('button', { name: 'Logga in', exact: true }).click();
    assert.equal((await response).status(), 400);
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.locator('.field-error').count(), 2);
    assert.match(await page.title(), /^Fel: /);
    // Focus moves to the summary (autofocus, so also without JavaScript), where a screen reader starts reading.
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    await assertAccessible(page, 'login page with errors');
  }));

  it("the guardian's start page and the child info page", () => withPage(async (page) => {
    await login(page, 'vardnadshavare');
    await page.getByRole('navigation', { name: 'Byt barn' }).waitFor();
    await assertAccessible(page, 'guardian start page');

    await follow(page, page.getByRole('link', { name: /^Om / }));
    assert.match(new URL(page.url()).pathname, /^\/children\/\d+\/info$/);
    assert.equal(await page.getByRole('heading', { level: 2, name: 'Vårdnadshavare' }).count(), 1);
    await assertAccessible(page, 'child info page');
  }));

  it("a teacher's group page", () => withPage(async (page) => {
    await login(page, 'pedagog');
    const myGroups = page.getByRole('region', { name: 'Mina grupper' });
    await follow(page, myGroups.getByRole('link').first());
    assert.match(new URL(page.url()).pathname, /^\/groups\/\d+$/);
    assert.match((await page.locator('h1').textContent())!, /Blåbär/);
    await assertAccessible(page, 'group page');
  }));

  it("the head's unit page", () => withPage(async (page) => {
    await login(page, 'rektor');
    await follow(page, page.getByRole('region', { name: 'Mina enheter' }).getByRole('link').first());
    assert.match(new URL(page.url()).pathname, /^\/units\/\d+$/);
    assert.match((await page.locator('h1').textContent())!, /Solrosen/);
    await assertAccessible(page, 'unit page');
  }));

  it("the administrator's municipality page", () => withPage(async (page) => {
    await login(page, 'admin');
    await follow(page, page.getByRole('region', { name: 'Kommunen' }).getByRole('link').first());
    assert.match(new URL(page.url()).pathname, /^\/municipalities\/\d+$/);
    assert.match((await page.locator('h1').textContent())!, /Demokommun/);
    await assertAccessible(page, 'municipality page');
  }));

  it("the unit settings page, and with an error at a field", () => withPage(async (page) => {
    await login(page, 'rektor');
    await follow(page, page.getByRole('region', { name: 'Mina enheter' }).getByRole('link').first());
    await follow(page, page.getByRole('link', { name: 'Inställningar för enheten' }));
    assert.match(new URL(page.url()).pathname, /^\/units\/\d+\/settings$/);
    await assertAccessible(page, 'unit settings page');

    await follow(page, page.getByRole('link', { name: 'Ändra Stängda dagar' }));
    assert.match(new URL(page.url()).pathname, /^\/units\/\d+\/settings\/closed-days$/);
    await page.getByLabel('Första dagen').fill('2020-01-01');
    await page.getByLabel('Anledning').fill('Planeringsdag');
    await page.getByRole('button', { name: 'Lägg till', exact: true }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Fel: /);
    await assertAccessible(page, 'unit settings page with an error');
  }));

  it("the administrator's terms of use page", () => withPage(async (page) => {
    await login(page, 'admin');
    await follow(page, page.getByRole('region', { name: 'Kommunen' }).getByRole('link').first());
    await follow(page, page.getByRole('link', { name: 'Användarvillkor' }));
    await assertAccessible(page, 'terms of use page');
  }));

  it('a box on a page of its own, the notifications and the messages', () => withPage(async (page) => {
    await login(page, 'vardnadshavare');
    await follow(page, page.getByRole('link', { name: 'Kalender', exact: true }));
    await assertAccessible(page, 'calendar box page');
    await page.goto('/notifications');
    await assertAccessible(page, 'notifications');
    await page.goto('/messages');
    await assertAccessible(page, 'messages');
  }));

  it('the 404 page', () => withPage(async (page) => {
    const response = await page.goto('/finns/inte');
    assert.equal(response?.status(), 404);
    assert.equal(await page.locator('h1').textContent(), 'Sidan finns inte');
    await assertAccessible(page, '404 page');
  }));

  it('the start page in Arabic, right to left', () => withPage(async (page) => {
    await login(page, 'vardnadshavare'); // the last test: the account keeps Arabic
    await chooseLanguage(page, 'ar');
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal(await page.getByRole('button', { name: 'تسجيل الخروج' }).count(), 1);
    await assertAccessible(page, 'start page in Arabic');
  }));
});
