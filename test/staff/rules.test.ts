// The staff forms' rules on their own: a personnummer or samordningsnummer as stored and as shown, where someone works,
// an assignment's last day, a staff member's changed details, and who sees a protected identity's contact details.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import { addressVisible, birthDateOf, contactVisible, maskIdentity, parseAssignment, parseIdentity, parseLastDay, parseStaffDetails } from '../../server/staff/rules.ts';

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

  it('takes a changed name, e-mail and phone, trimmed; an empty address or number is none; each wrong one at its field', () => {
    assert.deepEqual(parseStaffDetails(form({ firstName: ' Åsa ', lastName: 'Öberg', email: ' asa@example.com ', phone: ' 070-123  45 67 ' })),
      { ok: true, value: { firstName: 'Åsa', lastName: 'Öberg', email: 'asa@example.com', phone: '070-123 45 67' } });
    assert.deepEqual(parseStaffDetails(form({ firstName: 'Åsa', lastName: 'Öberg', email: '', phone: '' })),
      { ok: true, value: { firstName: 'Åsa', lastName: 'Öberg', email: null, phone: null } });
    assert.deepEqual(parseStaffDetails(form({ firstName: 'Åsa', lastName: 'Öberg', phone: '+46 (0)70-123' })),
      { ok: true, value: { firstName: 'Åsa', lastName: 'Öberg', email: null, phone: '+46 (0)70-123' } });
    assert.deepEqual(parseStaffDetails(form({ firstName: '', lastName: 'x'.repeat(101), email: 'asa@', phone: '12345' })), { ok: false, errors: {
      firstName: { key: 'staff.errors.firstName' }, lastName: { key: 'staff.errors.tooLong' }, email: { key: 'staff.errors.email' }, phone: { key: 'staff.errors.phone' },
    } });
    assert.deepEqual(parseStaffDetails(form({ firstName: 'Åsa', lastName: `Öberg ${identityNumber('1982-03-15', 123)}`, phone: 'ring 070' })), { ok: false, errors: {
      lastName: { key: 'staff.errors.nameIdentity' }, phone: { key: 'staff.errors.phone' },
    } });
    assert.equal(parseStaffDetails(form({ firstName: 'Åsa', lastName: 'Öberg', phone: '1'.repeat(21) })).ok, false, 'at most 20 characters');
  });

  it('reads the birth date in a personnummer, and in a samordningsnummer (the day less 60)', () => {
    assert.equal(birthDateOf(identityNumber('1982-03-15', 123)), '1982-03-15');
    assert.equal(birthDateOf(identityNumber('2001-12-01', 7, true)), '2001-12-01');
    assert.equal(birthDateOf(identityNumber('2001-12-31', 7, true)), '2001-12-31');
  });

  it('shows a protected identity’s contact details to the admin of their municipality alone, and a home address to the admin only, never a protected one’s', () => {
    assert.equal(contactVisible(new Set(), { municipalityId: 1, protectedIdentity: false }), true);
    assert.equal(contactVisible(new Set(), { municipalityId: 1, protectedIdentity: true }), false);
    assert.equal(contactVisible(new Set([2]), { municipalityId: 1, protectedIdentity: true }), false, 'another municipality’s admin');
    assert.equal(contactVisible(new Set([1]), { municipalityId: 1, protectedIdentity: true }), true);
    assert.equal(addressVisible(new Set([1]), { municipalityId: 1, protectedIdentity: false }), true, 'the home address: the admin');
    assert.equal(addressVisible(new Set([2]), { municipalityId: 1, protectedIdentity: false }), false);
    assert.equal(addressVisible(new Set(), { municipalityId: 1, protectedIdentity: false }), false, 'not the head');
    assert.equal(addressVisible(new Set([1]), { municipalityId: 1, protectedIdentity: true }), false, 'a protected one’s: nobody');
  });
});
