// Two homes (issue 26): Emma and Johan, Elsa's guardians, live in two households. Each chooses their days (every other
// week), registers their own weeks, and sees the other's as read-only with who registered them; the staff's week page
// shows both with names. A day both registered differently keeps the first and the other waits beside it as a
// conflict that both and the staff see until a guardian settles it. A pattern that shares a day with the other's is
// refused at its field with nothing saved. Real database, two sessions, the fixed clock: Tuesday 24 November 2026.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { formFields, openAndSubmit, submit, textOf } from './support.ts';

const errorAt = (html: string, name: string) => textOf(html, `${name}-error`).replace(/^Fel:\s*/, '');

describe('two homes: each guardian their own weeks', () => {
  let t: TestApp;
  let elsa: number;
  let emmaId: number;
  let johanId: number;
  let emma: Agent;
  let johan: Agent;
  let staff: Agent;
  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    emmaId = await personId(t.db, 'Emma', 'Andersson');
    johanId = await personId(t.db, 'Johan', 'Berg');
    emma = await signIn(t.app, 'vardnadshavare');
    johan = await signIn(t.app, 'vardnadshavare2');
    staff = await signIn(t.app, 'pedagog');
  });
  after(() => t.close());

  const homes = () => `/children/${elsa}/schedule/homes`;
  const week = (key: string) => `/children/${elsa}/schedule?week=${key}`;
  const action = () => `/children/${elsa}/schedule`;
  const patterns = (guardian: number) => t.db.selectFrom('care_home_patterns').select(['kind', 'weekdays', 'valid_from', 'valid_to'])
    .where('child_id', '=', elsa).where('guardian_id', '=', guardian).orderBy('valid_from').execute();
  const day = (date: string) => t.db.selectFrom('care_times').select(['starts', 'ends', 'registered_by'])
    .where('child_id', '=', elsa).where('date', '=', date).executeTakeFirst();
  const waiting = (date: string) => t.db.selectFrom('care_time_conflicts').select(['starts', 'ends', 'registered_by', 'settled_at', 'settled_by'])
    .where('child_id', '=', elsa).where('date', '=', date).orderBy('id').execute();
  const accountOf = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

  it('lets each guardian choose every other week, and refuses a pattern that shares a day with the other’s', async () => {
    const page = await emma.get(homes());
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'private, no-store');
    assert.match(page.text, /Ingen av er har valt sina dagar än/);
    const emmas = await postForm(emma, homes(), homes(), { kind: 'alternate-weeks', from: '2026-11-30' });
    assert.equal(emmas.status, 303);
    assert.deepEqual(await patterns(emmaId), [{ kind: 'alternate-weeks', weekdays: null, valid_from: '2026-11-30', valid_to: null }]);

    // Johan starting the same week: every day of week 49 is Emma's.
    const overlap = await postForm(johan, homes(), homes(), { kind: 'alternate-weeks', from: '2026-12-01' });
    assert.equal(overlap.status, 400);
    assert.equal(errorAt(overlap.text, 'from'), 'tisdag 1 december är redan en dag som Emma Andersson registrerar. Välj andra veckor eller veckodagar');
    assert.match(overlap.text, /<input id="from" name="from" type="date" value="2026-12-01"/, 'the form keeps what was typed');
    // Weekdays every week share Emma's weeks too.
    const weekdays = await postForm(johan, homes(), homes(), { kind: 'weekdays', weekdays: ['6', '7'], from: '2026-12-07' });
    assert.equal(weekdays.status, 400);
    assert.match(errorAt(weekdays.text, 'weekdays'), /^lördag 19 december är redan en dag som Emma Andersson registrerar/);
    const none = await postForm(johan, homes(), homes(), { kind: 'weekdays', from: '2026-12-07' });
    assert.equal(none.status, 400);
    assert.equal(errorAt(none.text, 'weekdays'), 'Välj minst en veckodag');
    const past = await postForm(johan, homes(), homes(), { kind: 'alternate-weeks', from: '2026-11-16' });
    assert.equal(past.status, 400);
    assert.equal(errorAt(past.text, 'from'), 'Datumet har redan varit. Välj tisdag 24 november eller senare');
    assert.deepEqual(await patterns(johanId), [], 'nothing of Johan’s is saved');

    assert.equal((await postForm(johan, homes(), homes(), { kind: 'alternate-weeks', from: '2026-12-07' })).status, 303);
    const both = (await johan.get(homes())).text;
    assert.match(textOf(both, 'patterns'), /Emma Andersson: varannan vecka från och med vecka 49 \(måndag 30 november\)/);
    assert.match(textOf(both, 'patterns'), /Johan Berg: varannan vecka från och med vecka 50 \(måndag 7 december\) Dina/);
    const other = await t.db.selectFrom('persons').select(['street_address', 'email', 'phone']).where('id', '=', emmaId).executeTakeFirstOrThrow();
    for (const detail of [other.street_address, other.email, other.phone].filter((d): d is string => Boolean(d))) {
      assert.ok(!both.includes(detail), 'no address or contact details of the other household');
    }
  });

  it('registers each guardian’s own weeks, shows the other’s days read-only with names, and the staff see both', async () => {
    assert.equal((await openAndSubmit(emma, week('2026-W49'), action(), { 'starts_2026-11-30': '07:30', 'ends_2026-11-30': '16:00' })).status, 303);
    assert.equal((await openAndSubmit(johan, week('2026-W50'), action(), { 'starts_2026-12-07': '08:00', 'ends_2026-12-07': '17:00' })).status, 303);

    const johansView = (await johan.get(week('2026-W49'))).text;
    assert.doesNotMatch(johansView, /id="starts_2026-11-30"/, 'Emma’s day has no fields for Johan');
    const emmasDay = textOf(johansView, 'day_2026-11-30');
    assert.match(emmasDay, /07:30–16:00/);
    assert.match(emmasDay, /Registrerad av Emma Andersson/);
    assert.match(emmasDay, /Den här dagen registrerar Emma Andersson\. Du ser tiderna men kan inte ändra dem\./);
    assert.match(textOf(johansView, 'rules'), /Tiderna vecka 49 registrerar Emma Andersson\./);
    assert.match((await emma.get(week('2026-W49'))).text, /id="starts_2026-11-30"/, 'Emma’s own day is hers to change');

    for (const [key, date, name, value] of [['2026-W49', '2026-11-30', 'Emma Andersson', '07:30–16:00'], ['2026-W50', '2026-12-07', 'Johan Berg', '08:00–17:00']]) {
      const page = await staff.get(week(key));
      assert.equal(page.status, 200);
      const [starts, ends] = value.split('–');
      assert.match(page.text, new RegExp(`<input id="starts_${date}" name="starts_${date}" type="time" value="${starts}"`));
      assert.match(page.text, new RegExp(`<input id="ends_${date}" name="ends_${date}" type="time" value="${ends}"`));
      assert.match(textOf(page.text, `day_${date}`), new RegExp(`Registrerad av ${name}`));
      assert.match(textOf(page.text, 'rules'), new RegExp(`Tiderna vecka ${key.slice(-2)} registrerar ${name}\\.`));
    }
  });

  it('refuses a POST to the other’s day and saves nothing of it', async () => {
    // Every open day of week 49 is Emma's: Johan's page has no week form, so the form is made by hand.
    assert.doesNotMatch((await johan.get(week('2026-W49'))).text, /class="care-week"/);
    const refused = await postForm(johan, week('2026-W49'), action(), {
      week: '2026-W49', 'starts_2026-11-30': '06:30', 'ends_2026-11-30': '12:00', 'was_2026-11-30': JSON.stringify({ s: '07:30', e: '16:00', o: 0, c: '', v: 1 }),
    });
    assert.equal(refused.status, 400);
    assert.equal(errorAt(refused.text, 'day_2026-11-30'), 'Den här dagen registrerar Emma Andersson. Du kan inte ändra den');
    const kept = await day('2026-11-30');
    assert.deepEqual([kept?.starts, kept?.ends, kept?.registered_by], ['07:30', '16:00', await accountOf('vardnadshavare')]);
    assert.equal((await waiting('2026-11-30')).length, 0);
  });

  it('keeps a day both registered differently as a conflict seen by both and the staff, and settles it', async () => {
    // Emma's days end from week 51: its days are nobody's, so both may register them.
    assert.equal((await postForm(emma, homes(), `${homes()}/end`, { end_from: '2026-12-14' })).status, 303);
    assert.deepEqual(await patterns(emmaId), [{ kind: 'alternate-weeks', weekdays: null, valid_from: '2026-11-30', valid_to: '2026-12-13' }]);
    assert.match(textOf((await emma.get(week('2026-W51'))).text, 'rules'), /Dagar som ingen av er har valt kan ni båda ändra\./);

    // A race too: Johan opened the week before Emma saved; his save does not come back as "changed since", it waits.
    const johans = formFields((await johan.get(week('2026-W51'))).text, action());
    assert.equal((await openAndSubmit(emma, week('2026-W51'), action(), { 'starts_2026-12-14': '07:30', 'ends_2026-12-14': '16:00' })).status, 303);
    const second = await submit(johan, action(), johans, { 'starts_2026-12-14': '08:00', 'ends_2026-12-14': '17:00' });
    assert.equal(second.status, 303);
    const kept = await day('2026-12-14');
    assert.deepEqual([kept?.starts, kept?.ends], ['07:30', '16:00'], 'Emma’s registration is not overwritten');
    const raised = await waiting('2026-12-14');
    assert.deepEqual(raised.map((r) => [r.starts, r.ends, r.registered_by, r.settled_at]), [['08:00', '17:00', johanId, null]], 'Johan’s is not lost');
    assert.match((await johan.get(week('2026-W51'))).text, /Den andra vårdnadshavaren hade redan registrerat andra tider/);

    for (const agent of [emma, johan, staff]) {
      const page = (await agent.get(week('2026-W51'))).text;
      assert.match(textOf(page, 'day_2026-12-14'), /Krock: Emma Andersson 07:30–16:00, Johan Berg 08:00–17:00/);
      assert.match(textOf(page, 'clashes'), /Krock: Emma Andersson 07:30–16:00, Johan Berg 08:00–17:00/);
    }
    assert.doesNotMatch((await staff.get(week('2026-W51'))).text, /action="\/children\/\d+\/schedule\/conflicts"/, 'the staff see it, the guardians settle it');
    const { careRegistrarsOn } = await import('../../server/schedule/homes.ts');
    assert.deepEqual((await careRegistrarsOn(t.db, [elsa], '2026-12-14')).get(elsa), { registeredBy: 'Emma Andersson', conflict: true });

    // Unchosen: asked again at the field; Emma chooses Johan's ("theirs").
    const unchosen = await openAndSubmit(emma, week('2026-W51'), `${action()}/conflicts`, {});
    assert.equal(unchosen.status, 400);
    assert.equal(errorAt(unchosen.text, 'choice_2026-12-14'), 'Välj vilken tid som ska gälla för måndag 14 december');
    const settled = await openAndSubmit(emma, week('2026-W51'), `${action()}/conflicts`, { choice: 'theirs' });
    assert.equal(settled.status, 303);
    const now = await day('2026-12-14');
    assert.deepEqual([now?.starts, now?.ends, now?.registered_by], ['08:00', '17:00', await accountOf('vardnadshavare2')]);
    assert.deepEqual((await waiting('2026-12-14')).map((r) => r.settled_by), [emmaId]);
    const after = (await staff.get(week('2026-W51'))).text;
    assert.doesNotMatch(after, /Krock:/);
    assert.match(after, /<input id="starts_2026-12-14" name="starts_2026-12-14" type="time" value="08:00"/);
    assert.match(textOf(after, 'day_2026-12-14'), /Registrerad av Johan Berg/);
    assert.deepEqual((await careRegistrarsOn(t.db, [elsa], '2026-12-14')).get(elsa), { registeredBy: 'Johan Berg', conflict: false });
    const history = await t.db.selectFrom('care_history').select('what').where('child_id', '=', elsa).where('date', '=', '2026-12-14').orderBy('id').execute();
    assert.deepEqual(history.map((h) => h.what), ['homes', 'times', 'conflict', 'conflict', 'times'], 'the end of Emma’s days, her times, the conflict raised and settled, Johan’s times');
  });

  it('shows absence reported by either guardian to both', async () => {
    assert.equal((await postForm(johan, `/children/${elsa}/absence`, `/children/${elsa}/absences`, { when: 'range', from: '2026-12-09' })).status, 303);
    for (const agent of [emma, johan, staff]) {
      assert.match(textOf((await agent.get(week('2026-W50'))).text, 'day_2026-12-09'), /Frånvaro anmäld/);
    }
  });
});

describe('plain words for the rules of the week', () => {
  let t: TestApp;
  let elsa: number;
  let emma: Agent;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026, 10:00; Solrosen locks 2 days and plans 12 months ahead
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    emma = await signIn(t.app, 'vardnadshavare');
  });
  after(() => t.close());

  it('says in one sentence each from which day times can change and how far ahead one can plan, in Swedish and English', async () => {
    const sv = textOf((await emma.get(`/children/${elsa}/schedule?week=2026-W48`)).text, 'rules');
    assert.match(sv, /Du kan ändra dagens tider, och tiderna från och med fredag 27 november\./, 'today stays open in the lock window, and the sentence says so');
    assert.match(sv, /Tiderna låses 2 dagar i förväg\./);
    assert.match(sv, /Du kan planera till och med 24 november 2027\./);
    const standard = (await emma.get(`/children/${elsa}/schedule/standard`)).text;
    assert.match(textOf(standard, 'first-day'), /Nya standardtider kan börja gälla från och med fredag 27 november\./);
    await postForm(emma, '/', '/language', { language: 'en', next: '/' });
    try {
      const en = textOf((await emma.get(`/children/${elsa}/schedule?week=2026-W48`)).text, 'rules');
      assert.match(en, /You can change today's times, and the times from Friday(,)? 27 November\./);
      assert.match(en, /You can plan up to and including 24 November 2027\./);
    } finally {
      await postForm(emma, '/', '/language', { language: 'sv', next: '/' });
    }
  });
});
