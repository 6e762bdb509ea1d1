// Accounts: a person's login (username, e-mail, password hash), language and mobile number, and the pieces of queries
// other modules use to name who did something.
import { sql } from 'kysely';
import { prepared, type Db, type OuterQuery } from '../kernel/db.ts';
import { isStaffPerson, personName } from '../people/queries.ts';
import type { SignedInAccount } from '../kernel/http.ts';
import { loginKey } from './passwords.ts';

export interface AccountForLogin { id: number; person_id: number; password_hash: string; closed_at: string | null }

/** The account a username or e-mail address names, whatever its case and surrounding spaces. */
export async function findAccountByLogin(db: Db, name: string): Promise<AccountForLogin | undefined> {
  const key = loginKey(name);
  if (!key) return undefined;
  return db.selectFrom('accounts')
    .select(['id', 'person_id', 'password_hash', 'closed_at'])
    .where((eb) => eb.or([eb('username_key', '=', key), eb('email_key', '=', key)]))
    .orderBy('id').executeTakeFirst();
}

/** The account whose username (not login e-mail) is `username`, whatever its case and surrounding spaces; open or closed. */
export async function findAccountByUsername(db: Db, username: string): Promise<{ id: number; password_hash: string } | undefined> {
  return db.selectFrom('accounts').select(['id', 'password_hash']).where('username_key', '=', loginKey(username)).executeTakeFirst();
}

// Read on every request of a signed-in user: compiled once.
const signedInAccount = prepared((db: Db, accountId: number) => db.selectFrom('accounts')
  .select(['accounts.id', 'accounts.person_id', 'accounts.username', 'accounts.language'])
  .select((eb) => eb.fn.coalesce('accounts.display_name', personName(eb, 'accounts.person_id')).$castTo<string>().as('display_name'))
  .where('accounts.id', '=', accountId).where('accounts.closed_at', 'is', null));

export async function findSignedInAccount(db: Db, accountId: number): Promise<SignedInAccount | undefined> {
  const [row] = await signedInAccount(db, accountId);
  if (!row) return undefined;
  return { id: row.id, personId: row.person_id, username: row.username, language: row.language, displayName: row.display_name };
}

export async function recordLogin(db: Db, accountId: number, at: Date): Promise<void> {
  await db.updateTable('accounts').set({ last_login_at: at.toISOString() }).where('id', '=', accountId).execute();
}

export async function setLanguage(db: Db, accountId: number, language: string): Promise<void> {
  await db.updateTable('accounts').set({ language }).where('id', '=', accountId).execute();
}

export interface NewAccount {
  personId: number; username: string; email: string | null; passwordHash: string; language?: string;
  /** The name the person chose to be shown by (a guardian registering); without it, the registry's name. */
  displayName?: string;
}

export async function createAccount(db: Db, account: NewAccount, at: Date): Promise<number> {
  const row = await db.insertInto('accounts').values({
    person_id: account.personId,
    username: account.username,
    username_key: loginKey(account.username),
    email: account.email,
    email_key: account.email ? loginKey(account.email) : null,
    password_hash: account.passwordHash,
    language: account.language ?? 'sv',
    display_name: account.displayName ?? null,
    created_at: at.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Whether a name is the login of an account (other than `exceptAccountId`): login matches what is typed against
 * usernames and login e-mail addresses alike, regardless of case, so a new username or login address must be neither.
 */
export async function loginTaken(db: Db, name: string, exceptAccountId?: number): Promise<boolean> {
  const key = loginKey(name);
  let query = db.selectFrom('accounts').select('id').where((eb) => eb.or([eb('username_key', '=', key), eb('email_key', '=', key)]));
  if (exceptAccountId !== undefined) query = query.where('id', '!=', exceptAccountId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** Whether the person has an account, open or closed (a person has at most one). */
export async function personHasAccount(db: Db, personId: number): Promise<boolean> {
  return (await db.selectFrom('accounts').select('id').where('person_id', '=', personId).executeTakeFirst()) !== undefined;
}

export interface OpenAccount {
  id: number; personId: number; language: string;
  /** The account's own mobile number: always one its holder verified by a code (one not yet verified is not here). */
  mobile: string | null;
}

/** The open accounts of the persons, oldest first. */
export async function openAccountsOf(db: Db, personIds: readonly number[]): Promise<OpenAccount[]> {
  if (personIds.length === 0) return [];
  const rows = await db.selectFrom('accounts').select(['id', 'person_id', 'language', 'mobile'])
    .where('person_id', 'in', personIds).where('closed_at', 'is', null).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, personId: r.person_id, language: r.language, mobile: r.mobile }));
}

/**
 * Whether the holder of an open account entered the number as their own in Mina inställningar: their verified mobile
 * number, or one they are verifying (a code was sent to it; nothing but the code goes to a number not yet verified).
 */
export async function isOpenAccountMobile(db: Db, mobile: string): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('accounts.id').where('accounts.closed_at', 'is', null)
    .where((eb) => eb.or([
      eb('accounts.mobile', '=', mobile),
      eb.exists(eb.selectFrom('account_mobile_verifications').select('account_mobile_verifications.account_id')
        .whereRef('account_mobile_verifications.account_id', '=', 'accounts.id')
        .where('account_mobile_verifications.mobile', '=', mobile).where('account_mobile_verifications.code_hash', 'is not', null)),
    ])).executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Pieces of queries for other modules: who did something, named by the account id in the outer query's column `ref`
// ("Anmäld av …", "Registrerad av …"), without naming this module's table outside it.

/** The account's display name, else its person's "First Last". */
export function accountName(eb: OuterQuery, ref: string) {
  return eb.selectFrom('accounts')
    .select((inner) => inner.fn.coalesce('accounts.display_name', personName(inner, 'accounts.person_id')).as('name'))
    .where('accounts.id', '=', sql.ref<number>(ref));
}

/** The "First Last" of the account's person, whatever display name the account chose (who changed a setting). */
export function accountPersonName(eb: OuterQuery, ref: string) {
  return eb.selectFrom('accounts').select((inner) => personName(inner, 'accounts.person_id').as('name'))
    .where('accounts.id', '=', sql.ref<number>(ref));
}

/** Whether the account's person works anywhere: their registrations are marked as the staff's. */
export function accountIsStaff(eb: OuterQuery, ref: string) {
  return eb.exists(eb.selectFrom('accounts').select('accounts.id')
    .where('accounts.id', '=', sql.ref<number>(ref)).where((inner) => isStaffPerson(inner, 'accounts.person_id')));
}

// ---------------------------------------------------------------------------------------------------------------------
// For the e-ID login (server/e-id/matching.ts) and the demo's test identities (server/demo/e-id-provider.ts).

/** The person's open account (the oldest, should there be more), or undefined. */
export async function openAccountOfPerson(db: Db, personId: number): Promise<number | undefined> {
  const row = await db.selectFrom('accounts').select('id').where('person_id', '=', personId).where('closed_at', 'is', null)
    .orderBy('id').limit(1).executeTakeFirst();
  return row?.id;
}

/** The open accounts, oldest first, with the logins their holders use (the demo provider's test identities). */
export async function openAccountsWithLogins(db: Db, limit: number): Promise<{ id: number; personId: number; username: string; email: string | null }[]> {
  const rows = await db.selectFrom('accounts').select(['id', 'person_id', 'username', 'email'])
    .where('closed_at', 'is', null).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, personId: r.person_id, username: r.username, email: r.email }));
}

/** Which of the persons have an account, open or closed. */
export async function personsWithAccounts(db: Db, personIds: readonly number[]): Promise<Set<number>> {
  if (personIds.length === 0) return new Set();
  const rows = await db.selectFrom('accounts').select('person_id').where('person_id', 'in', personIds).execute();
  return new Set(rows.map((r) => r.person_id));
}
