// A guardian's whole visit in a real browser, with JavaScript and without: log in, switch child, log out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';

describe('login flow in the browser', () => {
  let h: BrowserHarness;
  before(async () => { h = await startBrowserHarness(); });
  after(() => h.close());

  for (const javaScript of [true, false]) {
    it(`logs in, switches child and logs out with JavaScript ${javaScript ? 'on' : 'off'}`, async () => {
      // htmx as the page loads it, not put in by the harness.
      const { page, problems } = await h.page({ javaScript, htmxAsShipped: true });

      const loginPage = await page.goto('/login');
      assert.equal(loginPage?.status(), 200);
      assert.equal(await page.locator('h1').textContent(), 'Logga in');
      assert.doesNotMatch(await loginPage!.text(), /<link rel="stylesheet"|<script src=/, 'the first paint waits for no other file');
      if (javaScript) {
        // htmx is fetched by the page's own few inline bytes once the page has loaded (and the CSP lets them run).
        await page.waitForFunction(() => typeof (window as { htmx?: unknown }).htmx === 'object');
        const [requested, loaded] = await page.evaluate(() => [
          performance.getEntriesByType('resource').find((e) => e.name.endsWith('/vendor/htmx.min.js'))?.startTime ?? -1,
          (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventStart,
        ]);
        assert.ok(requested >= loaded && loaded > 0, `htmx requested at ${requested} ms, the load event at ${loaded} ms`);
      } else {
        assert.equal(await page.evaluate(() => typeof (window as { htmx?: unknown }).htmx), 'undefined');
      }

      await login(page, 'vardnadshavare');
      assert.equal(new URL(page.url()).pathname, '/');
      const heading = page.locator('h1.child-name');
      const switcher = page.getByRole('navigation', { name: 'Byt barn' });
      const links = switcher.getByRole('link');
      assert.deepEqual((await links.allTextContents()).sort(), ['Elsa', 'Oskar']);

      const first = (await switcher.locator('a[aria-current="page"]').textContent())!.trim();
      assert.ok(first === 'Elsa' || first === 'Oskar', `the current child is ${first}`);
      assert.match((await heading.textContent())!, new RegExp(`^\\s*${first} `));
      const other = first === 'Elsa' ? 'Oskar' : 'Elsa';

      await Promise.all([page.waitForURL(/\/children\/\d+$/), switcher.getByRole('link', { name: other }).click()]);
      assert.match((await heading.textContent())!, new RegExp(`^\\s*${other} `));
      assert.equal((await switcher.locator('a[aria-current="page"]').textContent())!.trim(), other);
      assert.equal(await page.title(), `${other} – Vardag`);

      // The choice is remembered: the start page now shows the other child.
      await page.goto('/');
      assert.match((await heading.textContent())!, new RegExp(`^\\s*${other} `));

      await Promise.all([page.waitForURL('**/login'), page.getByRole('button', { name: 'Logga ut' }).click()]);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.locator('h1').textContent(), 'Logga in');
      assert.equal(await page.getByRole('button', { name: 'Logga ut' }).count(), 0);

      await page.goto('/');
      const after = new URL(page.url());
      assert.equal(after.pathname, '/login');
      assert.equal(after.searchParams.get('next'), '/');
      assert.equal(await page.locator('#username').count(), 1);

      problems.assertNone();
      await page.context().close();
    });
  }
});
