// The installable app in Chromium: the service worker is active, the browser finds nothing missing for installing
// (CDP `Page.getInstallabilityErrors`), the devices page is accessible with JavaScript and says what it needs without;
// and offline reading in the installed app with "Håll mig inloggad": pages kept, shown offline with a mark, gone on logout.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { assertAccessible, browserSuite, CHROMIUM_PATH, login, watch } from '../support/browser.ts';
import { removeDir, tempDir } from '../support/system.ts';

/**
 * A browser profile of its own on disk: Chromium installs no app from an incognito context (the harness's contexts are
 * such), so installability is asked in a persistent one, launched with the harness's flags.
 */
async function withProfile(baseURL: string, test: (context: BrowserContext, page: Page) => Promise<void>): Promise<void> {
  const dir = tempDir('chromium-profile');
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH, baseURL, locale: 'sv-SE', viewport: { width: 390, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic'],
  });
  context.setDefaultTimeout(20_000);
  try {
    const page = context.pages()[0] ?? await context.newPage();
    const problems = watch(page);
    await test(context, page);
    problems.assertNone();
  } finally {
    await context.close();
    removeDir(dir);
  }
}

/** The service worker of the page's origin once it controls the page. */
async function activeWorker(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    // `ready` may resolve while the worker is still 'activating'
    const worker = registration.active;
    if (worker && worker.state === 'activating') {
      await new Promise((resolve) => worker.addEventListener('statechange', resolve, { once: true }));
    }
    return `${registration.active?.state} ${registration.scope}`;
  });
}

/** The addresses the service worker keeps for offline reading. */
function keptPages(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const cache = await caches.open('vardag-pages-v1');
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
}

/** Waits until the service worker has kept the page (it does once the page told it that it is the installed app). */
async function waitUntilKept(page: Page, path: string): Promise<void> {
  for (let tries = 0; !(await keptPages(page)).includes(path); tries++) {
    if (tries > 100) assert.fail(`${path} was not kept: ${(await keptPages(page)).join(', ')}`);
    await page.waitForTimeout(50);
  }
}

/**
 * Makes every page after this one say it runs in the installed app: `matchMedia('(display-mode: standalone)')` matches
 * (Chromium's DevTools cannot emulate display-mode, and a headless browser opens no app window).
 */
async function asInstalledApp(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const media = window.matchMedia.bind(window);
    window.matchMedia = (query: string) => (/display-mode:\s*standalone/.test(query)
      ? { ...media(query), matches: true, media: query } as MediaQueryList : media(query));
  });
}

describe('the installable app in a browser', () => {
  const { h } = browserSuite();

  it('has an active service worker and nothing missing for installing', () => withProfile(h.baseURL, async (_context, page) => {
    await login(page, 'vardnadshavare');
    assert.match(await activeWorker(page), /^activated http:\/\/127\.0\.0\.1:\d+\/$/);
    const cdp = await page.context().newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest') as { errors: unknown[]; url: string };
    assert.deepEqual(manifest.errors, []);
    assert.match(manifest.url, /\/manifest\.webmanifest\?lang=sv$/);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors') as { installabilityErrors: unknown[] };
    assert.deepEqual(installabilityErrors, []);
  }));

  it('the devices page is accessible, offers to turn push on with JavaScript and says why not without', async () => {
    await h.withPage({ width: 390, serviceWorkers: true }, async (page) => {
      await login(page, 'vardnadshavare');
      await page.goto('/settings');
      await Promise.all([page.waitForURL('**/settings/devices'), page.getByRole('link', { name: 'Notiser på dina enheter' }).click()]);
      await page.locator('#push-subscribe').waitFor({ state: 'visible' });
      assert.equal(await page.getByRole('button', { name: 'Slå på notiser på den här enheten' }).isVisible(), true);
      await assertAccessible(page, 'devices');
    });
    await h.withPage({ javaScript: false, width: 390 }, async (page) => {
      await login(page, 'vardnadshavare');
      await page.goto('/settings/devices');
      assert.match(await page.locator('main').textContent() ?? '', /För att slå på notiser på den här enheten behövs JavaScript/);
      assert.equal(await page.locator('#push-subscribe').isVisible(), false);
    });
  });

  it('keeps the pages read in the installed app with "Håll mig inloggad", shows them offline with a mark, and forgets them on logout',
    () => withProfile(h.baseURL, async (context, page) => {
      await page.goto('/login');
      await page.locator('#username').fill('vardnadshavare');
      await page.locator('#password').fill(DEMO_PASSWORD);
      await page.locator('#remember').check();
      await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form[action="/login"] [type=submit]').click()]);
      await activeWorker(page);
      await asInstalledApp(context);
      for (const path of ['/', '/settings', '/notifications']) {
        await page.goto(path);
        await waitUntilKept(page, path);
      }
      assert.deepEqual((await keptPages(page)).sort(), ['/', '/notifications', '/settings']);

      await context.setOffline(true);
      await page.goto('/settings');
      assert.match(await page.locator('.offline-mark').textContent() ?? '', /^Du är offline\. Sidan visas som den var .+\.$/);
      assert.equal(await page.locator('h1').textContent(), 'Mina inställningar');
      await context.setOffline(false);

      await page.goto('/');
      assert.equal(await page.locator('.offline-mark').count(), 0, 'online, the page itself');
      await Promise.all([page.waitForURL('**/login'), page.getByRole('button', { name: 'Logga ut' }).click()]);
      for (let tries = 0; (await page.evaluate(() => caches.keys())).length && tries < 100; tries++) await page.waitForTimeout(50);
      assert.deepEqual(await page.evaluate(() => caches.keys()), []);
    }));

  it('keeps nothing in a plain browser tab, nor in the app without "Håll mig inloggad"', () => withProfile(h.baseURL, async (context, page) => {
    await login(page, 'vardnadshavare');
    await activeWorker(page);
    await page.goto('/settings');
    await page.goto('/notifications');
    await asInstalledApp(context);
    await page.goto('/settings');
    await page.goto('/notifications');
    await page.waitForTimeout(300);
    assert.deepEqual(await keptPages(page), []);
  }));
});
