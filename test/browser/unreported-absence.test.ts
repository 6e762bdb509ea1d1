// Marking an unreported absence in Chromium: the form that comes back with an error is corrected and sent again, and
// the SMS it causes is read in the demo SMS outbox. axe checks both pages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { registerSmsJobs } from '../../server/sms/sender.ts';
import { assertAccessible, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { personId } from '../support/demo.ts';

describe('an unreported absence and the demo SMS outbox in Chromium', () => {
  let h: BrowserHarness;
  before(async () => { h = await startBrowserHarness(); });
  after(() => h.close());

  it('corrects the form after an error, and shows the SMS in the demo outbox, with no axe violations', async () => {
    const oskar = await personId(h.t.db, 'Oskar', 'Andersson');
    const { page, problems } = await h.page({ javaScript: true });
    await login(page, 'admin');
    // What the Today page's small form posts, with a day that has not come yet.
    await page.goto('/');
    await page.evaluate((action) => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = action;
      const csrf = document.querySelector<HTMLInputElement>('input[name="_csrf"]')!.value;
      for (const [name, value] of [['_csrf', csrf], ['date', '2026-11-25']]) {
        const input = document.createElement('input');
        Object.assign(input, { type: 'hidden', name, value });
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    }, `/children/${oskar}/absences/unreported`);
    await page.locator('.error-summary').waitFor();
    assert.match(await page.title(), /^Fel: Ogiltig frånvaro för Oskar/);
    await page.getByText('Dagen har inte varit än').first().waitFor();
    await assertAccessible(page, 'the unreported-absence form with an error');

    await page.getByLabel('Dag').fill('2026-11-24');
    await Promise.all([page.waitForURL(/\/groups\/\d+\/today$/), page.getByRole('button', { name: 'Markera ogiltig frånvaro' }).click()]);

    const runner = new JobRunner({ db: h.t.db, clock: h.t.clock, log: () => undefined });
    registerSmsJobs(runner, { db: h.t.db, clock: h.t.clock, gateway: 'demo-outbox', from: 'Vardag' });
    assert.equal(await runner.runDue(), 1);
    await runner.stop();
    await page.goto('/demo/sms');
    await page.getByText('Vardag: Oskar har ogiltig frånvaro i dag tisdag 24 november (Björkskolan). Se Vardag för mer.').waitFor();
    await assertAccessible(page, 'the demo SMS outbox');
    problems.assertNone();
  });
});
