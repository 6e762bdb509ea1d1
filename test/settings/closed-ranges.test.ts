// Closed days as ranges: a summer closure is one entry with its reason; adding it lists the children who have care
// times then and tells their guardians; the days registered before the closure are marked as closed on the week page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { openAndSubmit, textOf } from '../schedule/support.ts';
import { childrenWithTimesBetween } from '../../server/schedule/queries.ts';
import { closedDays, closedEntries } from '../../server/settings/queries.ts';
import { closeDays } from '../../server/settings/close-days.ts';

describe('closed days as ranges', () => {
  let t: TestApp;
  let solrosen: number;
  let elsa: number;
  let rektor: Agent;
  let emma: Agent;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    rektor = await signIn(t.app, 'rektor');
    emma = await signIn(t.app, 'vardnadshavare');
  });
  after(() => t.close());

  const close = (fields: [string, string][]) => postForm(rektor, `/units/${solrosen}/settings`, `/units/${solrosen}/closed-days`, fields);
  const notifications = () => t.db.selectFrom('notifications').select(['account_id', 'kind', 'params', 'child_id']).where('kind', '=', 'closedDays')
    .orderBy('account_id').execute();

  it('a summer closure is one entry; the children with times then are listed and their guardians told', async () => {
    const saved = await openAndSubmit(emma, `/children/${elsa}/schedule?week=2027-W27`, `/children/${elsa}/schedule`,
      { 'starts_2027-07-07': '08:00', 'ends_2027-07-07': '15:00' });
    assert.equal(saved.status, 303);

    const res = await close([['date', '2027-07-05'], ['last_date', '2027-07-30'], ['reason', 'Sommarstängt']]);
    assert.equal(res.status, 303);
    assert.deepEqual(await closedEntries(t.db, solrosen, '2027-01-01', '2027-12-31'),
      [{ id: (await closedEntries(t.db, solrosen, '2027-07-05', '2027-07-05'))[0].id, date: '2027-07-05', lastDate: '2027-07-30', reason: 'Sommarstängt' }]);
    assert.equal((await closedDays(t.db, solrosen, '2027-07-01', '2027-08-31')).filter((d) => d.reason === 'Sommarstängt').length, 26);

    const page = await rektor.get(`/units/${solrosen}/settings/closed-days`);
    const list = textOf(page.text, 'closed-days');
    assert.match(list, /måndag 5 juli – fredag 30 juli \(vecka 27–30\): Sommarstängt/);
    assert.match(list, /Barn som har tider de dagarna \(1\)\. Deras vårdnadshavare har fått ett meddelande: Elsa Andersson/);

    const sent = await notifications();
    assert.ok(sent.length >= 1);
    const emmaAccount = await t.db.selectFrom('accounts').select('id').where('username', '=', 'vardnadshavare').executeTakeFirstOrThrow();
    const toEmma = sent.find((n) => n.account_id === emmaAccount.id);
    assert.ok(toEmma, 'Emma is told');
    assert.equal(toEmma.child_id, elsa);
    assert.deepEqual(JSON.parse(toEmma.params), { unit: 'Förskolan Solrosen', date: '2027-07-05', reason: 'Sommarstängt', lastDate: '2027-07-30', context: 'range' });
    assert.match((await emma.get('/notifications')).text, /Förskolan Solrosen har stängt [^<]*5 juli[^<]*30 juli[^<]*: Sommarstängt/);
  });

  it('marks the day Emma had registered as closed instead of "Registrerad av"', async () => {
    const week = await emma.get(`/children/${elsa}/schedule?week=2027-W27`);
    const day = textOf(week.text, 'day_2027-07-07');
    assert.match(day, /Stängt: Sommarstängt\. Tiderna som var registrerade gäller inte\./);
    assert.doesNotMatch(day, /Registrerad av/);
    assert.match(textOf(week.text, 'day_2027-07-06'), /Stängt: Sommarstängt/);
  });

  it('refuses a range that meets another, and a last day before the first, saving nothing and telling nobody', async () => {
    const before = (await notifications()).length;
    const overlap = await close([['date', '2027-07-28'], ['last_date', '2027-08-03'], ['reason', 'Studiedagar']]);
    assert.equal(overlap.status, 400);
    assert.match(textOf(overlap.text, 'date-error'), /En annan stängd period går in i de dagarna/);
    assert.match(overlap.text, /id="last_date"[^>]*value="2027-08-03"/);
    const backwards = await close([['date', '2027-08-10'], ['last_date', '2027-08-09'], ['reason', 'Studiedagar']]);
    assert.equal(backwards.status, 400);
    assert.match(textOf(backwards.text, 'last_date-error'), /Sista dagen måste vara samma dag som den första eller senare/);
    assert.deepEqual((await closedEntries(t.db, solrosen, '2027-07-31', '2027-12-31')), []);
    assert.equal((await notifications()).length, before);
  });

  it('two overlapping closures added at the same moment: one is stored, the other refused', async () => {
    const rektorAccount = await t.db.selectFrom('accounts').select('id').where('username', '=', 'rektor').executeTakeFirstOrThrow();
    const { municipality_id: municipalityId } = await t.db.selectFrom('units').select('municipality_id').where('id', '=', solrosen).executeTakeFirstOrThrow();
    const change = { municipalityId, unitId: solrosen, by: rektorAccount.id, at: t.clock.now() };
    const unit = { id: solrosen, name: 'Förskolan Solrosen' };
    const results = await Promise.all([
      closeDays(t.db, childrenWithTimesBetween, unit, { date: '2027-10-04', lastDate: '2027-10-08', reason: 'Höstlov A' }, change, '2026-11-24'),
      closeDays(t.db, childrenWithTimesBetween, unit, { date: '2027-10-06', lastDate: '2027-10-12', reason: 'Höstlov B' }, change, '2026-11-24'),
    ]);
    assert.deepEqual(results.map((r) => r.ok).sort(), [false, true]);
    assert.equal((await closedEntries(t.db, solrosen, '2027-10-01', '2027-10-31')).length, 1);
  });

  it('a single day is still one day, and removing the summer closure opens its days again', async () => {
    assert.equal((await close([['date', '2027-08-10'], ['last_date', ''], ['reason', 'Planeringsdag']])).status, 303);
    assert.deepEqual((await closedDays(t.db, solrosen, '2027-08-09', '2027-08-11')).map((d) => [d.date, d.reason]), [['2027-08-10', 'Planeringsdag']]);
    const [summer] = await closedEntries(t.db, solrosen, '2027-07-05', '2027-07-05');
    const removed = await postForm(rektor, `/units/${solrosen}/settings`, `/units/${solrosen}/closed-days/${summer.id}/delete`, []);
    assert.equal(removed.status, 303);
    assert.deepEqual(await closedDays(t.db, solrosen, '2027-07-05', '2027-07-30'), []);
  });
});
