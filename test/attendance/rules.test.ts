// Checking in and out on its own: for five minutes a tap can be taken back, a child reported absent is checked in
// only when staff say yes, and a corrected arrival and departure are times in order and, on today, not ahead.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Parsed } from '../../server/kernel/forms.ts';
import { needsConfirmation, parseCorrectedTimes, UNDO_MINUTES, undoableEvent, undoCutoff, type CorrectedTimes } from '../../server/attendance/rules.ts';

const NOW = new Date('2026-03-10T13:00:00.000Z');
const FIVE_MINUTES_AGO = '2026-03-10T12:55:00.000Z';
const JUST_TOO_LATE = '2026-03-10T12:54:59.999Z';
const day = { arrivedAt: '07:40', leftAt: null, arrivalMarkedAt: null, departureMarkedAt: null };

describe('taking a tap back', () => {
  it('may be done for five minutes after the tap', () => {
    assert.equal(UNDO_MINUTES, 5);
    assert.equal(undoCutoff(NOW).toISOString(), FIVE_MINUTES_AGO);
    assert.equal(NOW.toISOString(), '2026-03-10T13:00:00.000Z', 'the clock given is not moved');
  });

  it('takes back the arrival while it is the last tap and five minutes old at most', () => {
    assert.equal(undoableEvent({ ...day, arrivalMarkedAt: '2026-03-10T12:59:00.000Z' }, NOW), 'arrive');
    assert.equal(undoableEvent({ ...day, arrivalMarkedAt: FIVE_MINUTES_AGO }, NOW), 'arrive');
    assert.equal(undoableEvent({ ...day, arrivalMarkedAt: JUST_TOO_LATE }, NOW), undefined);
    assert.equal(undoableEvent({ ...day, arrivalMarkedAt: null }, NOW), undefined);
  });

  it('takes back the departure once the child has left, never the arrival before it', () => {
    const left = { ...day, leftAt: '12:58', arrivalMarkedAt: '2026-03-10T12:58:00.000Z' };
    assert.equal(undoableEvent({ ...left, departureMarkedAt: '2026-03-10T12:59:00.000Z' }, NOW), 'leave');
    assert.equal(undoableEvent({ ...left, departureMarkedAt: FIVE_MINUTES_AGO }, NOW), 'leave');
    assert.equal(undoableEvent({ ...left, departureMarkedAt: JUST_TOO_LATE }, NOW), undefined);
    assert.equal(undoableEvent({ ...left, departureMarkedAt: null }, NOW), undefined);
  });

  it('takes back nothing of a child not checked in, or with no day at all', () => {
    assert.equal(undoableEvent({ ...day, arrivedAt: null, arrivalMarkedAt: '2026-03-10T12:59:00.000Z' }, NOW), undefined);
    assert.equal(undoableEvent(undefined, NOW), undefined);
  });
});

describe('a child reported absent', () => {
  it('is checked in only when staff have said yes', () => {
    const absence = { kind: 'full_day' };
    assert.equal(needsConfirmation(absence, ''), true);
    assert.equal(needsConfirmation(absence, 'no'), true);
    assert.equal(needsConfirmation(absence, 'yes'), false);
  });

  it('is not asked about when not reported absent', () => {
    assert.equal(needsConfirmation(undefined, ''), false);
    assert.equal(needsConfirmation(null, ''), false);
  });
});

describe('a corrected arrival and departure', () => {
  const earlier = { isToday: false, now: '09:00' };
  const today = { isToday: true, now: '14:00' };
  const result = (parsed: Parsed<CorrectedTimes>) => (parsed.ok ? { value: parsed.value } : { errors: parsed.errors });
  const correct = (arrived: string, left: string, context = earlier) => result(parseCorrectedTimes({ arrived, left }, context));

  it('takes two times in order, trimmed, or an arrival alone, or nothing (the child was not there)', () => {
    assert.deepEqual(correct(' 07:30 ', ' 16:15 '), { value: { arrivedAt: '07:30', leftAt: '16:15' } });
    assert.deepEqual(correct('07:30', '07:31'), { value: { arrivedAt: '07:30', leftAt: '07:31' } });
    assert.deepEqual(correct('07:30', ''), { value: { arrivedAt: '07:30', leftAt: null } });
    assert.deepEqual(correct(' ', ' '), { value: { arrivedAt: null, leftAt: null } });
  });

  it('says which time is badly written', () => {
    const format = { key: 'today.errors.timeFormat' };
    assert.deepEqual(correct('7.30', ''), { errors: { arrived: format } });
    assert.deepEqual(correct('07:30', '24:00'), { errors: { left: format } });
    assert.deepEqual(correct('7', '4'), { errors: { arrived: format, left: format } });
  });

  it('asks for an arrival before a departure, and a departure after it', () => {
    assert.deepEqual(correct('', '16:00'), { errors: { left: { key: 'today.errors.leftWithoutArrival' } } });
    const before = { key: 'today.errors.leftBeforeArrival', params: { arrived: '08:00' } };
    assert.deepEqual(correct('08:00', '08:00'), { errors: { left: before } });
    assert.deepEqual(correct('08:00', '07:59'), { errors: { left: before } });
  });

  it('does not compare a departure with an arrival that is already wrong', () => {
    assert.deepEqual(correct('8.00', '10:00'), { errors: { arrived: { key: 'today.errors.timeFormat' } } });
    assert.deepEqual(correct('15:00', '13:30', today), { errors: { arrived: { key: 'today.errors.future', params: { now: '14:00' } } } });
  });

  it('on today, refuses a time after now, and takes now itself', () => {
    const future = { key: 'today.errors.future', params: { now: '14:00' } };
    assert.deepEqual(correct('14:01', '', today), { errors: { arrived: future } });
    assert.deepEqual(correct('08:00', '14:01', today), { errors: { left: future } });
    assert.deepEqual(correct('14:00', '', today), { value: { arrivedAt: '14:00', leftAt: null } });
    assert.deepEqual(correct('08:00', '14:00', today), { value: { arrivedAt: '08:00', leftAt: '14:00' } });
    assert.deepEqual(correct('', '', today), { value: { arrivedAt: null, leftAt: null } });
  });

  it('on an earlier day, takes times after the clock’s time of day', () => {
    assert.deepEqual(correct('10:00', '17:00'), { value: { arrivedAt: '10:00', leftAt: '17:00' } });
  });
});
