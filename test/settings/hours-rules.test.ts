// Which new opening hours cut into care times: a weekday that opens later, closes earlier or no longer opens, and care
// that starts before the opening or ends after the closing (or falls on a weekday the unit no longer opens).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cutWeekdays, outsideHours, type Hours } from '../../server/settings/rules.ts';
import { hoursRuns } from '../../server/settings/pages.ts';

const week = (changes: Record<number, Hours> = {}): Record<number, Hours> =>
  Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, d in changes ? changes[d] : d <= 5 ? { opens: '06:30', closes: '18:00' } : null]));

describe('opening hours that cut into care times', () => {
  it('cut a weekday that opens later, closes earlier or closes for good; not one that opens earlier, stays or newly opens', () => {
    const after = week({ 1: { opens: '06:45', closes: '18:00' }, 2: { opens: '06:30', closes: '17:59' }, 3: null, 4: { opens: '06:00', closes: '18:30' }, 6: { opens: '08:00', closes: '12:00' } });
    assert.deepEqual([...cutWeekdays(week(), after)].sort(), [1, 2, 3]);
    assert.deepEqual([...cutWeekdays(week(), week())], []);
  });

  it('finds care outside the hours at either end, or on a day the unit does not open', () => {
    const hours = { opens: '07:00', closes: '17:00' };
    assert.equal(outsideHours({ starts: '06:59', ends: '12:00' }, hours), true);
    assert.equal(outsideHours({ starts: '08:00', ends: '17:01' }, hours), true);
    assert.equal(outsideHours({ starts: '07:00', ends: '17:00' }, hours), false);
    assert.equal(outsideHours({ starts: '08:00', ends: null }, hours), false);
    assert.equal(outsideHours({ starts: '08:00', ends: '15:00' }, null), true);
  });

  it('sums up the week in runs of weekdays with the same hours', () => {
    assert.deepEqual(hoursRuns(week({ 3: { opens: '07:00', closes: '18:00' } })).map((r) => [r.from, r.to, r.hours && `${r.hours.opens}–${r.hours.closes}`]),
      [[1, 2, '06:30–18:00'], [3, 3, '07:00–18:00'], [4, 5, '06:30–18:00'], [6, 7, null]]);
  });
});
