// The staff forms' rules: a new staff member (name, e-mail, an optional personnummer), where they work (a unit, a group
// of it or the whole unit, as staff or as its head, from a first day, and a last day for a substitute), the last day
// of an assignment that ends, a staff member's changed name and contact details, and who sees a protected identity's
// contact details. Each form's rule returns the value to act on or the errors at their fields.
import personnummerModule from 'personnummer';
import type { StaffRole } from '../../db/schema.ts';
import { isDate } from '../kernel/dates.ts';
import { hasErrors, looksLikePhoneNumber, type FieldErrors, type Parsed } from '../kernel/forms.ts';
import { parseId } from '../kernel/http.ts';
import { isEmail } from '../accounts/rules.ts';
import { containsIdentityNumber } from '../people/identity-numbers.ts';
import type { NewAssignment, NewStaffMember, StaffDetails, UnitChoice } from '../people/staff.ts';

// The package's types describe an ES module's default export; at run time the CommonJS module is the class itself.
const Personnummer = personnummerModule as unknown as typeof personnummerModule.default;

export const STAFF_ROLES: readonly StaffRole[] = ['staff', 'unit_head'];

type Form = (name: string) => string;

/** The list's search, page, and whether those whose assignments have all ended are listed too (`?q=…&page=…&ended=yes`). */
export function parseListQuery(query: Record<string, unknown>): { q: string; page: number; ended: boolean } {
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
  const page = typeof query.page === 'string' ? parseId(query.page) : undefined;
  return { q, page: page !== undefined && page <= 100_000 ? page : 1, ended: query.ended === 'yes' };
}

/** A personnummer or samordningsnummer as stored (YYYYMMDD-NNNN), or what was wrong with it; none when left empty. */
export function parseIdentity(raw: string): Parsed<NewStaffMember['identity']> {
  const typed = raw.trim();
  if (!typed) return { ok: true, value: null };
  if (!Personnummer.valid(typed, { allowCoordinationNumber: true, allowInterimNumber: false })) {
    return { ok: false, errors: { identity: { key: 'staff.errors.identity' } } };
  }
  const number = Personnummer.parse(typed, { allowCoordinationNumber: true, allowInterimNumber: false });
  const long = number.format(true);
  return { ok: true, value: { number: `${long.slice(0, 8)}-${long.slice(8)}`, kind: number.isCoordinationNumber() ? 'samordningsnummer' : 'personnummer' } };
}

/** ÅÅMMDD-XXXX: the whole number is shown nowhere on the staff pages. */
export function maskIdentity(number: string | null): string | null {
  if (!number) return null;
  const digits = number.replace(/\D/g, '');
  return digits.length === 12 ? `${digits.slice(2, 8)}-XXXX` : null;
}

function parseName(raw: string, name: 'firstName' | 'lastName', errors: FieldErrors): string {
  const value = raw.trim();
  if (!value) errors[name] = { key: `staff.errors.${name}` };
  else if (value.length > 100) errors[name] = { key: 'staff.errors.tooLong' };
  else if (containsIdentityNumber(value)) errors[name] = { key: 'staff.errors.nameIdentity' };
  return value;
}

/**
 * Where someone works: one of the units offered (`units`), a group of it or none (the whole unit), a role, a first day
 * (today when left empty) and an optional last day, not before the first. A unit's head works in the whole unit.
 */
export function parseAssignment(form: Form, units: readonly UnitChoice[], today: string): Parsed<NewAssignment> {
  const errors: FieldErrors = {};
  const unitId = parseId(form('unit'));
  const unit = units.find((u) => u.id === unitId);
  if (!unit) errors.unit = { key: 'staff.errors.unit' };
  const groupRaw = form('group');
  const groupId = groupRaw === '' ? null : (parseId(groupRaw) ?? -1);
  if (unit && groupId !== null && !unit.groups.some((g) => g.id === groupId)) errors.group = { key: 'staff.errors.group' };
  const role = STAFF_ROLES.find((r) => r === form('role'));
  if (!role) errors.role = { key: 'staff.errors.role' };
  else if (role === 'unit_head' && groupId !== null) errors.group = { key: 'staff.errors.headOfGroup' };
  const startDate = form('startDate').trim() || today;
  if (!isDate(startDate)) errors.startDate = { key: 'staff.errors.date' };
  const endDate = form('endDate').trim() || null;
  if (endDate !== null && !isDate(endDate)) errors.endDate = { key: 'staff.errors.date' };
  else if (endDate !== null && isDate(startDate) && endDate < startDate) errors.endDate = { key: 'staff.errors.endBeforeStart' };
  else if (endDate !== null && endDate < today) errors.endDate = { key: 'staff.errors.endPassed' };
  if (hasErrors(errors) || !unit || !role) return { ok: false, errors };
  return { ok: true, value: { unitId: unit.id, groupId, role, startDate, endDate } };
}


/** A new staff member (a phone number if given) and their first assignment; the municipality is the chosen unit's. */
export function parseNewStaff(form: Form, units: readonly UnitChoice[], today: string): Parsed<{ person: NewStaffMember; assignment: NewAssignment }> {
  const errors: FieldErrors = {};
  const firstName = parseName(form('firstName'), 'firstName', errors);
  const lastName = parseName(form('lastName'), 'lastName', errors);
  const email = form('email').trim();
  if (!email) errors.email = { key: 'staff.errors.emailMissing' };
  else if (!isEmail(email)) errors.email = { key: 'staff.errors.email' };
  const phone = form('phone').trim().replace(/\s+/g, ' ');
  if (phone && !looksLikePhoneNumber(phone)) errors.phone = { key: 'staff.errors.phone' };
  const identity = parseIdentity(form('identity'));
  const assignment = parseAssignment(form, units, today);
  const all = { ...errors, ...(identity.ok ? {} : identity.errors), ...(assignment.ok ? {} : assignment.errors) };
  if (!identity.ok || !assignment.ok || hasErrors(all)) return { ok: false, errors: all };
  const unit = units.find((u) => u.id === assignment.value.unitId);
  if (!unit) return { ok: false, errors: { unit: { key: 'staff.errors.unit' } } };
  return {
    ok: true,
    value: { person: { municipalityId: unit.municipalityId, firstName, lastName, email, phone: phone || null, identity: identity.value }, assignment: assignment.value },
  };
}

/**
 * The last day of an assignment that ends: a date, not before its first day. "Avsluta nu" (`now`) makes it yesterday,
 * so that the assignment stops counting at once.
 */
export function parseLastDay(form: Form, startDate: string | null, today: string, yesterday: string): Parsed<string> {
  if (form('now') === 'yes') return { ok: true, value: yesterday };
  const lastDay = form('lastDay').trim();
  if (!isDate(lastDay)) return { ok: false, errors: { lastDay: { key: 'staff.errors.date' } } };
  if (startDate !== null && lastDay < startDate) return { ok: false, errors: { lastDay: { key: 'staff.errors.endBeforeStart' } } };
  if (lastDay < today) return { ok: false, errors: { lastDay: { key: 'staff.errors.endPassed' } } };
  return { ok: true, value: lastDay };
}

/**
 * A staff member's name, e-mail address and phone number as changed on their page: a name as when adding them; the
 * address and the number may be left empty (none), and are checked when given.
 */
export function parseStaffDetails(form: Form): Parsed<StaffDetails> {
  const errors: FieldErrors = {};
  const firstName = parseName(form('firstName'), 'firstName', errors);
  const lastName = parseName(form('lastName'), 'lastName', errors);
  const email = form('email').trim();
  if (email && !isEmail(email)) errors.email = { key: 'staff.errors.email' };
  const phone = form('phone').trim().replace(/\s+/g, ' ');
  if (phone && !looksLikePhoneNumber(phone)) errors.phone = { key: 'staff.errors.phone' };
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, value: { firstName, lastName, email: email || null, phone: phone || null } };
}

/** The birth date a personnummer or samordningsnummer (YYYYMMDD-NNNN, as stored) holds; a samordningsnummer's day less 60. */
export function birthDateOf(number: string): string {
  const day = Number(number.slice(6, 8));
  return `${number.slice(0, 4)}-${number.slice(4, 6)}-${String(day > 60 ? day - 60 : day).padStart(2, '0')}`;
}

/**
 * Whether this user sees the staff member's e-mail address and phone number: always, but for a protected identity only
 * the municipality's admin does (a unit's head sees the marker). An address is never shown for a protected identity.
 */
export function contactVisible(adminOf: ReadonlySet<number>, member: { municipalityId: number; protectedIdentity: boolean }): boolean {
  return !member.protectedIdentity || adminOf.has(member.municipalityId);
}

/** Whether this user sees the staff member's home address (from the register): the admin of their municipality, and never a protected identity's. */
export function addressVisible(adminOf: ReadonlySet<number>, member: { municipalityId: number; protectedIdentity: boolean }): boolean {
  return !member.protectedIdentity && adminOf.has(member.municipalityId);
}
