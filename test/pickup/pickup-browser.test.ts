// The pickup pages in Chromium: the guardian's list with its forms (a refused form's error at the field), the walking
// home question for a fritids child, the staff's read-only list and the child's card with a ban marked, the head's
// bans page. Each without an axe violation or sideways scroll at 360 px, in Swedish and Arabic (right to left); and a
// guardian adds a person on a phone without JavaScript. What the pages do: pickup.test.ts, bans.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { personId } from '../support/demo.ts';
import { login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { PHONE_WIDTH, assertReadsInLanguage } from '../support/page-checks.ts';
import { addPickupBan, addPickupPerson } from '../../server/pickup/queries.ts';

describe('the pickup pages in Chromium (axe, 360 px, Swedish and Arabic)', () => {
  let h: BrowserHarness;
  let elsa: number;
  let oskar: number;
  const users = ['vardnadshavare', 'pedagog', 'rektor', 'fritids'];

  before(async () => {
    h = await startBrowserHarness();
    elsa = await personId(h.t.db, 'Elsa', 'Andersson');
    oskar = await personId(h.t.db, 'Oskar', 'Andersson');
    const emma = await personId(h.t.db, 'Emma', 'Andersson');
    const now = h.t.clock.now();
    await addPickupPerson(h.t.db, { childId: elsa, kind: 'pickup', name: 'Eva Berg', relation: 'mormor', phone: '+46701234567' }, emma, now);
    await addPickupPerson(h.t.db, { childId: elsa, kind: 'emergency', name: 'Nils Berg', relation: 'morfar', phone: '+46812345678' }, emma, now);
    const solrosen = (await h.t.db.selectFrom('units').select('id').where('name', '=', 'Förskolan Solrosen').executeTakeFirstOrThrow()).id;
    await addPickupBan(h.t.db, { childId: elsa, unitId: solrosen, name: 'Kalle Okänd', reason: 'Tingsrättens beslut' }, await personId(h.t.db, 'Maria', 'Ek'), now);
  });
  after(() => h.close());

  for (const language of ['sv', 'ar'] as const) {
    it(`the guardian's, the staff's and the head's pages (${language})`, async () => {
      for (const username of users) await h.t.db.updateTable('accounts').set({ language }).where('username', '=', username).execute();
      try {
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await login(page, 'vardnadshavare');
          await page.goto(`/children/${elsa}/pickup`);
          assert.equal(await page.locator('strong', { hasText: 'Eva Berg' }).count(), 1);
          await assertReadsInLanguage(page, 'the guardian’s list', language);
          await page.locator('#relation').fill('granne');
          await page.locator('#phone').fill('070-111 22 33');
          await page.locator('form[action$="/pickup"] button[type=submit]').click();
          await page.locator('#name-error').waitFor();
          await assertReadsInLanguage(page, 'the add form with an error', language);
          await page.locator('details summary').first().click();
          await assertReadsInLanguage(page, 'a person’s change form open', language);
          await page.goto(`/children/${oskar}/pickup`);
          assert.equal(await page.locator('#allowed-yes').count(), 1);
          await assertReadsInLanguage(page, 'a fritids child’s page with walking home', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await login(page, 'pedagog');
          await page.goto(`/children/${elsa}/pickup`);
          assert.equal(await page.locator('form[action^="/pickup-persons"]').count(), 0);
          await assertReadsInLanguage(page, 'the staff’s read-only list', language);
          await page.goto(`/children/${elsa}/info`);
          assert.equal(await page.locator('.ban-notice').count(), 1);
          await assertReadsInLanguage(page, 'the child’s card with a ban marked', language);
          await page.goto(`/children/${elsa}/pickup-bans`);
          await assertReadsInLanguage(page, 'the staff’s bans page', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await login(page, 'rektor');
          await page.goto(`/children/${elsa}/pickup-bans`);
          await page.locator('form[action$="/pickup-bans"] button[type=submit]').click();
          await page.locator('#reason-error').waitFor();
          await assertReadsInLanguage(page, 'the head’s bans page with an error', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await login(page, 'fritids');
          await page.goto(`/children/${oskar}/info`);
          await assertReadsInLanguage(page, 'a fritids child’s card', language);
        });
      } finally {
        for (const username of users) await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', username).execute();
      }
    });
  }

  it('a guardian adds an emergency contact on a phone without JavaScript; a missing name is refused at the field', () => h.withPage({ javaScript: false, width: PHONE_WIDTH }, async (page) => {
    await login(page, 'vardnadshavare2');
    await page.goto(`/children/${elsa}/pickup`);
    await page.getByLabel('Nödkontakt (vi ringer om vi inte når er)').check();
    await page.locator('#relation').fill('faster');
    await page.locator('#phone').fill('073-555 66 77');
    await page.getByRole('button', { name: 'Lägg till', exact: true }).click();
    assert.match(await page.title(), /^Fel: /);
    assert.equal(await page.locator('#name-error').count(), 1);
    assert.equal(await page.locator('#phone').inputValue(), '073-555 66 77', 'the form kept');
    await page.locator('#name').fill('Anna Berg');
    await page.getByRole('button', { name: 'Lägg till', exact: true }).click();
    await page.getByText('Nödkontakten är sparad.').waitFor();
    assert.equal(await page.locator('strong', { hasText: 'Anna Berg' }).count(), 1);
    assert.equal(await page.getByText('073-555 66 77').count(), 1);
  }));
});
