// The unit settings forms on their own: the start page's boxes, opening hours per weekday, the care-time rules
// (locked days, how far ahead, when invitations go out, each group's cut-off), a closed day, the municipality's terms
// and how long an invitation key stays valid. Each rule broken is a message at its field.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldErrors, Parsed } from '../../server/kernel/forms.ts';
import { MAX_REASON, MAX_TERMS, parseBoxes, parseCareRules, parseClosedDay, parseInvitationDays, parseOpeningHours, parseTerms } from '../../server/settings/rules.ts';

const keys = (errors: FieldErrors) => Object.fromEntries(Object.entries(errors).map(([field, e]) => [field, e.key]));
const result = <T>(parsed: Parsed<T>) => (parsed.ok ? { value: parsed.value } : { errors: keys(parsed.errors) });
const form = (fields: Record<string, string>) => (name: string) => fields[name] ?? '';

describe('the start page’s boxes', () => {
  it('turns on the boxes ticked and off the others, ignoring any box it does not know', () => {
    assert.deepEqual(parseBoxes(['absence', 'evil'], ['absence', 'schedule']), { absence: true, schedule: false });
    assert.deepEqual(parseBoxes([], ['absence']), { absence: false });
  });
});

describe('opening hours', () => {
  const weekdays = Object.fromEntries([1, 2, 3, 4, 5].flatMap((d) => [[`opens_${d}`, '06:30'], [`closes_${d}`, '18:00']]));

  it('opens each weekday with both times and closes one with both empty', () => {
    const hours = { opens: '06:30', closes: '18:00' };
    assert.deepEqual(result(parseOpeningHours(form({ ...weekdays, opens_5: ' 07:00 ', closes_5: ' 16:00 ' }))), {
      value: { 1: hours, 2: hours, 3: hours, 4: hours, 5: { opens: '07:00', closes: '16:00' }, 6: null, 7: null },
    });
  });

  it('says which time is missing, badly written, or not after the opening', () => {
    assert.deepEqual(result(parseOpeningHours(form({ ...weekdays, opens_1: '' }))), { errors: { opens_1: 'settings.errors.opensMissing' } });
    assert.deepEqual(result(parseOpeningHours(form({ ...weekdays, opens_2: '6.30' }))), { errors: { opens_2: 'settings.errors.timeFormat' } });
    assert.deepEqual(result(parseOpeningHours(form({ ...weekdays, closes_3: '' }))), { errors: { closes_3: 'settings.errors.closesMissing' } });
    assert.deepEqual(result(parseOpeningHours(form({ ...weekdays, closes_4: '25:00' }))), { errors: { closes_4: 'settings.errors.timeFormat' } });
    assert.deepEqual(result(parseOpeningHours(form({ ...weekdays, closes_5: '06:30' }))), { errors: { closes_5: 'settings.errors.closesBeforeOpens' } });
    assert.deepEqual(result(parseOpeningHours(form({ ...weekdays, closes_5: '06:00' }))), { errors: { closes_5: 'settings.errors.closesBeforeOpens' } });
    assert.deepEqual(result(parseOpeningHours(form({ closes_7: '12:00' }))), { errors: { opens_7: 'settings.errors.opensMissing' } });
  });
});

describe('the care-time rules', () => {
  const rules = { lock_days: '2', plan_ahead_months: '12', invite_days_before: '14' };

  it('takes the numbers within their limits and a cut-off time per group (none when empty)', () => {
    assert.deepEqual(result(parseCareRules(form({ ...rules, cutoff_3: ' 14:00 ', cutoff_4: ' ' }), [3, 4])), {
      value: { lockDays: 2, planAheadMonths: 12, inviteDaysBefore: 14, cutoffs: new Map([[3, '14:00'], [4, null]]) },
    });
    const lowest = result(parseCareRules(form({ lock_days: '0', plan_ahead_months: '1', invite_days_before: '0' }), []));
    assert.deepEqual(lowest, { value: { lockDays: 0, planAheadMonths: 1, inviteDaysBefore: 0, cutoffs: new Map() } });
    const highest = result(parseCareRules(form({ lock_days: ' 60 ', plan_ahead_months: '24', invite_days_before: '90' }), []));
    assert.deepEqual(highest, { value: { lockDays: 60, planAheadMonths: 24, inviteDaysBefore: 90, cutoffs: new Map() } });
  });

  it('says which number is outside its limits or no number, and which cut-off is no time', () => {
    const errors = (over: Record<string, string>, groups: number[] = []) => result(parseCareRules(form({ ...rules, ...over }), groups)).errors;
    assert.deepEqual(errors({ lock_days: '61' }), { lock_days: 'settings.errors.lockDays' });
    assert.deepEqual(errors({ lock_days: '-1' }), { lock_days: 'settings.errors.lockDays' });
    assert.deepEqual(errors({ plan_ahead_months: '0' }), { plan_ahead_months: 'settings.errors.planAhead' });
    assert.deepEqual(errors({ plan_ahead_months: '25' }), { plan_ahead_months: 'settings.errors.planAhead' });
    assert.deepEqual(errors({ invite_days_before: '91' }), { invite_days_before: 'settings.errors.inviteDays' });
    assert.deepEqual(errors({ invite_days_before: '1e1' }), { invite_days_before: 'settings.errors.inviteDays' });
    assert.deepEqual(errors({ lock_days: '' }), { lock_days: 'settings.errors.lockDays' });
    assert.deepEqual(errors({ lock_days: '0002' }), { lock_days: 'settings.errors.lockDays' });
    assert.deepEqual(errors({ lock_days: 'x2' }), { lock_days: 'settings.errors.lockDays' });
    assert.deepEqual(errors({ cutoff_3: '14' }, [3]), { cutoff_3: 'settings.errors.timeFormat' });
  });
});

describe('a closed day', () => {
  const closed = (date: string, reason: string, last = '') => result(parseClosedDay(form({ date, reason, last_date: last }), '2026-11-24'));

  it('takes a day from today up to two years ahead, with a reason', () => {
    assert.deepEqual(closed(' 2026-11-24 ', ' Planeringsdag '), { value: { date: '2026-11-24', lastDate: '2026-11-24', reason: 'Planeringsdag' } });
    assert.deepEqual(closed('2028-11-24', 'x'.repeat(MAX_REASON)), { value: { date: '2028-11-24', lastDate: '2028-11-24', reason: 'x'.repeat(200) } });
  });

  it('says what is wrong with the day and the reason', () => {
    assert.deepEqual(closed('', ''), { errors: { date: 'settings.errors.dateMissing', reason: 'settings.errors.reasonMissing' } });
    assert.deepEqual(closed('24/11', 'x'), { errors: { date: 'settings.errors.dateFormat' } });
    assert.deepEqual(closed('2026-11-23', 'x'), { errors: { date: 'settings.errors.datePast' } });
    assert.deepEqual(closed('2028-11-25', 'x'), { errors: { date: 'settings.errors.dateTooFar' } });
    assert.deepEqual(closed('2026-12-01', 'x'.repeat(201)), { errors: { reason: 'settings.errors.reasonTooLong' } });
  });

  it('takes a range up to its last day, which must not come before the first nor be too far ahead', () => {
    assert.deepEqual(closed('2027-07-05', 'Sommarstängt', ' 2027-07-30 '), { value: { date: '2027-07-05', lastDate: '2027-07-30', reason: 'Sommarstängt' } });
    assert.deepEqual(closed('2027-07-05', 'x', '2027-07-04'), { errors: { last_date: 'settings.errors.lastBeforeFirst' } });
    assert.deepEqual(closed('2027-07-05', 'x', '5 aug'), { errors: { last_date: 'settings.errors.dateFormat' } });
    assert.deepEqual(closed('2028-11-20', 'x', '2028-11-25'), { errors: { last_date: 'settings.errors.dateTooFar' } });
  });
});

describe('the municipality’s terms', () => {
  it('keeps the text with Windows line ends made plain, and refuses an empty or too long text', () => {
    assert.deepEqual(result(parseTerms('  Villkor\r\nRad två\r\n ')), { value: 'Villkor\nRad två' });
    assert.deepEqual(result(parseTerms(' \r\n ')), { errors: { terms: 'settings.errors.termsMissing' } });
    assert.deepEqual(result(parseTerms('x'.repeat(MAX_TERMS))), { value: 'x'.repeat(20_000) });
    assert.deepEqual(result(parseTerms('x'.repeat(20_001))), { errors: { terms: 'settings.errors.termsTooLong' } });
  });
});

describe('how long an invitation key stays valid', () => {
  it('takes 1 to 60 days, and leaves it as it is when empty', () => {
    assert.deepEqual(result(parseInvitationDays(' ')), { value: undefined });
    assert.deepEqual(result(parseInvitationDays(' 1 ')), { value: 1 });
    assert.deepEqual(result(parseInvitationDays('60')), { value: 60 });
    for (const raw of ['0', '61', '100', '1.5', 'x1', '1x']) {
      assert.deepEqual(result(parseInvitationDays(raw)), { errors: { invitation_valid_days: 'settings.errors.invitationDays' } }, raw);
    }
  });
});
