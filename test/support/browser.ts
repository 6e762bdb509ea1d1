// The real Vardag on a loopback port and Debian's Chromium driven by playwright-core, for the browser tests.
// One app and one browser per test file; each test opens its own context (fresh cookies), with JavaScript on or off.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { languageByCode } from '../../server/kernel/i18n.ts';
import { startTestApp, type TestApp } from './app.ts';
import { groupId, personId } from './demo.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * `javaScript` on or off; `width` of the viewport; `touch` makes it a touch screen (CSS `pointer: coarse`). Pages load
 * htmx after their load event, so a test could act before it is there: with JavaScript on, htmx is put into each new
 * document before the page's own script runs (its loader then finds it and fetches nothing), unless `htmxAsShipped`,
 * for the test of the loading itself. Service workers are blocked unless `serviceWorkers`: every signed-in page
 * registers one, and a worker starting beside each navigation only adds load and timing to tests not about it.
 */
export interface ContextOptions { javaScript?: boolean; width?: number; touch?: boolean; htmxAsShipped?: boolean; serviceWorkers?: boolean }

export const HTMX_FILE = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');

export interface BrowserHarness {
  t: TestApp;
  browser: Browser;
  baseURL: string;
  /**
   * A fresh context (no cookies) with JavaScript on or off; `touch` makes it a touch screen (CSS `pointer: coarse`).
   * Closed by `close()` if the test does not.
   */
  context(options?: ContextOptions): Promise<BrowserContext>;
  /** A page in a fresh context, watched for console errors and CSP violations. */
  page(options?: ContextOptions): Promise<WatchedPage>;
  /** Runs `test` on a fresh watched page, then fails on any console error or CSP violation, and closes the page. */
  withPage(options: ContextOptions, test: (page: Page) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface WatchedPage { page: Page; problems: Problems }

export async function startBrowserHarness(options: Parameters<typeof startTestApp>[0] = {}): Promise<BrowserHarness> {
  const t = await startTestApp(options);
  let server: Server | undefined;
  let browser: Browser | undefined;
  try {
    server = await listen(t);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 20_000 });
  } catch (err) {
    await closeServer(server);
    await t.close();
    throw err;
  }
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const contexts = new Set<BrowserContext>();
  const openBrowser = browser;

  const context = async ({ javaScript = true, width = 1024, touch = false, htmxAsShipped = false, serviceWorkers = false }: ContextOptions = {}) => {
    const ctx = await openBrowser.newContext({
      baseURL, javaScriptEnabled: javaScript, locale: 'sv-SE', viewport: { width, height: 800 }, hasTouch: touch,
      serviceWorkers: serviceWorkers ? 'allow' : 'block',
    });
    if (javaScript && !htmxAsShipped) await ctx.addInitScript({ path: HTMX_FILE });
    // Generous on purpose: CI runs two test files side by side on two cores, one of them perhaps several Vardag
    // processes behind nginx or a PostgreSQL cluster, and a page that answers in 50 ms alone has taken over 10 s then.
    // The tests assert what a page says, never how fast; a page that never comes still fails, only later.
    ctx.setDefaultTimeout(20_000);
    ctx.setDefaultNavigationTimeout(30_000);
    contexts.add(ctx);
    ctx.on('close', () => contexts.delete(ctx));
    return ctx;
  };

  const page = async (options = {}) => {
    const opened = await (await context(options)).newPage();
    return { page: opened, problems: watch(opened) };
  };

  return {
    t, browser: openBrowser, baseURL, context, page,
    async withPage(options, test) {
      const watched = await page(options);
      try {
        await test(watched.page);
        watched.problems.assertNone();
      } finally {
        await watched.page.context().close();
      }
    },
    async close() {
      for (const ctx of [...contexts]) await ctx.close().catch(() => undefined);
      await openBrowser.close().catch(() => undefined);
      await closeServer(server);
      await t.close();
    },
  };
}

/** The demo's child and group most browser tests act on: Elsa Andersson and her group Blåbär. */
export interface DemoCast { readonly elsa: number; readonly blabar: number }

/**
 * One describe block's browser harness: started in a `before` hook (Elsa and Blåbär looked up) and closed in an `after`
 * hook, both registered where this is called — first thing in the block, so the block's own hooks find it started.
 * `h` and `demo` are read inside tests and hooks; reading them earlier fails with a message saying so.
 */
export function browserSuite(options: Parameters<typeof startTestApp>[0] = {}): { h: BrowserHarness; demo: DemoCast } {
  let started: BrowserHarness | undefined;
  let found: DemoCast | undefined;
  let closed: Promise<void> | undefined;
  const notYet = () => assert.fail('browserSuite starts in the block\'s before hook: read h and demo inside a test or hook');
  const ready = () => started ?? notYet();
  const cast = () => found ?? notYet();
  before(async () => {
    started = await startBrowserHarness(options);
    found = { elsa: await personId(started.t.db, 'Elsa', 'Andersson'), blabar: await groupId(started.t.db, 'Blåbär') };
  });
  const close = () => (closed ??= started?.close() ?? Promise.resolve());
  after(close);
  const h: BrowserHarness = {
    get t() { return ready().t; },
    get browser() { return ready().browser; },
    get baseURL() { return ready().baseURL; },
    context: (contextOptions) => ready().context(contextOptions),
    page: (contextOptions) => ready().page(contextOptions),
    withPage: (contextOptions, test) => ready().withPage(contextOptions, test),
    close,
  };
  const demo: DemoCast = { get elsa() { return cast().elsa; }, get blabar() { return cast().blabar; } };
  return { h, demo };
}

function listen(t: TestApp): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = t.app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(server)));
    server.on('error', reject);
  });
}

function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Console errors, uncaught page errors and CSP violations of one page. */
export interface Problems {
  readonly list: string[];
  /** Fails with every problem seen so far. */
  assertNone(): void;
}

export function watch(page: Page): Problems {
  const list: string[] = [];
  // Addresses of the documents the page itself navigated to. Chromium logs "Failed to load resource" for a document
  // answered with an error status (the 404 page, a login form sent back with 400); that status is the page's
  // answer, which the tests assert themselves, so it is not counted. A failed stylesheet or script still is.
  const documents = new Set<string>();
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) documents.add(request.url());
  });
  page.on('console', (message) => {
    const text = message.text();
    const where = message.location();
    if (/^Failed to load resource: the server responded with a status of [45]\d\d/.test(text) && documents.has(where.url)) return;
    // Chromium reports CSP violations as console errors; a violation reported at any level still counts.
    if (message.type() === 'error' || /Content.Security.Policy/i.test(text)) {
      list.push(`console.${message.type()}: ${text}${where.url ? ` (${where.url}:${where.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (error) => list.push(`page error: ${error.message}`));
  return {
    list,
    assertNone() {
      assert.deepEqual(list, [], `console errors or CSP violations on ${page.url()}:\n${list.join('\n')}`);
    },
  };
}

/** Logs in through the real login form; resolves once the browser has landed on the page after the login. */
export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  if (!new URL(page.url(), 'http://x').pathname.startsWith('/login')) await page.goto('/login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  try {
    await Promise.all([
      page.waitForURL((url) => url.pathname !== '/login', { waitUntil: 'load' }),
      page.locator('form[action="/login"] [type=submit]').click(),
    ]);
  } catch (err) {
    // Say what the login page said (a wrong password, a lockout) rather than only that the address never changed.
    const said = await page.locator('.error-summary, .field-error, .flash, [role=alert]').allTextContents().catch(() => []);
    throw new Error(`logging in as ${username} stayed on ${page.url()}; the page said: ${said.join(' | ').trim() || 'nothing'}`, { cause: err });
  }
}

/** Chooses a language in the footer's language form and waits for the page to come back in it. */
export async function chooseLanguage(page: Page, code: string): Promise<void> {
  await page.locator('#language-choice').selectOption(code);
  await page.locator('form.language-form [type=submit]').click();
  // The form posts and is sent back to the same address: wait for the new document, then for it to finish loading.
  await page.locator(`html[lang="${languageByCode(code)?.tag ?? code}"]`).waitFor({ state: 'attached' });
  await page.waitForLoadState('load');
}

export interface AxeViolation { id: string; impact?: string | null; help: string; helpUrl: string; nodes: { target: unknown; failureSummary?: string; html: string }[] }

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The WCAG 2.1 A and AA violations axe finds on the page (JavaScript must be on: axe never finishes without it).
 * axe-core is put into the page once per document and run there, the same rules and tags as `AxeBuilder` runs: a
 * quarter of its time, which puts axe's source into a second, blank page for every check. A page with frames goes
 * through `AxeBuilder`, which checks each frame too.
 */
export async function axe(page: Page): Promise<AxeViolation[]> {
  if (page.frames().length > 1) return (await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()).violations;
  if (!(await page.evaluate(() => typeof (window as { axe?: unknown }).axe === 'object'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate((tags) => (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } })
    .axe.run(document, { runOnly: { type: 'tag', values: tags } }).then((result) => result.violations), WCAG_TAGS);
}

/** The violations as readable text, for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help} ${v.helpUrl}\n`
    + v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.html}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`).join('\n'))
    .join('\n');
}

/** Asserts that axe finds no WCAG 2.1 A/AA violation, naming each one in the message if it does. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const violations = await axe(page);
  assert.equal(violations.length, 0, `${what} (${page.url()}): ${violations.length} axe violation(s)\n${describeViolations(violations)}`);
}
