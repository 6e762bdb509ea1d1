// In Chromium: Blåbär's teacher writes to Elsa's mother, the mother's envelope counts it, and she answers with
// JavaScript off (a plain multipart form and a redirect); axe finds nothing on the inbox, the thread and the form.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { personId } from '../support/demo.ts';

describe('messages in Chromium', () => {
  let h: BrowserHarness;
  let elsa: number;
  before(async () => {
    h = await startBrowserHarness();
    elsa = await personId(h.t.db, 'Elsa', 'Andersson');
  });
  after(() => h.close());

  const envelope = async (page: import('playwright-core').Page) => {
    const count = page.locator('a[href="/messages"] .count');
    return (await count.count()) ? Number(await count.textContent()) : 0;
  };

  it('the teacher writes to the mother with the new-message form (axe: nothing)', async () => {
    const { page, problems } = await h.page({ javaScript: true, width: 360, touch: true });
    await login(page, 'pedagog');
    await page.goto(`/children/${elsa}/messages/new`);
    await assertAccessible(page, 'the new-message form');
    await page.getByLabel('Till', { exact: true }).selectOption({ label: 'Emma Andersson' });
    await page.getByLabel('Ämne').fill('Fotografering i morgon');
    await page.getByLabel('Meddelande', { exact: true }).fill('Hej!\nI morgon kommer fotografen. Elsa får gärna ha sin röda tröja.');
    await page.getByRole('button', { name: 'Skicka' }).click();
    await page.getByText('Meddelandet är skickat.').waitFor();
    assert.match(page.url(), /\/messages\/\d+$/);
    problems.assertNone();
  });

  it('the mother sees the envelope rise and answers with JavaScript off', async () => {
    const { page, problems } = await h.page({ javaScript: false, width: 360, touch: true });
    await login(page, 'vardnadshavare');
    await page.goto('/');
    const unread = await envelope(page);
    assert.ok(unread >= 1, `the envelope shows ${unread}`);
    await page.goto('/messages');
    await page.getByRole('link', { name: 'Fotografering i morgon' }).click();
    await page.getByText('I morgon kommer fotografen.').waitFor();
    assert.equal(await envelope(page), unread - 1, 'opening the thread read it');
    await page.getByLabel('Ditt svar').fill('Tack, vi kommer ihåg tröjan!');
    await page.getByRole('button', { name: 'Skicka svar' }).click();
    await page.getByText('Meddelandet är skickat.').waitFor();
    assert.match(page.url(), /\/messages\/\d+#message-\d+$/);
    await page.getByText('Tack, vi kommer ihåg tröjan!').waitFor();
    const stored = await h.t.db.selectFrom('messages').select('body').where('body', '=', 'Tack, vi kommer ihåg tröjan!').execute();
    assert.equal(stored.length, 1);
    problems.assertNone();
  });

  it('the envelope of the teacher counts the answer; the inbox and the thread pass axe', async () => {
    const { page, problems } = await h.page({ javaScript: true, width: 360, touch: true });
    await login(page, 'pedagog');
    await page.goto('/');
    assert.ok(await envelope(page) >= 1);
    await page.goto('/messages');
    await assertAccessible(page, 'the inbox');
    await page.getByRole('link', { name: 'Fotografering i morgon' }).click();
    await page.getByText('Tack, vi kommer ihåg tröjan!').waitFor();
    await page.getByText('Läst av 1 av 1').waitFor();
    await assertAccessible(page, 'the thread');
    problems.assertNone();
  });
});
