// The first municipality administrator of a database (`npm run admin -- create-admin`): the municipality (found by
// name or created), the person, the admin role and the account, in one transaction, or nothing at all.
import type { Db } from '../kernel/db.ts';
import { isUniqueViolation } from '../../db/sql.ts';
import { addMunicipalityAdmin, createPerson, findOrCreateMunicipality } from '../people/commands.ts';
import { createAccount, loginTaken } from './queries.ts';
import { hashPassword, loginKey, MAX_LOGIN_NAME, MAX_PASSWORD } from './passwords.ts';

export const MIN_ADMIN_PASSWORD = 10;

export interface FirstAdminFields { municipality: string; username: string; name: string; email: string }
export interface FirstAdminInput extends FirstAdminFields { password: string }

export type FirstAdminError =
  | 'municipality-missing' | 'municipality-too-long'
  | 'name-missing' | 'name-incomplete' | 'name-too-long'
  | 'username-missing' | 'username-too-long' | 'username-has-spaces' | 'username-taken'
  | 'email-missing' | 'email-malformed' | 'email-taken'
  | 'password-missing' | 'password-too-short' | 'password-too-long' | 'password-spaces';

export type FirstAdminResult =
  | { ok: true; accountId: number; personId: number; municipalityId: number; municipalityName: string; municipalityCreated: boolean }
  | { ok: false; error: FirstAdminError };

/** What each error means, for the person at the terminal. */
export const FIRST_ADMIN_MESSAGES: Readonly<Record<FirstAdminError, string>> = {
  'municipality-missing': 'Give the municipality with --municipality "Name".',
  'municipality-too-long': 'The municipality name can be at most 200 characters.',
  'name-missing': 'Give the administrator\'s name with --name "First Last".',
  'name-incomplete': 'Give both first and last name with --name, e.g. --name "Anna Andersson".',
  'name-too-long': 'The name can be at most 200 characters.',
  'username-missing': 'Give a username with --username.',
  'username-too-long': `The username can be at most ${MAX_LOGIN_NAME} characters.`,
  'username-has-spaces': 'The username cannot contain spaces.',
  'username-taken': 'That username is already taken (usernames are compared without regard to case). Choose another.',
  'email-missing': 'Give the administrator\'s e-mail address with --email.',
  'email-malformed': 'The e-mail address does not look right: it should be like anna@example.se.',
  'email-taken': 'That e-mail address already belongs to an account.',
  'password-missing': 'No password was given.',
  'password-too-short': `The password must be at least ${MIN_ADMIN_PASSWORD} characters.`,
  'password-too-long': `The password can be at most ${MAX_PASSWORD} characters.`,
  'password-spaces': 'The password cannot start or end with a space (login ignores them).',
};

const MAX_NAME = 200;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;

/** The name as first and last name: the last word is the last name, the words before it the first name. */
export function splitName(name: string): { first: string; last: string } | undefined {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length < 2) return undefined;
  return { first: words.slice(0, -1).join(' '), last: words[words.length - 1] };
}

/** The checks that need neither the database nor the password (a CLI runs them before asking for it). */
export function validateFirstAdminFields(fields: FirstAdminFields): FirstAdminError | undefined {
  const municipality = fields.municipality.trim();
  if (!municipality) return 'municipality-missing';
  if (municipality.length > MAX_NAME) return 'municipality-too-long';
  if (!fields.name.trim()) return 'name-missing';
  if (!splitName(fields.name)) return 'name-incomplete';
  if (fields.name.trim().length > MAX_NAME) return 'name-too-long';
  const username = fields.username.trim();
  if (!username) return 'username-missing';
  if (username.length > MAX_LOGIN_NAME) return 'username-too-long';
  if (/\s/u.test(username)) return 'username-has-spaces';
  const email = fields.email.trim();
  if (!email) return 'email-missing';
  if (email.length > MAX_LOGIN_NAME || !EMAIL.test(email)) return 'email-malformed';
  return undefined;
}

export function validatePassword(password: string): FirstAdminError | undefined {
  if (password.length === 0) return 'password-missing';
  if (/^\s|\s$/u.test(password)) return 'password-spaces';
  const length = [...password].length;
  if (length < MIN_ADMIN_PASSWORD) return 'password-too-short';
  if (password.length > MAX_PASSWORD) return 'password-too-long';
  return undefined;
}

/**
 * Whether the username or e-mail address is already someone's login. Login matches a name against both usernames and
 * e-mail addresses, so each is checked against both.
 */
export async function loginConflict(db: Db, fields: Pick<FirstAdminFields, 'username' | 'email'>): Promise<FirstAdminError | undefined> {
  if (await loginTaken(db, fields.username)) return 'username-taken';
  if (await loginTaken(db, fields.email)) return 'email-taken';
  return undefined;
}

/** Validates, hashes the password (production argon2id parameters) and writes everything in one transaction. */
export async function createFirstAdmin(db: Db, input: FirstAdminInput, options: { now: Date }): Promise<FirstAdminResult> {
  const invalid = validateFirstAdminFields(input) ?? validatePassword(input.password);
  if (invalid) return { ok: false, error: invalid };
  const conflict = await loginConflict(db, input);
  if (conflict) return { ok: false, error: conflict };

  const passwordHash = await hashPassword(input.password);
  const name = splitName(input.name);
  if (!name) return { ok: false, error: 'name-incomplete' };
  const username = input.username.trim();
  const email = input.email.trim();
  const municipalityName = input.municipality.trim().replace(/\s+/gu, ' ');

  return db.transaction().execute(async (trx): Promise<FirstAdminResult> => {
    // Checked again inside the transaction: another process may have taken the name while the hash was made (or takes
    // it at this very moment: then the unique key refuses it, below).
    const raced = await loginConflict(trx, input);
    if (raced) return { ok: false, error: raced };

    const municipality = await findOrCreateMunicipality(trx, municipalityName, (a, b) => loginKey(a) === loginKey(b), options.now);
    const personId = await createPerson(trx, { municipalityId: municipality.id, firstName: name.first, lastName: name.last, email }, options.now);
    await addMunicipalityAdmin(trx, personId, municipality.id);
    const accountId = await createAccount(trx, { personId, username, email, passwordHash }, options.now);
    return {
      ok: true, accountId, personId, municipalityId: municipality.id, municipalityName: municipality.name, municipalityCreated: municipality.created,
    };
  }).catch((error: unknown): FirstAdminResult => {
    if (isUniqueViolation(error, 'accounts.username_key')) return { ok: false, error: 'username-taken' };
    if (isUniqueViolation(error, 'accounts.email_key')) return { ok: false, error: 'email-taken' };
    throw error;
  });
}
