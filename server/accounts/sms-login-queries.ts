// The SQL of logging in with an SMS code (sms-login.ts): which accounts a typed name or number names, and the codes
// in `sms_login_codes` (only their hashes). Trying a code counts the try and uses the code with conditional updates,
// so requests at the same moment in several processes get no more tries than allowed and one session at most.
import type { Transaction } from 'kysely';
import type { Database, Db } from '../kernel/db.ts';
import { personMunicipality } from '../people/queries.ts';
import { loginKey } from './passwords.ts';

/** An open account with a verified mobile number: what an SMS code can be sent for. */
export interface SmsLoginAccount { id: number; mobile: string; language: string; municipalityId: number }

function openAccountsWithMobile(db: Db) {
  return db.selectFrom('accounts').select(['accounts.id', 'accounts.mobile', 'accounts.language'])
    .select((eb) => personMunicipality(eb, 'accounts.person_id').as('municipality_id'))
    .where('accounts.closed_at', 'is', null).where('accounts.mobile', 'is not', null);
}

const asAccounts = (rows: { id: number; mobile: string | null; language: string; municipality_id: number | null }[]): SmsLoginAccount[] =>
  rows.flatMap((r) => (r.mobile && r.municipality_id !== null
    ? [{ id: r.id, mobile: r.mobile, language: r.language, municipalityId: r.municipality_id }] : []));

/** The open account whose username or login e-mail address is `name` (any case), if it has a verified mobile number. */
export async function smsAccountByLogin(db: Db, name: string): Promise<SmsLoginAccount | undefined> {
  const key = loginKey(name);
  if (!key) return undefined;
  const rows = await openAccountsWithMobile(db)
    .where((eb) => eb.or([eb('accounts.username_key', '=', key), eb('accounts.email_key', '=', key)])).orderBy('accounts.id').limit(1).execute();
  return asAccounts(rows)[0];
}

/** The open account, if it still has a verified mobile number (a code sent before it was closed or its number removed does nothing). */
export async function smsAccountById(db: Db, accountId: number): Promise<SmsLoginAccount | undefined> {
  return asAccounts(await openAccountsWithMobile(db).where('accounts.id', '=', accountId).execute())[0];
}

/** The open accounts whose verified mobile number is `mobile` (E.164): two guardians may share a phone. */
export async function smsAccountsByMobile(db: Db, mobile: string): Promise<SmsLoginAccount[]> {
  return asAccounts(await openAccountsWithMobile(db).where('accounts.mobile', '=', mobile).orderBy('accounts.id').limit(10).execute());
}

/** How long a code is kept after it expired (so that "already used" and "expired" can still be told apart a while). */
const KEEP_MS = 24 * 60 * 60_000;

/**
 * Stores a new code (its hash) for the account, or for nobody (`accountId` null: a request that gets no SMS); the
 * account's codes not yet used stop working, and codes expired a day ago are deleted. Returns the code's id.
 */
export async function storeSmsLoginCode(
  trx: Db | Transaction<Database>, accountId: number | null, codeHash: string, expiresAt: Date, now: Date,
): Promise<number> {
  await trx.deleteFrom('sms_login_codes').where('expires_at', '<', new Date(now.getTime() - KEEP_MS).toISOString()).execute();
  if (accountId !== null) await trx.deleteFrom('sms_login_codes').where('account_id', '=', accountId).where('used_at', 'is', null).execute();
  const row = await trx.insertInto('sms_login_codes').values({
    account_id: accountId, code_hash: codeHash, expires_at: expiresAt.toISOString(), created_at: now.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The account a code was sent for (undefined: none, or the code is gone). */
export async function smsLoginCodeAccount(db: Db, codeId: number): Promise<number | undefined> {
  const row = await db.selectFrom('sms_login_codes').select('account_id').where('id', '=', codeId).executeTakeFirst();
  return row?.account_id ?? undefined;
}

export type UseSmsLoginCode =
  | { ok: true; accountId: number }
  | { ok: false; error: 'gone' | 'used' | 'expired' | 'too-many-tries' }
  | { ok: false; error: 'wrong'; triesLeft: number };

/**
 * Tries a code. The try is counted first, by an update that only a live, unused code with tries left passes (so no
 * number of requests at once gets more than `maxTries` looks at it); then the right code is used by an update that
 * only an unused one passes: of two requests with the right code at once, exactly one gets the account.
 */
export async function useSmsLoginCode(db: Db, codeId: number, codeHash: string, now: Date, maxTries: number): Promise<UseSmsLoginCode> {
  const at = now.toISOString();
  const counted = await db.updateTable('sms_login_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', codeId).where('used_at', 'is', null).where('attempts', '<', maxTries).where('expires_at', '>', at).executeTakeFirst();
  if (Number(counted.numUpdatedRows) !== 1) {
    const row = await db.selectFrom('sms_login_codes').select(['used_at', 'attempts']).where('id', '=', codeId).executeTakeFirst();
    if (!row) return { ok: false, error: 'gone' };
    if (row.used_at !== null) return { ok: false, error: 'used' };
    if (row.attempts >= maxTries) return { ok: false, error: 'too-many-tries' };
    return { ok: false, error: 'expired' };
  }
  const used = await db.updateTable('sms_login_codes').set({ used_at: at })
    .where('id', '=', codeId).where('code_hash', '=', codeHash).where('used_at', 'is', null).where('expires_at', '>', at)
    .where('account_id', 'is not', null).returning('account_id').executeTakeFirst();
  if (used?.account_id != null) return { ok: true, accountId: used.account_id };
  const row = await db.selectFrom('sms_login_codes').select(['code_hash', 'used_at', 'attempts']).where('id', '=', codeId).executeTakeFirst();
  if (!row) return { ok: false, error: 'gone' };
  if (row.used_at !== null && row.code_hash === codeHash) return { ok: false, error: 'used' }; // the other request was first
  return { ok: false, error: 'wrong', triesLeft: Math.max(0, maxTries - row.attempts) };
}

/** An account closed: its codes go (AccountCleanup, handed in by app.ts). */
export async function removeSmsLoginCodes(trx: Db, accountId: number): Promise<void> {
  await trx.deleteFrom('sms_login_codes').where('account_id', '=', accountId).execute();
}
