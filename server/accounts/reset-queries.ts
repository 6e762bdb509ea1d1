// "Glömt lösenord?": single-use links, valid one hour, stored only hashed. Using one changes the password, uses up
// every other link of the account and ends all its sessions, in one transaction.
import type { Db } from '../kernel/db.ts';
import { lockedRows } from '../../db/sql.ts';
import { endOtherSessions } from '../kernel/session-store.ts';
import { personFirstName, personMunicipality } from '../people/queries.ts';
import { loginKey } from './passwords.ts';
import { hashToken, looksLikeToken, newToken } from './tokens.ts';
import { forgetTrustedDevices } from './pin-queries.ts';

export const RESET_LINK_MINUTES = 60;

export interface ResetRecipient {
  accountId: number; username: string; firstName: string; language: string;
  /** The municipality of the account's person: the demo mailbox shows the link only to its admins. */
  municipalityId: number | null;
  /** The login e-mail address and every verified extra address, each once. */
  addresses: string[];
}

/**
 * The open accounts a "Glömt lösenord?" request names: by username or login e-mail address (as login matches them),
 * or by a verified extra address. Accounts without any address are left out: there is nowhere to send the link.
 */
export async function accountsToReset(db: Db, name: string): Promise<ResetRecipient[]> {
  const key = loginKey(name);
  if (!key) return [];
  const byExtra = db.selectFrom('account_emails').select('account_id').where('email_key', '=', key).where('verified_at', 'is not', null);
  const accounts = await db.selectFrom('accounts')
    .select((eb) => ['accounts.id', 'accounts.username', 'accounts.email', 'accounts.language', personFirstName(eb, 'accounts.person_id').as('first_name'),
      personMunicipality(eb, 'accounts.person_id').as('municipality_id')])
    .where('accounts.closed_at', 'is', null)
    .where((eb) => eb.or([eb('accounts.username_key', '=', key), eb('accounts.email_key', '=', key), eb('accounts.id', 'in', byExtra)]))
    .orderBy('accounts.id').execute();
  const result: ResetRecipient[] = [];
  for (const account of accounts) {
    const addresses = await mailAddressesOf(db, account.id, account.email);
    if (addresses.length === 0) continue;
    result.push({ accountId: account.id, username: account.username, firstName: account.first_name ?? '', language: account.language,
      municipalityId: account.municipality_id ?? null, addresses });
  }
  return result;
}

/** Where mail to an account goes: its login e-mail address and its verified extra addresses, each once. */
async function mailAddressesOf(db: Db, accountId: number, loginEmail: string | null): Promise<string[]> {
  const extra = await db.selectFrom('account_emails').select('email')
    .where('account_id', '=', accountId).where('verified_at', 'is not', null).orderBy('id').execute();
  const seen = new Set<string>();
  return [loginEmail, ...extra.map((e) => e.email)].filter((address): address is string => {
    if (!address || seen.has(loginKey(address))) return false;
    seen.add(loginKey(address));
    return true;
  });
}

/** A new link for the account; the token itself is returned once, for the mail, and never stored. */
export async function createResetToken(db: Db, accountId: number, now: Date): Promise<string> {
  const { token, hash } = newToken();
  await db.insertInto('password_reset_tokens').values({
    account_id: accountId, token_hash: hash, created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000).toISOString(),
  }).execute();
  return token;
}

export type ResetLink =
  | { state: 'valid'; tokenId: number; accountId: number; username: string }
  | { state: 'unknown' | 'used' | 'expired' };

/** What a link from the mail is now. A link of a closed account is unknown: nothing can be done with it. */
export async function resetLink(db: Db, token: string, now: Date): Promise<ResetLink> {
  if (!looksLikeToken(token)) return { state: 'unknown' };
  const row = await db.selectFrom('password_reset_tokens').innerJoin('accounts', 'accounts.id', 'password_reset_tokens.account_id')
    .select(['password_reset_tokens.id', 'password_reset_tokens.account_id', 'password_reset_tokens.expires_at',
      'password_reset_tokens.used_at', 'accounts.username', 'accounts.closed_at'])
    .where('password_reset_tokens.token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row || row.closed_at) return { state: 'unknown' };
  if (row.used_at) return { state: 'used' };
  if (row.expires_at <= now.toISOString()) return { state: 'expired' };
  return { state: 'valid', tokenId: row.id, accountId: row.account_id, username: row.username };
}

/**
 * Sets the new password with the link, if the link is still unused and in time (checked again in the transaction, so
 * two tabs cannot both use it). Uses up the account's other links and ends every session of the account. The account
 * is locked first: two links of one account used at once take turns (each would otherwise hold its own link and wait
 * for the other's), and the second finds its link used up.
 */
export async function resetPassword(db: Db, link: { tokenId: number; accountId: number }, passwordHash: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    await lockedRows(trx, trx.selectFrom('accounts').select('id').where('id', '=', link.accountId)).execute();
    const used = await trx.updateTable('password_reset_tokens').set({ used_at: at })
      .where('id', '=', link.tokenId).where('used_at', 'is', null).where('expires_at', '>', at).executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return false;
    await trx.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', link.accountId).execute();
    await useUpResetTokens(trx, link.accountId, now);
    await endOtherSessions(trx, link.accountId);
    await forgetTrustedDevices(trx, link.accountId); // (its PINs too: pin-queries.ts)
    return true;
  });
}

/** Every unused link of the account stops working (a new password was set, by a link or in the settings). */
export async function useUpResetTokens(db: Db, accountId: number, now: Date): Promise<void> {
  await db.updateTable('password_reset_tokens').set({ used_at: now.toISOString() })
    .where('account_id', '=', accountId).where('used_at', 'is', null).execute();
}
