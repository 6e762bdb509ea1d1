// The care-time rules on their own: ISO weeks (week 53 too), which days a guardian may change and why not, and
// reading a day of the form.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { beforeCutoff, dayState, firstStandardDay, lockedDays, normaliseTime, parseDay, touched, type ChangeRules } from '../../server/schedule/rules.ts';
import type { FieldErrors } from '../../server/kernel/forms.ts';
import { mondayOfWeek, weekDays, weekKey, weeksInYear } from '../../server/kernel/dates.ts';

const weekdays = { opens: '06:30', closes: '18:00' };
const calendar = { hours: { 1: weekdays, 2: weekdays, 3: weekdays, 4: weekdays, 5: weekdays, 6: null, 7: null }, closed: new Set(['2026-12-11']) };

/** Tuesday 24 November 2026 at 10:00, Solrosen's rules: two locked days, twelve months ahead. */
function rules(overrides: Partial<ChangeRules> = {}): ChangeRules {
  return {
    today: '2026-11-24', now: '10:00', calendar, placement: { startDate: '2026-05-08', endDate: null },
    lockDays: 2, planAheadMonths: 12, cutoff: null, asGuardian: true, ...overrides,
  };
}

describe('ISO weeks', () => {
  it('finds the Monday of a week and the week of a day', () => {
    assert.equal(mondayOfWeek('2026-W48'), '2026-11-23');
    assert.equal(weekKey('2026-11-24'), '2026-W48');
    assert.deepEqual(weekDays('2026-11-30'), ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
  });

  it('knows week 53: 2026 has one, running into 2027, and 2027 has none', () => {
    assert.equal(weeksInYear(2026), 53);
    assert.equal(weeksInYear(2027), 52);
    assert.equal(mondayOfWeek('2026-W53'), '2026-12-28');
    assert.equal(weekKey('2027-01-03'), '2026-W53');
    assert.equal(weekKey('2027-01-04'), '2027-W01');
    assert.equal(mondayOfWeek('2027-W53'), undefined);
    assert.equal(mondayOfWeek('2020-W01'), '2019-12-30');
  });

  it('refuses what is no week', () => {
    for (const key of ['2026-W00', '2026-W54', '2026-48', 'x', '', '1999-W10']) assert.equal(mondayOfWeek(key), undefined, key);
  });
});

describe('which days a guardian may change', () => {
  it('keeps today open inside the lock window, locks the next days, and opens the rest', () => {
    const states = weekDays('2026-11-23').map((d) => dayState(d, rules()));
    assert.deepEqual(states, ['past', 'open', 'locked', 'locked', 'open', 'closed', 'closed']);
  });

  it('lets staff change inside the lock window, but not a past or closed day', () => {
    const staff = rules({ asGuardian: false });
    assert.equal(dayState('2026-11-25', staff), 'open');
    assert.equal(dayState('2026-11-23', staff), 'past');
    assert.equal(dayState('2026-12-11', staff), 'closed');
  });

  it('closes a closed day and the days beyond how far ahead, and days outside the placement', () => {
    assert.equal(dayState('2026-12-11', rules()), 'closed');
    assert.equal(dayState('2027-11-24', rules()), 'open');
    assert.equal(dayState('2027-11-25', rules()), 'too-far');
    assert.equal(dayState('2026-12-01', rules({ placement: { startDate: '2026-12-02', endDate: null } })), 'no-placement');
    assert.equal(dayState('2026-12-04', rules({ placement: { startDate: '2026-05-08', endDate: '2026-12-03' } })), 'no-placement');
  });

  it('takes a change until the cut-off the day before, in Stockholm time, and never on the day itself', () => {
    assert.equal(beforeCutoff('2026-11-25', '2026-11-24', '13:59', '14:00'), true);
    assert.equal(beforeCutoff('2026-11-25', '2026-11-24', '14:00', '14:00'), false);
    assert.equal(beforeCutoff('2026-11-25', '2026-11-24', '14:01', '14:00'), false);
    assert.equal(beforeCutoff('2026-11-24', '2026-11-24', '06:00', '14:00'), false);
    assert.equal(beforeCutoff('2026-11-26', '2026-11-24', '23:59', '14:00'), true);
    const cutoff = (now: string) => rules({ lockDays: 0, cutoff: '14:00', now });
    assert.equal(dayState('2026-11-25', cutoff('13:59')), 'open');
    assert.equal(dayState('2026-11-25', cutoff('14:00')), 'cutoff');
    assert.equal(dayState('2026-11-24', cutoff('08:00')), 'cutoff');
    assert.deepEqual(lockedDays(weekDays('2026-11-23'), cutoff('14:01')), { window: [], cutoff: ['2026-11-24', '2026-11-25'] });
    assert.deepEqual(lockedDays(weekDays('2026-11-23'), rules({ cutoff: '14:00', now: '15:00' })), { window: ['2026-11-25', '2026-11-26'], cutoff: ['2026-11-24'] });
  });

  it('starts a guardian’s new standard times after the lock window and the cut-off; staff’s today', () => {
    assert.equal(firstStandardDay(rules()), '2026-11-27');
    assert.equal(firstStandardDay(rules({ lockDays: 0 })), '2026-11-24');
    assert.equal(firstStandardDay(rules({ lockDays: 0, cutoff: '14:00', now: '15:00' })), '2026-11-26');
    assert.equal(firstStandardDay(rules({ asGuardian: false })), '2026-11-24');
  });
});

describe('reading a day of the form', () => {
  const read = (starts: string, ends: string, dayOff = false, comment = '') => {
    const errors: FieldErrors = {};
    const value = parseDay({ starts, ends, dayOff, comment }, '2026-12-01', weekdays, errors);
    return { value, errors: Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, e.key])) };
  };

  it('takes times inside the opening hours, "Ledig", and an empty day', () => {
    assert.deepEqual(read('7:30', '16.00').value, { starts: '07:30', ends: '16:00', dayOff: false, comment: null });
    assert.deepEqual(read('07:30', '16:00', true, ' Mormor  hämtar ').value, { starts: null, ends: null, dayOff: true, comment: 'Mormor hämtar' });
    assert.deepEqual(read('', '').value, { starts: null, ends: null, dayOff: false, comment: null });
  });

  it('says what is wrong at the field', () => {
    assert.deepEqual(read('16:00', '07:30').errors, { 'ends_2026-12-01': 'schedule.errors.endsBeforeStarts' });
    assert.deepEqual(read('05:45', '18:30').errors, {
      'starts_2026-12-01': 'schedule.errors.beforeOpening', 'ends_2026-12-01': 'schedule.errors.afterClosing',
    });
    assert.deepEqual(read('08:00', '').errors, { 'ends_2026-12-01': 'schedule.errors.endsMissing' });
    assert.deepEqual(read('åtta', '16:00').errors, { 'starts_2026-12-01': 'schedule.errors.timeFormat' });
    assert.deepEqual(read('08:00', '16:00', false, 'x'.repeat(301)).errors, { 'comment_2026-12-01': 'schedule.errors.commentTooLong' });
  });

  it('normalises times and sees an untouched day as untouched', () => {
    assert.equal(normaliseTime('0730'), '07:30');
    assert.equal(normaliseTime('24:00'), undefined);
    assert.equal(normaliseTime('7:300'), undefined);
    assert.equal(normaliseTime('17:3'), undefined);
    const shown = { starts: '07:30', ends: '16:00', dayOff: false, comment: '' };
    assert.equal(touched({ ...shown, starts: '7:30' }, shown), false);
    assert.equal(touched({ ...shown, comment: 'Pappa hämtar' }, shown), true);
    assert.equal(touched({ ...shown, dayOff: true }, shown), true);
    assert.equal(touched({ starts: '', ends: '', dayOff: true, comment: '' }, { starts: '08:00', ends: '', dayOff: true, comment: '' }), false);
  });
});
