// The SQL of passkeys (the table `passkeys`, migration 0065): an account's WebAuthn credentials, found by their
// credential id at login (a discoverable credential names only that), listed, renamed and removed by their account.
import type { Db } from '../kernel/db.ts';
import type { Location } from '../kernel/policy.ts';

export interface Passkey { id: number; name: string; createdAt: string; lastUsedAt: string | null }

/** An account may keep this many passkeys (a phone, a computer, a security key... with room to spare). */
export const MAX_PASSKEYS = 10;

/** The account's passkeys, newest first. */
export async function passkeysOf(db: Db, accountId: number): Promise<Passkey[]> {
  const rows = await db.selectFrom('passkeys').select(['id', 'name', 'created_at', 'last_used_at'])
    .where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** What a registration needs of the account's passkeys: their credentials (not to register one twice) and user handle. */
export async function credentialsOf(db: Db, accountId: number): Promise<{ userHandle: string | undefined; credentials: { id: string; transports: string[] }[] }> {
  const rows = await db.selectFrom('passkeys').select(['credential_id', 'transports', 'user_handle'])
    .where('account_id', '=', accountId).orderBy('id').execute();
  return {
    userHandle: rows[0]?.user_handle,
    credentials: rows.map((r) => ({ id: r.credential_id, transports: splitTransports(r.transports) })),
  };
}

export interface NewPasskey {
  credentialId: string; publicKey: string; userHandle: string; counter: number; transports: string[]; name: string;
  /** Added from a strong (e-ID) session: only then may it log in strong (where the municipality counts passkeys so). */
  registeredStrong: boolean;
}

/**
 * Stores a verified new passkey. 'taken': the credential is registered already (to this or another account: the
 * unique credential id decides, also for two registrations at once); 'too-many': the account has its MAX_PASSKEYS.
 */
export async function addPasskey(db: Db, accountId: number, passkey: NewPasskey, at: Date): Promise<{ ok: true; id: number } | { ok: false; error: 'taken' | 'too-many' }> {
  return db.transaction().execute(async (trx) => {
    const count = await trx.selectFrom('passkeys').select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('account_id', '=', accountId).executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_PASSKEYS) return { ok: false as const, error: 'too-many' as const };
    const row = await trx.insertInto('passkeys').values({
      account_id: accountId, credential_id: passkey.credentialId, public_key: passkey.publicKey, user_handle: passkey.userHandle,
      counter: passkey.counter, transports: passkey.transports.join(','), name: passkey.name,
      registered_strong: passkey.registeredStrong ? 1 : 0, created_at: at.toISOString(),
    }).onConflict((oc) => oc.column('credential_id').doNothing()).returning('id').executeTakeFirst();
    return row ? { ok: true as const, id: row.id } : { ok: false as const, error: 'taken' as const };
  });
}

export interface StoredCredential {
  id: number; accountId: number; credentialId: string; publicKey: string; userHandle: string; counter: number; transports: string[];
  registeredStrong: boolean;
}

/** The passkey a login names by its credential id, with its account (open or closed: the login checks). */
export async function credentialById(db: Db, credentialId: string): Promise<StoredCredential | undefined> {
  const row = await db.selectFrom('passkeys')
    .select(['id', 'account_id', 'credential_id', 'public_key', 'user_handle', 'counter', 'transports', 'registered_strong'])
    .where('credential_id', '=', credentialId).executeTakeFirst();
  return row && {
    id: row.id, accountId: row.account_id, credentialId: row.credential_id, publicKey: row.public_key, userHandle: row.user_handle,
    counter: Number(row.counter), transports: splitTransports(row.transports), registeredStrong: Number(row.registered_strong) === 1,
  };
}

/**
 * A login with the passkey: its new signature counter and when it was used. Conditional on the counter read before
 * the check, so of two logins with one signature at once (a replay) only one counts when the authenticator counts;
 * false: the passkey was removed or used by another login meanwhile.
 */
export async function markPasskeyUsed(db: Db, passkey: { id: number; counter: number }, newCounter: number, at: Date): Promise<boolean> {
  const result = await db.updateTable('passkeys').set({ counter: newCounter, last_used_at: at.toISOString() })
    .where('id', '=', passkey.id).where('counter', '=', passkey.counter).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Removes one of the account's passkeys; false when it is not the account's (or already gone). */
export async function removePasskey(db: Db, accountId: number, passkeyId: number): Promise<boolean> {
  const result = await db.deleteFrom('passkeys').where('id', '=', passkeyId).where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Renames one of the account's passkeys; false when it is not the account's. */
export async function renamePasskey(db: Db, accountId: number, passkeyId: number, name: string): Promise<boolean> {
  const result = await db.updateTable('passkeys').set({ name }).where('id', '=', passkeyId).where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Closing an account forgets its passkeys (an AccountCleanup, handed to accounts by app.ts). */
export async function removePasskeysOf(db: Db, accountId: number): Promise<void> {
  await db.deleteFrom('passkeys').where('account_id', '=', accountId).execute();
}

/** The passkeys of the accounts, for the register extract: names and dates, never the key material. */
export async function passkeysForExtract(db: Db, accountIds: readonly number[]): Promise<Passkey[]> {
  if (!accountIds.length) return [];
  const rows = await db.selectFrom('passkeys').select(['id', 'name', 'created_at', 'last_used_at'])
    .where('account_id', 'in', [...accountIds]).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** A passkey is its account's alone (the rule 'participant'); it belongs to no municipality. */
export const passkeyLocators = {
  passkey: async (db: Db, id: number): Promise<Location | null> => {
    const row = await db.selectFrom('passkeys').select('account_id').where('id', '=', id).executeTakeFirst();
    return row ? { municipalityId: 0, unitIds: [], groupIds: [], childIds: [], accountIds: [row.account_id] } : null;
  },
};

function splitTransports(text: string): string[] {
  return text ? text.split(',') : [];
}
