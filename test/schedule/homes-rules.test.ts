// The rules of two homes (server/schedule/homes-rules.ts): which days a pattern covers, and which new patterns are
// refused because they would share a day with the other household's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { covers, firstSharedDay, hasTwoHomes, ownerOn, parseEnd, parsePattern, type HomePattern } from '../../server/schedule/homes-rules.ts';

const anna: HomePattern = { id: 1, guardianId: 10, guardianName: 'Anna Lind', kind: 'alternate-weeks', weekdays: [], validFrom: '2026-12-02', validTo: null };
const erikWeekdays: HomePattern = { id: 2, guardianId: 11, guardianName: 'Erik Berg', kind: 'weekdays', weekdays: [4, 5], validFrom: '2026-12-01', validTo: '2026-12-31' };

describe('two homes: the rules', () => {
  it('covers every other week from the week of the first day, and only from that day on', () => {
    assert.equal(covers(anna, '2026-11-30'), false, 'the Monday of the first week is before the first day');
    assert.equal(covers(anna, '2026-12-02'), true);
    assert.equal(covers(anna, '2026-12-06'), true);
    assert.equal(covers(anna, '2026-12-07'), false, 'the next week is not hers');
    assert.equal(covers(anna, '2026-12-14'), true);
    assert.equal(covers(anna, '2027-01-11'), true, 'across the turn of the year');
    assert.equal(covers(erikWeekdays, '2026-12-03'), true, 'a Thursday');
    assert.equal(covers(erikWeekdays, '2026-12-07'), false, 'a Monday');
    assert.equal(covers(erikWeekdays, '2027-01-07'), false, 'after its last day');
    assert.equal(ownerOn([anna, erikWeekdays], '2026-12-10')?.guardianName, 'Erik Berg');
    assert.equal(ownerOn([anna], '2026-12-08'), undefined);
  });

  it('finds the first day two patterns share, or none', () => {
    assert.equal(firstSharedDay({ kind: 'weekdays', weekdays: [4, 5], validFrom: '2026-12-01' }, [anna])?.date, '2026-12-03');
    assert.equal(firstSharedDay({ kind: 'alternate-weeks', weekdays: [], validFrom: '2026-12-07' }, [anna]), undefined, 'the other weeks');
    assert.equal(firstSharedDay({ kind: 'alternate-weeks', weekdays: [], validFrom: '2026-12-14' }, [anna])?.date, '2026-12-14');
    assert.equal(firstSharedDay({ kind: 'weekdays', weekdays: [1], validFrom: '2027-01-01' }, [erikWeekdays]), undefined, 'after the other ended');
  });

  it('reads the form: a kind, a weekday for weekdays, a first day not past, no shared day', () => {
    const today = '2026-11-24';
    assert.deepEqual(parsePattern({ kind: 'x', weekdays: [], from: '2026-12-01' }, today, []).errors, { kind: { key: 'homes.errors.kind' } });
    assert.deepEqual(parsePattern({ kind: 'weekdays', weekdays: [], from: '2026-12-01' }, today, []).errors, { weekdays: { key: 'homes.errors.weekdays' } });
    assert.deepEqual(parsePattern({ kind: 'weekdays', weekdays: ['9'], from: '2026-12-01' }, today, []).errors, { weekdays: { key: 'homes.errors.weekdays' } });
    assert.deepEqual(parsePattern({ kind: 'alternate-weeks', weekdays: [], from: '2026-11-23' }, today, []).errors,
      { from: { key: 'homes.errors.past', dates: { date: today } } });
    assert.deepEqual(parsePattern({ kind: 'alternate-weeks', weekdays: [], from: '1/12' }, today, []).errors, { from: { key: 'schedule.errors.dateFormat' } });
    assert.deepEqual(parsePattern({ kind: 'weekdays', weekdays: ['5', '4'], from: '2026-12-01' }, today, [anna]).errors,
      { weekdays: { key: 'homes.errors.overlap', params: { name: 'Anna Lind' }, dates: { date: '2026-12-03' } } });
    assert.deepEqual(parsePattern({ kind: 'weekdays', weekdays: ['5', '4', '4'], from: '2026-12-07' }, today, [anna]).pattern,
      undefined, 'the week of 14 December is Anna’s');
    assert.deepEqual(parsePattern({ kind: 'alternate-weeks', weekdays: ['1'], from: '2026-12-07' }, today, [anna]).pattern,
      { kind: 'alternate-weeks', weekdays: [], validFrom: '2026-12-07' });
  });

  it('ends only a pattern that runs on the day, and counts only guardians in two households', () => {
    assert.deepEqual(parseEnd('2026-12-10', '2026-11-24', [anna]), { from: '2026-12-10', errors: {} });
    assert.deepEqual(parseEnd('2027-02-01', '2026-11-24', [erikWeekdays]).errors, { end_from: { key: 'homes.errors.nothingToEnd' } });
    assert.deepEqual(parseEnd('', '2026-11-24', [anna]).errors, { end_from: { key: 'homes.errors.fromMissing' } });
    assert.equal(hasTwoHomes([{ id: 1, name: 'A', otherHousehold: false }, { id: 2, name: 'B', otherHousehold: true }]), true);
    assert.equal(hasTwoHomes([{ id: 1, name: 'A', otherHousehold: false }, { id: 2, name: 'B', otherHousehold: false }]), false);
  });
});
