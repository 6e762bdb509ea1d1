// The staff forms' rules on their own: a personnummer or samordningsnummer as stored and as shown, where someone works,
// and an assignment's last day.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import { maskIdentity, parseAssignment, parseIdentity, parseLastDay } from '../../server/staff/rules.ts';

const form = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const UNITS = [{ id: 1, name: 'Solrosen', municipalityId: 1, groups: [{ id: 10, name: 'Blåbär' }] }, { id: 2, name: 'Vitsippan', municipalityId: 1, groups: [{ id: 20, name: 'Humlan' }] }];

describe('staff rules', () => {
  it('stores a personnummer in full (YYYYMMDD-NNNN) however it was typed, and a samordningsnummer as one', () => {
    assert.deepEqual(parseIdentity(' 198203151234 '), parseIdentity('19820315-1234'));
    const typed = identityNumber('1982-03-15', 123);
    assert.deepEqual(parseIdentity(typed), { ok: true, value: { number: typed, kind: 'personnummer' } });
    assert.deepEqual(parseIdentity(typed.slice(2)), { ok: true, value: { number: typed, kind: 'personnummer' } });
    const coordination = identityNumber('1982-03-15', 123, true);
    assert.deepEqual(parseIdentity(coordination), { ok: true, value: { number: coordination, kind: 'samordningsnummer' } });
    assert.deepEqual(parseIdentity(''), { ok: true, value: null });
    const wrong = `${typed.slice(0, -1)}${(Number(typed.slice(-1)) + 1) % 10}`;
    assert.deepEqual(parseIdentity(wrong), { ok: false, errors: { identity: { key: 'staff.errors.identity' } } });
  });

  it('shows a personnummer as ÅÅMMDD-XXXX', () => {
    assert.equal(maskIdentity('19820315-1234'), '820315-XXXX');
    assert.equal(maskIdentity(null), null);
  });

  it('takes a group only of the chosen unit, and a unit head only for the whole unit', () => {
    const today = '2026-11-24';
    assert.deepEqual(parseAssignment(form({ unit: '1', group: '10', role: 'staff' }), UNITS, today),
      { ok: true, value: { unitId: 1, groupId: 10, role: 'staff', startDate: today, endDate: null } });
    assert.deepEqual(parseAssignment(form({ unit: '1', group: '20', role: 'staff' }), UNITS, today), { ok: false, errors: { group: { key: 'staff.errors.group' } } });
    assert.deepEqual(parseAssignment(form({ unit: '3', group: '', role: 'staff' }), UNITS, today), { ok: false, errors: { unit: { key: 'staff.errors.unit' } } });
    assert.deepEqual(parseAssignment(form({ unit: '1', group: '10', role: 'unit_head' }), UNITS, today), { ok: false, errors: { group: { key: 'staff.errors.headOfGroup' } } });
    assert.deepEqual(parseAssignment(form({ unit: '1', group: '', role: 'admin' }), UNITS, today), { ok: false, errors: { role: { key: 'staff.errors.role' } } });
    assert.deepEqual(parseAssignment(form({ unit: '1', group: '', role: 'staff', startDate: '2026-12-01', endDate: '2026-11-30' }), UNITS, today),
      { ok: false, errors: { endDate: { key: 'staff.errors.endBeforeStart' } } });
    assert.deepEqual(parseAssignment(form({ unit: '1', group: '', role: 'staff', startDate: '2026-11-01', endDate: '2026-11-20' }), UNITS, today),
      { ok: false, errors: { endDate: { key: 'staff.errors.endPassed' } } });
  });

  it('ends an assignment now (its last day yesterday) or on a last day from today on', () => {
    const today = '2026-11-24';
    assert.deepEqual(parseLastDay(form({ now: 'yes', lastDay: 'nonsense' }), null, today, '2026-11-23'), { ok: true, value: '2026-11-23' });
    assert.deepEqual(parseLastDay(form({ lastDay: today }), null, today, '2026-11-23'), { ok: true, value: today });
    assert.deepEqual(parseLastDay(form({ lastDay: '2026-11-23' }), null, today, '2026-11-23'), { ok: false, errors: { lastDay: { key: 'staff.errors.endPassed' } } });
    assert.deepEqual(parseLastDay(form({ lastDay: '2026-12-01' }), '2026-12-05', today, '2026-11-23'),
      { ok: false, errors: { lastDay: { key: 'staff.errors.endBeforeStart' } } });
    assert.deepEqual(parseLastDay(form({ lastDay: '2026-02-30' }), null, today, '2026-11-23'), { ok: false, errors: { lastDay: { key: 'staff.errors.date' } } });
  });
});
