// "Mina inställningar": what a person changes about their own account. Every query here is scoped to the account
// it is given, so a record of someone else's is simply not found.
import type { Transaction } from 'kysely';
import type { Database, Db } from '../kernel/db.ts';
import { endOtherSessions, endSessionOfAccount, sessionsOfAccount } from '../kernel/session-store.ts';
import { personFirstName, personMunicipality } from '../people/queries.ts';
import { loginKey } from './passwords.ts';
import { loginTaken } from './queries.ts';
import { useUpResetTokens } from './reset-queries.ts';
import { hashToken, looksLikeToken, newToken } from './tokens.ts';
import { isUniqueViolation } from '../../db/sql.ts';
import { forgetTrustedDevices } from './pin-queries.ts';

export const VERIFY_LINK_HOURS = 24;

export interface OwnAccount {
  id: number; username: string; email: string | null; mobile: string | null; language: string; firstName: string;
  /** The municipality of the account's person (its mails show in that municipality's demo mailbox). */
  municipalityId: number | null;
}

export async function ownAccount(db: Db, accountId: number): Promise<OwnAccount | undefined> {
  const row = await db.selectFrom('accounts')
    .select((eb) => ['accounts.id', 'accounts.username', 'accounts.email', 'accounts.mobile', 'accounts.language',
      personFirstName(eb, 'accounts.person_id').as('first_name'), personMunicipality(eb, 'accounts.person_id').as('municipality_id')])
    .where('accounts.id', '=', accountId).executeTakeFirst();
  return row && {
    id: row.id, username: row.username, email: row.email, mobile: row.mobile, language: row.language, firstName: row.first_name ?? '',
    municipalityId: row.municipality_id ?? null,
  };
}

export async function passwordHashOf(db: Db, accountId: number): Promise<string> {
  return (await db.selectFrom('accounts').select('password_hash').where('id', '=', accountId).executeTakeFirstOrThrow()).password_hash;
}

/**
 * Changes the username unless another account has it (checked in the same transaction); false when taken, also when
 * another account took it at the same moment (its unique key).
 */
export async function changeUsername(db: Db, accountId: number, username: string): Promise<boolean> {
  const name = username.trim();
  return db.transaction().execute(async (trx) => {
    if (await loginTaken(trx, name, accountId)) return false;
    await trx.updateTable('accounts').set({ username: name, username_key: loginKey(name) }).where('id', '=', accountId).execute();
    return true;
  }).catch((error: unknown) => {
    if (isUniqueViolation(error, 'accounts.username_key')) return false;
    throw error;
  });
}

/** A new password: the old links to choose one stop working, every other session of the account ends, its PINs are forgotten. */
export async function changePassword(db: Db, accountId: number, passwordHash: string, keepSid: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', accountId).execute();
    await useUpResetTokens(trx, accountId, now);
    await endOtherSessions(trx, accountId, keepSid);
    await forgetTrustedDevices(trx, accountId); // (its PINs too: pin-queries.ts)
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// The mobile number: SMS go only to a verified number (accounts.mobile). A new number waits in
// account_mobile_verifications, one per account, until its holder types in the code SMS:ed to it.

export interface PendingMobile {
  mobile: string;
  /** False for a number stored before numbers were verified: no code has been sent to it yet. */
  codeSent: boolean;
  expired: boolean;
  attempts: number;
}

export async function pendingMobile(db: Db, accountId: number, now: Date): Promise<PendingMobile | undefined> {
  const row = await db.selectFrom('account_mobile_verifications').select(['mobile', 'code_hash', 'code_expires_at', 'attempts'])
    .where('account_id', '=', accountId).executeTakeFirst();
  return row && {
    mobile: row.mobile, codeSent: row.code_hash !== null, attempts: row.attempts,
    expired: row.code_expires_at !== null && row.code_expires_at <= now.toISOString(),
  };
}

export interface MobileCode { hash: string; expiresAt: Date }

/** A new number to verify with its code, in place of any number waiting before; the wrong tries start again. */
export async function storeMobileCode(db: Db | Transaction<Database>, accountId: number, mobile: string, code: MobileCode, now: Date): Promise<void> {
  const fields = { mobile, code_hash: code.hash, code_expires_at: code.expiresAt.toISOString(), attempts: 0 };
  await db.insertInto('account_mobile_verifications').values({ account_id: accountId, created_at: now.toISOString(), ...fields })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(fields)).execute();
}

/** A new code for the number waiting, if it is still `mobile`; false when none is (cancelled, verified meanwhile). */
export async function renewMobileCode(db: Db | Transaction<Database>, accountId: number, mobile: string, code: MobileCode): Promise<boolean> {
  const result = await db.updateTable('account_mobile_verifications')
    .set({ code_hash: code.hash, code_expires_at: code.expiresAt.toISOString(), attempts: 0 })
    .where('account_id', '=', accountId).where('mobile', '=', mobile).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type UseMobileCode =
  | { ok: true; mobile: string }
  | { ok: false; error: 'nothing-pending' | 'no-code' | 'expired' | 'too-many-tries' }
  | { ok: false; error: 'wrong'; triesLeft: number };

/**
 * Tries a code: the try is counted first, by a conditional update that only a live code with tries left passes, so
 * that no number of requests at once gets more than `maxTries` looks at a code. The right code is used up in the same
 * step that makes its number the account's own.
 */
export async function useMobileCode(db: Db, accountId: number, codeHash: string, now: Date, maxTries: number): Promise<UseMobileCode> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx): Promise<UseMobileCode> => {
    const counted = await trx.updateTable('account_mobile_verifications').set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('account_id', '=', accountId).where('code_hash', 'is not', null).where('attempts', '<', maxTries)
      .where('code_expires_at', '>', at).executeTakeFirst();
    if (Number(counted.numUpdatedRows) !== 1) {
      const row = await trx.selectFrom('account_mobile_verifications').select(['code_hash', 'code_expires_at', 'attempts'])
        .where('account_id', '=', accountId).executeTakeFirst();
      if (!row) return { ok: false, error: 'nothing-pending' };
      if (row.code_hash === null || row.code_expires_at === null) return { ok: false, error: 'no-code' };
      if (row.attempts >= maxTries) return { ok: false, error: 'too-many-tries' };
      return { ok: false, error: 'expired' };
    }
    const used = await trx.deleteFrom('account_mobile_verifications')
      .where('account_id', '=', accountId).where('code_hash', '=', codeHash).where('code_expires_at', '>', at)
      .returning('mobile').executeTakeFirst();
    if (used) {
      await trx.updateTable('accounts').set({ mobile: used.mobile }).where('id', '=', accountId).execute();
      return { ok: true, mobile: used.mobile };
    }
    const { attempts } = await trx.selectFrom('account_mobile_verifications').select('attempts').where('account_id', '=', accountId).executeTakeFirstOrThrow();
    return { ok: false, error: 'wrong', triesLeft: Math.max(0, maxTries - attempts) };
  });
}

/** Stops verifying the number waiting; false when none was. */
export async function cancelPendingMobile(db: Db, accountId: number): Promise<boolean> {
  const result = await db.deleteFrom('account_mobile_verifications').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** No own mobile number any more: neither the verified one nor one waiting. */
export async function removeMobile(db: Db, accountId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set({ mobile: null }).where('id', '=', accountId).execute();
    await trx.deleteFrom('account_mobile_verifications').where('account_id', '=', accountId).execute();
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Extra e-mail addresses, each verified by a link before mail goes to it.

export interface ExtraEmail { id: number; email: string; verified: boolean }

export async function extraEmails(db: Db, accountId: number): Promise<ExtraEmail[]> {
  const rows = await db.selectFrom('account_emails').select(['id', 'email', 'verified_at'])
    .where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, email: r.email, verified: r.verified_at !== null }));
}

export type AddEmail = { ok: true; token: string } | { ok: false; error: 'is-login' | 'already-verified' };

/**
 * Adds an address (or, for one not yet verified, makes a new link for it); the token is for the mail only. The same
 * address added twice at once (a double click): the second finds the first's and makes a new link for it.
 */
export async function addEmail(db: Db, account: { id: number; email: string | null }, email: string, now: Date): Promise<AddEmail> {
  const key = loginKey(email);
  if (account.email && loginKey(account.email) === key) return { ok: false, error: 'is-login' };
  const existing = await db.selectFrom('account_emails').select(['id', 'verified_at'])
    .where('account_id', '=', account.id).where('email_key', '=', key).executeTakeFirst();
  if (existing?.verified_at) return { ok: false, error: 'already-verified' };
  const { token, hash } = newToken();
  const link = { token_hash: hash, token_expires_at: new Date(now.getTime() + VERIFY_LINK_HOURS * 3_600_000).toISOString() };
  if (existing) {
    await db.updateTable('account_emails').set({ email: email.trim(), ...link }).where('id', '=', existing.id).execute();
  } else {
    await db.insertInto('account_emails').values({
      account_id: account.id, email: email.trim(), email_key: key, created_at: now.toISOString(), verified_at: null, ...link,
    }).onConflict((oc) => oc.columns(['account_id', 'email_key']).doUpdateSet({ email: email.trim(), ...link })).execute();
  }
  return { ok: true, token };
}

/** An address that is verified already: the one an invitation went to, shared by two guardians of a household. */
export async function addVerifiedEmail(db: Db, accountId: number, email: string, now: Date): Promise<void> {
  await db.insertInto('account_emails').values({
    account_id: accountId, email: email.trim(), email_key: loginKey(email), created_at: now.toISOString(), verified_at: now.toISOString(),
    token_hash: null, token_expires_at: null,
  }).execute();
}

export type VerifyLink =
  | { state: 'valid' | 'verified'; id: number; email: string }
  | { state: 'unknown' | 'expired' };

/** What a verification link is now. A link stays known after use, so it can say the address is already verified. */
export async function verifyLink(db: Db, token: string, now: Date): Promise<VerifyLink> {
  if (!looksLikeToken(token)) return { state: 'unknown' };
  const row = await db.selectFrom('account_emails').innerJoin('accounts', 'accounts.id', 'account_emails.account_id')
    .select(['account_emails.id', 'account_emails.email', 'account_emails.verified_at', 'account_emails.token_expires_at', 'accounts.closed_at'])
    .where('account_emails.token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row || row.closed_at) return { state: 'unknown' };
  if (row.verified_at) return { state: 'verified', id: row.id, email: row.email };
  if (!row.token_expires_at || row.token_expires_at <= now.toISOString()) return { state: 'expired' };
  return { state: 'valid', id: row.id, email: row.email };
}

export async function markVerified(db: Db, emailId: number, now: Date): Promise<void> {
  await db.updateTable('account_emails').set({ verified_at: now.toISOString() })
    .where('id', '=', emailId).where('verified_at', 'is', null).execute();
}

export async function removeEmail(db: Db, accountId: number, emailId: number): Promise<boolean> {
  const result = await db.deleteFrom('account_emails').where('id', '=', emailId).where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export type MakeLoginEmail = { ok: true } | { ok: false; error: 'not-found' | 'not-verified' | 'taken' };

/**
 * A verified address becomes the login e-mail; the previous login address stays on the account as an extra address
 * (mail went to it until now), so nothing is lost and the person can remove it.
 */
export async function makeLoginEmail(db: Db, account: { id: number; email: string | null }, emailId: number, now: Date): Promise<MakeLoginEmail> {
  return db.transaction().execute(async (trx): Promise<MakeLoginEmail> => {
    const row = await trx.selectFrom('account_emails').select(['email', 'email_key', 'verified_at'])
      .where('id', '=', emailId).where('account_id', '=', account.id).executeTakeFirst();
    if (!row) return { ok: false, error: 'not-found' };
    if (!row.verified_at) return { ok: false, error: 'not-verified' };
    if (await loginTaken(trx, row.email, account.id)) return { ok: false, error: 'taken' };
    // Another account may take it as its login at the same moment: its unique key refuses one of the two (below).
    await trx.updateTable('accounts').set({ email: row.email, email_key: row.email_key }).where('id', '=', account.id).execute();
    if (account.email) {
      await trx.updateTable('account_emails')
        .set({ email: account.email, email_key: loginKey(account.email), verified_at: now.toISOString(), token_hash: null, token_expires_at: null })
        .where('id', '=', emailId).execute();
    } else {
      await trx.deleteFrom('account_emails').where('id', '=', emailId).execute();
    }
    return { ok: true };
  }).catch((error: unknown): MakeLoginEmail => {
    if (isUniqueViolation(error, 'accounts.email_key')) return { ok: false, error: 'taken' };
    throw error;
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Sessions: where the account is logged in. A session is named on the page by a hash of its id, never the id itself.

export interface AccountSession {
  handle: string; current: boolean; agent: string | undefined; loginAt: string | undefined; lastSeen: string | undefined; expires: string;
}

interface StoredSession { cookie?: { originalMaxAge?: number | null }; loginAt?: string; agent?: string }

export function sessionHandle(sid: string): string {
  return hashToken(sid).slice(0, 32);
}

export async function sessionsOf(db: Db, accountId: number, currentSid: string, now: Date): Promise<AccountSession[]> {
  const rows = await sessionsOfAccount(db, accountId, now);
  const sessions = rows.map((row) => {
    let data: StoredSession = {};
    try {
      data = JSON.parse(row.sess) as StoredSession;
    } catch { /* an unreadable row still shows, and can be ended */ }
    const maxAge = data.cookie?.originalMaxAge;
    return {
      handle: sessionHandle(row.sid),
      current: row.sid === currentSid,
      agent: data.agent,
      loginAt: data.loginAt,
      // Rolling sessions move their expiry on each visit (to within a minute), so the last visit is derivable.
      lastSeen: typeof maxAge === 'number' ? new Date(Number(row.expires) - maxAge).toISOString() : undefined,
      expires: new Date(Number(row.expires)).toISOString(),
    };
  });
  return sessions.sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends one of the account's sessions, never the current one (logging out does that); false when none matched. */
export async function endSession(db: Db, accountId: number, handle: string, currentSid: string): Promise<boolean> {
  const match = (await sessionsOfAccount(db, accountId)).find((row) => row.sid !== currentSid && sessionHandle(row.sid) === handle);
  if (!match) return false;
  await endSessionOfAccount(db, accountId, match.sid);
  return true;
}
