// "Hela veckan" in the same save as days changed by hand: a day whose times the guardian typed keeps them, and the
// message after saving says which days got the whole week's times and which kept their own.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { openAndSubmit } from './support.ts';
import type { ChildCare } from '../../server/schedule/queries.ts';
import { planWeek, rawOf, wasText, type ChangeRules } from '../../server/schedule/rules.ts';
import { savedMessage } from '../../server/schedule/week-view.ts';
import { languageByCode } from '../../server/kernel/i18n.ts';

const weekUrl = (child: number, week: string) => `/children/${child}/schedule?week=${week}`;
const action = (child: number) => `/children/${child}/schedule`;

/** The flash message on a page, tags removed. */
const flashOf = (html: string) => /<p class="flash" role="status">([^<]*)<\/p>/.exec(html)?.[1].replace(/&#39;/g, "'");

describe('"Hela veckan" and days changed by hand', () => {
  let t: TestApp;
  let emma: Agent;
  let elsa: number;
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026; Solrosen locks 2 days
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    emma = await signIn(t.app, 'vardnadshavare');
  });
  after(() => t.close());

  const rows = (from: string, to: string) => t.db.selectFrom('care_times').select(['date', 'starts', 'ends', 'day_off', 'comment'])
    .where('child_id', '=', elsa).where('date', '>=', from).where('date', '<=', to).orderBy('date').execute();

  async function saveAndFollow(week: string, changes: Record<string, string>) {
    const res = await openAndSubmit(emma, weekUrl(elsa, week), action(elsa), changes);
    assert.equal(res.status, 303, res.text);
    const page = await emma.get(res.headers.location);
    return flashOf(page.text);
  }

  it('keeps the times typed for a day, lays the whole week on the others, and says which got what', async () => {
    const message = await saveAndFollow('2026-W50', {
      week_starts: '08:00', week_ends: '15:00',
      'starts_2026-12-09': '9.30', 'ends_2026-12-09': '14:00', // Wednesday typed by hand
      'comment_2026-12-08': 'Farfar hämtar', // a comment only: the day still gets the whole week's times
      'off_2026-12-10': 'yes', // Friday 11 December is closed (Planeringsdag)
    });
    assert.deepEqual(await rows('2026-12-07', '2026-12-13'), [
      { date: '2026-12-07', starts: '08:00', ends: '15:00', day_off: 0, comment: null },
      { date: '2026-12-08', starts: '08:00', ends: '15:00', day_off: 0, comment: 'Farfar hämtar' },
      { date: '2026-12-09', starts: '09:30', ends: '14:00', day_off: 0, comment: null },
      { date: '2026-12-10', starts: null, ends: null, day_off: 1, comment: null },
    ]);
    assert.equal(message, 'Tiderna är sparade. Hela veckans tider, 08:00–15:00, lades på måndag 7 december och tisdag 8 december. '
      + 'För onsdag 9 december behölls tiderna du skrev in för dagen.');
  });

  it('counts a day typed with the same times as the whole week as laid, and says so when no day kept its own', async () => {
    const message = await saveAndFollow('2026-W51', { week_starts: '07:45', week_ends: '16:00', 'starts_2026-12-16': '7.45', 'ends_2026-12-16': '1600' });
    const saved = await rows('2026-12-14', '2026-12-20');
    assert.deepEqual(saved.map((r) => [r.date, r.starts, r.ends]), ['2026-12-14', '2026-12-15', '2026-12-16', '2026-12-17', '2026-12-18']
      .map((date) => [date, '07:45', '16:00']));
    assert.equal(message, 'Tiderna är sparade. Hela veckans tider, 07:45–16:00, lades på måndag 14 december, tisdag 15 december, '
      + 'onsdag 16 december, torsdag 17 december och fredag 18 december.');
  });

  it('says so when every day kept its own times, and a day cleared by hand stays cleared', async () => {
    // Week 3: Monday 18 January to Friday 22 January 2027, registered first, then every day typed by hand with the whole week.
    const first = await saveAndFollow('2027-W03', { week_starts: '08:00', week_ends: '16:00' });
    assert.match(first ?? '', /lades på måndag 18 januari/);
    const hand: Record<string, string> = { week_starts: '06:45', week_ends: '17:00' };
    for (const date of ['2027-01-18', '2027-01-19', '2027-01-20', '2027-01-21']) Object.assign(hand, { [`starts_${date}`]: '08:30', [`ends_${date}`]: '15:30' });
    Object.assign(hand, { 'starts_2027-01-22': '', 'ends_2027-01-22': '' });
    const message = await saveAndFollow('2027-W03', hand);
    const saved = await rows('2027-01-18', '2027-01-24');
    assert.deepEqual(saved.map((r) => [r.date, r.starts, r.ends]), [
      ['2027-01-18', '08:30', '15:30'], ['2027-01-19', '08:30', '15:30'], ['2027-01-20', '08:30', '15:30'], ['2027-01-21', '08:30', '15:30'],
      ['2027-01-22', null, null],
    ]);
    assert.equal(message, 'Tiderna är sparade. För måndag 18 januari, tisdag 19 januari, onsdag 20 januari, torsdag 21 januari och fredag 22 januari '
      + 'behölls tiderna du skrev in för dagen; hela veckans tider lades inte på någon dag.');
  });

  it('shows the form again as typed when the save is refused, the hand-typed day with its own times', async () => {
    const res = await openAndSubmit(emma, weekUrl(elsa, '2027-W04'), action(elsa), {
      week_starts: '08:00', week_ends: '15:00', 'starts_2027-01-27': '10:00', 'ends_2027-01-27': '09:00',
    });
    assert.equal(res.status, 400);
    const value = (name: string) => new RegExp(`<input id="${name}" name="${name}"[^>]*value="([^"]*)"`).exec(res.text)?.[1];
    assert.deepEqual([value('starts_2027-01-26'), value('ends_2027-01-26'), value('starts_2027-01-27'), value('ends_2027-01-27')],
      ['08:00', '15:00', '10:00', '09:00']);
    assert.deepEqual(await rows('2027-01-25', '2027-01-31'), []);
  });
});

describe('"Hela veckan" in the rules', () => {
  const hours = { opens: '06:30', closes: '18:00' };
  const calendar = { hours: { 1: hours, 2: hours, 3: hours, 4: hours, 5: hours, 6: null, 7: null }, closed: new Set<string>() };
  const care = {
    placement: { childId: 7, firstName: 'Elsa', lastName: 'Ek', groupId: 10, groupName: 'Blåklockan', unitId: 100, unitName: 'Solrosen',
      unitKind: 'preschool', startDate: '2026-05-08', endDate: null, hourLimit: 'none' },
    rules: { lockDays: 0, planAheadMonths: 12, inviteDaysBefore: 14 }, cutoff: null, calendar, closedReasons: new Map(),
    registered: new Map([['2026-12-02', {
      date: '2026-12-02', starts: '07:00', ends: '17:00', dayOff: false, comment: null, version: 4, registeredBy: null,
      updatedAt: '2026-11-20T10:00:00Z', staffComment: null, staffCommentBy: null,
    }]]),
    schedules: [],
  } as ChildCare;
  const rules: ChangeRules = {
    today: '2026-11-24', now: '10:00', calendar, placement: { startDate: '2026-05-08', endDate: null }, lockDays: 0, planAheadMonths: 12,
    cutoff: null, asGuardian: true,
  };
  const days = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'];

  function post(changes: Record<string, string>, conflict?: string) {
    const fields: Record<string, string> = {};
    for (const date of days) {
      const reg = care.registered.get(date);
      const raw = rawOf(reg, null);
      Object.assign(fields, { [`starts_${date}`]: raw.starts, [`ends_${date}`]: raw.ends, [`comment_${date}`]: '' });
      fields[`was_${date}`] = wasText(raw, reg?.version ?? 0, date === conflict);
    }
    Object.assign(fields, changes);
    return planWeek((name) => fields[name] ?? '', (name) => name in fields, days, care, rules);
  }

  it('leaves a registered day with times changed by hand as typed, and lays the whole week on the rest', () => {
    const plan = post({ week_starts: '08:00', week_ends: '15:00', 'ends_2026-12-02': '16:30' });
    assert.deepEqual(plan.errors, {});
    assert.deepEqual(plan.changes.get('2026-12-02')?.value, { starts: '07:00', ends: '16:30', dayOff: false, comment: null });
    assert.deepEqual(plan.changes.get('2026-12-03')?.value, { starts: '08:00', ends: '15:00', dayOff: false, comment: null });
    assert.deepEqual(plan.whole, { starts: '08:00', ends: '15:00', applied: ['2026-11-30', '2026-12-01', '2026-12-03', '2026-12-04'], kept: ['2026-12-02'] });
    assert.equal(post({}).whole, undefined);
  });

  it('lays the whole week on a registered day left alone, and names no day whose conflict kept the other version', () => {
    const plan = post({ week_starts: '08:00', week_ends: '15:00', 'starts_2026-12-01': '09:00', 'ends_2026-12-01': '12:00', 'keep_2026-12-01': 'theirs' }, '2026-12-01');
    assert.deepEqual(plan.changes.get('2026-12-02')?.value, { starts: '08:00', ends: '15:00', dayOff: false, comment: null });
    assert.deepEqual([...plan.keptTheirs], ['2026-12-01']);
    assert.deepEqual(plan.whole?.kept, []);
    assert.deepEqual(plan.whole?.applied, ['2026-11-30', '2026-12-02', '2026-12-03', '2026-12-04']);
  });

  it('writes the message in the reader’s language, and plainly when nothing changed or "Hela veckan" was empty', () => {
    const en = languageByCode('en')!;
    const message = savedMessage(3, { starts: '08:00', ends: '15:00', applied: ['2026-11-30', '2026-12-01'], kept: ['2026-12-02'] }, en);
    assert.equal(message.key, 'schedule.wholeWeek.savedBoth');
    assert.deepEqual(message.params, { times: '08:00–15:00', days: 'Monday 30 November and Tuesday 1 December', kept: 'Wednesday 2 December' });
    assert.deepEqual(savedMessage(0, { starts: '08:00', ends: '15:00', applied: ['2026-11-30'], kept: [] }, en), { key: 'schedule.nothingChanged' });
    assert.deepEqual(savedMessage(2, undefined, en), { key: 'schedule.saved' });
  });
});
