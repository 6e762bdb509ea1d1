// An SMS or a notification about a day says the day as a person reads it ("fredag 20 november"), in the reader's
// language, never as 2026-11-20.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { notifyUnreportedAbsence } from '../../server/absence/unreported-notice.ts';
import { readableParams } from '../../server/notifications/texts.ts';
import { languageByCode } from '../../server/kernel/i18n.ts';
import { signIn, startTestApp, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe('days in SMS and notifications', () => {
  let t: TestApp;
  let oskar: number;
  let emmaAccount: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026, 10:00 in Stockholm
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    emmaAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow()).id;
  });
  after(() => t.close());

  const setLanguage = (language: string) => t.db.updateTable('accounts').set({ language }).where('id', '=', emmaAccount).execute();

  /** Marks Oskar's unreported absence on `date` and returns the SMS texts queued for it. */
  async function smsFor(date: string, lessons?: { from: string; to: string }): Promise<string[]> {
    const { smsIds } = await notifyUnreportedAbsence(t.db, { childId: oskar, date, ...lessons, childFirstName: 'Oskar', schoolName: 'Björkskolan', now: t.clock.now() });
    assert.ok(smsIds.length > 0, 'an SMS is queued');
    const rows = await t.db.selectFrom('sms_outbox').select('message').where('id', 'in', smsIds).execute();
    return rows.map((r) => r.message);
  }

  it('writes today\'s date out in a Swedish SMS', async () => {
    const [message] = await smsFor('2026-11-24');
    assert.equal(message, 'Vardag: Oskar har ogiltig frånvaro i dag tisdag 24 november (Björkskolan). Se Vardag för mer.');
    assert.ok(message.length <= 160, 'still one SMS');
  });

  it('writes an earlier day out, with the lessons\' times', async () => {
    const [message] = await smsFor('2026-11-23', { from: '08:00', to: '09:40' });
    assert.equal(message, 'Vardag: Oskar hade ogiltig frånvaro måndag 23 november kl. 08:00-09:40 (Björkskolan). Se Vardag för mer.');
  });

  it('in the guardian\'s language, Gregorian in Persian too', async () => {
    try {
      await setLanguage('en');
      assert.equal((await smsFor('2026-11-20'))[0], 'Vardag: Oskar had an unreported absence on Friday 20 November (Björkskolan). See Vardag for more.');
      await setLanguage('fa');
      const persian = (await smsFor('2026-11-19'))[0];
      assert.match(persian, /19 نوامبر/, persian);
      for (const message of [persian]) assert.doesNotMatch(message, /\d{4}-\d{2}-\d{2}/);
    } finally {
      await setLanguage('sv');
    }
  });

  it('shows the notifications\' days written out, in the reader\'s language', async () => {
    const emma = await signIn(t.app, 'vardnadshavare');
    const page = await emma.get('/notifications');
    assert.equal(page.status, 200);
    assert.match(page.text, /<a href="\/notifications\/\d+"[^>]*>Ogiltig frånvaro för Oskar tisdag 24 november<\/a>/);
    assert.match(page.text, />Ogiltig frånvaro för Oskar måndag 23 november kl\. 08:00–09:40</);
    assert.doesNotMatch(page.text, /för Oskar \d{4}-\d{2}-\d{2}/);
    await setLanguage('en');
    try {
      assert.match((await emma.get('/notifications')).text, /Unreported absence for Oskar on Friday 20 November</);
    } finally {
      await setLanguage('sv');
    }
  });

  it('keeps the day itself in the notification as YYYY-MM-DD, for any reader\'s language', async () => {
    const [stored] = await t.db.selectFrom('notifications').select('params').where('account_id', '=', emmaAccount).orderBy('id').execute();
    assert.deepEqual(JSON.parse(stored.params), { child: 'Oskar', date: '2026-11-24' });
  });

  it('writes a day of another year than the notification\'s with its year, and leaves other values as they are', () => {
    const sv = languageByCode('sv')!;
    assert.deepEqual(readableParams({ unit: 'Förskolan Solrosen', date: '2027-01-07', lastDate: '2027-01-08', from: '08:00', context: 'range' }, sv, '2026-11-24T09:00:00Z'),
      { unit: 'Förskolan Solrosen', date: 'torsdag 7 januari 2027', lastDate: 'fredag 8 januari 2027', from: '08:00', context: 'range' });
    assert.equal(readableParams({ date: '2027-01-07' }, sv, '2027-01-01T09:00:00Z').date, 'torsdag 7 januari');
    assert.equal(readableParams({ date: '2027-01-07' }, sv, '2026-12-31T23:30:00Z').date, 'torsdag 7 januari', 'the year in Stockholm, where it is 2027 already');
  });
});
