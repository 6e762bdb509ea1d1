// Development talks in Chromium. Blåbär's teacher publishes two times (through the real form); Elsa's mother books one
// from the start page's box with JavaScript off and with it on, sees the booked talk on the talks page and in the box,
// moves it, and cancels it; the teacher sees who booked. The guardian's booking page, the group's page (staff) and the
// unit's talk settings (the head) pass axe in Swedish and Arabic, on a 360 px phone and a desktop, without sideways
// scrolling or targets too small for a finger on the phone. The test app's today is Tuesday 24 November 2026.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { postForm, signIn } from '../support/app.ts';
import { assertAccessible, browserSuite, login } from '../support/browser.ts';
import { unitId } from '../support/demo.ts';
import { assertPagesFine, sidewaysScroll, visitsOf } from '../support/page-checks.ts';

const PHONE = { width: 360, touch: true };
const DAY = '2026-12-15';

describe('development talks in Chromium', () => {
  const { h, demo } = browserSuite();
  let solrosen: number;

  const elsasBookings = () => h.t.db.selectFrom('talk_bookings').select(['id', 'slot_id']).where('child_id', '=', demo.elsa).execute();

  before(async () => {
    solrosen = await unitId(h.t.db, 'Förskolan Solrosen');
    // Whatever talks the demo may have booked for Elsa go: the test books her talks itself.
    await h.t.db.deleteFrom('talk_bookings').where('child_id', '=', demo.elsa).execute();
    const teacher = await signIn(h.t.app, 'pedagog');
    for (const start of ['13:15', '13:45']) {
      const res = await postForm(teacher, `/groups/${demo.blabar}/talks`, `/groups/${demo.blabar}/talks/slots`,
        { date: DAY, start, length: '30', place: 'Blåbärs rum' });
      assert.equal(res.status, 303, `publishing ${start}`);
    }
  });

  /** The guardian's talks page for Elsa, opened from the talks box on her start page. */
  const openFromBox = async (page: Page) => {
    await page.goto(`/children/${demo.elsa}`);
    await page.locator('#box-talks a', { hasText: /Boka en tid|Se, byt eller avboka/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Utvecklingssamtal för Elsa' }).waitFor();
  };
  const choose = (page: Page, start: string) => page.getByRole('radio', { name: new RegExp(`${start}–`) }).check();

  for (const visit of visitsOf('vardnadshavare')) {
    it(`passes axe and fits a finger for ${visit.label}: the booking page`, () =>
      assertPagesFine(h, { ...visit, username: 'vardnadshavare', paths: [`/children/${demo.elsa}/talks`] }));
  }
  for (const visit of visitsOf('pedagog')) {
    it(`passes axe and fits a finger for ${visit.label}: the group’s times and who booked`, () =>
      assertPagesFine(h, { ...visit, username: 'pedagog', paths: [`/groups/${demo.blabar}/talks`] }));
  }
  for (const visit of visitsOf('rektor')) {
    it(`passes axe and fits a finger for ${visit.label}: the unit’s talk settings`, () =>
      assertPagesFine(h, { ...visit, username: 'rektor', paths: [`/units/${solrosen}/talks/settings`, `/groups/${demo.blabar}/talks`] }));
  }

  it('lets the mother book with JavaScript off, shows the talk in the box and to the teacher, and cancels it', async () => {
    await h.withPage({ ...PHONE, javaScript: false }, async (page) => {
      await login(page, 'vardnadshavare');
      await openFromBox(page);
      await choose(page, '13:15');
      await page.getByRole('button', { name: 'Boka tiden' }).click();
      await page.getByText('Tiden är bokad.').waitFor();
      const booked = page.locator('section.talk-booked');
      await booked.getByText(/13:15–13:45/).waitFor();
      assert.equal(await sidewaysScroll(page), 0);
      assert.equal((await elsasBookings()).length, 1);

      await page.goto(`/children/${demo.elsa}`);
      await page.locator('#box-talks').getByText(/13:15/).first().waitFor();
    });

    await h.withPage({ width: 1280 }, async (page) => {
      await login(page, 'pedagog');
      await page.goto(`/groups/${demo.blabar}/talks`);
      await page.getByRole('row', { name: /13:15–13:45.*Elsa/ }).waitFor();
    });

    await h.withPage({ ...PHONE, javaScript: false }, async (page) => {
      await login(page, 'vardnadshavare');
      await openFromBox(page);
      await page.getByRole('button', { name: 'Avboka' }).click();
      await page.getByText('Tiden är avbokad.').waitFor();
      assert.equal(await page.locator('section.talk-booked').count(), 0, 'no booked talk shown');
      await page.getByRole('radio', { name: /13:15–/ }).waitFor();
      assert.equal((await elsasBookings()).length, 0);
    });
  });

  it('lets the mother book, move and cancel with JavaScript on; the booked page passes axe in Swedish and Arabic', () => h.withPage(PHONE, async (page) => {
    await login(page, 'vardnadshavare');
    await openFromBox(page);
    await choose(page, '13:45');
    await page.getByRole('button', { name: 'Boka tiden' }).click();
    await page.getByText('Tiden är bokad.').waitFor();
    await page.locator('section.talk-booked').getByText(/13:45–14:15/).waitFor();
    await assertAccessible(page, 'the talks page with a booked talk');
    assert.equal(await sidewaysScroll(page), 0);

    await choose(page, '13:15');
    await page.getByRole('button', { name: 'Byt tid' }).click();
    await page.getByText('Tiden är ändrad.').waitFor();
    await page.locator('section.talk-booked').getByText(/13:15–13:45/).waitFor();
    assert.equal((await elsasBookings()).length, 1, 'moved, not booked twice');

    await h.t.db.updateTable('accounts').set({ language: 'ar' }).where('username', '=', 'vardnadshavare').execute();
    await page.context().clearCookies();
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${demo.elsa}/talks`);
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    await assertAccessible(page, 'the talks page with a booked talk, in Arabic');
    assert.equal(await sidewaysScroll(page), 0, 'no sideways scrolling in Arabic');
    await h.t.db.updateTable('accounts').set({ language: 'sv' }).where('username', '=', 'vardnadshavare').execute();
    await page.context().clearCookies();
    await login(page, 'vardnadshavare');

    await page.goto(`/children/${demo.elsa}/talks`);
    await page.getByRole('button', { name: 'Avboka' }).click();
    await page.getByText('Tiden är avbokad.').waitFor();
    assert.equal(await page.locator('section.talk-booked').count(), 0);
    assert.equal((await elsasBookings()).length, 0);
  }));

  it('shows the group’s page with a booked talk without an axe violation', async () => {
    const mother = await signIn(h.t.app, 'vardnadshavare');
    const form = await mother.get(`/children/${demo.elsa}/talks`);
    const slot = /id="slot-(\d+)"/.exec(form.text)?.[1];
    assert.ok(slot, 'a free time to book');
    const res = await postForm(mother, `/children/${demo.elsa}/talks`, `/children/${demo.elsa}/talks/book`, { slot });
    assert.equal(res.status, 303);
    await h.withPage(PHONE, async (page) => {
      await login(page, 'pedagog');
      await page.goto(`/groups/${demo.blabar}/talks`);
      await page.getByRole('button', { name: /Avboka.*Elsa/ }).waitFor();
      await assertAccessible(page, 'the group’s talks with a booking');
      assert.equal(await sidewaysScroll(page), 0);
    });
  });
});
