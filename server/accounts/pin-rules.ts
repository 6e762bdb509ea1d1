// A PIN on a trusted device (seed 000, issue 24 item 4): the rules, no SQL. A guardian who has just logged in may choose
// a 4-digit PIN for the browser in hand; the browser then keeps a random token in a cookie, and the token together with
// the PIN opens a weak session there, and nowhere else. Five wrong PINs in a row and the device is forgotten.
import type { Actor } from '../kernel/policy.ts';

export const PIN_DIGITS = 4;

/** Wrong PINs in a row after which the device is forgotten (the issue: "five tries and the device is forgotten"). */
export const MAX_PIN_FAILURES = 5;

/**
 * A device not used for this long is forgotten (its cookie lasts as long, renewed at each use): a phone sold or lost
 * half a year ago opens nothing.
 */
export const DEVICE_UNUSED_DAYS = 180;

/** Browsers an account may keep a PIN on at once: a new one past this replaces the one unused the longest. */
export const MAX_TRUSTED_DEVICES = 5;

/**
 * A PIN is chosen only this soon after a login by password (or e-ID, passkey...), never after a PIN login: a session
 * left open on someone else's computer, or a stolen session cookie, cannot be turned into a PIN that outlives it.
 */
export const FRESH_LOGIN_MINUTES = 15;

/**
 * Who may have a PIN: a guardian whose account has no staff, head or administrator role. A PIN is four digits: it may
 * open a family's own pages on their own phone, never a staff member's access to other people's children.
 */
export function pinAllowed(actor: Pick<Actor, 'guardianOf' | 'staffUnits' | 'staffGroups' | 'headOf' | 'adminOf'>): boolean {
  return actor.guardianOf.size > 0 && actor.staffUnits.size === 0 && actor.staffGroups.size === 0 && actor.headOf.size === 0
    && actor.adminOf.size === 0;
}

/** Whether the session's login is recent enough to choose a PIN (and was not itself a PIN login). */
export function freshLogin(loginAt: string | undefined, byPin: boolean, now: Date): boolean {
  if (!loginAt || byPin) return false;
  const age = now.getTime() - Date.parse(loginAt);
  return age >= 0 && age <= FRESH_LOGIN_MINUTES * 60_000;
}

/** Whether a device last used (or made, if never used) at `since` has been unused too long. */
export function deviceExpired(since: string, now: Date): boolean {
  return now.getTime() - Date.parse(since) > DEVICE_UNUSED_DAYS * 86_400_000;
}

// Arabic-Indic (٠–٩) and Persian (۰–۹) digits, as an Arabic, Persian or Dari keyboard types them, read as 0–9.
const EASTERN_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/g;

/** The PIN as typed, spaces around it dropped and eastern digits read as 0–9. */
export function normalisePin(typed: string): string {
  return typed.trim().replace(EASTERN_DIGITS, (digit) => String(digit.charCodeAt(0) & 0xf));
}

export function isPin(pin: string): boolean {
  return new RegExp(`^[0-9]{${PIN_DIGITS}}$`).test(pin);
}

/**
 * Four equal digits (1111) and a run up or down (1234, 9876) are the PINs tried first: with five tries they would
 * fall at once, so they are refused.
 */
export function easyPin(pin: string): boolean {
  const digits = [...pin].map(Number);
  const steps = digits.slice(1).map((d, i) => d - digits[i]);
  return steps.every((s) => s === 0) || steps.every((s) => s === 1) || steps.every((s) => s === -1);
}

export type PinProblem = { field: 'pin' | 'repeat'; key: string } | undefined;

/** What is wrong with a new PIN and its repetition (both normalised), at its field; undefined when it will do. */
export function newPinProblem(pin: string, repeat: string): PinProblem {
  if (!pin) return { field: 'pin', key: 'pin.errors.missing' };
  if (!isPin(pin)) return { field: 'pin', key: 'pin.errors.format' };
  if (easyPin(pin)) return { field: 'pin', key: 'pin.errors.easy' };
  if (repeat !== pin) return { field: 'repeat', key: 'pin.errors.mismatch' };
  return undefined;
}

/**
 * What argon2 hashes and checks: the PIN with the device's token before it. The token exists only in the browser's
 * cookie, so a copy of the database (the token's SHA-256 and this hash) cannot be tried against the 10 000 PINs.
 */
export function pinSecret(token: string, pin: string): string {
  return `${token}:${pin}`;
}
