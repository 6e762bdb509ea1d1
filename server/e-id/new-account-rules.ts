// An account by e-ID (seed 004): the rules of the form and of the pending e-ID login it stands on. Pure: no database.
import type { FieldErrors } from '../kernel/forms.ts';
import { languageByCode } from '../kernel/i18n.ts';
import { loginKey } from '../accounts/passwords.ts';
import { isEmail, usernameProblem } from '../accounts/rules.ts';

/**
 * How long the e-ID login that matched the guardian stays good for making the account: long enough to read the page and
 * type an address on a phone, short enough that a shared computer left on the form does not make someone's account.
 */
export const PENDING_MINUTES = 15;

export interface Pending { municipalityId: number; personId: number; acr: string; at: string }

/** The pending e-ID login while it is fresh (made no more than PENDING_MINUTES ago, and not in the future). */
export function freshPending(pending: Pending | undefined, now: Date): Pending | undefined {
  if (!pending) return undefined;
  const at = Date.parse(pending.at);
  if (!Number.isFinite(at) || at > now.getTime() + 60_000) return undefined;
  return now.getTime() - at <= PENDING_MINUTES * 60_000 ? pending : undefined;
}

export interface NewAccountValues { email: string; email_confirm: string; username: string; language: string; terms: string }

/** The form's own rules: an e-mail address (typed twice), a username, a language we offer, the terms accepted. */
export function validateNewAccount(v: NewAccountValues): FieldErrors {
  const errors: FieldErrors = {};
  const email = v.email.trim();
  if (!email) errors.email = { key: 'register.errors.emailMissing' };
  else if (!isEmail(email)) errors.email = { key: 'register.errors.emailFormat' };
  else if (loginKey(email) !== loginKey(v.email_confirm)) errors.email_confirm = { key: 'register.errors.emailMismatch' };
  const username = usernameProblem(v.username);
  if (username) errors.username = { key: username };
  if (!languageByCode(v.language)) errors.language = { key: 'eIdAccount.errors.language' };
  if (v.terms !== 'yes') errors.terms = { key: 'register.errors.terms' };
  return errors;
}

/** A username to start from: the person's name in lower case, what a username may hold (the person may change it). */
export function suggestedUsername(firstName: string, lastName: string): string {
  const name = `${firstName} ${lastName}`.trim().toLocaleLowerCase('sv-SE').replace(/[^\p{L}\p{N} .\-'_]/gu, '').replace(/\s+/g, '.');
  return usernameProblem(name) ? '' : name.slice(0, 64);
}

/** Why no account can be made for the person the e-ID login matched, each with its own page. */
export type Refusal = 'protected' | 'not-guardian' | 'has-account';

/**
 * Whether an account may be made for the matched person: only a legal guardian (of a child placed now or later), with
 * a personnummer and no protected identity (seed 004: those are helped by the preschool/school), and no account yet.
 */
export function refusalFor(person: { protectedIdentity: boolean; hasIdentityNumber: boolean } | undefined, facts: { guardian: boolean; hasAccount: boolean }): Refusal | undefined {
  if (!person?.hasIdentityNumber || person.protectedIdentity) return 'protected';
  if (!facts.guardian) return 'not-guardian';
  if (facts.hasAccount) return 'has-account';
  return undefined;
}
