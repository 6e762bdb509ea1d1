// The settings' change history in words a unit head reads: no "on", "off" or "closed", no 2026-12-04, in the
// reader's language.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { municipalityId, unitId } from '../support/demo.ts';
import { BOXES } from '../../server/start/boxes.ts';

describe('the settings history', () => {
  let t: TestApp;
  let solrosen: number;
  let rektor: Agent;
  let rektorAccount: number;
  let settingsPage: string;
  before(async () => {
    t = await startTestApp(); // today is Tuesday 24 November 2026
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    settingsPage = `/units/${solrosen}/settings`;
    rektor = await signIn(t.app, 'rektor');
    rektorAccount = (await t.db.selectFrom('accounts').select('id').where('username', '=', 'rektor').executeTakeFirstOrThrow()).id;
  });
  after(() => t.close());

  /** The lines of the history on the unit's settings history page, as text. */
  async function historyLines(): Promise<string[]> {
    const page = await rektor.get(`${settingsPage}/history`);
    assert.equal(page.status, 200);
    const section = /<section id="history"[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
    return [...section.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
  }
  const newest = async () => (await historyLines())[0] ?? '';

  it('says that a box was hidden from or shown to guardians, not "från on till off"', async () => {
    const allBut = (box: string) => BOXES.map((b) => b.key).filter((key) => key !== box);
    assert.equal((await postForm(rektor, settingsPage, `${settingsPage}/boxes`, { boxes: allBut('absence') })).status, 303);
    assert.match(await newest(), /Maria Ek: Boxen Frånvaro döljs för vårdnadshavarna$/);
    assert.equal((await postForm(rektor, settingsPage, `${settingsPage}/boxes`, { boxes: allBut('') })).status, 303);
    assert.match(await newest(), /Maria Ek: Boxen Frånvaro visas för vårdnadshavarna$/);
    for (const line of await historyLines()) assert.doesNotMatch(line, /\b(on|off)\b/);
  });

  it('says "stängt" for a weekday the unit no longer opens', async () => {
    const hours: [string, string][] = [1, 2, 3, 4, 5, 6, 7].flatMap((d) => [
      [`opens_${d}`, d <= 4 ? '06:30' : ''], [`closes_${d}`, d <= 4 ? '18:00' : ''],
    ] as [string, string][]);
    assert.equal((await postForm(rektor, settingsPage, `${settingsPage}/opening-hours`, hours)).status, 303);
    assert.match(await newest(), /Maria Ek: Öppettider fredag från 06:30–18:00 till stängt$/);
    assert.ok((await historyLines()).every((line) => !/\bclosed\b/.test(line)));
  });

  it('writes out the days of closed days added and removed, with the year when it is another year', async () => {
    const row = (old_value: string | null, new_value: string | null, at: string) => ({
      municipality_id: 0, unit_id: solrosen, setting: 'closed_day', old_value, new_value, changed_by: rektorAccount, changed_at: at,
    });
    const municipality = await municipalityId(t.db, 'Demokommun');
    await t.db.insertInto('settings_changes').values([
      row(null, '2026-12-04 Planeringsdag', '2026-11-24T08:00:00.000Z'),
      row('2027-01-07 Studiedag', null, '2026-11-24T08:01:00.000Z'),
      row(null, '2027-06-28–2027-07-30 Sommarstängt', '2026-11-24T08:02:00.000Z'),
    ].map((r) => ({ ...r, municipality_id: municipality }))).execute();
    const [range, removed, added] = await historyLines();
    assert.match(added, /Stängd dag lades till: fredag 4 december \(Planeringsdag\)$/);
    assert.match(removed, /Stängd dag togs bort: torsdag 7 januari 2027 \(Studiedag\)$/);
    assert.match(range, /Stängd dag lades till: måndag 28 juni 2027 – fredag 30 juli 2027 \(Sommarstängt\)$/);
    for (const line of await historyLines()) assert.doesNotMatch(line, /\d{4}-\d{2}-\d{2}/, 'no ISO dates');
  });

  it('in the reader\'s language', async () => {
    await t.db.updateTable('accounts').set({ language: 'en' }).where('id', '=', rektorAccount).execute();
    try {
      const lines = await historyLines();
      assert.match(lines[0], /Closed day added: Monday, 28 June 2027 – Friday, 30 July 2027 \(Sommarstängt\)$/);
      assert.ok(lines.some((line) => /The box Absence is shown to guardians$/.test(line)), lines.join('\n'));
      assert.ok(lines.some((line) => /Opening hours Friday from 06:30–18:00 to closed$/.test(line)), lines.join('\n'));
    } finally {
      await t.db.updateTable('accounts').set({ language: 'sv' }).where('id', '=', rektorAccount).execute();
    }
  });
});
