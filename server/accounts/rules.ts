// Rules for what a person chooses: a username and a new password. Each rule broken is a catalogue key.
import { dictionary } from '@zxcvbn-ts/language-common';
import { MAX_PASSWORD } from './passwords.ts';
import { containsIdentityNumber } from '../people/identity-numbers.ts';
import { parseSwedishMobile } from '../sms/rules.ts';

export const MIN_PASSWORD = 10;
export const MAX_USERNAME = 64;

// Swedish favourites that an English list misses.
// Only passwords of MIN_PASSWORD characters or more: the length rule refuses the shorter ones first.
const SWEDISH_COMMON = ['lösenord123', 'sommar2024', 'sommar2025', 'sommar2026', 'hemligt123', 'forskolan123', 'vardag-demo'];
const COMMON = new Set([...(dictionary['passwords-common'] as string[]), ...SWEDISH_COMMON].map((p) => p.toLowerCase()));

export type PasswordProblem = 'account.errors.passwordMissing' | 'account.errors.passwordTooShort' | 'account.errors.passwordTooLong'
  | 'account.errors.passwordSpaces' | 'account.errors.passwordCommon';

/** A new password: at least 10 characters, not a well-known one, no composition rules, no space at either end. */
export function passwordProblem(password: string): PasswordProblem | undefined {
  if (!password) return 'account.errors.passwordMissing';
  if (password !== password.trim()) return 'account.errors.passwordSpaces';
  if ([...password].length < MIN_PASSWORD) return 'account.errors.passwordTooShort';
  if (password.length > MAX_PASSWORD) return 'account.errors.passwordTooLong';
  if (COMMON.has(password.toLowerCase())) return 'account.errors.passwordCommon';
  return undefined;
}

export type UsernameProblem = 'account.errors.usernameMissing' | 'account.errors.usernameTooLong' | 'account.errors.usernameCharacters'
  | 'account.errors.usernameIdentity';

/** Letters, digits and spaces, and of punctuation only . - ' _. Uniqueness is checked against the database. */
export function usernameProblem(username: string): UsernameProblem | undefined {
  const name = username.trim();
  if (!name) return 'account.errors.usernameMissing';
  if (name.length > MAX_USERNAME) return 'account.errors.usernameTooLong';
  if (!/^[\p{L}\p{N} .\-'_]+$/u.test(name)) return 'account.errors.usernameCharacters';
  if (containsIdentityNumber(name)) return 'account.errors.usernameIdentity';
  return undefined;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@(?:[^\s@<>()[\]\\,;:".]+\.)+[^\s@<>()[\]\\,;:".]{2,}$/;

/** A plausible e-mail address, and none that carries a personnummer (mail must never show one). */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value) && !containsIdentityNumber(value);
}

export type MobileProblem = 'accountSettings.errors.mobileInvalid';

/** A mobile number typed in "Mina inställningar" (what counts as one: parseSwedishMobile); empty means none. */
export function parseMobile(raw: string): { ok: true; value: string | null } | { ok: false; error: MobileProblem } {
  const parsed = parseSwedishMobile(raw);
  return parsed.ok ? parsed : { ok: false, error: 'accountSettings.errors.mobileInvalid' };
}

/** +46701234567 as a Swede writes it: 070-123 45 67. */
export function formatMobile(mobile: string): string {
  const national = `0${mobile.replace(/^\+46/, '')}`;
  return national.replace(/^(\d{3})(\d{3})(\d{2})(\d{2})$/, '$1-$2 $3 $4');
}

/** The digits of a code SMS:ed to verify a mobile number. */
export const MOBILE_CODE_DIGITS = 6;

export type MobileCodeProblem = 'accountSettings.errors.codeMissing' | 'accountSettings.errors.codeInvalid';

/**
 * A code as people type it from an SMS: six digits, spaces and dashes ignored, Arabic-Indic digits (٠–٩, ۰–۹
 * from an Arabic keyboard) read as 0–9.
 */
export function parseMobileCode(raw: string): { ok: true; value: string } | { ok: false; error: MobileCodeProblem } {
  const compact = raw.replace(/[\s-]/g, '').replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) & 0xf));
  if (!compact) return { ok: false, error: 'accountSettings.errors.codeMissing' };
  return new RegExp(`^\\d{${MOBILE_CODE_DIGITS}}$`).test(compact) ? { ok: true, value: compact } : { ok: false, error: 'accountSettings.errors.codeInvalid' };
}
