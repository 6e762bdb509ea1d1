import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, unitId } from '../support/demo.ts';
import { closedDays, groupCutoffs, openingHours, setInitialUnitSettings, unitRules } from '../../server/settings/queries.ts';

describe('unit settings', () => {
  let t: TestApp;
  let solrosen: number;
  let rektor: Agent;
  before(async () => {
    t = await startTestApp(); // today is Tuesday 24 November 2026
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    rektor = await signIn(t.app, 'rektor');
  });
  after(() => t.close());

  const post = (path: string, fields: [string, string][]) => postForm(rektor, `/units/${solrosen}/settings`, path, fields);

  const weekHours = (overrides: Record<string, string> = {}): [string, string][] => [1, 2, 3, 4, 5, 6, 7].flatMap((d) => [
    [`opens_${d}`, overrides[`opens_${d}`] ?? (d <= 5 ? '06:30' : '')],
    [`closes_${d}`, overrides[`closes_${d}`] ?? (d <= 5 ? '18:00' : '')],
  ] as [string, string][]);

  it('stores a change of opening hours, shows it, and keeps who changed it and when', async () => {
    const res = await post(`/units/${solrosen}/settings/opening-hours`, weekHours({ opens_3: '07:15', closes_3: '16:45' }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/units/${solrosen}/settings/opening-hours`);
    assert.deepEqual((await openingHours(t.db, solrosen))[3], { opens: '07:15', closes: '16:45' });

    const page = await rektor.get(`/units/${solrosen}/settings/opening-hours`);
    assert.match(page.text, /Ändringarna är sparade/);
    assert.match(page.text, /id="opens_3"[^>]*value="07:15"/);
    const history = await rektor.get(`/units/${solrosen}/settings/history`);
    assert.match(history.text, /Maria Ek:<\/span>\s*Öppettider onsdag\s*från 06:30–18:00 till 07:15–16:45/);
    assert.match((await rektor.get(`/units/${solrosen}`)).text, /onsdag<\/dt><dd>07:15–16:45/);

    const log = await t.db.selectFrom('settings_changes').selectAll().where('setting', '=', 'opening_hours:3').executeTakeFirstOrThrow();
    assert.equal(log.changed_at, t.clock.now().toISOString());
    assert.equal(log.old_value, '06:30–18:00');
  });

  it('refuses a closing time before the opening time with a message at the field, keeps what was typed, saves nothing', async () => {
    const before = await openingHours(t.db, solrosen);
    const res = await post(`/units/${solrosen}/settings/opening-hours`, weekHours({ opens_1: '09:00', closes_1: '08:00' }));
    assert.equal(res.status, 400);
    assert.match(res.text, /<title>Fel: /);
    assert.match(res.text, /id="closes_1-error"[^>]*>.*Stängningstiden måste vara efter öppningstiden/s);
    assert.match(res.text, /id="opens_1"[^>]*value="09:00"/);
    assert.match(res.text, /<a href="#closes_1">/);
    assert.deepEqual(await openingHours(t.db, solrosen), before);
  });

  it('adds a closed day with its reason and shows it with the week number', async () => {
    const res = await post(`/units/${solrosen}/closed-days`, [['date', '2026-12-04'], ['reason', 'Planeringsdag']]);
    assert.equal(res.status, 303);
    assert.deepEqual((await closedDays(t.db, solrosen, '2026-12-04', '2026-12-04')).map((d) => [d.date, d.reason]), [['2026-12-04', 'Planeringsdag']]);
    const page = await rektor.get(`/units/${solrosen}/settings/closed-days`);
    assert.match(page.text, /fredag 4 december<\/strong> \(vecka 49\): Planeringsdag/);
  });

  it('refuses a past, a malformed and an already closed day, each with its own message', async () => {
    const past = await post(`/units/${solrosen}/closed-days`, [['date', '2026-11-23'], ['reason', 'Studiedag']]);
    assert.equal(past.status, 400);
    assert.match(past.text, /Datumet har redan varit/);
    assert.match(past.text, /id="reason"[^>]*value="Studiedag"/);
    const malformed = await post(`/units/${solrosen}/closed-days`, [['date', '2026-02-30'], ['reason', 'x']]);
    assert.match(malformed.text, /Skriv datumet som åååå-mm-dd/);
    const twice = await post(`/units/${solrosen}/closed-days`, [['date', '2026-12-04'], ['reason', 'Igen']]);
    assert.match(twice.text, /Den dagen är redan inlagd som stängd/);
    assert.deepEqual((await closedDays(t.db, solrosen, '2026-12-04', '2026-12-04')).map((d) => d.reason), ['Planeringsdag']);
  });

  it('removes a closed day of its own unit only', async () => {
    const [day] = await closedDays(t.db, solrosen, '2026-12-04', '2026-12-04');
    const vitsippan = await unitId(t.db, 'Förskolan Vitsippan');
    const wrongUnit = await post(`/units/${vitsippan}/closed-days/${day.id}/delete`, []);
    assert.equal(wrongUnit.status, 404, 'rektor heads Solrosen, not Vitsippan');
    const removed = await post(`/units/${solrosen}/closed-days/${day.id}/delete`, []);
    assert.equal(removed.status, 303);
    assert.equal((await closedDays(t.db, solrosen, '2026-12-04', '2026-12-04')).length, 0);
  });

  it('stores the lock window, how far ahead, invitation days and a per-group cut-off', async () => {
    const blabar = await groupId(t.db, 'Blåbär');
    const lingon = await groupId(t.db, 'Lingon');
    const res = await post(`/units/${solrosen}/settings/care-times`, [
      ['lock_days', '7'], ['plan_ahead_months', '6'], ['invite_days_before', '21'], [`cutoff_${blabar}`, '14:00'], [`cutoff_${lingon}`, ''],
    ]);
    assert.equal(res.status, 303);
    assert.deepEqual(await unitRules(t.db, solrosen), { lockDays: 7, planAheadMonths: 6, inviteDaysBefore: 21 });
    const cutoffs = await groupCutoffs(t.db, solrosen);
    assert.equal(cutoffs.find((g) => g.groupId === blabar)?.cutoff, '14:00');
    assert.equal(cutoffs.find((g) => g.groupId === lingon)?.cutoff, null);
  });

  it('refuses numbers out of range and a malformed cut-off, keeping the form', async () => {
    const blabar = await groupId(t.db, 'Blåbär');
    const res = await post(`/units/${solrosen}/settings/care-times`, [
      ['lock_days', '-1'], ['plan_ahead_months', '99'], ['invite_days_before', 'tio'], [`cutoff_${blabar}`, '25:00'],
    ]);
    assert.equal(res.status, 400);
    for (const message of ['mellan 0 och 60', 'mellan 1 och 24', 'mellan 0 och 90', 'Skriv tiden som tt:mm']) assert.match(res.text, new RegExp(message));
    assert.match(res.text, /id="invite_days_before"[^>]*value="tio"/);
    assert.deepEqual(await unitRules(t.db, solrosen), { lockDays: 7, planAheadMonths: 6, inviteDaysBefore: 21 });
  });

  it("lets the admin write the municipality's terms of use, and keeps the change", async () => {
    const admin = await signIn(t.app, 'admin');
    const demokommun = await municipalityId(t.db, 'Demokommun');
    const terms = `/municipalities/${demokommun}/terms`;
    const empty = await postForm(admin, terms, terms, { terms: '  ' });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Skriv villkoren/);
    const text = 'Bilder får bara laddas ner för privat bruk.';
    const saved = await postForm(admin, terms, terms, { terms: text });
    assert.equal(saved.status, 303);
    const after = await admin.get(terms);
    assert.match(after.text, new RegExp(`<textarea[^>]*>${text}</textarea>`));
    assert.match(after.text, /Användarvillkoren ändrades/);

    const zero = await postForm(admin, terms, terms, { terms: text, invitation_valid_days: '0' });
    assert.equal(zero.status, 400);
    assert.match(zero.text, /mellan 1 och 60/);
    await postForm(admin, terms, terms, { terms: text, invitation_valid_days: '21' });
    const row = await t.db.selectFrom('municipalities').select('invitation_valid_days').where('id', '=', demokommun).executeTakeFirstOrThrow();
    assert.equal(row.invitation_valid_days, 21, 'invitation keys of the municipality now last 21 days');
  });

  it('names who changed a setting by their registered name, whatever name their account shows', async () => {
    await t.db.updateTable('accounts').set({ display_name: 'Rektorn' }).where('username', '=', 'rektor').execute();
    await post(`/units/${solrosen}/settings/opening-hours`, weekHours({ opens_2: '07:00' }));
    const page = await rektor.get(`/units/${solrosen}/settings/history`);
    assert.match(page.text, /Maria Ek:<\/span>\s*Öppettider tisdag/);
    assert.doesNotMatch(page.text, /Rektorn:<\/span>/);
  });

  it('refuses to set up a cut-off for a group of another unit', async () => {
    const humlan = await groupId(t.db, 'Humlan');
    await assert.rejects(setInitialUnitSettings(t.db, solrosen, { cutoffs: new Map([[humlan, '12:00']]) }), /not a group of unit/);
    const vitsippan = await unitId(t.db, 'Förskolan Vitsippan');
    assert.equal((await groupCutoffs(t.db, vitsippan)).find((g) => g.groupId === humlan)?.cutoff, '14:00', 'Humlan keeps its own cut-off');
  });
});
