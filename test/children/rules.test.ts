// The children admin's forms on their own: a personnummer or samordningsnummer as typed, a child to add or correct, a
// placement to start, end or move, a guardian to link, a linked guardian's details, and the reason a guardianship ends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldErrors, Parsed } from '../../server/kernel/forms.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import {
  GUARDIANSHIP_END_REASONS, guardianAddressHidden, maskedIdentity, parseCorrection, parseEnd, parseGuardian, parseGuardianDetails, parseGuardianshipEnd, parseIdentity,
  parseMove, parseNewChild, parseNewPlacement,
} from '../../server/children/rules.ts';

const result = <T>(parsed: Parsed<T>): { value?: T; errors?: FieldErrors } => (parsed.ok ? { value: parsed.value } : { errors: parsed.errors });
const form = (fields: Record<string, string>) => (name: string) => fields[name] ?? '';
const keys = (parsed: Parsed<unknown>) => (parsed.ok ? {} : Object.fromEntries(Object.entries(parsed.errors).map(([f, e]) => [f, e.key])));

const ALVA = identityNumber('2021-05-14', 123); // 20210514-NNNN
const SAMORDNING = identityNumber('2021-05-03', 456, true); // day 63
const GUARDIAN = identityNumber('1988-11-02', 789);
const alva = { number: ALVA, kind: 'personnummer', birthDate: '2021-05-14' } as const;
const GROUPS = [11, 12];

describe('a personnummer or samordningsnummer as typed', () => {
  it('is read from twelve or ten digits, with or without a dash, spaces left out, and stored as YYYYMMDD-NNNN', () => {
    assert.deepEqual(parseIdentity(ALVA), alva);
    assert.deepEqual(parseIdentity(ALVA.replace('-', '')), alva);
    assert.deepEqual(parseIdentity(` ${ALVA.slice(2)} `), alva);
    assert.deepEqual(parseIdentity(ALVA.slice(2).replace('-', '')), alva);
    assert.deepEqual(parseIdentity(`${ALVA.slice(0, 4)} ${ALVA.slice(4, 8)} ${ALVA.slice(9)}`), alva);
  });

  it('reads a + as born a hundred years before', () => {
    const old = identityNumber('1921-05-14', 123);
    assert.deepEqual(parseIdentity(old.slice(2).replace('-', '+')), { number: old, kind: 'personnummer', birthDate: '1921-05-14' });
  });

  it('reads a samordningsnummer’s day less sixty as the birth date', () => {
    assert.deepEqual(parseIdentity(SAMORDNING), { number: SAMORDNING, kind: 'samordningsnummer', birthDate: '2021-05-03' });
    const late = identityNumber('2021-05-28', 456, true);
    assert.deepEqual(parseIdentity(late), { number: late, kind: 'samordningsnummer', birthDate: '2021-05-28' });
  });

  it('refuses a number with a wrong check digit, date or length, or anything around it', () => {
    const wrong = `${ALVA.slice(0, 12)}${(Number(ALVA[12]) + 1) % 10}`;
    for (const bad of [wrong, '20211314-1234', ALVA.slice(1), `${ALVA}0`, `x${ALVA}`, `${ALVA}x`, ALVA.replace('-', '--'), ALVA.replace('-', '/'), '', 'Alva']) {
      assert.equal(parseIdentity(bad), undefined, bad);
    }
  });
});

describe('a personnummer on the pages', () => {
  it('shows only its date part', () => {
    assert.equal(maskedIdentity('20210514-1234'), '210514-XXXX');
    assert.equal(maskedIdentity(null), null);
    assert.equal(maskedIdentity(''), null);
    assert.equal(maskedIdentity('210514-1234'), null);
  });
});

describe('a new child', () => {
  const CHILD = { first_name: ' Alva ', last_name: ' Berg  Lund ', identity_number: ALVA, group: '12', start_date: ' 2026-08-01 ' };

  it('takes the names, the personnummer (its birth date the child’s) and a first placement in one of the groups', () => {
    assert.deepEqual(result(parseNewChild(form({ ...CHILD, birth_date: '2020-01-01' }), GROUPS)), {
      value: {
        firstName: 'Alva', lastName: 'Berg Lund', identity: alva, birthDate: '2021-05-14', protectedIdentity: false, address: null,
        placement: { groupId: 12, startDate: '2026-08-01', endDate: null, hourLimit: 'none' },
      },
    });
  });

  it('takes a birth date instead of a personnummer, protected identity, an address and a placement with an end and hour limit', () => {
    const child = result(parseNewChild(form({
      ...CHILD, identity_number: ' ', birth_date: ' 2021-06-01 ', protected_identity: 'yes', street_address: ' Storgatan  1 ', postal_code: ' 123 45 ',
      city: ' Vardagby ', end_date: '2027-06-30', hour_limit: '15h_week',
    }), GROUPS));
    assert.deepEqual(child, {
      value: {
        firstName: 'Alva', lastName: 'Berg Lund', identity: null, birthDate: '2021-06-01', protectedIdentity: true,
        address: { street: 'Storgatan 1', postalCode: '123 45', city: 'Vardagby' },
        placement: { groupId: 12, startDate: '2026-08-01', endDate: '2027-06-30', hourLimit: '15h_week' },
      },
    });
    assert.equal(result(parseNewChild(form({ ...CHILD, hour_limit: '525h_year' }), GROUPS)).value?.placement.hourLimit, '525h_year');
    assert.equal(result(parseNewChild(form({ ...CHILD, protected_identity: 'on' }), GROUPS)).value?.protectedIdentity, false);
  });

  it('cuts each part of the address at 200 characters', () => {
    const long = result(parseNewChild(form({ ...CHILD, street_address: 's'.repeat(250), postal_code: 'p'.repeat(201), city: 'c'.repeat(201) }), GROUPS));
    assert.deepEqual(long.value?.address, { street: 's'.repeat(200), postalCode: 'p'.repeat(200), city: 'c'.repeat(200) });
  });

  it('says at each field what is missing', () => {
    assert.deepEqual(keys(parseNewChild(form({}), GROUPS)), {
      first_name: 'childAdmin.errors.nameMissing', last_name: 'childAdmin.errors.nameMissing', birth_date: 'childAdmin.errors.dateMissing',
      group: 'childAdmin.errors.groupMissing', start_date: 'childAdmin.errors.dateMissing',
    });
  });

  it('says which name is longer than 100 characters', () => {
    assert.deepEqual(result(parseNewChild(form({ ...CHILD, first_name: 'a'.repeat(101), last_name: ` ${'b'.repeat(100)} ` }), GROUPS)), {
      errors: { first_name: { key: 'childAdmin.errors.nameTooLong', params: { max: 100 } } },
    });
  });

  it('says that a personnummer is not valid, and then asks for no birth date', () => {
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, identity_number: '20210514-0000' }), GROUPS)), { identity_number: 'childAdmin.errors.identityInvalid' });
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, identity_number: '20210514-0000', birth_date: '14/5' }), GROUPS)), {
      identity_number: 'childAdmin.errors.identityInvalid', birth_date: 'childAdmin.errors.dateFormat',
    });
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, identity_number: '', birth_date: '2021-02-30' }), GROUPS)), { birth_date: 'childAdmin.errors.dateFormat' });
  });

  it('says at the first missing part that an address is incomplete', () => {
    const incomplete = 'childAdmin.errors.addressIncomplete';
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, city: 'Vardagby' }), GROUPS)), { street_address: incomplete });
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, postal_code: '123 45', city: 'Vardagby' }), GROUPS)), { street_address: incomplete });
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, street_address: 'Storgatan 1' }), GROUPS)), { postal_code: incomplete });
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, street_address: 'Storgatan 1', city: 'Vardagby' }), GROUPS)), { postal_code: incomplete });
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, street_address: 'Storgatan 1', postal_code: '123 45' }), GROUPS)), { city: incomplete });
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, street_address: ' ', postal_code: ' ', city: ' ' }), GROUPS)), {});
  });

  it('says that the group is not one of the unit’s, the dates are no dates or out of order, or the hour limit unknown', () => {
    for (const group of ['13', '0', 'x', '']) assert.deepEqual(keys(parseNewChild(form({ ...CHILD, group }), GROUPS)), { group: 'childAdmin.errors.groupMissing' }, group);
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, start_date: '1 aug', end_date: '2026-13-01' }), GROUPS)), {
      start_date: 'childAdmin.errors.dateFormat', end_date: 'childAdmin.errors.dateFormat',
    });
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, end_date: '2026-07-31' }), GROUPS)), { end_date: 'childAdmin.errors.endBeforeStart' });
    assert.equal(result(parseNewChild(form({ ...CHILD, end_date: '2026-08-01' }), GROUPS)).value?.placement.endDate, '2026-08-01');
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, start_date: '', end_date: '2026-07-31' }), GROUPS)), { start_date: 'childAdmin.errors.dateMissing' });
    assert.deepEqual(keys(parseNewChild(form({ ...CHILD, hour_limit: '30h_week' }), GROUPS)), { hour_limit: 'childAdmin.errors.hourLimit' });
  });
});

describe('a correction of a child’s details', () => {
  it('reads the details alone, no placement', () => {
    assert.deepEqual(result(parseCorrection(form({ first_name: 'Alva', last_name: 'Berg', identity_number: SAMORDNING }))), {
      value: {
        firstName: 'Alva', lastName: 'Berg', identity: { number: SAMORDNING, kind: 'samordningsnummer', birthDate: '2021-05-03' },
        birthDate: '2021-05-03', protectedIdentity: false, address: null,
      },
    });
    assert.deepEqual(keys(parseCorrection(form({ first_name: 'Alva' }))), { last_name: 'childAdmin.errors.nameMissing', birth_date: 'childAdmin.errors.dateMissing' });
  });
});

describe('a placement started, ended or moved', () => {
  it('starts in one of the groups on a day, perhaps with an end', () => {
    assert.deepEqual(result(parseNewPlacement(form({ group: '11', start_date: '2026-08-01' }), GROUPS)), {
      value: { groupId: 11, startDate: '2026-08-01', endDate: null, hourLimit: 'none' },
    });
    assert.deepEqual(keys(parseNewPlacement(form({ group: '11' }), GROUPS)), { start_date: 'childAdmin.errors.dateMissing' });
  });

  it('ends on a day that must be given as a date', () => {
    assert.deepEqual(result(parseEnd(form({ end_date: ' 2026-12-31 ' }))), { value: '2026-12-31' });
    assert.deepEqual(result(parseEnd(form({}))), { errors: { end_date: { key: 'childAdmin.errors.dateMissing' } } });
    assert.deepEqual(result(parseEnd(form({ end_date: '31/12' }))), { errors: { end_date: { key: 'childAdmin.errors.dateFormat' } } });
  });

  it('moves to one of the groups on a day', () => {
    assert.deepEqual(result(parseMove(form({ group: '12', move_date: ' 2026-09-01 ' }), GROUPS)), { value: { groupId: 12, date: '2026-09-01' } });
    assert.deepEqual(keys(parseMove(form({ group: '13', move_date: '2026-09-01' }), GROUPS)), { group: 'childAdmin.errors.groupMissing' });
    assert.deepEqual(keys(parseMove(form({ group: '12' }), GROUPS)), { move_date: 'childAdmin.errors.dateMissing' });
    assert.deepEqual(keys(parseMove(form({ group: '12', move_date: 'i höst' }), GROUPS)), { move_date: 'childAdmin.errors.dateFormat' });
  });
});

describe('a guardian to link', () => {
  const LINK = { guardian_identity_number: ` ${GUARDIAN} `, guardian_first_name: ' Maja ', guardian_last_name: ' Berg ' };

  it('takes the personnummer, names, contact details (all but the number optional) and the household', () => {
    assert.deepEqual(result(parseGuardian(form({ ...LINK, guardian_email: ' maja@example.se ', guardian_phone: ' 070-123 45 67 ', other_household: 'yes' }))), {
      value: {
        identity: { number: GUARDIAN, kind: 'personnummer', birthDate: '1988-11-02' }, firstName: 'Maja', lastName: 'Berg', email: 'maja@example.se',
        phone: '070-123 45 67', otherHousehold: true,
      },
    });
    assert.deepEqual(result(parseGuardian(form({ guardian_identity_number: GUARDIAN }))), {
      value: { identity: { number: GUARDIAN, kind: 'personnummer', birthDate: '1988-11-02' }, firstName: '', lastName: '', email: null, phone: null, otherHousehold: false },
    });
  });

  it('says that the personnummer is missing or not valid', () => {
    assert.deepEqual(result(parseGuardian(form({ ...LINK, guardian_identity_number: ' ' }))), {
      errors: { guardian_identity_number: { key: 'childAdmin.errors.identityMissing' } },
    });
    assert.deepEqual(result(parseGuardian(form({ ...LINK, guardian_identity_number: '19881102-0000' }))), {
      errors: { guardian_identity_number: { key: 'childAdmin.errors.identityInvalid' } },
    });
  });

  it('says which name is too long and which contact detail does not look like one', () => {
    assert.deepEqual(keys(parseGuardian(form({ ...LINK, guardian_last_name: 'b'.repeat(101), guardian_email: 'maja', guardian_phone: '12345' }))), {
      guardian_last_name: 'childAdmin.errors.nameTooLong', guardian_email: 'childAdmin.errors.email', guardian_phone: 'childAdmin.errors.phone',
    });
  });
});

describe('a linked guardian’s details', () => {
  const shown = (fields: Record<string, string>) => result(parseGuardianDetails(form(fields), { addressShown: true }));
  const hidden = (fields: Record<string, string>) => result(parseGuardianDetails(form(fields), { addressShown: false }));
  const ADDRESS = { street_address: ' Storgatan 1 ', postal_code: '123 45', city: 'Vardagby' };

  it('takes contact details, household, protected identity and the address when the form shows it', () => {
    assert.deepEqual(shown({ ...ADDRESS, email: ' maja@example.se ', phone: '+46 (70) 123-45', other_household: 'yes', protected_identity: 'yes' }), {
      value: {
        email: 'maja@example.se', phone: '+46 (70) 123-45', otherHousehold: true, protectedIdentity: true,
        address: { street: 'Storgatan 1', postalCode: '123 45', city: 'Vardagby' },
      },
    });
    assert.deepEqual(shown({}), { value: { email: null, phone: null, otherHousehold: false, protectedIdentity: false, address: null } });
  });

  it('leaves the address as it is when the form does not show it (protected identity)', () => {
    assert.deepEqual(hidden({ ...ADDRESS, city: '' }), { value: { email: null, phone: null, otherHousehold: false, protectedIdentity: false } });
    assert.equal('address' in (hidden({}).value ?? {}), false);
  });

  it('says which detail is wrong', () => {
    assert.deepEqual(keys(parseGuardianDetails(form({ ...ADDRESS, city: ' ', email: 'a@b' }), { addressShown: true })), {
      email: 'childAdmin.errors.email', city: 'childAdmin.errors.addressIncomplete',
    });
  });

  it('takes an e-mail address of up to 254 characters that looks like one', () => {
    const at254 = `${'a'.repeat(243)}@example.se`;
    assert.equal(at254.length, 254);
    assert.equal(shown({ email: at254 }).value?.email, at254);
    for (const bad of [`a${at254}`, 'maja', 'a@b', '@example.se', 'a b@example.se', 'x a@example.se', 'a@example.se x', 'a@@example.se', 'a@.se']) {
      assert.deepEqual(keys(parseGuardianDetails(form({ email: bad }), { addressShown: false })), { email: 'childAdmin.errors.email' }, bad);
    }
  });

  it('takes a phone number of 6 to 20 digits, spaces, brackets and dashes, with a + first at most', () => {
    for (const good of ['123456', '+46 (70) 123-45', '1'.repeat(20)]) assert.equal(shown({ phone: good }).value?.phone, good, good);
    for (const bad of ['12345', '1'.repeat(21), 'x0701234567', '0701234567x', '++46701234', '070+123456', '070.123.45']) {
      assert.deepEqual(keys(parseGuardianDetails(form({ phone: bad }), { addressShown: false })), { phone: 'childAdmin.errors.phone' }, bad);
    }
  });
});

describe('the end of a guardianship', () => {
  it('names one of the reasons, and whether the person knows the child is left without a guardian', () => {
    assert.deepEqual([...GUARDIANSHIP_END_REASONS], ['custody-changed', 'child-of-age', 'deceased', 'registered-in-error', 'other']);
    for (const reason of GUARDIANSHIP_END_REASONS) {
      assert.deepEqual(result(parseGuardianshipEnd(form({ reason }))), { value: { reason, confirmedLast: false } });
    }
    assert.deepEqual(result(parseGuardianshipEnd(form({ reason: 'deceased', confirm_last: 'yes' }))), { value: { reason: 'deceased', confirmedLast: true } });
  });

  it('asks for a reason of the list', () => {
    for (const reason of ['', 'bored', ' other']) {
      assert.deepEqual(result(parseGuardianshipEnd(form({ reason, confirm_last: 'yes' }))), { errors: { reason: { key: 'childAdmin.errors.endReason' } } }, reason);
    }
  });
});

describe('a guardian’s address on the admin pages', () => {
  const hidden = (protectedIdentity: boolean, childProtectedIdentity: boolean, otherHousehold: boolean) =>
    guardianAddressHidden({ protectedIdentity, childProtectedIdentity, otherHousehold });

  it('stays hidden when the guardian has protected identity', () => {
    assert.equal(hidden(true, false, false), true);
    assert.equal(hidden(true, false, true), true);
  });

  it('stays hidden when the child has protected identity and the guardian lives with the child', () => {
    assert.equal(hidden(false, true, false), true);
    assert.equal(hidden(false, true, true), false);
  });

  it('is shown otherwise', () => {
    assert.equal(hidden(false, false, false), false);
    assert.equal(hidden(false, false, true), false);
  });
});
