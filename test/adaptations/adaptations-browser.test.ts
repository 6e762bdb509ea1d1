// The extra adaptations pages in Chromium on a strong session: the teacher's list (with a passed review marked), the new
// adaptation's form with its error at the field, the edit form and an ended adaptation's page; the guardian's and the
// pupil's list. Each without an axe violation or sideways scroll at 360 px, in Swedish and Arabic (right to left); and
// a teacher adds one on a phone without JavaScript. What the pages do: adaptations.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { personId } from '../support/demo.ts';
import { startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { PHONE_WIDTH, assertReadsInLanguage, loginStrong } from '../support/page-checks.ts';
import { addAdaptation, adaptationsOfChild } from '../../server/adaptations/queries.ts';
import { today } from '../../server/kernel/clock.ts';
import { addDays } from '../../server/kernel/dates.ts';

describe('extra adaptations in Chromium (axe, 360 px, Swedish and Arabic)', () => {
  let h: BrowserHarness;
  let oskar: number;
  let pupil: number;
  let ended: number;
  let current: number;
  const users = ['vardnadshavare', 'larare2b', 'elev'];

  before(async () => {
    h = await startBrowserHarness();
    oskar = await personId(h.t.db, 'Oskar', 'Andersson');
    pupil = (await h.t.db.selectFrom('accounts').select('person_id').where('username', '=', 'elev').executeTakeFirstOrThrow()).person_id;
    const day = today(h.t.clock);
    const class4a = (await h.t.db.selectFrom('groups').select('id').where('name', '=', '4A').executeTakeFirstOrThrow()).id;
    await addAdaptation(h.t.db, { childId: pupil, groupId: class4a, what: 'Ljudböcker i svenska', decidedBy: 'Mentorn', decidedOn: addDays(day, -20), reviewBy: addDays(day, 100) },
      await personId(h.t.db, 'Helena', 'Vik'), h.t.clock.now());
    await addAdaptation(h.t.db, { childId: oskar, groupId: (await h.t.db.selectFrom('groups').select('id').where('name', '=', '2B').executeTakeFirstOrThrow()).id,
      what: 'Anpassad läxa', decidedBy: 'Klassläraren', decidedOn: addDays(day, -100), reviewBy: addDays(day, -1) }, await personId(h.t.db, 'Tove', 'Almqvist'), h.t.clock.now());
    const all = await adaptationsOfChild(h.t.db, oskar);
    ended = all.find((a) => a.endedOn !== null)!.id;
    current = all.find((a) => a.endedOn === null)!.id;
  });
  after(() => h.close());

  const strongLogin = (page: Page, username: string) => loginStrong(page, h.t.db, username, h.t.clock.now());
  const checkPage = assertReadsInLanguage;

  for (const language of ['sv', 'ar'] as const) {
    it(`the teacher's, the guardian's and the pupil's pages (${language})`, async () => {
      for (const username of users) await h.t.db.updateTable('accounts').set({ language }).where('username', '=', username).execute();
      try {
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await strongLogin(page, 'larare2b');
          await page.goto(`/children/${oskar}/adaptations`);
          assert.equal(await page.getByText('Anpassad läxa').count(), 1);
          assert.equal(await page.locator('.tag.state-expired').count(), 1, 'the passed review marked');
          await checkPage(page, 'the teacher’s list', language);
          await page.goto(`/children/${oskar}/adaptations/new`);
          await page.locator('#what').fill('Pauser');
          await page.locator('#decidedBy').fill('Klassläraren');
          await page.locator('#decidedOn').fill('2026-11-20');
          await page.locator('#reviewBy').fill('2026-11-19');
          await page.locator('form[action$="/adaptations"] button[type=submit]').click();
          await page.locator('#reviewBy-error').waitFor();
          await checkPage(page, 'the new adaptation’s form with an error', language);
          await page.goto(`/adaptations/${current}/edit`);
          await checkPage(page, 'the edit form', language);
          await page.goto(`/adaptations/${ended}/edit`);
          assert.equal(await page.locator('textarea').count(), 0);
          await checkPage(page, 'an ended adaptation', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await strongLogin(page, 'vardnadshavare');
          await page.goto(`/children/${oskar}/adaptations`);
          assert.equal(await page.getByText('Hörselkåpor under eget arbete.').count(), 1);
          await checkPage(page, 'the guardian’s list', language);
        });
        await h.withPage({ javaScript: true, width: PHONE_WIDTH }, async (page) => {
          await strongLogin(page, 'elev');
          await page.goto(`/children/${pupil}/adaptations`);
          assert.equal(await page.getByText('Ljudböcker i svenska').count(), 1);
          await checkPage(page, 'the pupil’s list', language);
        });
      } finally {
        for (const username of users) await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', username).execute();
      }
    });
  }

  it('a teacher adds one on a phone without JavaScript; a missing text is refused at the field', () => h.withPage({ javaScript: false, width: PHONE_WIDTH }, async (page) => {
    await strongLogin(page, 'larare2b');
    await page.goto(`/children/${oskar}/adaptations`);
    await page.getByRole('link', { name: 'Lägg till en extra anpassning' }).click();
    await page.locator('#reviewBy').fill(addDays(today(h.t.clock), 30));
    await page.getByRole('button', { name: 'Spara anpassningen' }).click();
    assert.match(await page.title(), /^Fel: /);
    assert.equal(await page.locator('#what-error').count(), 1);
    await page.locator('#what').fill('Bildstöd till rastens lekar.');
    await page.locator('#decidedBy').fill('Klassläraren och fritidspedagogen');
    await page.getByRole('button', { name: 'Spara anpassningen' }).click();
    await page.getByText('Anpassningen är sparad.').waitFor();
    assert.equal(await page.getByText('Bildstöd till rastens lekar.').count(), 1);
  }));
});
