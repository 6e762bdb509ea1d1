// The one phone-number check of every contact form (a unit's, a guardian's, a staff member's, the accessibility
// statement's): the numbers people write pass, a field of only dashes or brackets does not (each form had its own
// pattern, and three let "-----" through as a phone number).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikePhoneNumber } from '../../server/kernel/forms.ts';
import { parseAccessibility } from '../../server/about/rules.ts';
import { parseGuardianDetails } from '../../server/children/rules.ts';
import { parseUnitContact } from '../../server/organisation/rules.ts';
import { parseStaffDetails } from '../../server/staff/rules.ts';

describe('a phone number on a contact form', () => {
  it('is digits with the spaces, dashes and brackets people write, at least six digits', () => {
    for (const number of ['031-390 06 10', '070-123 45 67', '+46701234567', '+46 (0)70 123 45 67', '08-123456', '123456']) {
      assert.equal(looksLikePhoneNumber(number), true, number);
    }
    for (const text of ['-----', '- - - - -', '()()()', '++46701234567', '12345', '070 12a 45 67', '0'.repeat(21), '', '+', '070–123 45 67']) {
      assert.equal(looksLikePhoneNumber(text), false, text);
    }
  });

  it('is checked alike by every contact form', () => {
    const form = (values: Record<string, string>) => (name: string) => values[name] ?? '';
    assert.equal(parseUnitContact(form({ phone: '- - - - -' })).ok, false, "a unit's");
    assert.equal(parseGuardianDetails(form({ phone: '()()()' }), { addressShown: true }).ok, false, "a guardian's");
    assert.deepEqual(parseStaffDetails(form({ firstName: 'Ida', lastName: 'Ek', phone: '------' })), { ok: false, errors: { phone: { key: 'staff.errors.phone' } } });
    const statement = parseAccessibility(form({ feedback_phone: '- - - - - -' }), '2026-12-05');
    assert.equal(!statement.ok && statement.errors.feedback_phone?.key, 'about.errors.phone', "the accessibility statement's");
    assert.equal(parseUnitContact(form({ phone: '031-390 06 10' })).ok, true);
  });
});
