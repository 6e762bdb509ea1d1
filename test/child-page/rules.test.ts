// The child page's rules alone: what its forms accept (a presentation of at most 2000 characters at the version the
// page was read at, a greeting of 1 to 1000), and who writes in the guestbook as the group's staff.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseGreeting, parsePresentation, writesAsStaff } from '../../server/child-page/rules.ts';
import type { Actor } from '../../server/kernel/policy.ts';

const actor = (relations: Partial<Actor>): Actor => ({
  accountId: 1, personId: 1, authLevel: 'password', strongIn: new Set(), adminOf: new Set(), headOf: new Set(), staffUnits: new Set(),
  staffGroups: new Set(), guardianOf: new Map(), isStudent: false, ...relations,
});
const elsa = { id: 7, municipalityId: 1000, unitIds: [100], groupIds: [10], childIds: [7] };

describe('the presentation', () => {
  it('keeps the text with its line breaks as one kind, trimmed, and the version read', () => {
    assert.deepEqual(parsePresentation({ presentation: '  Hej!\r\nJag heter Elsa.\r\n ', version: '3' }),
      { ok: true, value: { presentation: 'Hej!\nJag heter Elsa.', version: 3 } });
    assert.deepEqual(parsePresentation({ presentation: '', version: '0' }), { ok: true, value: { presentation: '', version: 0 } });
  });

  it('refuses more than 2000 characters at the field', () => {
    assert.deepEqual(parsePresentation({ presentation: 'a'.repeat(2000), version: '1' }).ok, true);
    assert.deepEqual(parsePresentation({ presentation: 'a'.repeat(2001), version: '1' }),
      { ok: false, errors: { presentation: { key: 'childPage.errors.presentationTooLong', params: { max: 2000 } } } });
  });

  it('refuses a form without a version it can read (a stale or made-up form)', () => {
    for (const version of ['', '-1', '1.5', 'x', '01', '9999999999']) {
      assert.deepEqual(parsePresentation({ presentation: 'Hej', version }), { ok: false, errors: { form: { key: 'childPage.errors.stale' } } }, version);
    }
  });
});

describe('a greeting', () => {
  it('is some text of at most 1000 characters', () => {
    assert.deepEqual(parseGreeting(' Tack!\r\n'), { ok: true, value: 'Tack!' });
    assert.deepEqual(parseGreeting(' \n\t'), { ok: false, errors: { greeting: { key: 'childPage.errors.greetingMissing' } } });
    assert.equal(parseGreeting('a'.repeat(1000)).ok, true);
    assert.deepEqual(parseGreeting('a'.repeat(1001)), { ok: false, errors: { greeting: { key: 'childPage.errors.greetingTooLong', params: { max: 1000 } } } });
  });
});

describe('who writes as the staff', () => {
  it('is the group’s staff, the unit’s head and the admin, not the child’s guardian or the pupil, even one who works there', () => {
    assert.equal(writesAsStaff(actor({ staffGroups: new Set([10]) }), elsa), true);
    assert.equal(writesAsStaff(actor({ headOf: new Set([100]) }), elsa), true);
    assert.equal(writesAsStaff(actor({ adminOf: new Set([1000]) }), elsa), true);
    assert.equal(writesAsStaff(actor({ guardianOf: new Map([[7, { otherHousehold: true }]]) }), elsa), false);
    assert.equal(writesAsStaff(actor({ guardianOf: new Map([[7, { otherHousehold: false }]]), staffGroups: new Set([10]) }), elsa), false);
    assert.equal(writesAsStaff(actor({ personId: 7, isStudent: true }), elsa), false);
    assert.equal(writesAsStaff(actor({ staffGroups: new Set([11]), adminOf: new Set([2000]) }), elsa), false);
  });
});
