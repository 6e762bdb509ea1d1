// The calendar's pages in Chromium, for Elsa's mother and Blåbär's teacher, in Swedish and Arabic (right to left), on a
// 360 px phone and a desktop: the list, week and month views, an event, the new-event form (staff) and the subscription
// page answer with no axe violation; on the phone nothing scrolls sideways and every target is big enough for a finger.
// The events are made first through the real forms: a weekly gym day and an outing for Blåbär, a parents' evening for
// Solrosen. The test app's today is Tuesday 24 November 2026.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { postForm, signIn } from '../support/app.ts';
import { assertAccessible, browserSuite, login } from '../support/browser.ts';
import { unitId } from '../support/demo.ts';
import { assertPagesFine, sidewaysScroll, visitsOf } from '../support/page-checks.ts';

describe('the calendar’s pages in Chromium', () => {
  const { h, demo } = browserSuite();
  let gymDay: number;
  let outing: number;
  let solrosen: number;

  /** Publishes an event through the real form and returns its id (the form answers with the event's address). */
  const publish = async (username: string, place: string, fields: Record<string, string | string[]>) => {
    const res = await postForm(await signIn(h.t.app, username), `${place}/calendar/new`, `${place}/calendar`, fields);
    assert.equal(res.status, 303, `publishing ${fields.title}: ${res.status}`);
    const id = Number(/\/calendar\/events\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    assert.ok(id > 0, `the answer names the event: ${res.headers.location}`);
    return id;
  };

  before(async () => {
    solrosen = await unitId(h.t.db, 'Förskolan Solrosen');
    gymDay = await publish('pedagog', `/groups/${demo.blabar}`, {
      title: 'Gympa i hallen', date: '2026-11-26', startTime: '09:00', endTime: '10:00', repeat: 'weekly', repeatUntil: '2027-01-28',
      bring: 'gymClothes', note: 'Gympapåse med namn, tack.',
    });
    outing = await publish('pedagog', `/groups/${demo.blabar}`, {
      title: 'Utflykt till skogen', date: '2026-11-27', allDay: 'yes', bring: ['packedLunch', 'rainClothes', 'outing'],
    });
    await publish('rektor', `/units/${solrosen}`, { title: 'Föräldramöte', date: '2026-11-25', startTime: '18:00', endTime: '19:00' });
  });

  const views = ['/calendar', '/calendar?view=week', '/calendar?view=month', '/calendar?view=month&month=2026-12'];
  const guardianPages = () => [...views, `/calendar/events/${gymDay}`, `/calendar/events/${outing}`, '/settings/calendar'];
  const staffPages = () => [...guardianPages(), `/groups/${demo.blabar}/calendar/new`];

  for (const visit of visitsOf('vardnadshavare')) {
    it(`passes axe and fits a finger for ${visit.label}`, () =>
      assertPagesFine(h, { username: 'vardnadshavare', language: visit.language, width: visit.width, paths: guardianPages() }));
  }
  for (const visit of visitsOf('pedagog')) {
    it(`passes axe and fits a finger for ${visit.label}`, () =>
      assertPagesFine(h, { username: 'pedagog', language: visit.language, width: visit.width, paths: staffPages() }));
  }

  it('shows the guardian the events of the week with what to bring, marked by child, in every view', () => h.withPage({ width: 360, touch: true }, async (page) => {
    await login(page, 'vardnadshavare');
    for (const view of ['/calendar', '/calendar?view=week']) {
      await page.goto(view);
      await page.getByRole('link', { name: 'Gympa i hallen' }).first().waitFor();
      await page.getByRole('link', { name: 'Utflykt till skogen' }).first().waitFor();
      await page.getByRole('link', { name: 'Föräldramöte' }).first().waitFor();
    }
    // In the list, the outing says what to bring and for which child (Emma has two children, Elsa and Oskar).
    await page.goto('/calendar');
    const outingRow = page.locator('li', { has: page.getByRole('link', { name: 'Utflykt till skogen' }) });
    await outingRow.getByText(/Ta med: .*Matsäck/).waitFor();
    await outingRow.getByText('Elsa').waitFor();
    await page.goto('/calendar?view=month');
    await page.getByRole('link', { name: 'Utflykt till skogen' }).first().waitFor();
    await page.getByRole('link', { name: 'Utflykt till skogen' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Utflykt till skogen' }).waitFor();
    await page.getByText('Matsäck', { exact: false }).first().waitFor();
    assert.equal(await sidewaysScroll(page), 0);
  }));

  it('shows the new-event form’s errors at the fields without an axe violation, on a phone', () => h.withPage({ width: 360, touch: true }, async (page) => {
    await login(page, 'pedagog');
    await page.goto(`/groups/${demo.blabar}/calendar/new`);
    await page.getByLabel('Rubrik').fill('Bakvänt');
    await page.locator('#date').fill('2026-12-03');
    await page.locator('#startTime').fill('10:00');
    await page.locator('#endTime').fill('09:00');
    await page.getByRole('button', { name: 'Publicera' }).click();
    await page.locator('.error-summary').waitFor();
    await page.locator('.field-error').first().waitFor();
    await assertAccessible(page, 'the new-event form with errors');
    assert.equal(await sidewaysScroll(page), 0);
  }));
});
