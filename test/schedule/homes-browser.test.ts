// Two homes in Chromium: the demo's Elsa with Emma and Johan taking every other week (server/schedule/demo-homes.ts).
// Johan chooses his days on a 360 px phone without JavaScript (the form's error state shown, then saved); the homes
// page, the week with the other's days read-only and a conflict waiting, and the staff's week pass axe in Swedish and
// Arabic (right to left) at 360 px without sideways scrolling.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, browserSuite, login } from '../support/browser.ts';
import { assertPagesFine, PHONE_WIDTH, sidewaysScroll } from '../support/page-checks.ts';
import { personId } from '../support/demo.ts';
import { seedDemoHomes } from '../../server/schedule/demo-homes.ts';
import { raiseConflict } from '../../server/schedule/homes.ts';
import { saveDays } from '../../server/schedule/queries.ts';

const PHONE = { width: PHONE_WIDTH, touch: true };

describe('two homes in Chromium', () => {
  const { h, demo } = browserSuite();
  before(async () => {
    const db = h.t.db;
    const [emma, johan] = [await personId(db, 'Emma', 'Andersson'), await personId(db, 'Johan', 'Berg')];
    const now = h.t.clock.now();
    // Tuesday 24 November 2026: Emma's weeks are 48, 50, …; Johan's 49, 51, …
    await seedDemoHomes(db, { childId: demo.elsa, mother: emma, father: johan, now, today: '2026-11-24' });
    const account = async (username: string) => (await db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
    await saveDays(db, [{ childId: demo.elsa, date: '2026-12-07', value: { starts: '07:30', ends: '16:00', dayOff: false, comment: null }, expectedVersion: null }],
      await account('vardnadshavare'), now);
    await raiseConflict(db, { childId: demo.elsa, date: '2026-12-07', value: { starts: '08:00', ends: '17:00', dayOff: false, comment: null },
      person: johan, accountId: await account('vardnadshavare2'), now });
  });

  it('lets a guardian choose their days on a phone without JavaScript, with the error at the field', () => h.withPage({ ...PHONE, javaScript: false }, async (page) => {
    await login(page, 'vardnadshavare2');
    await page.goto(`/children/${demo.elsa}/schedule`);
    await page.getByRole('link', { name: 'Två hem: vems dagar' }).click();
    await page.getByRole('heading', { level: 1, name: 'Två hem: Elsa Andersson' }).waitFor();
    await page.getByText('Johan Berg: varannan vecka från och med vecka 49').waitFor();
    await page.getByLabel('Vissa veckodagar varje vecka').check();
    await page.getByRole('button', { name: 'Spara mina dagar' }).click();
    await page.locator('#weekdays-error').getByText('Välj minst en veckodag').waitFor();
    assert.equal(await sidewaysScroll(page), 0, 'no sideways scrolling at 360 px');
    await page.getByLabel('Varannan vecka, med början den vecka som datumet nedan ligger i').check();
    await page.getByLabel('Från och med').first().fill('2026-12-14');
    await page.getByRole('button', { name: 'Spara mina dagar' }).click();
    await page.getByText('Dina dagar är sparade.').waitFor();
    await page.getByText('Johan Berg: varannan vecka från och med vecka 49 (måndag 30 november) till och med söndag 13 december').waitFor();
    await page.getByText('Johan Berg: varannan vecka från och med vecka 51 (måndag 14 december)').waitFor();
  }));

  it('shows the form’s error state without an axe violation', () => h.withPage({ ...PHONE, javaScript: true }, async (page) => {
    await login(page, 'vardnadshavare');
    await page.goto(`/children/${demo.elsa}/schedule/homes`);
    await page.getByLabel('Vissa veckodagar varje vecka').check();
    await page.getByRole('button', { name: 'Spara mina dagar' }).click();
    await page.locator('#weekdays-error').getByText('Välj minst en veckodag').waitFor();
    await assertAccessible(page, 'the homes form with an error');
  }));

  it('shows the week with the other’s days and the conflict to both guardians and the staff, accessibly, in Swedish and Arabic', async () => {
    const paths = [`/children/${demo.elsa}/schedule/homes`, `/children/${demo.elsa}/schedule?week=2026-W50`];
    for (const language of ['sv', 'ar'] as const) {
      await assertPagesFine(h, { username: 'vardnadshavare2', language, width: PHONE_WIDTH, paths });
      await assertPagesFine(h, { username: 'vardnadshavare', language, width: PHONE_WIDTH, paths });
      await assertPagesFine(h, { username: 'pedagog', language, width: PHONE_WIDTH, paths: [`/children/${demo.elsa}/schedule?week=2026-W50`] });
    }
    await h.withPage({ ...PHONE, javaScript: true }, async (page) => {
      await login(page, 'pedagog');
      await page.goto(`/children/${demo.elsa}/schedule?week=2026-W50`);
      await page.locator('#day_2026-12-07').getByText('Krock: Emma Andersson 07:30–16:00, Johan Berg 08:00–17:00').waitFor();
      await page.locator('#day_2026-12-07').getByText('Registrerad av Emma Andersson').waitFor();
    });
  });
});
