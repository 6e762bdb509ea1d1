// The organisation's forms on their own: names of areas, units and groups, a unit's kind, area, address and contact
// details (all of them for a new unit, those on the form for an edit, the contact ones for the unit's head), the day a
// unit closes, the admin's municipality, and a list's search and page.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldErrors, Parsed } from '../../server/kernel/forms.ts';
import type { UnitFields } from '../../server/people/organisation.ts';
import {
  CONTACT_FIELDS, chosenMunicipality, parseClosingDay, parseListQuery, parseName, parseUnit, parseUnitContact, UNIT_KINDS,
} from '../../server/organisation/rules.ts';

const result = <T>(parsed: Parsed<T>): { value?: T; errors?: FieldErrors } => (parsed.ok ? { value: parsed.value } : { errors: parsed.errors });
const form = (fields: Record<string, string>) => (name: string) => fields[name] ?? '';

const UNIT = {
  name: ' Solrosens  förskola ', kind: 'preschool', area: '3', street_address: ' Storgatan  1 ', postal_code: '12345', city: ' Vardagby ',
  phone: ' 08-123 45 ', email: ' solrosen@vardagby.se ',
};
const SOLROSEN: UnitFields = {
  name: 'Solrosens förskola', kind: 'preschool', areaId: 3, streetAddress: 'Storgatan 1', postalCode: '123 45', city: 'Vardagby',
  phone: '08-123 45', email: 'solrosen@vardagby.se',
};
/** A new unit: every field read. */
const newUnit = (fields: Record<string, string>) => result(parseUnit(form(fields), () => false, true));
/** An edit of the fields the form has. */
const edit = (fields: Record<string, string>) => result(parseUnit(form(fields), (name) => name in fields, false));

describe('a name', () => {
  it('is trimmed, with inner runs of spaces made one', () => {
    assert.deepEqual(result(parseName('  Östra \t området ')), { value: 'Östra området' });
    assert.deepEqual(result(parseName('a'.repeat(100))), { value: 'a'.repeat(100) });
  });

  it('says at its field that it is missing or longer than 100 characters', () => {
    assert.deepEqual(result(parseName('   ')), { errors: { name: { key: 'organisation.errors.nameMissing' } } });
    assert.deepEqual(result(parseName('a'.repeat(101))), { errors: { name: { key: 'organisation.errors.nameTooLong', params: { max: 100 } } } });
    assert.deepEqual(result(parseName('', 'group_name')), { errors: { group_name: { key: 'organisation.errors.nameMissing' } } });
    assert.deepEqual(result(parseName('a'.repeat(101), 'group_name')).errors?.group_name?.key, 'organisation.errors.nameTooLong');
  });
});

describe('a list’s search and page', () => {
  it('searches the text trimmed, at most 100 characters, on the page asked for', () => {
    assert.deepEqual(parseListQuery({ q: '  Åsa ', page: '3' }), { q: 'Åsa', page: 3 });
    assert.deepEqual(parseListQuery({ q: ` ${'å'.repeat(120)}`, page: '100000' }), { q: 'å'.repeat(100), page: 100000 });
  });

  it('searches nothing on the first page when the query has neither, or something else', () => {
    assert.deepEqual(parseListQuery({}), { q: '', page: 1 });
    assert.deepEqual(parseListQuery({ q: ['a', 'b'], page: 2 }), { q: '', page: 1 });
    for (const page of ['0', '100001', 'x', '-2', '']) assert.deepEqual(parseListQuery({ page }), { q: '', page: 1 }, page);
  });
});

describe('the admin’s municipality', () => {
  it('is the only one they have when the form names none', () => {
    assert.deepEqual(result(chosenMunicipality('', new Set([4]))), { value: 4 });
  });

  it('is the one chosen, when it is one of theirs', () => {
    assert.deepEqual(result(chosenMunicipality('9', new Set([4, 9]))), { value: 9 });
    assert.deepEqual(result(chosenMunicipality('4', new Set([4]))), { value: 4 });
  });

  it('must be chosen when they have several, and be one of theirs', () => {
    const missing = { errors: { municipality: { key: 'organisation.errors.municipalityMissing' } } };
    assert.deepEqual(result(chosenMunicipality('', new Set([4, 9]))), missing);
    assert.deepEqual(result(chosenMunicipality('5', new Set([4]))), missing);
    assert.deepEqual(result(chosenMunicipality('x', new Set([4]))), missing);
    assert.deepEqual(result(chosenMunicipality('', new Set())), missing);
  });
});

describe('a new unit', () => {
  it('takes every field, trimmed, the postal code written NNN NN', () => {
    assert.deepEqual(UNIT_KINDS, ['preschool', 'school', 'fritids']);
    assert.deepEqual(newUnit(UNIT), { value: SOLROSEN });
    for (const kind of UNIT_KINDS) assert.equal(newUnit({ ...UNIT, kind }).value?.kind, kind);
    assert.equal(newUnit({ ...UNIT, postal_code: '123 45' }).value?.postalCode, '123 45');
    assert.equal(newUnit({ ...UNIT, postal_code: ' 123   45 ' }).value?.postalCode, '123 45');
  });

  it('leaves the area, address and contact details empty when they are', () => {
    assert.deepEqual(newUnit({ name: 'Solrosen', kind: 'school' }), {
      value: { name: 'Solrosen', kind: 'school', areaId: null, streetAddress: null, postalCode: null, city: null, phone: null, email: null },
    });
  });

  it('says at each field what is missing or wrong', () => {
    assert.deepEqual(newUnit({ ...UNIT, name: ' ', kind: 'dagis', area: 'Östra' }), {
      errors: { name: { key: 'organisation.errors.nameMissing' }, kind: { key: 'organisation.errors.kindMissing' }, area: { key: 'organisation.errors.noSuchArea' } },
    });
    assert.deepEqual(newUnit({ ...UNIT, kind: '' }), { errors: { kind: { key: 'organisation.errors.kindMissing' } } });
    assert.deepEqual(newUnit({ ...UNIT, area: '0' }), { errors: { area: { key: 'organisation.errors.noSuchArea' } } });
  });

  it('takes a postal code of five digits, a space after the third at most', () => {
    for (const bad of ['1234', '123456', '12 345', '123-45', 'abc 12', '123 456', 'x12345', '12345x']) {
      assert.deepEqual(newUnit({ ...UNIT, postal_code: bad }), { errors: { postal_code: { key: 'organisation.errors.postalCode' } } }, bad);
    }
  });

  it('takes a phone number of 6 to 20 digits, spaces, brackets and dashes (six digits at least), with a + first at most', () => {
    for (const good of ['123456', '+46 8 123 45', '08-123 456 78', '(08) 123 45', '1'.repeat(20)]) assert.equal(newUnit({ ...UNIT, phone: good }).value?.phone, good, good);
    for (const bad of ['12345', '1'.repeat(21), '- - - - - -', 'x08123456', '08123456x', '++4681234', '08+12345']) {
      assert.deepEqual(newUnit({ ...UNIT, phone: bad }), { errors: { phone: { key: 'organisation.errors.phone' } } }, bad);
    }
  });

  it('takes an e-mail address of up to 200 characters that looks like one', () => {
    const at200 = `${'a'.repeat(190)}@vardag.se`;
    assert.equal(at200.length, 200);
    assert.equal(newUnit({ ...UNIT, email: at200 }).value?.email, at200);
    for (const bad of [`a${at200}`, 'solrosen', 'a@b', '@vardag.se', 'a b@vardag.se', 'x a@vardag.se', 'a@vardag.se x', 'a@@vardag.se', 'a@vardag.', 'a@.se']) {
      assert.deepEqual(newUnit({ ...UNIT, email: bad }), { errors: { email: { key: 'organisation.errors.email' } } }, bad);
    }
  });

  it('takes a street address of 200 characters and a city of 100, and says which is longer', () => {
    const street = 'g'.repeat(200);
    const city = 'c'.repeat(100);
    assert.deepEqual(newUnit({ ...UNIT, street_address: street, city }).value?.streetAddress, street);
    assert.deepEqual(newUnit({ ...UNIT, street_address: `${street}g`, city: `${city}c` }), {
      errors: {
        street_address: { key: 'organisation.errors.tooLong', params: { max: 200 } }, city: { key: 'organisation.errors.tooLong', params: { max: 100 } },
      },
    });
  });
});

describe('an edit of a unit', () => {
  it('changes only the fields the form has', () => {
    assert.deepEqual(edit({ name: ' Solrosen ' }), { value: { name: 'Solrosen' } });
    assert.deepEqual(edit({ kind: 'fritids' }), { value: { kind: 'fritids' } });
    assert.deepEqual(edit({ area: '' }), { value: { areaId: null } });
    assert.deepEqual(edit({ area: '12' }), { value: { areaId: 12 } });
    assert.deepEqual(edit({ street_address: ' ', city: 'Vardagby' }), { value: { streetAddress: null, city: 'Vardagby' } });
    assert.deepEqual(edit({ postal_code: '' }), { value: { postalCode: null } });
    assert.deepEqual(edit({ phone: '', email: '' }), { value: { phone: null, email: null } });
    assert.deepEqual(edit({}), { value: {} });
  });

  it('says what is wrong with the fields it has, and nothing of those it lacks', () => {
    assert.deepEqual(edit({ name: '' }), { errors: { name: { key: 'organisation.errors.nameMissing' } } });
    assert.deepEqual(edit({ postal_code: '1' }), { errors: { postal_code: { key: 'organisation.errors.postalCode' } } });
    assert.deepEqual(edit({ phone: '1', email: 'x' }), {
      errors: { phone: { key: 'organisation.errors.phone' }, email: { key: 'organisation.errors.email' } },
    });
  });
});

describe('a unit’s address and contact details, as its head edits them', () => {
  it('reads the address and contact fields, every one, and never the name, kind or area', () => {
    assert.deepEqual([...CONTACT_FIELDS], ['street_address', 'postal_code', 'city', 'phone', 'email']);
    assert.deepEqual(result(parseUnitContact(form(UNIT))), {
      value: { streetAddress: 'Storgatan 1', postalCode: '123 45', city: 'Vardagby', phone: '08-123 45', email: 'solrosen@vardagby.se' },
    });
    assert.deepEqual(result(parseUnitContact(form({ name: '', kind: 'x', area: 'y' }))), {
      value: { streetAddress: null, postalCode: null, city: null, phone: null, email: null },
    });
  });

  it('says which of them is wrong', () => {
    assert.deepEqual(result(parseUnitContact(form({ ...UNIT, email: 'solrosen' }))), { errors: { email: { key: 'organisation.errors.email' } } });
  });
});

describe('the day a unit closes', () => {
  const TODAY = '2026-03-10';
  const close = (raw: string) => result(parseClosingDay(raw, TODAY));
  const range = { errors: { closed_on: { key: 'organisation.close.errors.outOfRange', dates: { from: '2025-03-10', to: '2036-03-10' } } } };

  it('is a date from a year back to ten years ahead', () => {
    assert.deepEqual(close(' 2026-08-01 '), { value: '2026-08-01' });
    assert.deepEqual(close('2025-03-10'), { value: '2025-03-10' });
    assert.deepEqual(close(TODAY), { value: TODAY });
    assert.deepEqual(close('2036-03-10'), { value: '2036-03-10' });
  });

  it('says that it is missing, no date, or too far back or ahead', () => {
    assert.deepEqual(close(' '), { errors: { closed_on: { key: 'organisation.close.errors.missing' } } });
    assert.deepEqual(close('1 augusti'), { errors: { closed_on: { key: 'organisation.close.errors.notADate' } } });
    assert.deepEqual(close('2026-02-30'), { errors: { closed_on: { key: 'organisation.close.errors.notADate' } } });
    assert.deepEqual(close('2025-03-09'), range);
    assert.deepEqual(close('2036-03-11'), range);
  });
});
