// The children admin's forms read into values: a child to add, a placement to start, end or move, a guardian to link.
// Each rule broken gives a catalogue key at its field; personnummer and samordningsnummer are checked with the
// `personnummer` library and stored as YYYYMMDD-NNNN.
import personnummerModule from 'personnummer';
import type { HourLimit, IdentityKind } from '../../db/schema.ts';
import { isDate } from '../kernel/dates.ts';
import { hasErrors, looksLikePhoneNumber, type FieldErrors, type Parsed } from '../kernel/forms.ts';
import { parseId } from '../kernel/http.ts';

type Form = (name: string) => string;

// The package's types describe its CommonJS default export as a module's `default`; at run time it is the class itself.
type PersonnummerClass = (typeof personnummerModule)['default'];
const Personnummer = personnummerModule as unknown as PersonnummerClass;

const HOUR_LIMITS: readonly HourLimit[] = ['none', '15h_week', '525h_year'];
const NAME_MAX = 100;

export interface Identity { number: string; kind: IdentityKind; birthDate: string }

/** A personnummer or samordningsnummer as typed (10 or 12 digits, with or without - or +), or undefined when not valid. */
export function parseIdentity(typed: string): Identity | undefined {
  const text = typed.trim().replace(/\s+/g, '');
  if (!/^(\d{6}|\d{8})[-+]?\d{4}$/.test(text)) return undefined;
  let parsed: InstanceType<PersonnummerClass>;
  try {
    parsed = Personnummer.parse(text, { allowCoordinationNumber: true, allowInterimNumber: false });
  } catch {
    return undefined;
  }
  const long = parsed.format(true);
  const coordination = parsed.isCoordinationNumber();
  const day = coordination ? String(Number(parsed.day) - 60).padStart(2, '0') : parsed.day;
  return {
    number: `${long.slice(0, 8)}-${long.slice(8)}`, kind: coordination ? 'samordningsnummer' : 'personnummer',
    birthDate: `${parsed.fullYear}-${parsed.month}-${day}`,
  };
}

/** ÅÅMMDD-XXXX: a personnummer as every page but the correction form shows it. */
export function maskedIdentity(number: string | null): string | null {
  if (!number) return null;
  const digits = number.replace(/[^0-9]/g, '');
  return digits.length === 12 ? `${digits.slice(2, 8)}-XXXX` : null;
}

function name(form: Form, field: string, errors: FieldErrors, required = true): string {
  const value = form(field).trim().replace(/\s+/g, ' ');
  if (!value && required) errors[field] = { key: 'childAdmin.errors.nameMissing' };
  else if (value.length > NAME_MAX) errors[field] = { key: 'childAdmin.errors.nameTooLong', params: { max: NAME_MAX } };
  return value;
}

function date(form: Form, field: string, errors: FieldErrors, required: boolean): string | null {
  const value = form(field).trim();
  if (!value) {
    if (required) errors[field] = { key: 'childAdmin.errors.dateMissing' };
    return null;
  }
  if (!isDate(value)) {
    errors[field] = { key: 'childAdmin.errors.dateFormat' };
    return null;
  }
  return value;
}

function group(form: Form, errors: FieldErrors, choices: readonly number[]): number {
  const id = parseId(form('group'));
  if (id === undefined || !choices.includes(id)) {
    errors.group = { key: 'childAdmin.errors.groupMissing' };
    return 0;
  }
  return id;
}

export interface PlacementInput { groupId: number; startDate: string; endDate: string | null; hourLimit: HourLimit }

function placement(form: Form, errors: FieldErrors, groups: readonly number[]): PlacementInput {
  const groupId = group(form, errors, groups);
  const startDate = date(form, 'start_date', errors, true) ?? '';
  const endDate = date(form, 'end_date', errors, false);
  if (startDate && endDate && endDate < startDate) errors.end_date = { key: 'childAdmin.errors.endBeforeStart' };
  const limit = form('hour_limit') || 'none';
  const hourLimit = HOUR_LIMITS.find((h) => h === limit);
  if (!hourLimit) errors.hour_limit = { key: 'childAdmin.errors.hourLimit' };
  return { groupId, startDate, endDate, hourLimit: hourLimit ?? 'none' };
}

export interface ChildDetails {
  firstName: string; lastName: string; identity: Identity | null; birthDate: string; protectedIdentity: boolean;
  address: { street: string; postalCode: string; city: string } | null;
}

/** The child's own details: name, personnummer (or, without one, a birth date), protected identity and address. */
function childDetails(form: Form, errors: FieldErrors): ChildDetails {
  const firstName = name(form, 'first_name', errors);
  const lastName = name(form, 'last_name', errors);
  const typed = form('identity_number').trim();
  const identity = typed ? parseIdentity(typed) : null;
  if (identity === undefined) errors.identity_number = { key: 'childAdmin.errors.identityInvalid' };
  let birthDate = identity?.birthDate ?? null;
  if (!identity) birthDate = date(form, 'birth_date', errors, !typed);
  return {
    firstName, lastName, identity: identity ?? null, birthDate: birthDate ?? '', protectedIdentity: form('protected_identity') === 'yes',
    address: address(form, errors),
  };
}

/** A postal address: street, postal code and city all three, or none. */
function address(form: Form, errors: FieldErrors): { street: string; postalCode: string; city: string } | null {
  const [street, postalCode, city] = ['street_address', 'postal_code', 'city'].map((f) => form(f).trim().replace(/\s+/g, ' ').slice(0, 200));
  if ((street || postalCode || city) && !(street && postalCode && city)) {
    errors[street ? (postalCode ? 'city' : 'postal_code') : 'street_address'] = { key: 'childAdmin.errors.addressIncomplete' };
  }
  return street ? { street, postalCode, city } : null;
}

/** An e-mail address and a phone number, both optional, from the fields `<prefix>email` and `<prefix>phone`. */
function contact(form: Form, errors: FieldErrors, prefix: string): { email: string | null; phone: string | null } {
  const email = form(`${prefix}email`).trim();
  if (email && (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254)) errors[`${prefix}email`] = { key: 'childAdmin.errors.email' };
  const phone = form(`${prefix}phone`).trim();
  if (phone && !looksLikePhoneNumber(phone)) errors[`${prefix}phone`] = { key: 'childAdmin.errors.phone' };
  return { email: email || null, phone: phone || null };
}

export interface ChildInput extends ChildDetails { placement: PlacementInput }

/** A new child with their first placement in one of `groups`. */
export function parseNewChild(form: Form, groups: readonly number[]): Parsed<ChildInput> {
  const errors: FieldErrors = {};
  const details = childDetails(form, errors);
  const place = placement(form, errors, groups);
  return hasErrors(errors) ? { ok: false, errors } : { ok: true, value: { ...details, placement: place } };
}

/** A correction of the child's details. */
export function parseCorrection(form: Form): Parsed<ChildDetails> {
  const errors: FieldErrors = {};
  const details = childDetails(form, errors);
  return hasErrors(errors) ? { ok: false, errors } : { ok: true, value: details };
}

export function parseNewPlacement(form: Form, groups: readonly number[]): Parsed<PlacementInput> {
  const errors: FieldErrors = {};
  const value = placement(form, errors, groups);
  return hasErrors(errors) ? { ok: false, errors } : { ok: true, value };
}

export function parseEnd(form: Form): Parsed<string> {
  const errors: FieldErrors = {};
  const value = date(form, 'end_date', errors, true);
  return value === null ? { ok: false, errors } : { ok: true, value };
}

export function parseMove(form: Form, groups: readonly number[]): Parsed<{ groupId: number; date: string }> {
  const errors: FieldErrors = {};
  const groupId = group(form, errors, groups);
  const day = date(form, 'move_date', errors, true);
  return hasErrors(errors) || day === null ? { ok: false, errors } : { ok: true, value: { groupId, date: day } };
}

export interface GuardianFormInput {
  identity: Identity; firstName: string; lastName: string; email: string | null; phone: string | null; otherHousehold: boolean;
}

export function parseGuardian(form: Form): Parsed<GuardianFormInput> {
  const errors: FieldErrors = {};
  const typed = form('guardian_identity_number').trim();
  const identity = typed ? parseIdentity(typed) : undefined;
  if (!identity) errors.guardian_identity_number = { key: typed ? 'childAdmin.errors.identityInvalid' : 'childAdmin.errors.identityMissing' };
  const firstName = name(form, 'guardian_first_name', errors, false);
  const lastName = name(form, 'guardian_last_name', errors, false);
  const { email, phone } = contact(form, errors, 'guardian_');
  if (hasErrors(errors) || !identity) return { ok: false, errors };
  return { ok: true, value: { identity, firstName, lastName, email, phone, otherHousehold: form('other_household') === 'yes' } };
}

export interface GuardianDetailsInput {
  email: string | null; phone: string | null; otherHousehold: boolean; protectedIdentity: boolean;
  /** Left out when the address was not on the form (the guardian has protected identity): it stays as it is. */
  address?: { street: string; postalCode: string; city: string } | null;
}

/** A linked guardian's contact details, address (only when the form showed it), household and protected identity. */
export function parseGuardianDetails(form: Form, { addressShown }: { addressShown: boolean }): Parsed<GuardianDetailsInput> {
  const errors: FieldErrors = {};
  const { email, phone } = contact(form, errors, '');
  const place = addressShown ? address(form, errors) : undefined;
  if (hasErrors(errors)) return { ok: false, errors };
  return {
    ok: true,
    value: {
      email, phone, otherHousehold: form('other_household') === 'yes', protectedIdentity: form('protected_identity') === 'yes',
      ...(addressShown ? { address: place } : {}),
    },
  };
}

/**
 * Whether a guardian's address stays off the admin pages (not shown, not changed): when the guardian has protected
 * identity, and when the child has and the guardian lives with the child (their address would be the child's).
 */
export function guardianAddressHidden(g: { protectedIdentity: boolean; childProtectedIdentity: boolean; otherHousehold: boolean }): boolean {
  return g.protectedIdentity || (g.childProtectedIdentity && !g.otherHousehold);
}

/** Why a guardianship ends: kept in the history with who and when. */
export type GuardianshipEndReason = 'custody-changed' | 'child-of-age' | 'deceased' | 'registered-in-error' | 'other';
export const GUARDIANSHIP_END_REASONS: readonly GuardianshipEndReason[] = ['custody-changed', 'child-of-age', 'deceased', 'registered-in-error', 'other'];

export interface GuardianshipEndInput { reason: GuardianshipEndReason; confirmedLast: boolean }

/**
 * Ending a guardianship: a reason from the list, and whether the person ticked that they know the child is left without
 * a guardian (whether the guardian is the last one is decided when it ends, in its transaction).
 */
export function parseGuardianshipEnd(form: Form): Parsed<GuardianshipEndInput> {
  const typed = form('reason');
  const reason = GUARDIANSHIP_END_REASONS.find((r) => r === typed);
  if (!reason) return { ok: false, errors: { reason: { key: 'childAdmin.errors.endReason' } } };
  return { ok: true, value: { reason, confirmedLast: form('confirm_last') === 'yes' } };
}
