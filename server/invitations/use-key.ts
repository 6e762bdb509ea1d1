// Using an invitation key: a new account for the invited guardian, or the key linked to an account the guardian
// already has. Each in one transaction: all of it happens, or none.
import type { Db } from '../kernel/db.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { hashPassword, loginKey, verifyPassword, type HashingOptions } from '../accounts/passwords.ts';
import { createAccount, findAccountByUsername, loginTaken, personHasAccount } from '../accounts/queries.ts';
import { authenticate } from '../accounts/sessions.ts';
import { addVerifiedEmail } from '../accounts/settings-queries.ts';
import { addGuardianship } from '../people/commands.ts';
import { guardianshipOf, registeredPerson } from '../people/queries.ts';
import { normalizeKey } from './keys.ts';
import { invitationChildren, lookUpKey, useKey, type KeyLookup } from './queries.ts';
import { KEY_PROBLEM_MESSAGES, validateRegistration, type KeyProblem, type RegistrationValues } from './rules.ts';

interface Registration { key: string; username: string; email: string | null; displayName: string; passwordHash: string; language: string }
type RegistrationResult =
  | { ok: true; accountId: number; sharedEmail: boolean }
  | { ok: false; error: KeyProblem | 'username-taken' | 'email-taken' | 'already-has-account' };

/** Creates the account of the invited guardian, in one transaction: all of it happens, or none. */
async function registerWithKey(db: Db, r: Registration, now: Date): Promise<RegistrationResult> {
  return db.transaction().execute(async (trx): Promise<RegistrationResult> => {
    const lookup = await lookUpKey(trx, r.key, now);
    if (!lookup.ok) return { ok: false, error: lookup.problem };
    if (await loginTaken(trx, r.username)) return { ok: false, error: 'username-taken' };
    // Two guardians may share one address (a household's): the invitation went to it, so the second account gets it
    // as a verified address for mail and password resets, and logs in by username.
    const shared = r.email !== null && await loginTaken(trx, r.email);
    if (shared && (!lookup.email || loginKey(lookup.email) !== loginKey(r.email ?? ''))) return { ok: false, error: 'email-taken' };
    if (await personHasAccount(trx, lookup.guardianId)) return { ok: false, error: 'already-has-account' };
    const id = await createAccount(trx, {
      personId: lookup.guardianId, username: r.username.trim(), email: shared ? null : r.email, passwordHash: r.passwordHash,
      language: r.language, displayName: r.displayName,
    }, now);
    if (shared && r.email !== null) await addVerifiedEmail(trx, id, r.email, now);
    if (!(await useKey(trx, lookup, id, now))) throw new KeyRaceLost();
    return { ok: true, accountId: id, sharedEmail: shared };
  }).catch((err: unknown) => {
    if (err instanceof KeyRaceLost) return { ok: false, error: 'used' } as const;
    throw err;
  });
}

class KeyRaceLost extends Error {}

/**
 * Whether an account's person may take over the invited guardian's role: the same human recorded twice (a teacher
 * whose own child starts): no guardian role and no placement of their own, the same municipality, the same name, and
 * no personnummer that says otherwise. Anyone else who got hold of a key (the staff who printed it) is refused.
 */
async function samePersonWithoutGuardianRole(trx: Db, personId: number, guardianId: number): Promise<boolean> {
  const [person, guardian] = await Promise.all([registeredPerson(trx, personId), registeredPerson(trx, guardianId)]);
  if (!person || !guardian || person.isGuardian || person.isPlaced) return false;
  const name = (p: { firstName: string; lastName: string }) => loginKey(`${p.firstName} ${p.lastName}`).replace(/\s+/g, ' ');
  return person.municipalityId === guardian.municipalityId && name(person) === name(guardian)
    && (!person.identityNumber || !guardian.identityNumber || person.identityNumber === guardian.identityNumber);
}

type LinkResult = { ok: true; children: number[] } | { ok: false; error: KeyProblem | 'not-your-invitation' };

/**
 * Links a key to an account the guardian already has ("Jag har redan ett konto", "Utnyttja inbjudan"). The key
 * belongs to one guardian: it attaches only to that guardian's own account, or to an account whose person is no
 * guardian yet (a teacher whose own child starts), who then becomes guardian of exactly the children it covers.
 */
async function linkKeyToAccount(db: Db, key: string, account: { id: number; personId: number }, now: Date): Promise<LinkResult> {
  return db.transaction().execute(async (trx): Promise<LinkResult> => {
    const lookup = await lookUpKey(trx, key, now);
    if (!lookup.ok) return { ok: false, error: lookup.problem };
    const children = await invitationChildren(trx, lookup.invitationId);
    if (account.personId !== lookup.guardianId) {
      if (!(await samePersonWithoutGuardianRole(trx, account.personId, lookup.guardianId))) return { ok: false, error: 'not-your-invitation' };
      for (const childId of children) {
        const registry = await guardianshipOf(trx, lookup.guardianId, childId);
        await addGuardianship(trx, { guardianId: account.personId, childId, otherHousehold: registry?.otherHousehold ?? false });
      }
    }
    if (!(await useKey(trx, lookup, account.id, now))) throw new KeyRaceLost();
    return { ok: true, children };
  }).catch((err: unknown) => {
    if (err instanceof KeyRaceLost) return { ok: false, error: 'used' } as const;
    throw err;
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// The forms that use a key: each says back the account to sign in to, or the errors at their fields.

export type FormOutcome =
  | { ok: true; accountId: number; message?: string }
  | { ok: false; errors: FieldErrors; status: 400 | 401; lookup?: Extract<KeyLookup, { ok: true }> };

/**
 * The registration form: a new account for the invited guardian. A form sent twice (a double click) finds the key
 * used by the first; when the first made this very account (the same username and password), both sign in.
 */
export async function registerFromForm(
  db: Db, values: RegistrationValues, language: string, options: { now: Date; hashing?: HashingOptions },
): Promise<FormOutcome> {
  const key = normalizeKey(values.key);
  const lookup = key ? await lookUpKey(db, key, options.now) : undefined;
  const errors = validateRegistration(values, lookup);
  if (!key || hasErrors(errors)) return { ok: false, errors, status: 400, lookup: lookup?.ok ? lookup : undefined };
  const result = await registerWithKey(db, {
    key, username: values.username, email: values.email.trim() || null, displayName: values.name.trim(), language,
    passwordHash: await hashPassword(values.password, options.hashing),
  }, options.now);
  if (result.ok) return { ok: true, accountId: result.accountId, message: result.sharedEmail ? 'register.sharedEmail' : undefined };
  const again = result.error === 'used' ? await sameFormAgain(db, values) : undefined;
  if (again !== undefined) return { ok: true, accountId: again };
  return { ok: false, errors: registrationErrors(result.error), status: 400 };
}

/** A form sent twice: the first made the account; the second, with the same username and password, signs in to it. */
async function sameFormAgain(db: Db, values: RegistrationValues): Promise<number | undefined> {
  const account = await findAccountByUsername(db, values.username);
  return account && (await verifyPassword(account.password_hash, values.password)) ? account.id : undefined;
}

function registrationErrors(error: Extract<RegistrationResult, { ok: false }>['error']): FieldErrors {
  if (error === 'username-taken') return { username: { key: 'register.errors.usernameTaken' } };
  if (error === 'email-taken') return { email: { key: 'register.errors.emailTaken' } };
  if (error === 'already-has-account') return { key: { key: 'register.key.alreadyHasAccount' } };
  return { key: { key: KEY_PROBLEM_MESSAGES[error] } };
}

/** "Jag har redan ett konto" and "Utnyttja inbjudan": the key linked to the signed-in account, or to the one logged in with. */
export async function linkFromForm(
  db: Db, typedKey: string, holder: { id: number; personId: number } | { username: string; password: string; dummyHash: string }, now: Date,
): Promise<FormOutcome> {
  const key = normalizeKey(typedKey);
  if (!key) return { ok: false, errors: { key: { key: 'register.errors.keyFormat' } }, status: 400 };
  const account = 'id' in holder ? holder : await accountOfLogin(db, holder);
  if (!account) return { ok: false, errors: { form: { key: 'login.errors.wrong' } }, status: 401 };
  const linked = await linkKeyToAccount(db, key, account, now);
  if (linked.ok) return { ok: true, accountId: account.id, message: 'register.linked' };
  const error = linked.error === 'not-your-invitation' ? 'register.key.notYours' : KEY_PROBLEM_MESSAGES[linked.error];
  return { ok: false, errors: { key: { key: error } }, status: 400 };
}

async function accountOfLogin(db: Db, login: { username: string; password: string; dummyHash: string }) {
  const account = await authenticate(db, login.username, login.password, login.dummyHash);
  return account && { id: account.id, personId: account.person_id };
}
