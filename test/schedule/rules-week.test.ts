// The care-time rules on their own, past a single day: what a day books (registered, or the standard week), the week
// form (what the user changed, "Hela veckan", a conflict with someone else's save), repeating a week and copying it to
// a sibling, the hour limits of a placement (15 h a week, 525 h a year), the staff's comment and the standard week form.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldErrors } from '../../server/kernel/forms.ts';
import type { ChildCare, RegisteredDay, StandardSchedule } from '../../server/schedule/queries.ts';
import {
  careMinutes, changeRules, copyToSibling, EMPTY_DAY, effectiveOn, hoursText, lastBookableDay, limitPeriod, overLimit, overLimitError,
  parseDay, parseRepeat, parseStaffComment, parseStandardWeek, parseWas, planWeek, postedDay, rawOf, registers, repeatPattern, sameDay,
  sameTimes, scheduleOn, standardApplies, standardOn, stateError, touched, usage, wasText, type ChangeRules, type DayValue, type RawDay,
} from '../../server/schedule/rules.ts';

const weekdays = { opens: '06:30', closes: '18:00' };
/** Weekdays 06:30–18:00, closed on Friday 11 December 2026 (Planeringsdag). */
const calendar = { hours: { 1: weekdays, 2: weekdays, 3: weekdays, 4: weekdays, 5: weekdays, 6: null, 7: null }, closed: new Set(['2026-12-11']) };
const times = (starts: string, ends: string, comment: string | null = null): DayValue => ({ starts, ends, dayOff: false, comment });
const OFF: DayValue = { starts: null, ends: null, dayOff: true, comment: null };

function registered(date: string, value: DayValue, version = 1): RegisteredDay {
  return { date, ...value, version, registeredBy: null, updatedAt: '2026-11-20T10:00:00Z', staffComment: null, staffCommentBy: null };
}

function standard(validFrom: string, days: [number, DayValue][], id = 1): StandardSchedule {
  return { id, validFrom, days: new Map(days), createdBy: 'Anna', createdAt: '2026-01-01T10:00:00Z' };
}

/** Elsa at Solrosen from 8 May 2026; today is Tuesday 24 November 2026 at 10:00. */
function care(over: Partial<ChildCare> = {}, placement: Partial<ChildCare['placement']> = {}): ChildCare {
  return {
    placement: {
      childId: 7, firstName: 'Elsa', lastName: 'Ek', groupId: 10, groupName: 'Blåklockan', unitId: 100, unitName: 'Solrosen',
      unitKind: 'preschool', startDate: '2026-05-08', endDate: null, hourLimit: 'none', ...placement,
    },
    rules: { lockDays: 2, planAheadMonths: 12, inviteDaysBefore: 14 }, cutoff: null, calendar, closedReasons: new Map(),
    registered: new Map(), schedules: [], ...over,
  };
}

function rules(over: Partial<ChangeRules> = {}): ChangeRules {
  return {
    today: '2026-11-24', now: '10:00', calendar, placement: { startDate: '2026-05-08', endDate: null },
    lockDays: 2, planAheadMonths: 12, cutoff: null, asGuardian: true, ...over,
  };
}

const keys = (errors: FieldErrors) => Object.fromEntries(Object.entries(errors).map(([field, e]) => [field, e.key]));

describe('a day’s value', () => {
  it('registers times or "Ledig", not a comment alone', () => {
    assert.equal(registers(OFF), true);
    assert.equal(registers(times('08:00', '16:00')), true);
    const commentOnly: DayValue = { ...EMPTY_DAY, comment: 'Mormor hämtar' };
    assert.equal(registers(commentOnly), false);
  });

  it('compares times (any two "Ledig" are the same) and, for the whole day, the comment too', () => {
    assert.equal(sameTimes({ ...OFF, comment: 'a' }, { ...OFF, starts: '08:00' }), true);
    assert.equal(sameTimes(OFF, times('08:00', '16:00')), false);
    assert.equal(sameTimes(times('08:00', '16:00'), OFF), false);
    assert.equal(sameTimes(times('08:00', '16:00', 'a'), times('08:00', '16:00')), true);
    assert.equal(sameTimes(times('08:00', '16:00'), times('08:00', '15:00')), false);
    assert.equal(sameTimes(times('08:00', '16:00'), times('09:00', '16:00')), false);
    assert.equal(sameDay(times('08:00', '16:00', 'a'), times('08:00', '16:00', 'b')), false);
    assert.equal(sameDay(times('08:00', '16:00', ''), times('08:00', '16:00')), true);
    assert.equal(sameDay(times('08:00', '16:00'), times('08:00', '16:00', '')), true);
    assert.equal(sameDay(times('08:00', '16:00', 'a'), times('08:00', '16:00', 'a')), true);
    assert.equal(sameDay(times('08:00', '16:00'), times('08:00', '16:30')), false);
  });

  it('books the minutes from start to end, and none for "Ledig", nothing or a broken day', () => {
    assert.equal(careMinutes(times('07:30', '16:15')), 525);
    assert.equal(careMinutes(OFF), 0);
    assert.equal(careMinutes(undefined), 0);
    assert.equal(careMinutes(null), 0);
    assert.equal(careMinutes({ ...EMPTY_DAY, ends: '16:00' }), 0);
    assert.equal(careMinutes({ ...EMPTY_DAY, starts: '08:00' }), 0);
    assert.equal(careMinutes(times('16:00', '08:00')), 0);
  });

  it('reads a day of the form anywhere in the week, whatever other days got wrong', () => {
    const errors: FieldErrors = { 'starts_2026-11-30': { key: 'schedule.errors.timeFormat' } };
    assert.deepEqual(parseDay({ starts: '08:00', ends: '16:00', dayOff: false, comment: ' a \n b ' }, '2026-12-01', weekdays, errors), times('08:00', '16:00', 'a b'));
    assert.deepEqual(parseDay({ starts: '', ends: '', dayOff: false, comment: 'Sjuk' }, '2026-12-02', weekdays, errors), { ...EMPTY_DAY, comment: 'Sjuk' });
    assert.deepEqual(parseDay({ starts: '', ends: '', dayOff: true, comment: '' }, '2026-12-03', weekdays, errors), OFF);
    assert.deepEqual(parseDay({ starts: '06:30', ends: '18:00', dayOff: false, comment: '' }, '2026-12-04', weekdays, errors), times('06:30', '18:00'));
    assert.deepEqual(parseDay({ starts: ' ', ends: ' ', dayOff: false, comment: '' }, '2026-12-07', weekdays, errors), EMPTY_DAY);
    assert.deepEqual(parseDay({ starts: '05:00', ends: '20:00', dayOff: false, comment: '' }, '2026-12-05', null, errors), times('05:00', '20:00'));
    assert.deepEqual(Object.keys(errors), ['starts_2026-11-30']);
  });

  it('refuses a too long comment on a day off or an empty day, and a missing or broken time', () => {
    const read = (raw: RawDay) => {
      const errors: FieldErrors = {};
      return { value: parseDay(raw, '2026-12-01', weekdays, errors), errors: keys(errors) };
    };
    const long = 'x'.repeat(301);
    assert.deepEqual(read({ starts: '', ends: '', dayOff: true, comment: long }), { value: undefined, errors: { 'comment_2026-12-01': 'schedule.errors.commentTooLong' } });
    const full: FieldErrors = {};
    assert.equal(parseDay({ starts: '06:00', ends: '18:30', dayOff: false, comment: long }, '2026-12-01', weekdays, full), undefined);
    assert.deepEqual(full, {
      'comment_2026-12-01': { key: 'schedule.errors.commentTooLong', params: { max: 300 } },
      'starts_2026-12-01': { key: 'schedule.errors.beforeOpening', params: { time: '06:30' } },
      'ends_2026-12-01': { key: 'schedule.errors.afterClosing', params: { time: '18:00' } },
    });
    assert.equal(read({ starts: '08:00', ends: '08:00', dayOff: false, comment: '' }).value, undefined);
    assert.equal(read({ starts: '08:00', ends: '16:00', dayOff: false, comment: long }).value, undefined);
    assert.deepEqual(read({ starts: '', ends: '', dayOff: false, comment: long }), { value: undefined, errors: { 'comment_2026-12-01': 'schedule.errors.commentTooLong' } });
    assert.equal(read({ starts: '', ends: '', dayOff: false, comment: 'x'.repeat(300) }).value?.comment?.length, 300);
    assert.deepEqual(read({ starts: '', ends: '16:00', dayOff: false, comment: '' }), { value: undefined, errors: { 'starts_2026-12-01': 'schedule.errors.startsMissing' } });
    assert.deepEqual(read({ starts: '08:00', ends: '4 pm', dayOff: false, comment: '' }), { value: undefined, errors: { 'ends_2026-12-01': 'schedule.errors.timeFormat' } });
    assert.deepEqual(read({ starts: '08:00', ends: '08:00', dayOff: false, comment: '' }).errors, { 'ends_2026-12-01': 'schedule.errors.endsBeforeStarts' });
    assert.deepEqual(read({ starts: '06:29', ends: '18:01', dayOff: false, comment: '' }).errors, {
      'starts_2026-12-01': 'schedule.errors.beforeOpening', 'ends_2026-12-01': 'schedule.errors.afterClosing',
    });
  });
});

describe('how far ahead', () => {
  it('is the plan-ahead months from today, asked again when today or the months change', () => {
    assert.equal(lastBookableDay({ today: '2026-11-24', planAheadMonths: 12 }), '2027-11-24');
    assert.equal(lastBookableDay({ today: '2026-11-24', planAheadMonths: 6 }), '2027-05-24');
    assert.equal(lastBookableDay({ today: '2026-11-25', planAheadMonths: 6 }), '2027-05-25');
    assert.equal(lastBookableDay({ today: '2026-11-25', planAheadMonths: 6 }), '2027-05-25');
  });

  it('opens the first and the last day of the placement, and the last day of the lock window is locked', () => {
    const r = rules({ placement: { startDate: '2026-11-30', endDate: '2026-12-04' }, lockDays: 0 });
    assert.equal(dayStates(['2026-11-27', '2026-11-30', '2026-12-04', '2026-12-07'], r), 'no-placement open open no-placement');
    assert.equal(dayStates(['2026-11-26', '2026-11-27'], rules()), 'locked open');
  });

  it('says why a day cannot be changed', () => {
    const r = rules({ cutoff: '14:00' });
    assert.deepEqual(stateError('past', r), { key: 'schedule.errors.past' });
    assert.deepEqual(stateError('no-placement', r), { key: 'schedule.errors.noPlacement' });
    assert.deepEqual(stateError('closed', r), { key: 'schedule.errors.closed' });
    assert.deepEqual(stateError('too-far', r), { key: 'schedule.errors.tooFar', dates: { date: '2027-11-24' } });
    assert.deepEqual(stateError('locked', r), { key: 'schedule.errors.locked' });
    assert.deepEqual(stateError('cutoff', r), { key: 'schedule.errors.cutoff', params: { time: '14:00' } });
    assert.deepEqual(stateError('cutoff', rules()), { key: 'schedule.errors.cutoff', params: { time: '' } });
  });

  it('gives each user the child’s rules: the unit’s lock days and how far ahead, the group’s cut-off', () => {
    const c = care({ rules: { lockDays: 3, planAheadMonths: 6, inviteDaysBefore: 14 }, cutoff: '12:00' }, { startDate: '2026-08-10', endDate: '2027-06-10' });
    assert.deepEqual(changeRules(c, { today: '2026-11-24', now: '09:15' }, false), {
      today: '2026-11-24', now: '09:15', calendar, placement: c.placement, lockDays: 3, planAheadMonths: 6, cutoff: '12:00', asGuardian: false,
    });
  });
});

function dayStates(days: string[], r: ChangeRules): string {
  return days.map((d) => stateOf(d, r)).join(' ');
}
function stateOf(date: string, r: ChangeRules): string {
  // the state through the week form's own error: no error and a change is 'open'
  const plan = planWeek((name) => (name === `starts_${date}` ? '08:00' : name === `ends_${date}` ? '09:00' : ''), (name) => name === `starts_${date}`, [date], care(), r);
  if (plan.changes.has(date)) return 'open';
  const error = plan.errors[`day_${date}`]?.key ?? '';
  return ({ 'schedule.errors.noPlacement': 'no-placement', 'schedule.errors.locked': 'locked', 'schedule.errors.past': 'past' } as Record<string, string>)[error] ?? error;
}

describe('what a day books', () => {
  const week = standard('2026-01-01', [[1, times('08:00', '12:00')], [2, OFF]]);
  const later = standard('2026-12-07', [[1, times('09:00', '13:00')]], 2);

  it('takes the standard week in force on the day, on days the unit is open and the placement covers', () => {
    assert.equal(scheduleOn([week, later], '2026-12-06'), week);
    assert.equal(scheduleOn([week, later], '2026-12-07'), later);
    assert.equal(scheduleOn([week, later], '2025-12-31'), undefined);
    const c = care({ schedules: [week, later] }, { endDate: '2026-12-14' });
    assert.deepEqual(standardOn(c, '2026-11-30'), times('08:00', '12:00'));
    assert.deepEqual(standardOn(c, '2026-12-01'), OFF);
    assert.equal(standardOn(c, '2026-12-02'), undefined);
    assert.deepEqual(standardOn(c, '2026-12-14'), times('09:00', '13:00'));
    assert.equal(standardOn(c, '2026-12-21'), undefined);
    assert.equal(standardOn(care({ schedules: [week] }, { startDate: '2026-12-01' }), '2026-11-30'), undefined);
    assert.equal(standardOn(care({ schedules: [standard('2026-01-01', [[5, OFF]])] }), '2026-12-11'), undefined);
  });

  it('knows which days a standard week fills', () => {
    const placement = { startDate: '2026-11-30', endDate: '2026-12-04' };
    assert.deepEqual(['2026-11-27', '2026-11-30', '2026-12-04', '2026-12-05', '2026-12-07'].map((d) => standardApplies(d, calendar, placement)), [false, true, true, false, false]);
    assert.equal(standardApplies('2027-06-01', calendar, { startDate: '2026-11-30', endDate: null }), true);
    assert.equal(standardApplies('2026-12-11', calendar, { startDate: '2026-11-30', endDate: null }), false);
  });

  it('is the registered day when it registers anything, a change about to be saved first, else the standard day', () => {
    const c = care({ schedules: [week], registered: new Map([
      ['2026-11-30', registered('2026-11-30', times('07:00', '15:00'))],
      ['2026-12-07', registered('2026-12-07', { ...EMPTY_DAY, comment: 'Mormor hämtar' })],
    ]) });
    assert.deepEqual(effectiveOn(c, '2026-11-30'), registered('2026-11-30', times('07:00', '15:00')));
    assert.deepEqual(effectiveOn(c, '2026-12-07'), times('08:00', '12:00'));
    assert.deepEqual(effectiveOn(c, '2026-11-30', new Map([['2026-11-30', OFF]])), OFF);
    assert.deepEqual(effectiveOn(c, '2026-11-30', new Map([['2026-11-30', EMPTY_DAY]])), times('08:00', '12:00'));
    assert.deepEqual(effectiveOn(c, '2026-11-30', new Map([['2026-12-01', OFF]])), registered('2026-11-30', times('07:00', '15:00')));
  });
});

describe('the week form', () => {
  const days = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'];
  const shown = (value: DayValue | undefined, version = 0, conflict = false) => wasText(rawOf(value, value?.comment ?? null), version, conflict);

  /** The form as the page renders it for `c`, with `changes` typed over it. */
  function post(c: ChildCare, changes: Record<string, string>, r = rules(), list = days) {
    const fields: Record<string, string> = {};
    for (const date of list) {
      const value = effectiveOn(c, date);
      const raw = rawOf(value, c.registered.get(date)?.comment ?? null);
      Object.assign(fields, { [`starts_${date}`]: raw.starts, [`ends_${date}`]: raw.ends, [`comment_${date}`]: raw.comment });
      if (raw.dayOff) fields[`off_${date}`] = 'yes';
      fields[`was_${date}`] = wasText(raw, c.registered.get(date)?.version ?? 0);
    }
    Object.assign(fields, changes);
    for (const [name, value] of Object.entries(changes)) if (value === '\u0000') delete fields[name];
    return planWeek((name) => fields[name] ?? '', (name) => name in fields, list, c, r);
  }
  const elsa = () => care({ registered: new Map([['2026-11-30', registered('2026-11-30', times('08:00', '16:00'), 3)]]) });

  it('writes only the days the user changed, with the version the form saw', () => {
    const plan = post(elsa(), { 'starts_2026-12-01': '9.00', 'ends_2026-12-01': '15:00', 'starts_2026-11-30': '8:00' });
    assert.deepEqual(keys(plan.errors), {});
    assert.deepEqual([...plan.changes], [['2026-12-01', { value: times('09:00', '15:00'), version: 0 }]]);
    assert.deepEqual([...plan.pattern.keys()], ['2026-11-30', '2026-12-01']);
    assert.deepEqual(plan.inputs.get('2026-12-01'), { starts: '9.00', ends: '15:00', dayOff: false, comment: '' });
    assert.equal(plan.inputs.size, 5);
    assert.deepEqual(post(elsa(), {}).changes.size, 0);
  });

  it('clears a registered day, and keeps the cleared day in the week to repeat', () => {
    const plan = post(elsa(), { 'starts_2026-11-30': '', 'ends_2026-11-30': '' });
    assert.deepEqual([...plan.changes], [['2026-11-30', { value: EMPTY_DAY, version: 3 }]]);
    assert.deepEqual([...plan.pattern], [['2026-11-30', EMPTY_DAY]]);
    assert.equal(post(care(), { 'comment_2026-12-02': 'Sjuk' }).pattern.size, 0);
  });

  it('fills "Hela veckan" into every day the user may change that is not "Ledig"', () => {
    const r = rules({ today: '2026-11-30', lockDays: 1 });
    const plan = post(elsa(), { week_starts: '7:30', week_ends: '1500', 'off_2026-12-03': 'yes' }, r);
    assert.deepEqual(keys(plan.errors), {});
    assert.deepEqual([...plan.changes.keys()], ['2026-11-30', '2026-12-02', '2026-12-03', '2026-12-04']);
    assert.deepEqual(plan.changes.get('2026-12-04')?.value, times('07:30', '15:00'));
    assert.deepEqual(plan.changes.get('2026-12-03')?.value, OFF);
    assert.deepEqual(plan.inputs.get('2026-12-01'), { starts: '', ends: '', dayOff: false, comment: '' });
  });

  it('says what is wrong with "Hela veckan"', () => {
    const errors = (starts: string, ends: string) => keys(post(elsa(), { week_starts: starts, week_ends: ends }).errors);
    assert.deepEqual(errors('7', '15:00'), { week_starts: 'schedule.errors.timeFormat' });
    assert.deepEqual(errors('', '15:00'), { week_starts: 'schedule.errors.startsMissing' });
    assert.deepEqual(errors('07:00', ''), { week_ends: 'schedule.errors.endsMissing' });
    assert.deepEqual(errors('07:00', 'x'), { week_ends: 'schedule.errors.timeFormat' });
    assert.deepEqual(errors('15:00', '15:00'), { week_ends: 'schedule.errors.endsBeforeStarts' });
    assert.deepEqual(errors('x', 'y'), { week_starts: 'schedule.errors.timeFormat', week_ends: 'schedule.errors.timeFormat' });
    assert.equal(post(elsa(), { week_starts: '15:00', week_ends: '09:00' }).changes.size, 0);
    assert.deepEqual(keys(post(elsa(), { week_starts: ' ', week_ends: ' ' }).errors), {});
  });

  it('refuses a change of a day the user may not change, at the day', () => {
    const plan = post(elsa(), { 'starts_2026-11-24': '08:00', 'ends_2026-11-24': '09:00', 'starts_2026-11-25': '08:00', 'ends_2026-11-25': '09:00' },
      rules(), ['2026-11-23', '2026-11-24', '2026-11-25']);
    assert.deepEqual(keys(plan.errors), { 'day_2026-11-25': 'schedule.errors.locked' });
    assert.deepEqual([...plan.changes.keys()], ['2026-11-24']);
  });

  it('asks whose version to keep when someone else saved the day meanwhile', () => {
    const conflict = { 'was_2026-12-01': shown(times('08:00', '16:00'), 2, true), 'starts_2026-12-01': '09:00', 'ends_2026-12-01': '16:00' };
    assert.deepEqual(keys(post(elsa(), conflict).errors), { 'keep_2026-12-01': 'schedule.errors.conflictChoice' });
    assert.deepEqual(post(elsa(), conflict).errors['keep_2026-12-01'].dates, { date: '2026-12-01' });
    assert.deepEqual(keys(post(elsa(), { ...conflict, 'keep_2026-12-01': 'both' }).errors), { 'keep_2026-12-01': 'schedule.errors.conflictChoice' });
    const theirs = post(elsa(), { ...conflict, 'keep_2026-12-01': 'theirs' });
    assert.deepEqual([[...theirs.keptTheirs], theirs.changes.size, keys(theirs.errors)], [['2026-12-01'], 0, {}]);
    const mine = post(elsa(), { ...conflict, 'keep_2026-12-01': 'mine' });
    assert.deepEqual([[...mine.keptTheirs], [...mine.changes], keys(mine.errors)], [[], [['2026-12-01', { value: times('09:00', '16:00'), version: 2 }]], {}]);
    const plain = post(elsa(), { 'was_2026-12-01': shown(times('08:00', '16:00'), 2), 'starts_2026-12-01': '09:00', 'ends_2026-12-01': '16:00', 'keep_2026-12-01': 'theirs' });
    assert.deepEqual([plain.keptTheirs.size, plain.changes.size], [0, 1]);
  });

  it('leaves a standard day’s times to the standard when only a comment is added', () => {
    const c = care({ schedules: [standard('2026-01-01', [[3, times('08:00', '12:00')]])] });
    const plan = post(c, { 'comment_2026-12-02': 'Farmor hämtar' });
    assert.deepEqual([...plan.changes], [['2026-12-02', { value: { ...EMPTY_DAY, comment: 'Farmor hämtar' }, version: 0 }]]);
    assert.deepEqual(plan.pattern.size, 0);
    const moved = post(c, { 'comment_2026-12-02': 'Farmor hämtar', 'ends_2026-12-02': '13:00' });
    assert.deepEqual(moved.changes.get('2026-12-02')?.value, times('08:00', '13:00', 'Farmor hämtar'));
    const own = post(elsa(), { 'comment_2026-11-30': 'Farmor hämtar' });
    assert.deepEqual([...own.changes], [['2026-11-30', { value: times('08:00', '16:00', 'Farmor hämtar'), version: 3 }]]);
  });

  it('skips a day the form has no fields for, and says what is wrong with a typed day', () => {
    const plan = post(elsa(), { 'starts_2026-12-01': '\u0000', 'ends_2026-12-01': '\u0000', 'comment_2026-12-01': '\u0000', 'was_2026-12-01': '\u0000', 'starts_2026-12-02': '09', 'ends_2026-12-02': '08:00' });
    assert.equal(plan.inputs.has('2026-12-01'), false);
    assert.deepEqual(keys(plan.errors), { 'starts_2026-12-02': 'schedule.errors.timeFormat' });
    assert.equal(plan.changes.size, 0);
    assert.equal(post(elsa(), { 'starts_2026-12-02': '09:00', 'ends_2026-12-02': '19:00' }).errors['ends_2026-12-02'].key, 'schedule.errors.afterClosing');
    assert.equal(postedDay(() => '', (name) => name === 'off_2026-12-01', '2026-12-01')?.dayOff, false);
    assert.deepEqual(postedDay((name) => (name === 'off_2026-12-01' ? 'yes' : ''), (name) => name === 'off_2026-12-01', '2026-12-01'), { starts: '', ends: '', dayOff: true, comment: '' });
    assert.equal(postedDay(() => 'x', (name) => name === 'comment_2026-12-01', '2026-12-01')?.comment, 'x');
    assert.equal(postedDay(() => 'x', (name) => name === 'ends_2026-12-01', '2026-12-01')?.ends, 'x');
    assert.equal(postedDay(() => 'x', (name) => name === 'starts_2026-12-02', '2026-12-01'), undefined);
  });

  it('remembers what the form showed, and reads a broken memory as an empty day never saved', () => {
    const raw = { starts: '08:00', ends: '16:00', dayOff: false, comment: 'a' };
    assert.deepEqual(parseWas(wasText(raw, 4)), { ...raw, version: 4, conflict: false });
    assert.deepEqual(parseWas(wasText({ ...raw, dayOff: true }, 0, true)), { ...raw, dayOff: true, version: 0, conflict: true });
    const empty = { starts: '', ends: '', dayOff: false, comment: '', version: 0, conflict: false };
    assert.deepEqual(parseWas('{'), empty);
    assert.deepEqual(parseWas(JSON.stringify({ s: 8, e: null, o: true, c: [], v: -1, x: true })), empty);
    assert.deepEqual(parseWas(JSON.stringify({ v: 1.5 })), empty);
    assert.deepEqual(parseWas(JSON.stringify({ v: '3' })), empty);
    assert.equal(parseWas(JSON.stringify({ v: 0 })).version, 0);
    assert.deepEqual(rawOf(undefined, null), { starts: '', ends: '', dayOff: false, comment: '' });
    assert.deepEqual(rawOf({ ...OFF, starts: '08:00', ends: '09:00' }, 'Sjuk'), { starts: '', ends: '', dayOff: true, comment: 'Sjuk' });
    assert.deepEqual(rawOf(times('08:00', '16:00'), null), { starts: '08:00', ends: '16:00', dayOff: false, comment: '' });
    assert.deepEqual(rawOf({ ...EMPTY_DAY }, null), { starts: '', ends: '', dayOff: false, comment: '' });
  });

  it('sees spaces in a comment and the way a time is written as no change, but a changed comment as one', () => {
    const off = { starts: '', ends: '', dayOff: true, comment: 'Sjuk  idag' };
    assert.equal(touched({ ...off, comment: ' Sjuk idag ' }, off), false);
    assert.equal(touched({ ...off, comment: 'Sjuk i dag' }, off), true);
    const day = { starts: '07:30', ends: '16:00', dayOff: false, comment: 'a  b' };
    assert.equal(touched({ ...day, starts: ' 7.30 ', comment: ' a b ' }, day), false);
    assert.equal(touched({ ...day, ends: '16:01' }, day), true);
    assert.equal(touched({ ...day, starts: 'x ' }, { ...day, starts: 'x' }), false);
    assert.equal(touched({ ...day, comment: 'ab' }, day), true);
  });
});

describe('repeating a week and copying it to a sibling', () => {
  const pattern = new Map<string, DayValue>([['2026-11-30', times('08:00', '16:00')], ['2026-12-04', OFF]]);

  it('lays the week on the following weeks, skipping closed days and days outside the placement', () => {
    const { writes, error } = repeatPattern(pattern, 2, rules({ placement: { startDate: '2026-05-08', endDate: '2026-12-17' } }));
    assert.equal(error, undefined);
    assert.deepEqual([...writes], [['2026-12-07', times('08:00', '16:00')], ['2026-12-14', times('08:00', '16:00')]]);
    assert.deepEqual([...repeatPattern(pattern, 0, rules()).writes], []);
    assert.deepEqual([...repeatPattern(new Map([['2026-11-30', EMPTY_DAY]]), 1, rules()).writes], [['2026-12-07', EMPTY_DAY]]);
  });

  it('refuses the whole repeat when a day is too far ahead, locked, or outside the opening hours', () => {
    assert.deepEqual(repeatPattern(pattern, 3, rules({ planAheadMonths: 1, today: '2026-11-20' })).error,
      { key: 'schedule.errors.repeatTooFar', dates: { date: '2026-12-20' } });
    assert.deepEqual(repeatPattern(new Map([['2026-11-24', times('08:00', '16:00')]]), 1, rules({ lockDays: 10 })).error,
      { key: 'schedule.errors.repeatLocked', dates: { date: '2026-12-01' } });
    const early = new Map([['2026-11-30', times('06:00', '16:00')]]);
    assert.deepEqual(repeatPattern(early, 1, rules()).error, { key: 'schedule.errors.repeatHours', dates: { date: '2026-12-07' } });
    const late = new Map([['2026-11-30', times('08:00', '18:30')]]);
    assert.deepEqual(repeatPattern(late, 1, rules()).error, { key: 'schedule.errors.repeatHours', dates: { date: '2026-12-07' } });
    const shorter = { ...calendar, hours: { ...calendar.hours, 1: { opens: '08:00', closes: '16:00' } } };
    assert.equal(repeatPattern(new Map([['2026-11-30', times('08:00', '16:00')]]), 1, rules({ calendar: shorter })).error, undefined);
  });

  it('copies changed days to a sibling under the sibling’s rules, skipping what already books the same', () => {
    const sibling = care({ registered: new Map([['2026-12-02', registered('2026-12-02', times('07:00', '15:00'))]]), schedules: [standard('2026-01-01', [[2, times('08:00', '16:00')]])] });
    const days = new Map<string, DayValue>([
      ['2026-11-30', times('08:00', '16:00')], ['2026-12-01', times('08:00', '16:00')], ['2026-12-02', EMPTY_DAY],
      ['2026-12-03', EMPTY_DAY], ['2026-12-04', OFF], ['2026-12-05', times('08:00', '16:00')],
    ]);
    const { writes, error } = copyToSibling(days, 'Olle', sibling, rules());
    assert.equal(error, undefined);
    assert.deepEqual([...writes], [['2026-11-30', times('08:00', '16:00')], ['2026-12-02', EMPTY_DAY], ['2026-12-04', OFF]]);
  });

  it('refuses the copy where the sibling’s day may not be changed or its unit is not open then', () => {
    const sibling = care();
    assert.deepEqual(copyToSibling(new Map([['2026-11-25', times('08:00', '16:00')]]), 'Olle', sibling, rules()).error,
      { key: 'schedule.errors.siblingDay', params: { name: 'Olle' }, dates: { date: '2026-11-25' } });
    assert.deepEqual(copyToSibling(new Map([['2026-11-30', times('06:00', '16:00')]]), 'Olle', sibling, rules()).error,
      { key: 'schedule.errors.siblingHours', params: { name: 'Olle' }, dates: { date: '2026-11-30' } });
    const notYet = copyToSibling(new Map([['2026-11-30', times('08:00', '16:00')]]), 'Olle', sibling, rules({ placement: { startDate: '2026-12-01', endDate: null } }));
    assert.deepEqual([[...notYet.writes], notYet.error], [[], undefined]);
    const closed = copyToSibling(new Map([['2026-12-11', times('08:00', '16:00')]]), 'Olle', sibling, rules());
    assert.deepEqual([[...closed.writes], closed.error], [[], undefined]);
  });
});

describe('the hour limits of a placement', () => {
  it('count a 15-hour limit over the ISO week and a 525-hour limit over the calendar year', () => {
    assert.deepEqual(limitPeriod('15h_week', '2026-12-03'), { limit: '15h_week', hours: 15, from: '2026-11-30', to: '2026-12-06' });
    assert.deepEqual(limitPeriod('525h_year', '2026-12-03'), { limit: '525h_year', hours: 525, from: '2026-01-01', to: '2026-12-31' });
    assert.equal(limitPeriod('none', '2026-12-03'), undefined);
  });

  it('show hours with at most one decimal, as the reader writes them', () => {
    assert.equal(hoursText(90, 'sv-SE'), '1,5');
    assert.equal(hoursText(95, 'sv-SE'), '1,6');
    assert.equal(hoursText(600, 'sv-SE'), '10');
    assert.equal(hoursText(90, 'en-GB'), '1.5');
    assert.equal(hoursText(90, 'sv-SE'), '1,5');
  });

  // Four hours each weekday in the standard week: 20 hours a week.
  const mornings = standard('2026-01-01', [1, 2, 3, 4, 5].map((d): [number, DayValue] => [d, times('08:00', '12:00')]));

  it('add up a week’s registered days and its standard days, with the changes about to be saved', () => {
    const c = care({ schedules: [mornings], registered: new Map([
      ['2026-12-01', registered('2026-12-01', times('08:00', '10:00'))], ['2026-12-02', registered('2026-12-02', { ...EMPTY_DAY, comment: 'x' })],
    ]) }, { hourLimit: '15h_week' });
    const week = limitPeriod('15h_week', '2026-12-01')!;
    assert.equal(usage(c, week, '2026-11-24').minutes, 4 * 240 + 120);
    assert.equal(usage(c, week, '2026-11-24', new Map([['2026-12-03', OFF]])).minutes, 3 * 240 + 120);
    assert.equal(usage(c, week, '2026-11-24', new Map([['2026-12-01', EMPTY_DAY]])).minutes, 5 * 240);
    assert.deepEqual(usage(c, week, '2026-11-24').period, week);
  });

  it('count only the standard days that have passed for a year, and every registered day', () => {
    const c = care({ schedules: [mornings], registered: new Map([
      ['2026-12-01', registered('2026-12-01', times('08:00', '16:00'))], ['2026-12-31', registered('2026-12-31', times('08:00', '09:00'))],
    ]) }, { startDate: '2026-11-16', hourLimit: '525h_year' });
    assert.equal(usage(c, limitPeriod('525h_year', '2026-12-01')!, '2026-11-24').minutes, 6 * 240 + 480 + 60);
  });

  it('refuse changes that book more than the limit and more than before, and never a change that lowers a full week', () => {
    const c = care({ schedules: [mornings] }, { hourLimit: '15h_week' });
    const over = overLimit(c, new Map([['2026-12-01', times('08:00', '16:00')]]), '2026-11-24');
    assert.deepEqual([over?.before.minutes, over?.after.minutes, over?.after.period.from], [1200, 1440, '2026-11-30']);
    assert.equal(overLimit(c, new Map([['2026-12-01', times('08:00', '11:00')]]), '2026-11-24'), undefined);
    assert.equal(overLimit(c, new Map([['2026-12-01', times('08:00', '12:00')]]), '2026-11-24'), undefined);
    assert.equal(overLimit(care({ schedules: [mornings] }), new Map([['2026-12-01', times('06:30', '18:00')]]), '2026-11-24'), undefined);
    const light = care({ schedules: [standard('2026-01-01', [[1, times('08:00', '11:00')]])] }, { hourLimit: '15h_week' });
    assert.equal(overLimit(light, new Map([['2026-12-01', times('08:00', '17:00')], ['2026-12-02', times('08:00', '11:00')]]), '2026-11-24'), undefined);
    assert.equal(overLimit(light, new Map([['2026-12-01', times('08:00', '17:00')], ['2026-12-02', times('08:00', '11:01')]]), '2026-11-24')?.after.minutes, 901);
    const twoWeeks = overLimit(light, new Map([['2026-12-01', times('08:00', '12:00')], ['2026-12-08', times('07:00', '17:00')], ['2026-12-09', times('07:00', '10:00')]]), '2026-11-24');
    assert.deepEqual([twoWeeks?.before.minutes, twoWeeks?.after.minutes, twoWeeks?.after.period.from], [180, 960, '2026-12-07']);
    const bothFull = new Map(['2026-12-15', '2026-12-16', '2026-12-08', '2026-12-09'].map((d) => [d, times('06:30', '18:00')]));
    assert.equal(overLimit(light, bothFull, '2026-11-24')?.after.period.from, '2026-12-07');
  });

  it('say which week or year is too full, in the reader’s numbers', () => {
    const week = (from: string) => ({ after: { period: { limit: '15h_week' as const, hours: 15, from, to: '' }, minutes: 990 } });
    assert.deepEqual(overLimitError(week('2026-11-30'), '2026-11-30', 'sv-SE'), { key: 'schedule.errors.overWeek', params: { used: '16,5', limit: 15 } });
    assert.deepEqual(overLimitError(week('2026-12-07'), '2026-11-30', 'en-GB'), { key: 'schedule.errors.overWeekRepeat', params: { used: '16.5', limit: 15, week: 50 } });
    const year = { after: { period: { limit: '525h_year' as const, hours: 525, from: '2026-01-01', to: '2026-12-31' }, minutes: 31_530 } };
    assert.deepEqual(overLimitError(year, '2026-11-30', 'sv-SE'), { key: 'schedule.errors.overYear', params: { used: '525,5', limit: 525, year: '2026' } });
  });
});

describe('"Upprepa" and its weeks', () => {
  it('takes 1 to 52 weeks when ticked, and none when not', () => {
    assert.deepEqual(parseRepeat('', '5'), { weeks: 0 });
    assert.deepEqual(parseRepeat('yes', ' 1 '), { weeks: 1 });
    assert.deepEqual(parseRepeat('yes', '52'), { weeks: 52 });
    for (const raw of ['0', '53', '99', '100', '', 'x', '1.5']) {
      assert.deepEqual(parseRepeat('yes', raw), { weeks: 0, error: { key: 'schedule.errors.repeatWeeks', params: { max: 52 } } }, raw);
    }
  });
});

describe('the staff’s comment on a day', () => {
  const placement = { startDate: '2026-05-08', endDate: '2027-06-10' };
  const comment = (date: string, text: string, p: { startDate: string; endDate: string | null } = placement) => {
    const { comment: c, errors } = parseStaffComment({ date, text }, p, '2026-11-24');
    return { comment: c, errors: keys(errors) };
  };

  it('takes a day of the placement with a comment, spaces collapsed; an empty comment removes it', () => {
    assert.deepEqual(comment(' 2026-05-08 ', '  Sov  dåligt \n i natt '), { comment: { date: '2026-05-08', text: 'Sov dåligt i natt' }, errors: {} });
    assert.deepEqual(comment('2027-06-10', ''), { comment: { date: '2027-06-10', text: '' }, errors: {} });
    assert.deepEqual(comment('2028-11-24', 'x'.repeat(300), { startDate: '2026-05-08', endDate: null }).errors, {});
  });

  it('says what is wrong with the day and the comment', () => {
    assert.deepEqual(comment('', 'x').errors, { comment_date: 'schedule.errors.dateMissing' });
    assert.deepEqual(comment('2026-13-01', 'x').errors, { comment_date: 'schedule.errors.dateFormat' });
    assert.deepEqual(comment('2026-05-07', 'x').errors, { comment_date: 'schedule.errors.noPlacement' });
    assert.deepEqual(comment('2027-06-11', 'x').errors, { comment_date: 'schedule.errors.noPlacement' });
    const far = parseStaffComment({ date: '2028-11-25', text: 'x' }, { startDate: '2026-05-08', endDate: null }, '2026-11-24');
    assert.deepEqual(far.errors, { comment_date: { key: 'schedule.errors.tooFar', dates: { date: '2028-11-24' } } });
    const long = parseStaffComment({ date: '2026-12-01', text: 'x'.repeat(301) }, placement, '2026-11-24');
    assert.deepEqual(long.errors, { staff_comment: { key: 'schedule.errors.commentTooLong', params: { max: 300 } } });
  });
});

describe('the standard week form', () => {
  const limits = { hours: calendar.hours, earliest: '2026-11-27', lastDay: '2027-11-24', hourLimit: 'none' as const, locale: 'sv-SE' };
  const week = (days: [number, { starts: string; ends: string; dayOff: boolean }][], validFrom = '') => ({ days: new Map(days), validFrom });
  const d = (starts: string, ends: string, dayOff = false) => ({ starts, ends, dayOff });

  it('takes each weekday’s times or "Ledig", leaves out an empty weekday, and starts on the earliest day unless told', () => {
    const parsed = parseStandardWeek(week([[1, d('8:00', '16:00')], [2, d('', '', true)], [3, d('', '')]]), limits);
    assert.deepEqual([[...parsed.days], parsed.validFrom, keys(parsed.errors)], [[[1, times('08:00', '16:00')], [2, OFF]], '2026-11-27', {}]);
    const last = parseStandardWeek(week([], ' 2027-11-24 '), limits);
    assert.deepEqual([last.validFrom, last.errors], ['2027-11-24', {}]);
  });

  it('says what is wrong with a weekday and with the first day', () => {
    assert.deepEqual(keys(parseStandardWeek(week([[1, d('06:00', '16:00')]]), limits).errors), { starts_1: 'schedule.errors.beforeOpening' });
    assert.deepEqual(keys(parseStandardWeek(week([[6, d('08:00', '07:00')]]), limits).errors), { ends_6: 'schedule.errors.endsBeforeStarts' });
    assert.deepEqual(keys(parseStandardWeek(week([], '27/11'), limits).errors), { valid_from: 'schedule.errors.dateFormat' });
    assert.deepEqual(parseStandardWeek(week([], '2026-11-26'), limits).errors, { valid_from: { key: 'schedule.errors.validFromEarly', dates: { date: '2026-11-27' } } });
    assert.deepEqual(parseStandardWeek(week([], '2027-11-25'), limits).errors, { valid_from: { key: 'schedule.errors.tooFar', dates: { date: '2027-11-24' } } });
  });

  it('holds a placement with an hour limit to 15 hours a week', () => {
    const full = week([[1, d('08:00', '11:00')], [2, d('08:00', '11:00')], [3, d('08:00', '11:00')], [4, d('08:00', '11:00')], [5, d('08:00', '11:00')]]);
    assert.deepEqual(parseStandardWeek(full, { ...limits, hourLimit: '15h_week' }).errors, {});
    const more = week([...full.days, [6, d('08:00', '08:30')]]);
    assert.deepEqual(parseStandardWeek(more, { ...limits, hourLimit: '525h_year' }).errors, {
      hours: { key: 'schedule.errors.standardOverWeek', params: { used: '15,5', limit: 15 } },
    });
    assert.deepEqual(parseStandardWeek(more, limits).errors, {});
  });
});
