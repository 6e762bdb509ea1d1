// What an invitation is now, when a held one goes out, what staff chose on the invitation form, and the rules of
// the registration form.
import { addDays } from '../kernel/dates.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { languageByCode } from '../kernel/i18n.ts';
import { loginKey } from '../accounts/passwords.ts';
import { isEmail, passwordProblem, usernameProblem } from '../accounts/rules.ts';
import { containsIdentityNumber } from '../people/identity-numbers.ts';

export type InvitationState = 'waiting' | 'sent' | 'opened' | 'used' | 'expired' | 'revoked';

export interface InvitationFacts {
  revokedAt: string | null;
  usedAt: string | null;
  latestKey: { expiresAt: string; openedAt: string | null } | undefined;
}

export function invitationState(facts: InvitationFacts, now: Date): InvitationState {
  if (facts.usedAt) return 'used';
  if (facts.revokedAt) return 'revoked';
  if (!facts.latestKey) return 'waiting';
  if (facts.latestKey.expiresAt <= now.toISOString()) return 'expired';
  return facts.latestKey.openedAt ? 'opened' : 'sent';
}

/** The day a held invitation is sent: `daysBefore` days before the first placement day, or today if that has passed. */
export function sendOn(placementStart: string, daysBefore: number, today: string): string {
  const day = addDays(placementStart, -daysBefore);
  return day > today ? day : today;
}

export type KeyProblem = 'unknown' | 'used' | 'expired' | 'revoked';

export interface ChoosableGuardian { personId: number; name: string; protectedIdentity: boolean; otherHousehold: boolean; hasAccount: boolean }

export interface PlannedInvitation {
  guardianId: number; email: string | null; language: string; sendOn: string;
  name: string; protectedIdentity: boolean; otherHousehold: boolean; hasAccount: boolean;
}

/**
 * What the form asks for: which of the guardians, at which address, in which language (Swedish unless one we offer
 * was chosen). An error at each address that is no e-mail address, and one when nobody was chosen.
 */
export function planInvitations(
  form: { field(name: string): string; fields(name: string): string[] }, guardians: readonly ChoosableGuardian[], day: string,
): { invitations: PlannedInvitation[]; errors: FieldErrors } {
  const chosen = new Set(form.fields('invite').map(Number));
  const errors: FieldErrors = {};
  const invitations = guardians.filter((g) => chosen.has(g.personId)).map((g) => {
    const email = form.field(`email_${g.personId}`).trim();
    if (email && !isEmail(email)) errors[`email_${g.personId}`] = { key: 'invitations.errors.email' };
    const language = languageByCode(form.field(`language_${g.personId}`))?.code ?? 'sv';
    return { guardianId: g.personId, email: email || null, language, sendOn: day, name: g.name,
      protectedIdentity: g.protectedIdentity, otherHousehold: g.otherHousehold, hasAccount: g.hasAccount };
  });
  if (invitations.length === 0 && !hasErrors(errors)) errors.invite = { key: 'invitations.errors.noneChosen' };
  return { invitations, errors };
}

/** What each problem with a key says to the person who typed it. */
export const KEY_PROBLEM_MESSAGES = {
  unknown: 'register.key.unknown', used: 'register.key.used', expired: 'register.key.expired', revoked: 'register.key.revoked',
} satisfies Record<KeyProblem, string>; // not `as const`: mutation testing skips whatever stands under an `as`

export interface RegistrationValues { key: string; username: string; email: string; email_confirm: string; name: string; password: string; terms: string }

/**
 * The registration form's own rules. `key` is what the typed key is: undefined when it cannot be a key at all, else
 * whether it is usable and, when it is, whether it came by e-mail (then an e-mail address is required).
 */
export function validateRegistration(v: RegistrationValues, key: { ok: true; delivery: 'email' | 'paper' } | { ok: false; problem: KeyProblem } | undefined): FieldErrors {
  const errors: FieldErrors = {};
  if (!key) errors.key = { key: v.key.trim() ? 'register.errors.keyFormat' : 'register.errors.keyMissing' };
  else if (!key.ok) errors.key = { key: KEY_PROBLEM_MESSAGES[key.problem] };
  const username = usernameProblem(v.username);
  if (username) errors.username = { key: username };
  const email = v.email.trim();
  const emailRequired = key?.ok === true && key.delivery === 'email';
  if (!email && emailRequired) errors.email = { key: 'register.errors.emailMissing' };
  else if (email && !isEmail(email)) errors.email = { key: 'register.errors.emailFormat' };
  else if (email && loginKey(email) !== loginKey(v.email_confirm)) errors.email_confirm = { key: 'register.errors.emailMismatch' };
  if (!v.name.trim()) errors.name = { key: 'register.errors.nameMissing' };
  else if (v.name.trim().length > 100) errors.name = { key: 'register.errors.nameTooLong' };
  else if (containsIdentityNumber(v.name)) errors.name = { key: 'register.errors.nameIdentity' };
  const password = passwordProblem(v.password);
  if (password) errors.password = { key: password };
  if (v.terms !== 'yes') errors.terms = { key: 'register.errors.terms' };
  return errors;
}
