// Marking an unreported absence in Chromium: the form that comes back with an error is corrected and sent again, and
// the SMS it causes is read in the demo SMS outbox. At 360 px: Today's button asks first, the mark is undone before
// its SMS goes, and the guardian answers the school, which the teacher reads on Today (Swedish and Arabic). axe checks
// the pages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobRunner } from '../../server/kernel/jobs.ts';
import { registerSmsJobs } from '../../server/sms/sender.ts';
import { assertAccessible, chooseLanguage, login, startBrowserHarness, type BrowserHarness } from '../support/browser.ts';
import { groupId, personId } from '../support/demo.ts';
import { UNREPORTED_SMS_DELAY_MINUTES } from '../../server/absence/rules.ts';

const SHOTS = process.env.VARDAG_SHOTS; // a folder: screenshots of each step, to look at

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
    assert.equal(await runner.runDue(), 0, 'the SMS waits while the mark can be undone');
    const marked = h.t.clock.now().toISOString();
    h.t.clock.set(new Date(h.t.clock.now().getTime() + UNREPORTED_SMS_DELAY_MINUTES * 60_000).toISOString());
    assert.equal(await runner.runDue(), 1);
    await runner.stop();
    h.t.clock.set(marked);
    await page.goto('/demo/sms');
    await page.getByText('Vardag: Oskar har ogiltig frånvaro i dag tisdag 24 november (Björkskolan). Se Vardag för mer.').waitFor();
    await assertAccessible(page, 'the demo SMS outbox');
    problems.assertNone();
    // (the next tests start from a day without a mark)
    await h.t.db.deleteFrom('absences').where('child_id', '=', oskar).execute();
    await h.t.db.deleteFrom('sms_outbox').where('child_id', '=', oskar).execute();
  });

  const oskarsRow = (page: import('playwright-core').Page, oskar: number) => page.locator(`#child-${oskar}`);

  for (const javaScript of [true, false]) {
    it(`asks first on Today at 360 px, and undoes the mark before its SMS goes, with JavaScript ${javaScript ? 'on' : 'off'}`, async () => {
      const oskar = await personId(h.t.db, 'Oskar', 'Andersson');
      const class2b = await groupId(h.t.db, '2B');
      const { page, problems } = await h.page({ javaScript, width: 360, touch: true });
      await login(page, 'larare2b');
      await page.goto(`/groups/${class2b}/today`);
      await oskarsRow(page, oskar).getByRole('button', { name: 'Ogiltig frånvaro Oskar Andersson' }).click();
      await page.getByRole('heading', { level: 1, name: 'Markera ogiltig frånvaro för Oskar?' }).waitFor();
      assert.equal(await page.getByLabel('Dag').inputValue(), '2026-11-24');
      await page.getByText('Emma Andersson får ett sms').waitFor();
      assert.equal((await h.t.db.selectFrom('absences').select('id').where('child_id', '=', oskar).where('cancelled_at', 'is', null).execute()).length, 0,
        'not marked yet');
      if (javaScript) await assertAccessible(page, 'the confirmation');
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/k-unreported-confirm-${javaScript ? 'js' : 'nojs'}-sv.png`, fullPage: true, caret: 'initial' });
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');

      await Promise.all([page.waitForURL(/\/groups\/\d+\/today$/), page.getByRole('button', { name: 'Markera ogiltig frånvaro' }).click()]);
      await page.getByText(/Ogiltig frånvaro är markerad för Oskar\. Sms går till vårdnadshavarna kl\. \d\d:\d\d/).waitFor();
      const row = oskarsRow(page, oskar);
      await row.getByText('Sms:et har inte skickats än.').waitFor();
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/k-unreported-marked-${javaScript ? 'js' : 'nojs'}-sv.png`, fullPage: true, caret: 'initial' });
      // Today is already the address, so the new document (or htmx's swap) is awaited by its message.
      await row.getByRole('button', { name: 'Ångra Oskar Andersson' }).click();
      await page.getByText('Markeringen för Oskar är ångrad. Inget sms skickades.').waitFor();
      assert.equal((await h.t.db.selectFrom('sms_outbox').select('id').where('child_id', '=', oskar).execute()).length, 0, 'no SMS left to send');
      if (javaScript) await assertAccessible(page, 'Today after the undo');
      problems.assertNone();
    });
  }

  for (const language of ['sv', 'ar']) {
    it(`shows the guardian "Ogiltig frånvaro" at 360 px with an answer to the school, which the teacher reads on Today (${language})`, async () => {
      const oskar = await personId(h.t.db, 'Oskar', 'Andersson');
      const class2b = await groupId(h.t.db, '2B');
      const teacher = await h.page({ javaScript: true, width: 360, touch: true });
      await login(teacher.page, 'larare2b');
      if (!(await h.t.db.selectFrom('absences').select('id').where('child_id', '=', oskar).where('cancelled_at', 'is', null).executeTakeFirst())) {
        await teacher.page.goto(`/groups/${class2b}/today`);
        await oskarsRow(teacher.page, oskar).getByRole('button', { name: 'Ogiltig frånvaro Oskar Andersson' }).click();
        await Promise.all([teacher.page.waitForURL(/\/groups\/\d+\/today$/), teacher.page.getByRole('button', { name: 'Markera ogiltig frånvaro' }).click()]);
      }

      const { page, problems } = await h.page({ javaScript: true, width: 360, touch: true });
      await login(page, 'vardnadshavare');
      if (language === 'ar') await chooseLanguage(page, 'ar');
      await page.goto(`/children/${oskar}`);
      const box = page.locator('#box-absence');
      const words = language === 'ar'
        ? { heading: 'غياب غير مبرر', summary: 'تعديل الرد' /* (answered in Swedish before) */, label: 'ردك على المدرسة', send: 'إرسال الرد', saved: 'تم إرسال ردك إلى المدرسة.', text: 'كان عند طبيب الأسنان.' }
        : { heading: 'Ogiltig frånvaro', summary: 'Svara skolan', label: 'Ditt svar till skolan', send: 'Skicka svaret', saved: 'Svaret är skickat till skolan.', text: 'Han var hos tandläkaren.' };
      await box.getByRole('heading', { level: 3, name: words.heading }).waitFor();
      await box.getByText(words.summary).click();
      await box.getByLabel(words.label).fill(words.text);
      await box.getByRole('button', { name: words.send }).click();
      await box.getByText(words.saved).waitFor();
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/k-unreported-answer-${language}.png`, fullPage: true, caret: 'initial' });
      await assertAccessible(page, `the box with the answer (${language})`);
      problems.assertNone();

      await teacher.page.goto(`/groups/${class2b}/today`);
      await oskarsRow(teacher.page, oskar).getByText(words.text).waitFor();
      assert.match(await oskarsRow(teacher.page, oskar).textContent() ?? '', /Svar från Emma Andersson:/);
      if (SHOTS) await teacher.page.screenshot({ path: `${SHOTS}/k-unreported-today-answer-${language}.png`, fullPage: true, caret: 'initial' });
      teacher.problems.assertNone();
    });
  }
});
