// The absence rules on their own: which days a report covers (today, the next open day, or from–to within how far
// ahead), part of a school day, the comment; until when a report can be cancelled; and what school staff may mark as
// unreported absence (today or up to a week back, part of the day not later than now).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cancellable, MAX_COMMENT, parseAbsence, parseUnreported, UNREPORTED_DAYS_BACK } from '../../server/absence/rules.ts';
import type { FieldErrors } from '../../server/kernel/forms.ts';

/** Tuesday 24 November 2026; the next open day is Wednesday; reports up to 24 February. */
const CONTEXT = { today: '2026-11-24', next: '2026-11-25' as string | undefined, lastDay: '2027-02-24', partOfDayAllowed: false };

const keys = (errors: FieldErrors) => Object.fromEntries(Object.entries(errors).map(([field, e]) => [field, e.key]));

function report(fields: Record<string, string>, context: Partial<typeof CONTEXT> = {}) {
  const parsed = parseAbsence((name) => fields[name] ?? '', { ...CONTEXT, ...context });
  return parsed.ok ? { value: parsed.value } : { errors: keys(parsed.errors) };
}

describe('reporting absence', () => {
  it('covers today, the next open day, or the days from–to (one day when "to" is empty)', () => {
    const day = (from: string, to = from) => ({ value: { from, to, starts: null, ends: null, comment: null } });
    assert.deepEqual(report({ when: 'today', from: '2026-12-01' }), day('2026-11-24'));
    assert.deepEqual(report({ when: 'next', from: '2026-12-01' }), day('2026-11-25'));
    assert.deepEqual(report({ when: 'range', from: ' 2026-12-01 ', to: ' 2026-12-03 ' }), day('2026-12-01', '2026-12-03'));
    assert.deepEqual(report({ when: 'range', from: '2026-12-01' }), day('2026-12-01'));
    assert.deepEqual(report({ from: '2026-11-24', to: '2027-02-24' }), day('2026-11-24', '2027-02-24'));
  });

  it('says at the field what is wrong with the days', () => {
    assert.deepEqual(report({ when: 'range' }), { errors: { from: 'absence.errors.fromMissing' } });
    assert.deepEqual(report({ when: 'range', from: '1/12' }), { errors: { from: 'absence.errors.dateFormat' } });
    assert.deepEqual(report({ when: 'range', from: '2026-11-23' }), { errors: { from: 'absence.errors.past' } });
    assert.deepEqual(report({ when: 'range', from: '2026-12-01', to: 'fredag' }), { errors: { to: 'absence.errors.dateFormat' } });
    assert.deepEqual(report({ when: 'range', from: '2026-12-02', to: '2026-12-01' }), { errors: { to: 'absence.errors.toBeforeFrom' } });
    assert.deepEqual(report({ when: 'range', from: '2026-11-23', to: 'x' }), { errors: { from: 'absence.errors.past' } });
    assert.deepEqual(report({ when: 'range', from: '2026-11-30', to: '2026-11-29' }, { today: '2026-11-30' }), { errors: { to: 'absence.errors.toBeforeFrom' } });
  });

  it('refuses days beyond how far ahead, at "to" for a range and at "from" for a single day', () => {
    assert.deepEqual(report({ when: 'range', from: '2027-02-20', to: '2027-02-25' }), { errors: { to: 'absence.errors.tooFar' } });
    assert.deepEqual(report({ from: '2027-02-25' }), { errors: { to: 'absence.errors.tooFar' } });
    assert.deepEqual(report({ when: 'today' }, { lastDay: '2026-11-23' }), { errors: { from: 'absence.errors.tooFar' } });
    assert.deepEqual(report({ when: 'next' }, { next: '2027-02-25' }), { errors: { from: 'absence.errors.tooFar' } });
    assert.deepEqual(report({ when: 'range', from: '2026-11-20', to: '2027-03-01' }), { errors: { from: 'absence.errors.past' } });
  });

  it('says so when there is no open day left to report', () => {
    assert.deepEqual(report({ when: 'next' }, { next: undefined }), { errors: { from: 'absence.errors.noOpenDay' } });
  });

  it('takes part of one school day, from a time to a later one, and ignores the times where part of a day is not offered', () => {
    const school = { partOfDayAllowed: true };
    const part = { when: 'today', part: 'yes', starts: ' 08:00 ', ends: '10:30 ', comment: '  Tandläkaren ' };
    assert.deepEqual(report(part, school), { value: { from: '2026-11-24', to: '2026-11-24', starts: '08:00', ends: '10:30', comment: 'Tandläkaren' } });
    assert.deepEqual(report(part), { value: { from: '2026-11-24', to: '2026-11-24', starts: null, ends: null, comment: 'Tandläkaren' } });
    assert.deepEqual(report({ ...part, part: 'no' }, school).value?.starts, null);
    assert.deepEqual(report({ ...part, starts: '8', ends: '25:00' }, school), { errors: { starts: 'absence.errors.timeFormat', ends: 'absence.errors.timeFormat' } });
    assert.deepEqual(report({ ...part, starts: '10:30' }, school), { errors: { ends: 'absence.errors.endsBeforeStarts' } });
    assert.deepEqual(report({ ...part, starts: '11:00' }, school), { errors: { ends: 'absence.errors.endsBeforeStarts' } });
    assert.deepEqual(report({ ...part, starts: 'x' }, school), { errors: { starts: 'absence.errors.timeFormat' } });
    assert.deepEqual(report({ ...part, when: 'range', from: '2026-12-01', to: '2026-12-02' }, school), { errors: { to: 'absence.errors.partOneDay' } });
  });

  it('keeps a comment of up to 300 characters', () => {
    assert.equal(report({ when: 'today', comment: 'x'.repeat(MAX_COMMENT) }).value?.comment, 'x'.repeat(300));
    assert.deepEqual(report({ when: 'today', comment: 'x'.repeat(301) }), { errors: { comment: 'absence.errors.commentTooLong' } });
  });
});

describe('cancelling a report', () => {
  it('is possible until the absence has started: a later day, or a part of today that begins later', () => {
    assert.equal(cancellable({ date: '2026-11-25', starts: null }, '2026-11-24', '10:00'), true);
    assert.equal(cancellable({ date: '2026-11-24', starts: null }, '2026-11-24', '10:00'), false);
    assert.equal(cancellable({ date: '2026-11-24', starts: '13:00' }, '2026-11-24', '10:00'), true);
    assert.equal(cancellable({ date: '2026-11-24', starts: '10:00' }, '2026-11-24', '10:00'), false);
    assert.equal(cancellable({ date: '2026-11-23', starts: '13:00' }, '2026-11-24', '10:00'), false);
  });
});

describe('marking an absence as unreported', () => {
  const mark = (fields: Record<string, string>) => {
    const parsed = parseUnreported((name) => fields[name] ?? '', { today: '2026-11-24', now: '10:00' });
    return parsed.ok ? { value: parsed.value } : { errors: keys(parsed.errors) };
  };

  it('marks today by default, or a day up to a week back, the whole day or from–to', () => {
    assert.equal(UNREPORTED_DAYS_BACK, 7);
    assert.deepEqual(mark({}), { value: { date: '2026-11-24', from: null, to: null } });
    assert.deepEqual(mark({ date: ' 2026-11-17 ' }), { value: { date: '2026-11-17', from: null, to: null } });
    assert.deepEqual(mark({ from: ' 08:00', to: '09:40 ' }), { value: { date: '2026-11-24', from: '08:00', to: '09:40' } });
    assert.deepEqual(mark({ date: '2026-11-23', from: '13:00', to: '15:00' }), { value: { date: '2026-11-23', from: '13:00', to: '15:00' } });
    assert.deepEqual(mark({ from: '10:00', to: '10:01' }).value?.from, '10:00');
  });

  it('refuses a day in the future, more than a week back, or no date', () => {
    assert.deepEqual(mark({ date: '2026-11-25' }), { errors: { date: 'unreportedAbsence.errors.future' } });
    assert.deepEqual(mark({ date: '2026-11-16' }), { errors: { date: 'unreportedAbsence.errors.tooOld' } });
    assert.deepEqual(mark({ date: '24/11' }), { errors: { date: 'unreportedAbsence.errors.dateFormat' } });
  });

  it('needs both times, in order, and today not starting later than now', () => {
    assert.deepEqual(mark({ to: '09:00' }), { errors: { from: 'unreportedAbsence.errors.fromMissing' } });
    assert.deepEqual(mark({ from: '08:00' }), { errors: { to: 'unreportedAbsence.errors.toMissing' } });
    assert.deepEqual(mark({ from: '8', to: '9.00' }), { errors: { from: 'unreportedAbsence.errors.timeFormat', to: 'unreportedAbsence.errors.timeFormat' } });
    assert.deepEqual(mark({ from: '09:00', to: '09:00' }), { errors: { to: 'unreportedAbsence.errors.toBeforeFrom' } });
    assert.deepEqual(mark({ from: '09:00', to: '08:00' }), { errors: { to: 'unreportedAbsence.errors.toBeforeFrom' } });
    assert.deepEqual(mark({ from: '10:01', to: '11:00' }), { errors: { from: 'unreportedAbsence.errors.notYet' } });
    assert.deepEqual(mark({ date: '2026-11-23', from: '10:01', to: '11:00' }).value?.from, '10:01');
    assert.deepEqual(mark({ from: 'x', to: '11:00' }), { errors: { from: 'unreportedAbsence.errors.timeFormat' } });
  });
});
