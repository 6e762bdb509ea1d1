// What the organisation's forms accept: names of areas, units and groups, a unit's kind, area, address and contact
// details, and the search and page of a list. Each rule broken is a catalogue key at its field.
import type { UnitKind } from '../../db/schema.ts';
import { addMonths, isDate } from '../kernel/dates.ts';
import { hasErrors, looksLikePhoneNumber, type FieldErrors, type Parsed } from '../kernel/forms.ts';
import { parseId } from '../kernel/http.ts';
import type { ListQuery, UnitFields } from '../people/organisation.ts';

export const UNIT_KINDS: readonly UnitKind[] = ['preschool', 'school', 'fritids'];
const NAME_MAX = 100;

/** A name: trimmed, inner runs of spaces made one, 1–100 characters. */
export function parseName(raw: string, field = 'name'): Parsed<string> {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (!name) return { ok: false, errors: { [field]: { key: 'organisation.errors.nameMissing' } } };
  if (name.length > NAME_MAX) return { ok: false, errors: { [field]: { key: 'organisation.errors.nameTooLong', params: { max: NAME_MAX } } } };
  return { ok: true, value: name };
}

/** The search text (at most 100 characters) and the page (1 when missing or not a number). */
export function parseListQuery(query: Record<string, unknown>): ListQuery {
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
  const page = typeof query.page === 'string' ? parseId(query.page) : undefined;
  return { q, page: page !== undefined && page <= 100_000 ? page : 1 };
}

/** One of the admin's municipalities: the one chosen in the form, or the only one they have. */
export function chosenMunicipality(raw: string, adminOf: ReadonlySet<number>): Parsed<number> {
  if (adminOf.size === 1 && raw === '') return { ok: true, value: [...adminOf][0] };
  const id = parseId(raw);
  return id !== undefined && adminOf.has(id) ? { ok: true, value: id } : { ok: false, errors: { municipality: { key: 'organisation.errors.municipalityMissing' } } };
}

const POSTAL_CODE = /^\d{3} ?\d{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The unit form. `given(name)` tells whether the form had the field at all: a field left out is not changed (so a
 * form of some fields changes those only); with `complete`, every field is read (a new unit).
 */
export function parseUnit(form: (name: string) => string, given: (name: string) => boolean, complete: boolean): Parsed<Partial<UnitFields>> {
  const errors: FieldErrors = {};
  const value: Partial<UnitFields> = {};
  const has = (name: string) => complete || given(name);
  const text = (name: string) => form(name).trim().replace(/\s+/g, ' ') || null;
  if (has('name')) {
    const name = parseName(form('name'));
    if (name.ok) value.name = name.value;
    else Object.assign(errors, name.errors);
  }
  if (has('kind')) {
    const kind = UNIT_KINDS.find((k) => k === form('kind'));
    if (kind) value.kind = kind;
    else errors.kind = { key: 'organisation.errors.kindMissing' };
  }
  if (has('area')) {
    const raw = form('area');
    const id = parseId(raw);
    if (raw === '') value.areaId = null;
    else if (id !== undefined) value.areaId = id;
    else errors.area = { key: 'organisation.errors.noSuchArea' };
  }
  if (has('street_address')) value.streetAddress = text('street_address');
  if (has('city')) value.city = text('city');
  if (has('postal_code')) {
    const code = text('postal_code');
    if (code !== null && !POSTAL_CODE.test(code)) errors.postal_code = { key: 'organisation.errors.postalCode' };
    else value.postalCode = code && `${code.replace(' ', '').slice(0, 3)} ${code.replace(' ', '').slice(3)}`;
  }
  if (has('phone')) {
    const phone = text('phone');
    if (phone !== null && !looksLikePhoneNumber(phone)) errors.phone = { key: 'organisation.errors.phone' };
    else value.phone = phone;
  }
  if (has('email')) {
    const email = text('email');
    if (email !== null && (!EMAIL.test(email) || email.length > 200)) errors.email = { key: 'organisation.errors.email' };
    else value.email = email;
  }
  for (const [name, max] of [['street_address', 200], ['city', 100]] as const) {
    if (form(name).length > max) errors[name] = { key: 'organisation.errors.tooLong', params: { max } };
  }
  return hasErrors(errors) ? { ok: false, errors } : { ok: true, value };
}

/** The fields a unit's head keeps: its address and contact details (its name, kind and area are the admin's). */
export const CONTACT_FIELDS = ['street_address', 'postal_code', 'city', 'phone', 'email'] as const;

/** The unit's address and contact details, every one of them read (a field left empty is cleared). */
export function parseUnitContact(form: (name: string) => string): Parsed<Partial<UnitFields>> {
  return parseUnit(form, (name) => (CONTACT_FIELDS as readonly string[]).includes(name), false);
}

/** The first day a unit is closed: a date (YYYY-MM-DD), at most a year back and ten years ahead of today. */
export function parseClosingDay(raw: string, today: string): Parsed<string> {
  const day = raw.trim();
  if (!day) return { ok: false, errors: { closed_on: { key: 'organisation.close.errors.missing' } } };
  if (!isDate(day)) return { ok: false, errors: { closed_on: { key: 'organisation.close.errors.notADate' } } };
  const [from, to] = [addMonths(today, -12), addMonths(today, 120)];
  if (day < from || day > to) return { ok: false, errors: { closed_on: { key: 'organisation.close.errors.outOfRange', dates: { from, to } } } };
  return { ok: true, value: day };
}
