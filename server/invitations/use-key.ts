// Using an invitation key: a new account for the invited guardian, or the key linked to an account the guardian
// already has. Each in one transaction: all of it happens, or none.
import type { Db } from '../kernel/db.ts';
import { isUniqueViolation } from '../../db/sql.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { HashingBusy, hashPassword, loginKey, verifyPassword, type HashingOptions } from '../accounts/passwords.ts';
import { createAccount, findAccountByUsername, loginTaken, personHasAccount } from '../accounts/queries.ts';
import type { LoginLimits } from '../accounts/login-limits.ts';
import { checkLogin } from '../accounts/sessions.ts';
import { addVerifiedEmail } from '../accounts/settings-queries.ts';
import { addGuardianship } from '../people/commands.ts';
import { guardianshipOf, registeredPerson } from '../people/queries.ts';
import { hashKey, normalizeKey } from './keys.ts';
import { invitationChildren, keyUsedBy, lookUpKey, useKey, type KeyLookup } from './queries.ts';
import { KEY_PROBLEM_MESSAGES, validateRegistration, type KeyProblem, type RegistrationValues } from './rules.ts';

/** `language`: the one the guardian chose; undefined for the invitation's. */
interface Registration { key: string; username: string; email: string | null; displayName: string; passwordHash: string; language: string | undefined }
type RegistrationResult =
  | { ok: true; accountId: number; sharedEmail: boolean }
  | { ok: false; error: KeyProblem | RegistrationProblem };

type RegistrationProblem = 'username-taken' | 'email-taken' | 'already-has-account';

/**
 * What stops the registration besides the key, all of it cheap: checked before the password is hashed, and again in
 * the transaction that creates the account. `shared` is an address the household already logs in with.
 */
async function registrationProblem(db: Db, lookup: Extract<KeyLookup, { ok: true }>, r: { username: string; email: string | null }): Promise<{ problem?: RegistrationProblem; shared: boolean }> {
  if (await loginTaken(db, r.username)) return { problem: 'username-taken', shared: false };
  // Two guardians may share one address (a household's): the invitation went to it, so the second account gets it
  // as a verified address for mail and password resets, and logs in by username.
  const shared = r.email !== null && await loginTaken(db, r.email);
  if (shared && (!lookup.email || loginKey(lookup.email) !== loginKey(r.email ?? ''))) return { problem: 'email-taken', shared };
  if (await personHasAccount(db, lookup.guardianId)) return { problem: 'already-has-account', shared };
  return { shared };
}

/**
 * Creates the account of the invited guardian, in one transaction: all of it happens, or none. The key is locked
 * first: a second registration with it at the same moment waits, then finds it used. A username or address another
 * registration took meanwhile (with another key) is refused like one taken before.
 */
async function registerWithKey(db: Db, r: Registration, now: Date): Promise<RegistrationResult> {
  return db.transaction().execute(async (trx): Promise<RegistrationResult> => {
    const lookup = await lookUpKey(trx, r.key, now, { lock: true });
    if (!lookup.ok) return { ok: false, error: lookup.problem };
    const { problem, shared } = await registrationProblem(trx, lookup, r);
    if (problem) return { ok: false, error: problem };
    const id = await createAccount(trx, {
      personId: lookup.guardianId, username: r.username.trim(), email: shared ? null : r.email, passwordHash: r.passwordHash,
      language: r.language ?? lookup.language, displayName: r.displayName,
    }, now);
    if (shared && r.email !== null) await addVerifiedEmail(trx, id, r.email, now);
    if (!(await useKey(trx, lookup, id, now))) throw new KeyRaceLost();
    return { ok: true, accountId: id, sharedEmail: shared };
  }).catch((err: unknown): RegistrationResult => {
    if (err instanceof KeyRaceLost) return { ok: false, error: 'used' };
    const problem = takenMeanwhile(err);
    if (problem) return { ok: false, error: problem };
    throw err;
  });
}

/** The registration problem a unique key of accounts stands for, when another transaction took it first. */
function takenMeanwhile(err: unknown): RegistrationProblem | undefined {
  if (isUniqueViolation(err, 'accounts.username_key')) return 'username-taken';
  if (isUniqueViolation(err, 'accounts.email_key')) return 'email-taken';
  if (isUniqueViolation(err, 'accounts.person_id')) return 'already-has-account';
  return undefined;
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
    const lookup = await lookUpKey(trx, key, now, { lock: true });
    if (!lookup.ok) return { ok: false, error: lookup.problem };
    let children = await invitationChildren(trx, lookup.invitationId);
    if (account.personId !== lookup.guardianId) {
      if (!(await samePersonWithoutGuardianRole(trx, account.personId, lookup.guardianId))) return { ok: false, error: 'not-your-invitation' };
      // Only the children the invited guardian still is guardian of: a guardianship the register ended since the
      // invitation went out (an import, a court's decision) must not come back through its key.
      const still: number[] = [];
      for (const childId of children) {
        const registry = await guardianshipOf(trx, lookup.guardianId, childId);
        if (!registry) continue;
        await addGuardianship(trx, { guardianId: account.personId, childId, otherHousehold: registry.otherHousehold });
        still.push(childId);
      }
      if (still.length === 0) return { ok: false, error: 'revoked' };
      children = still;
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
  | { ok: false; errors: FieldErrors; status: 400 | 401 | 429; lookup?: Extract<KeyLookup, { ok: true }>; retryAfter?: number };

const TOO_MANY: FieldErrors = { form: { key: 'login.errors.tooMany' } };
const limited = (retryAfter: number): FormOutcome => ({ ok: false, errors: TOO_MANY, status: 429, retryAfter });
/** Too many passwords are being checked right now: the form again, to send in a minute; nothing was stored or counted. */
const busy = (retryAfter: number, lookup?: Extract<KeyLookup, { ok: true }>): FormOutcome =>
  ({ ok: false, errors: { form: { key: 'login.errors.busy' } }, status: 429, retryAfter, lookup });

/**
 * The registration form: a new account for the invited guardian. The cheap checks come first (the form, the key, a
 * free username) and the password is hashed only when the account can be made; every refusal that tells something
 * (the key, a taken username, a password) counts in the login limits per address and per key, from the moment the
 * form arrives (a burst cannot outrun the count). A form sent twice (a double click) finds the key used by the first;
 * the second signs in only to the account this key made, with its password, counted like a login. The account speaks
 * `language`, the one the guardian chose, or (undefined) the invitation's.
 */
export async function registerFromForm(
  db: Db, values: RegistrationValues, language: string | undefined,
  options: { now: Date; hashing?: HashingOptions; limits: LoginLimits; address: string },
): Promise<FormOutcome> {
  const key = normalizeKey(values.key);
  const begun = await options.limits.begin({ address: options.address, keyHash: key ? hashKey(key) : undefined });
  if (!begun.ok) return limited(begun.retryAfter);
  const signIn = async (accountId: number, message?: string): Promise<FormOutcome> => {
    await begun.succeeded();
    return { ok: true, accountId, message };
  };
  const lookup = key ? await lookUpKey(db, key, options.now) : undefined;
  const errors = validateRegistration(values, lookup);
  if (key && lookup?.ok === false) {
    const again = lookup.problem === 'used' ? await sameFormAgain(db, key, values, options.limits) : undefined;
    if (again?.ok === true) return signIn(again.accountId);
    if (again?.ok === false && again.busy !== undefined) {
      await begun.succeeded(); // nothing was checked: not counted
      return busy(again.busy);
    }
    if (again?.ok === false && again.retryAfter !== undefined) return limited(again.retryAfter);
    return { ok: false, errors, status: 400 };
  }
  if (!key || !lookup?.ok || hasErrors(errors)) {
    await begun.succeeded(); // the form's own rules tell nothing about keys or accounts: not counted
    return { ok: false, errors, status: 400, lookup: lookup?.ok ? lookup : undefined };
  }
  const registration = { username: values.username, email: values.email.trim() || null };
  const { problem } = await registrationProblem(db, lookup, registration);
  if (problem) return { ok: false, errors: registrationErrors(problem), status: 400, lookup };
  let passwordHash: string;
  try {
    passwordHash = await hashPassword(values.password, options.hashing);
  } catch (err) {
    if (!(err instanceof HashingBusy)) throw err;
    await begun.succeeded(); // nothing was tried: not counted
    return busy(err.retryAfter, lookup);
  }
  const result = await registerWithKey(db, { key, ...registration, displayName: values.name.trim(), language, passwordHash }, options.now);
  if (result.ok) return signIn(result.accountId, result.sharedEmail ? 'register.sharedEmail' : undefined);
  if (result.error === 'used') {
    const again = await sameFormAgain(db, key, values, options.limits);
    if (again.ok) return signIn(again.accountId);
    if (again.busy !== undefined) {
      await begun.succeeded();
      return busy(again.busy, lookup);
    }
    if (again.retryAfter !== undefined) return limited(again.retryAfter);
  }
  return { ok: false, errors: registrationErrors(result.error), status: 400 };
}

/**
 * A form sent twice: the first made the account with the key; the second, with the same username and password, signs
 * in to it. Only the account this key made, its password checked within that account's login limit. `busy`: the
 * seconds to wait when too many passwords are being checked (nothing checked, nothing counted).
 */
async function sameFormAgain(
  db: Db, key: string, values: RegistrationValues, limits: LoginLimits,
): Promise<{ ok: true; accountId: number } | { ok: false; retryAfter?: number; busy?: number }> {
  const [usedBy, account] = await Promise.all([keyUsedBy(db, key), findAccountByUsername(db, values.username)]);
  if (usedBy === undefined || account?.id !== usedBy) return { ok: false };
  const begun = await limits.begin({ accountId: account.id });
  if (!begun.ok) return { ok: false, retryAfter: begun.retryAfter };
  let matches: boolean;
  try {
    matches = await verifyPassword(account.password_hash, values.password);
  } catch (err) {
    if (!(err instanceof HashingBusy)) throw err;
    await begun.succeeded();
    return { ok: false, busy: err.retryAfter };
  }
  if (!matches) return { ok: false };
  await begun.succeeded();
  return { ok: true, accountId: account.id };
}

function registrationErrors(error: Extract<RegistrationResult, { ok: false }>['error']): FieldErrors {
  if (error === 'username-taken') return { username: { key: 'register.errors.usernameTaken' } };
  if (error === 'email-taken') return { email: { key: 'register.errors.emailTaken' } };
  if (error === 'already-has-account') return { key: { key: 'register.key.alreadyHasAccount' } };
  return { key: { key: KEY_PROBLEM_MESSAGES[error] } };
}

/** Logging in on "Jag har redan ett konto": the password is checked in the login limits, from this address. */
export interface LinkLogin { username: string; password: string; dummyHash: string; limits: LoginLimits; address: string }

/**
 * "Jag har redan ett konto" and "Utnyttja inbjudan": the key linked to the signed-in account, or to the one logged in
 * with. Logging in, the key is checked before the password, and a wrong key gets the same answer as a wrong password.
 */
export async function linkFromForm(db: Db, typedKey: string, holder: { id: number; personId: number } | LinkLogin, now: Date): Promise<FormOutcome> {
  const key = normalizeKey(typedKey);
  if (!key) return { ok: false, errors: { key: { key: 'register.errors.keyFormat' } }, status: 400 };
  let account: { id: number; personId: number };
  if ('id' in holder) account = holder;
  else {
    const checked = await checkLogin(db, holder.limits, holder.address, holder, holder.dummyHash, async () => (await lookUpKey(db, key, now)).ok);
    if (!checked.ok && checked.error === 'busy') return busy(checked.retryAfter);
    if (!checked.ok) return checked.error === 'limited' ? limited(checked.retryAfter) : { ok: false, errors: { form: { key: 'register.link.wrong' } }, status: 401 };
    account = { id: checked.account.id, personId: checked.account.person_id };
  }
  const linked = await linkKeyToAccount(db, key, account, now);
  if (linked.ok) return { ok: true, accountId: account.id, message: 'register.linked' };
  const error = linked.error === 'not-your-invitation' ? 'register.key.notYours' : KEY_PROBLEM_MESSAGES[linked.error];
  return { ok: false, errors: { key: { key: error } }, status: 400 };
}
