// Whole-page checks for the browser tests of issue 23's pages (information, calendar, contacts, talks): for one user in
// one language at one width, each page answers 200, is right to left in Arabic, has no axe violation, and at 360 px
// does not scroll sideways, breaks no word across lines and has no tap target too small for a finger. Every problem of every page is gathered and
// reported at once, so one run names all of them.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, axe, describeViolations, login, type BrowserHarness } from './browser.ts';
import { markSessionStrong, sessionIdOf } from './strong-login.ts';
import { SESSION_COOKIE } from '../../server/accounts/routes.ts';
import type { Db } from '../../server/kernel/db.ts';

export const PHONE_WIDTH = 360;
export const DESKTOP_WIDTH = 1280;
/** Buttons, fields and links styled as buttons: the project's 44 px on a touch screen (as test/browser/tap-targets). */
export const MIN_CONTROL = 44;
/** Any other target that stands alone (not a link inside a sentence): WCAG 2.2's 2.5.8 minimum, 24 px, or spaced. */
export const MIN_TARGET = 24;

export interface PageVisit {
  username: string;
  /** 'sv' or 'ar' (right to left); set on the account before logging in, as a user's saved choice. */
  language: 'sv' | 'ar';
  width: number;
  /** The pages to check, as paths; each must answer 200. */
  paths: readonly string[];
}

/** How many CSS pixels the page scrolls sideways (0 when it fits the window). */
export function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * The visible targets in the page's main content that are too small for a finger: controls (buttons, fields, selects,
 * `.action-link`, `.button`) lower than the project's 44 px; checkboxes, radios and links that stand alone (a block of
 * their own, or all the text of their block) that fail WCAG 2.2's 2.5.8: smaller than 24 × 24 px AND too close to another
 * target (a 24 px circle on their centre meets another target, or another small target's circle). Links inside a
 * sentence are exempt (2.5.8's inline exception).
 */
export function smallTargets(page: Page): Promise<string[]> {
  // Written without named inner functions: tsx would wrap them in a helper the browser does not have.
  return page.evaluate(({ control, target }) => {
    const main = document.querySelector('main') ?? document.body;
    const found: string[] = [];
    type Kind = 'control' | 'box' | 'link';
    const all: { e: Element; kind: Kind; r: DOMRect; small: boolean; inline: boolean }[] = [];
    const lists: [string, Kind][] = [
      ['button:not(.link-button), a.button, a.action-link, select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio])', 'control'],
      ['input[type=checkbox], input[type=radio]', 'box'],
      ['a[href]:not(.button):not(.action-link), button.link-button', 'link'],
    ];
    for (const [selector, kind] of lists) {
      for (const e of main.querySelectorAll(selector)) {
        const r = e.getBoundingClientRect();
        const style = getComputedStyle(e);
        if (r.width <= 1 || r.height <= 1 || style.visibility === 'hidden' || style.display === 'none') continue;
        let inline = false;
        if (kind === 'link' && style.display.startsWith('inline')) {
          let block: Element | null = e.parentElement;
          while (block && block !== main && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
          // A link inside a sentence or beside other words is exempt; a link shown as a block of its own never is.
          inline = ((block ?? main).textContent ?? '').replace(/\s+/g, '').length > (e.textContent ?? '').replace(/\s+/g, '').length;
        }
        const small = kind === 'control' ? r.height < control - 0.5 : r.height < target - 0.5 || r.width < target - 0.5;
        all.push({ e, kind, r, small, inline });
      }
    }
    for (const a of all) {
      if (!a.small || a.inline) continue;
      const cx = a.r.left + a.r.width / 2;
      const cy = a.r.top + a.r.height / 2;
      // 2.5.8's spacing: the 24 px circle on this target's centre meets no other target nor another small target's circle.
      const crowded = a.kind !== 'control' && all.some((b) => {
        if (b === a || b.e.contains(a.e) || a.e.contains(b.e)) return false;
        if (b.small) return Math.hypot(b.r.left + b.r.width / 2 - cx, b.r.top + b.r.height / 2 - cy) < target;
        const dx = Math.max(b.r.left - cx, 0, cx - b.r.right);
        const dy = Math.max(b.r.top - cy, 0, cy - b.r.bottom);
        return Math.hypot(dx, dy) < target / 2;
      });
      if (a.kind !== 'control' && !crowded) continue;
      const text = (a.e.textContent ?? '').trim().replace(/\s+/g, ' ') || (a.e as HTMLInputElement).value || a.e.getAttribute('aria-label') || '';
      const classes = typeof a.e.className === 'string' && a.e.className.trim() ? `.${a.e.className.trim().split(/\s+/).join('.')}` : '';
      const rule = a.kind === 'control' ? `a control under ${control} px` : `under ${target} × ${target} px and crowded`;
      found.push(`<${a.e.tagName.toLowerCase()}${a.e.id ? `#${a.e.id}` : ''}${classes}> "${text.slice(0, 40)}" ${Math.round(a.r.width)}×${Math.round(a.r.height)} (${rule})`);
    }
    return found;
  }, { control: MIN_CONTROL, target: MIN_TARGET });
}

/**
 * Words of the main content broken across lines (a column too narrow for "Samtalsledare", a button reading "Ta bo rt"):
 * each word's pieces on different lines. A line may end after a dash; addresses (e-mail, web) and words over 20 letters may break anywhere.
 */
export function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const main = document.querySelector('main') ?? document.body;
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    const found: string[] = [];
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      // A word: letters and digits between spaces and dashes (a line may end after a dash).
      for (const match of text.matchAll(/[^\s\-–—]+/g)) {
        if (match[0].length < 2 || match[0].length > 20 || /[@/.]/.test(match[0])) continue;
        range.setStart(node, match.index ?? 0);
        range.setEnd(node, (match.index ?? 0) + match[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top / 4)));
        if (tops.size > 1) found.push(`"${match[0]}" broken over ${tops.size} lines in <${node.parentElement?.tagName.toLowerCase()}>`);
      }
    }
    return found;
  });
}

/** Logs `visit.username` in with `visit.language` saved on the account, opens each path and gathers the problems. */
export async function pageProblems(h: BrowserHarness, visit: PageVisit): Promise<string[]> {
  await h.t.db.updateTable('accounts').set({ language: visit.language }).where('username', '=', visit.username).execute();
  const phone = visit.width <= PHONE_WIDTH;
  const problems: string[] = [];
  await h.withPage({ javaScript: true, width: visit.width, touch: phone }, async (page) => {
    await login(page, visit.username);
    for (const path of visit.paths) {
      const response = await page.goto(path);
      if (response?.status() !== 200) {
        problems.push(`${path}: answered ${response?.status()}`);
        continue;
      }
      const dir = await page.locator('html').getAttribute('dir');
      if (dir !== (visit.language === 'ar' ? 'rtl' : 'ltr')) problems.push(`${path}: html dir="${dir}" in ${visit.language}`);
      const violations = await axe(page);
      if (violations.length) problems.push(`${path}: ${violations.length} axe violation(s)\n${describeViolations(violations)}`);
      if (phone) {
        const scroll = await sidewaysScroll(page);
        if (scroll > 0) problems.push(`${path}: scrolls ${scroll} px sideways at ${visit.width} px`);
        for (const small of await smallTargets(page)) problems.push(`${path}: ${small}`);
        for (const broken of await brokenWords(page)) problems.push(`${path}: ${broken}`);
      }
    }
  });
  await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', visit.username).execute();
  return problems;
}

/** Fails naming every problem of every page, or passes when there is none. */
export async function assertPagesFine(h: BrowserHarness, visit: PageVisit): Promise<void> {
  const problems = await pageProblems(h, visit);
  assert.deepEqual(problems, [], `${visit.username}, ${visit.language}, ${visit.width} px:\n${problems.join('\n')}`);
}

/** The four visits of one user: Swedish and Arabic, each on a 360 px phone and a desktop. */
export function visitsOf(username: string): { language: 'sv' | 'ar'; width: number; label: string }[] {
  return (['sv', 'ar'] as const).flatMap((language) => [PHONE_WIDTH, DESKTOP_WIDTH].map((width) => ({
    language, width, label: `${username} in ${language === 'sv' ? 'Swedish' : 'Arabic (right to left)'} at ${width} px`,
  })));
}

/** Logs the page in as `username` and makes its session strong for every municipality (what BankID at the broker does). */
export async function loginStrong(page: Page, db: Db, username: string, at: Date): Promise<void> {
  await login(page, username);
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('no session cookie');
  await markSessionStrong(db, sessionIdOf(`${SESSION_COOKIE}=${cookie.value}`), at);
}

/** The page reads in its language's direction, without an axe violation, and never scrolls sideways. */
export async function assertReadsInLanguage(page: Page, what: string, language: 'sv' | 'ar'): Promise<void> {
  assert.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr', what);
  await assertAccessible(page, what);
  assert.equal(await sidewaysScroll(page), 0, `${what}: scrolls sideways`);
}
