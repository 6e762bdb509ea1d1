// Same-day notes in Chromium: the Frånvaro box's one-tap notes (htmx swaps the box in place), the note page with an
// error at its field, and the staff's Today with the notes, the pickup list and a ban marked — each without an axe
// violation or sideways scroll at 360 px, in Swedish and Arabic (right to left); and a note sent from a phone without
// JavaScript, reaching Today. What the pages do: day-notes.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { groupId, personId } from '../support/demo.ts';
import { login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { PHONE_WIDTH, assertReadsInLanguage } from '../support/page-checks.ts';

describe('same-day notes in Chromium (axe, 360 px, Swedish and Arabic, no JavaScript)', () => {
  let h: BrowserHarness;
  let elsa: number;
  let blabar: number;

  before(async () => {
    h = await startBrowserHarness(); // Tuesday 24 November, 10:00 in Stockholm
    elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    blabar = await groupId(h.t.db, 'Blåbär');
    const emma = await personId(h.t.db, 'Emma', 'Andersson');
    const head = await personId(h.t.db, 'Maria', 'Ek');
    const at = '2026-11-20T10:00:00Z';
    await h.t.db.insertInto('pickup_persons').values({
      child_id: elsa, kind: 'pickup', name: 'Mormor Eva', relation: 'Mormor', phone: '070-111 22 33', created_by: emma, created_at: at, updated_by: emma, updated_at: at, removed_at: null, version: 1,
    }).execute();
    const unit = (await h.t.db.selectFrom('groups').select('unit_id').where('id', '=', blabar).executeTakeFirstOrThrow()).unit_id;
    await h.t.db.insertInto('pickup_bans').values({ child_id: elsa, unit_id: unit, name: 'Kalle Okänd', reason: 'Beslut', recorded_by: head, recorded_at: at, ended_at: null, ended_by: null }).execute();
  });
  after(() => h.close());

  for (const language of ['sv', 'ar'] as const) {
    it(`the box, the note page with an error and Today (${language})`, async () => {
      await h.t.db.updateTable('accounts').set({ language }).where('username', 'in', ['vardnadshavare', 'pedagog']).execute();
      try {
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await login(page, 'vardnadshavare');
          await page.goto(`/children/${elsa}`);
          const box = page.locator('#box-absence');
          await box.locator('button[name="minutes"][value="15"]').click();
          await box.locator('.day-notes .tag').first().waitFor();
          assert.equal(await box.locator('.day-notes li').count(), 1, 'the box swapped in place with the note');
          await assertReadsInLanguage(page, 'the start page with the Frånvaro box and a note', language);

          await page.goto(`/children/${elsa}/day-notes`);
          await assertReadsInLanguage(page, 'the note page', language);
          await page.locator('#page-minutes').fill('900');
          await page.locator('form:has(#page-minutes) button[type=submit]').click();
          await page.locator('.error-summary').waitFor();
          assert.equal(await page.locator('#page-minutes').inputValue(), '900', 'the form kept');
          await assertReadsInLanguage(page, 'the note page with an error', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await login(page, 'pedagog');
          await page.goto(`/groups/${blabar}/today`);
          const row = page.locator(`#child-${elsa}`);
          assert.equal(await row.locator('.day-note-mark').count(), 1);
          assert.equal(await row.locator('.ban-mark').count(), 1);
          await row.locator('details.pickup-today summary').click();
          await assertReadsInLanguage(page, 'Today with a note, the pickup list and a ban', language);
        });
      } finally {
        await h.t.db.updateTable('day_notes').set({ cancelled_at: '2026-11-24T09:00:00Z' }).where('child_id', '=', elsa).execute();
        await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', 'in', ['vardnadshavare', 'pedagog']).execute();
      }
    });
  }

  it('a note from a phone without JavaScript reaches Today', async () => {
    await h.withPage({ javaScript: false, width: PHONE_WIDTH }, async (page) => {
      await login(page, 'vardnadshavare');
      await page.goto(`/children/${elsa}/day-notes`);
      await page.locator('#page-pickupName').fill('Moster Anna');
      await Promise.all([
        page.waitForURL((url) => url.pathname === `/children/${elsa}/day-notes`),
        page.locator('form:has(#page-pickupName) button[type=submit]:not([name])').click(),
      ]);
      assert.equal(await page.getByText('Meddelandet är skickat. Personalen ser det direkt.').count(), 1);
      assert.equal(await page.locator('.day-notes .tag').getByText('Hämtas av Moster Anna').count(), 1);
    });
    await h.withPage({ javaScript: false, width: PHONE_WIDTH }, async (page) => {
      await login(page, 'pedagog');
      await page.goto(`/groups/${blabar}/today`);
      assert.equal(await page.locator(`#child-${elsa} .day-note-mark`).getByText('Hämtas av Moster Anna').count(), 1);
    });
  });
});
