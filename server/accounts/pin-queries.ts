// The SQL of PINs on trusted devices (the table trusted_devices, migration 0063): a device stored, found by its token's
// hash, each PIN attempt counted before it is checked, and devices listed and forgotten.
import { sql } from 'kysely';
import type { Db } from '../kernel/db.ts';
import type { Location } from '../kernel/policy.ts';
import { MAX_PIN_FAILURES, MAX_TRUSTED_DEVICES } from './pin-rules.ts';

export interface NewTrustedDevice { accountId: number; tokenHash: string; pinHash: string; label: string }

/**
 * Stores a device for the account. The browser's previous device (`replacing`: the token of the cookie it sent, whoever's
 * it was) goes, so a browser holds one PIN; past MAX_TRUSTED_DEVICES the one unused the longest goes too.
 */
export async function trustDevice(db: Db, device: NewTrustedDevice, replacing: string | undefined, at: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (replacing) await trx.deleteFrom('trusted_devices').where('token_hash', '=', replacing).execute();
    const { id } = await trx.insertInto('trusted_devices').values({
      account_id: device.accountId, token_hash: device.tokenHash, pin_hash: device.pinHash,
      label: device.label, created_at: at.toISOString(), last_used_at: null,
    }).returning('id').executeTakeFirstOrThrow();
    const old = await trx.selectFrom('trusted_devices').select('id').where('account_id', '=', device.accountId)
      .orderBy(sql`coalesce(last_used_at, created_at)`, 'desc').orderBy('id', 'desc').offset(MAX_TRUSTED_DEVICES).limit(100).execute();
    if (old.length) await trx.deleteFrom('trusted_devices').where('id', 'in', old.map((r) => r.id)).execute();
    return id;
  });
}

export interface PinAttempt {
  id: number; accountId: number; pinHash: string;
  /** Wrong PINs in a row, this attempt included (it counts as wrong until it is found right). */
  failures: number;
  createdAt: string; lastUsedAt: string | null;
}

/**
 * Counts an attempt on the device before its PIN is checked (one conditional update, so attempts sent side by side
 * cannot outrun the count): none when the token names no device, or the device has used up its tries.
 */
export async function beginPinAttempt(db: Db, tokenHash: string): Promise<PinAttempt | undefined> {
  const row = await db.updateTable('trusted_devices').set({ failures: sql<number>`failures + 1` })
    .where('token_hash', '=', tokenHash).where('failures', '<', MAX_PIN_FAILURES)
    .returning(['id', 'account_id', 'pin_hash', 'failures', 'created_at', 'last_used_at']).executeTakeFirst();
  return row && {
    id: row.id, accountId: row.account_id, pinHash: row.pin_hash, failures: row.failures,
    createdAt: row.created_at, lastUsedAt: row.last_used_at,
  };
}

/** The PIN was not checked (too busy): the attempt does not count. */
export async function takeBackPinAttempt(db: Db, deviceId: number): Promise<void> {
  await db.updateTable('trusted_devices').set({ failures: sql<number>`case when failures > 0 then failures - 1 else 0 end` })
    .where('id', '=', deviceId).execute();
}

/** The right PIN: the count starts again and the device was used now. */
export async function pinAccepted(db: Db, deviceId: number, at: Date): Promise<void> {
  await db.updateTable('trusted_devices').set({ failures: 0, last_used_at: at.toISOString() }).where('id', '=', deviceId).execute();
}

export async function forgetDevice(db: Db, deviceId: number): Promise<void> {
  await db.deleteFrom('trusted_devices').where('id', '=', deviceId).execute();
}

/** The device of a token, whoever's it is (the settings page: is this browser one of mine?). */
export async function deviceOfToken(db: Db, tokenHash: string): Promise<{ id: number; accountId: number } | undefined> {
  const row = await db.selectFrom('trusted_devices').select(['id', 'account_id']).where('token_hash', '=', tokenHash).executeTakeFirst();
  return row && { id: row.id, accountId: row.account_id };
}

export interface TrustedDevice { id: number; label: string; createdAt: string; lastUsedAt: string | null }

/** The account's devices with a PIN, the one used last first. */
export async function trustedDevicesOf(db: Db, accountId: number): Promise<TrustedDevice[]> {
  const rows = await db.selectFrom('trusted_devices').select(['id', 'label', 'created_at', 'last_used_at'])
    .where('account_id', '=', accountId).orderBy(sql`coalesce(last_used_at, created_at)`, 'desc').orderBy('id', 'desc').execute();
  return rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** Removes one of the account's devices; its token's hash (to tell whether it was this browser), none when not the account's. */
export async function removeTrustedDevice(db: Db, accountId: number, deviceId: number): Promise<{ tokenHash: string } | undefined> {
  const row = await db.deleteFrom('trusted_devices').where('id', '=', deviceId).where('account_id', '=', accountId)
    .returning('token_hash').executeTakeFirst();
  return row && { tokenHash: row.token_hash };
}

/**
 * Every device of the account goes: its password changed (settings-queries.ts, reset-queries.ts, in their transaction)
 * or the account was closed (an AccountCleanup: app.ts hands it to closeAccount, which passes its transaction).
 */
export async function forgetTrustedDevices(db: Db, accountId: number): Promise<void> {
  await db.deleteFrom('trusted_devices').where('account_id', '=', accountId).execute();
}

/** A trusted device is its account's alone (the rule 'participant'); it belongs to no municipality. */
export const pinLocators = {
  trustedDevice: async (db: Db, id: number): Promise<Location | null> => {
    const row = await db.selectFrom('trusted_devices').select('account_id').where('id', '=', id).executeTakeFirst();
    return row ? { municipalityId: 0, unitIds: [], groupIds: [], childIds: [], accountIds: [row.account_id] } : null;
  },
};

/** The browsers with a PIN of the accounts, for the register extract (their names and times; never a token or hash). */
export async function trustedDevicesForExtract(db: Db, accountIds: readonly number[]): Promise<TrustedDevice[]> {
  if (accountIds.length === 0) return [];
  const rows = await db.selectFrom('trusted_devices').select(['id', 'label', 'created_at', 'last_used_at'])
    .where('account_id', 'in', accountIds).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}
