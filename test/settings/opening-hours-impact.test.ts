// New opening hours that cut into children's care times: the unit head sees which children, days and times first,
// nothing is saved until "Spara och meddela vårdnadshavarna", and then the hours are saved and those guardians told.
// Hours that cut into nobody's times are saved at once, as before.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { formFields, openAndSubmit, submit, textOf } from '../schedule/support.ts';
import { insertFirstStandard } from '../../server/schedule/queries.ts';
import { openingHours } from '../../server/settings/queries.ts';

describe('opening hours that cut into care times', () => {
  let t: TestApp;
  let solrosen: number;
  let elsa: number;
  let nora: number;
  let rektor: Agent;
  let emma: Agent;
  let hoursPage: string;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026; Solrosen opens 06:30–18:00 Monday to Friday
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    hoursPage = `/units/${solrosen}/settings/opening-hours`;
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    nora = await personId(t.db, 'Nora', 'Haddad');
    rektor = await signIn(t.app, 'rektor');
    emma = await signIn(t.app, 'vardnadshavare');
    // Emma registers Elsa early on Wednesday 2 December and late on Thursday 3 December; Nora's standard week ends at 17:45.
    const saved = await openAndSubmit(emma, `/children/${elsa}/schedule?week=2026-W49`, `/children/${elsa}/schedule`,
      { 'starts_2026-12-02': '06:45', 'ends_2026-12-02': '15:00', 'starts_2026-12-03': '08:00', 'ends_2026-12-03': '17:30' });
    assert.equal(saved.status, 303);
    const pedagog = await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow();
    await insertFirstStandard(t.db, {
      childId: nora, validFrom: '2026-08-17', by: pedagog.id, now: t.clock.now(),
      days: new Map([1, 2, 3, 4, 5].map((d) => [d, { starts: '07:00', ends: '17:45', dayOff: false, comment: null }])),
    });
  });
  after(() => t.close());

  /** Monday to Friday 06:30–18:00 but for the weekdays given. */
  const week = (changes: Record<number, [string, string]> = {}): [string, string][] => [1, 2, 3, 4, 5, 6, 7].flatMap((d) => {
    const [opens, closes] = changes[d] ?? (d <= 5 ? ['06:30', '18:00'] : ['', '']);
    return [[`opens_${d}`, opens], [`closes_${d}`, closes]] as [string, string][];
  });
  const told = () => t.db.selectFrom('notifications').select(['account_id', 'child_id', 'params', 'url']).where('kind', '=', 'openingHours')
    .orderBy('account_id').execute();
  const changes = () => t.db.selectFrom('settings_changes').select('id').where('setting', 'like', 'opening_hours:%').execute();

  it('saves at once hours that cut into nobody\'s times, as before', async () => {
    const res = await postForm(rektor, hoursPage, hoursPage, week({ 1: ['06:30', '17:50'] }));
    assert.equal(res.status, 303, "Nora's Mondays end at 17:45: inside the new hours");
    assert.equal(res.headers.location, hoursPage);
    assert.deepEqual((await openingHours(t.db, solrosen))[1], { opens: '06:30', closes: '17:50' });
    assert.deepEqual(await told(), []);
  });

  it('shows the children, days and times outside new hours first, and saves nothing', async () => {
    const hoursBefore = await openingHours(t.db, solrosen);
    const logged = (await changes()).length;
    // Wednesday 07:00–17:00 cuts Elsa's 06:45 and Nora's 17:45; Thursday stays, so Elsa's Thursday is no matter.
    const res = await postForm(rektor, hoursPage, hoursPage, week({ 1: ['06:30', '17:50'], 3: ['07:00', '17:00'] }));
    assert.equal(res.status, 200);
    const impact = textOf(res.text, 'hours-impact');
    assert.match(impact, /^2 barn har tider utanför de nya öppettiderna:/);
    assert.match(impact, /Elsa Andersson onsdag 2 december: 06:45–15:00/);
    assert.match(impact, /Nora Haddad Schema varje onsdag: 07:00–17:45/);
    assert.doesNotMatch(impact, /3 december|torsdag/);
    assert.match(res.text, /<button type="submit" name="step" value="confirm">Spara och meddela vårdnadshavarna<\/button>/);
    assert.match(res.text, /<button type="submit" name="step" value="edit" class="secondary">Ändra<\/button>/);
    assert.deepEqual(await openingHours(t.db, solrosen), hoursBefore, 'nothing saved');
    assert.equal((await changes()).length, logged, 'nothing in the history');
    assert.deepEqual(await told(), [], 'nobody told');
  });

  it('"Ändra" brings the form back with the new hours filled in, still saving nothing', async () => {
    const preview = await postForm(rektor, hoursPage, hoursPage, week({ 1: ['06:30', '17:50'], 3: ['07:00', '17:00'] }));
    const res = await submit(rektor, hoursPage, formFields(preview.text, hoursPage), { step: 'edit' });
    assert.equal(res.status, 200);
    assert.match(res.text, /id="opens_3"[^>]*value="07:00"/);
    assert.match(res.text, /id="closes_3"[^>]*value="17:00"/);
    assert.match(res.text, /<button type="submit">Spara öppettider<\/button>/);
    assert.deepEqual((await openingHours(t.db, solrosen))[3], { opens: '06:30', closes: '18:00' });
  });

  it('a confirmation for other children than those now affected shows the list again and saves nothing', async () => {
    const preview = await postForm(rektor, hoursPage, hoursPage, week({ 1: ['06:30', '17:50'], 3: ['07:00', '17:00'] }));
    const res = await submit(rektor, hoursPage, formFields(preview.text, hoursPage), { step: 'confirm', children: String(elsa) });
    assert.equal(res.status, 200);
    assert.match(res.text, /Listan har ändrats sedan du såg den/);
    assert.match(textOf(res.text, 'hours-impact'), /^2 barn/);
    assert.deepEqual((await openingHours(t.db, solrosen))[3], { opens: '06:30', closes: '18:00' });
    assert.deepEqual(await told(), []);
  });

  it('"Spara och meddela vårdnadshavarna" saves the hours and tells the guardians of those children', async () => {
    const preview = await postForm(rektor, hoursPage, hoursPage, week({ 1: ['06:30', '17:50'], 3: ['07:00', '17:00'] }));
    const res = await submit(rektor, hoursPage, formFields(preview.text, hoursPage), { step: 'confirm' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, hoursPage);
    assert.deepEqual((await openingHours(t.db, solrosen))[3], { opens: '07:00', closes: '17:00' });
    assert.match((await rektor.get(hoursPage)).text, /Öppettiderna är sparade\. Vårdnadshavarna till 2 barn har fått en notis\./);

    const accountOf = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
    const sent = await told();
    const accounts = new Map([['vardnadshavare', await accountOf('vardnadshavare')], ['vardnadshavare2', await accountOf('vardnadshavare2')], ['vardnadshavare3', await accountOf('vardnadshavare3')]]);
    const to = (username: string, childId: number) => sent.find((n) => n.child_id === childId && n.account_id === accounts.get(username));
    assert.ok(to('vardnadshavare', elsa), 'Emma is told about Elsa');
    assert.ok(to('vardnadshavare2', elsa), 'Johan, in the other household, is told about Elsa');
    assert.ok(to('vardnadshavare3', nora), 'Karim is told about Nora');
    assert.ok(sent.every((n) => n.child_id === elsa || n.child_id === nora), 'only the guardians of the children affected');
    const elsas = to('vardnadshavare', elsa);
    assert.ok(elsas);
    assert.deepEqual(JSON.parse(elsas.params), { unit: 'Förskolan Solrosen', child: 'Elsa', date: '2026-11-24' });
    assert.equal(elsas.url, `/children/${elsa}/schedule?week=2026-W49`, 'to the week of her first day affected');
    assert.match((await emma.get('/notifications')).text,
      /Förskolan Solrosen har nya öppettider från tisdag 24 november\. Elsa har tider utanför dem: se över tiderna\./);
  });
});
