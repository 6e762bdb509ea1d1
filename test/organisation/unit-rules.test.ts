// The rules of a unit's head's contact form and of the day a unit closes, as pure functions (no app): what the head's
// form may change, and which days are accepted, to the day at each end of the range.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseClosingDay, parseUnitContact } from '../../server/organisation/rules.ts';

const TODAY = '2026-11-24';

describe('parseClosingDay', () => {
  it('takes a real day, trimmed, from a year back to ten years ahead', () => {
    assert.deepEqual(parseClosingDay(' 2027-07-01 ', TODAY), { ok: true, value: '2027-07-01' });
    assert.deepEqual(parseClosingDay('2025-11-24', TODAY), { ok: true, value: '2025-11-24' });
    assert.deepEqual(parseClosingDay('2036-11-24', TODAY), { ok: true, value: '2036-11-24' });
    assert.deepEqual(parseClosingDay(TODAY, TODAY), { ok: true, value: TODAY });
  });

  it('says what is wrong at the field: no day, not a day, or too far off (naming the range)', () => {
    assert.deepEqual(parseClosingDay('  ', TODAY), { ok: false, errors: { closed_on: { key: 'organisation.close.errors.missing' } } });
    assert.deepEqual(parseClosingDay('2027-02-30', TODAY), { ok: false, errors: { closed_on: { key: 'organisation.close.errors.notADate' } } });
    assert.deepEqual(parseClosingDay('1 juli', TODAY), { ok: false, errors: { closed_on: { key: 'organisation.close.errors.notADate' } } });
    const range = { key: 'organisation.close.errors.outOfRange', dates: { from: '2025-11-24', to: '2036-11-24' } };
    assert.deepEqual(parseClosingDay('2025-11-23', TODAY), { ok: false, errors: { closed_on: range } });
    assert.deepEqual(parseClosingDay('2036-11-25', TODAY), { ok: false, errors: { closed_on: range } });
  });
});

describe('parseUnitContact', () => {
  const form = (fields: Record<string, string>) => (name: string) => fields[name] ?? '';

  it('reads the address and contact details only, never the name, kind or area', () => {
    const parsed = parseUnitContact(form({ name: 'Kapad', kind: 'school', area: '7', street_address: ' Ängsvägen  4 ', postal_code: '12345',
      city: 'Demostad', phone: '08-123 456 78', email: 'enheten@kommun.se' }));
    assert.deepEqual(parsed, { ok: true, value: { streetAddress: 'Ängsvägen 4', postalCode: '123 45', city: 'Demostad', phone: '08-123 456 78',
      email: 'enheten@kommun.se' } });
  });

  it('clears a field left empty, and says at each field what is wrong', () => {
    assert.deepEqual(parseUnitContact(form({})), { ok: true, value: { streetAddress: null, postalCode: null, city: null, phone: null, email: null } });
    const wrong = parseUnitContact(form({ postal_code: '1234', phone: 'ring oss', email: 'nej' }));
    assert.equal(wrong.ok, false);
    assert.deepEqual(Object.keys(wrong.ok ? {} : wrong.errors).sort(), ['email', 'phone', 'postal_code']);
  });
});
