// In Chromium: Blåbär's teacher publishes a letter with JavaScript off (a plain multipart form and a redirect), Elsa's
// mother finds it in her list and opens it, and the teacher sees it counted; axe finds nothing on the list, the item
// (with its read summary) and the publish form; an edit and a removal without JavaScript.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { groupId } from '../support/demo.ts';

describe('information in Chromium', () => {
  let h: BrowserHarness;
  let blabar: number;
  before(async () => {
    h = await startBrowserHarness();
    blabar = await groupId(h.t.db, 'Blåbär');
  });
  after(() => h.close());

  it('the publish form passes axe, also showing its errors', async () => {
    const { page, problems } = await h.page({ javaScript: true, width: 360, touch: true });
    await login(page, 'pedagog');
    await page.goto(`/groups/${blabar}/information/new`);
    await assertAccessible(page, 'the publish form');
    await page.getByRole('button', { name: 'Publicera' }).click();
    await page.getByText('Skriv en rubrik.').first().waitFor();
    await assertAccessible(page, 'the publish form with errors');
    problems.assertNone();
  });

  it('the teacher publishes with JavaScript off; the mother reads it; the teacher sees it read', async () => {
    const teacher = await h.page({ javaScript: false, width: 360, touch: true });
    await login(teacher.page, 'pedagog');
    await teacher.page.goto(`/groups/${blabar}/information/new`);
    await teacher.page.getByLabel('Rubrik').fill('Brev om utflykten');
    await teacher.page.getByLabel('Text', { exact: true }).fill('Vi går till skogen på torsdag.\nTa med matsäck.');
    await teacher.page.getByRole('button', { name: 'Publicera' }).click();
    await teacher.page.getByText('Informationen är publicerad.').waitFor();
    assert.match(teacher.page.url(), /\/information\/\d+$/);
    teacher.problems.assertNone();

    const { page, problems } = await h.page({ javaScript: true, width: 360, touch: true });
    await login(page, 'vardnadshavare');
    await page.goto('/information');
    await assertAccessible(page, 'the information list');
    await page.getByRole('link', { name: 'Brev om utflykten' }).click();
    await page.getByText('Ta med matsäck.').waitFor();
    await assertAccessible(page, 'an information item');
    problems.assertNone();

    const staff = await h.page({ javaScript: true, width: 360, touch: true });
    await login(staff.page, 'pedagog');
    await staff.page.goto(teacher.page.url().replace(/^https?:\/\/[^/]+/, ''));
    await staff.page.getByText(/Läst av 1 av \d+/).waitFor();
    await assertAccessible(staff.page, 'an information item with its read summary');
    staff.problems.assertNone();
  });

  // (axe needs JavaScript in the page: the edit and remove pages are checked by axe in test/browser/information.test.ts.)
  it('the teacher edits and removes an item with JavaScript off', async () => {
    const { page, problems } = await h.page({ javaScript: false, width: 360, touch: true });
    await login(page, 'pedagog');
    await page.goto('/information');
    await page.getByRole('link', { name: 'Välkomstbrev till Blåbär' }).click();
    await page.getByRole('link', { name: 'Ändra', exact: true }).click();
    await page.getByLabel('Rubrik').fill('Välkomstbrev till Blåbär (nytt)');
    await page.getByRole('button', { name: 'Spara ändringarna' }).click();
    await page.getByText('Ändringarna är sparade.').waitFor();
    await page.getByRole('heading', { name: 'Välkomstbrev till Blåbär (nytt)' }).waitFor();
    await page.getByRole('link', { name: 'Ta bort', exact: true }).click();
    await page.getByRole('button', { name: 'Ja, ta bort' }).click();
    await page.getByText('Informationen är borttagen.').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Välkomstbrev till Blåbär (nytt)' }).count(), 0);
    problems.assertNone();
  });
});
