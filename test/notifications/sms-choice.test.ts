// The SMS about an unreported absence asks the guardian's choice of SMS for absence ("Notiser"): on until she turns it
// off (every guardian with a mobile number got it before there were choices); turned off, for all her children or for
// one, no SMS to her (neither to her own number nor to the register's), the notification in Vardag still comes, and
// the staff's confirmation says so. Turned on again for one child, that child's SMS comes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { notifyUnreportedAbsence, whoIsTold } from '../../server/absence/unreported-notice.ts';
import { choiceField } from '../../server/notifications/rules.ts';
import { postForm, signIn, startTestApp, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe('the unreported-absence SMS and the guardian\'s choice', () => {
  let t: TestApp;
  let oskar: number;
  let emma: { person: number; account: number; phone: string };
  before(async () => {
    t = await startTestApp();
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    const person = await t.db.selectFrom('persons').select(['id', 'phone']).where('first_name', '=', 'Emma').where('last_name', '=', 'Andersson')
      .executeTakeFirstOrThrow();
    const account = await t.db.selectFrom('accounts').select('id').where('person_id', '=', person.id).executeTakeFirstOrThrow();
    emma = { person: person.id, account: account.id, phone: person.phone ?? '' };
  });
  after(() => t.close());

  /** Marks Oskar absent without a word on a day; answers the SMS numbers queued and whether Emma was notified. */
  const mark = async (date: string) => {
    const result = await notifyUnreportedAbsence(t.db, { childId: oskar, date, childFirstName: 'Oskar', schoolName: 'Björkskolan', now: t.clock.now() });
    const sms = await t.db.selectFrom('sms_outbox').select('recipient').where('child_id', '=', oskar).where('day', '=', date).execute();
    return { sms: sms.map((r) => r.recipient), notified: result.notifiedAccounts.includes(emma.account) };
  };
  const toldEmma = async () => (await whoIsTold(t.db, oskar)).find((g) => g.name === 'Emma Andersson')?.by;
  const emmasSms = (numbers: string[]) => numbers.filter((n) => n.replace(/\D/g, '').endsWith(emma.phone.replace(/\D/g, '').slice(-8)));

  /** Emma saves "Notiser" as the page shows it, with the absence SMS ticked only where given (0: for all, else a child). */
  const saveSms = async (ticked: number[]) => {
    const agent = await signIn(t.app, 'vardnadshavare');
    const page = (await agent.get('/settings/notifications')).text;
    const fields: Record<string, string> = {};
    for (const m of page.matchAll(/<select id="([^"]+)" name="[^"]+">([\s\S]*?)<\/select>/g)) {
      fields[m[1]] = m[2].match(/<option value="([a-z]+)" selected>/)?.[1] ?? '';
    }
    for (const m of page.matchAll(/<input id="([^"]+)" name="[^"]+" type="checkbox" value="1" checked>/g)) fields[m[1]] = '1';
    for (const name of Object.keys(fields)) if (name.endsWith('_absence_sms')) delete fields[name];
    for (const childId of ticked) fields[choiceField(childId, 'absence', 'sms')] = '1';
    assert.equal((await postForm(agent, '/settings/notifications', '/settings/notifications', fields)).status, 303);
    return (await agent.get('/settings/notifications')).text;
  };

  it('goes by default, and the page says so with the box ticked', async () => {
    const page = (await (await signIn(t.app, 'vardnadshavare')).get('/settings/notifications')).text;
    assert.match(page, new RegExp(`id="${choiceField(0, 'absence', 'sms')}" name="[^"]+" type="checkbox" value="1" checked`));
    assert.match(page, /får du också ett sms\./);
    assert.equal(await toldEmma(), 'sms');
    const { sms, notified } = await mark('2026-11-23');
    assert.equal(emmasSms(sms).length, 1, 'an SMS to Emma');
    assert.ok(notified);
  });

  it('does not go to a guardian who turned it off; the notification still does, and the staff are told', async () => {
    const page = await saveSms([]);
    assert.doesNotMatch(page, /får du också ett sms\./);
    assert.equal(await toldEmma(), 'smsOff');
    const { sms, notified } = await mark('2026-11-24');
    assert.deepEqual(emmasSms(sms), [], 'no SMS to Emma, not to the register\'s number either');
    assert.ok(notified, 'the notification in Vardag still comes');
  });

  it('goes again for the one child she turns it on for', async () => {
    await saveSms([oskar]);
    assert.equal(await toldEmma(), 'sms');
    const { sms } = await mark('2026-11-25');
    assert.equal(emmasSms(sms).length, 1);
  });
});
