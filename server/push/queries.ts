// The SQL of web push: the installation's VAPID key pair (push_keys, one row), each account's devices
// (push_subscriptions) and what the sender reads and marks in the push outbox (push_outbox; queued by outbox.ts).
import type { Transaction } from 'kysely';
import webpush from 'web-push';
import type { Database, Db } from '../kernel/db.ts';
import type { Location } from '../kernel/policy.ts';
import type { NewSubscription } from './rules.ts';

export interface VapidKeys { publicKey: string; privateKey: string }

const KEY_ROW = 1;
const keysOfDb = new WeakMap<Db, Promise<VapidKeys>>();

/**
 * The VAPID key pair of this installation: made once, at the first start (or first use), and kept in the database so
 * every process and every restart signs with the same key (a new key would make every subscription useless). Two
 * processes making it at once: the first row wins (ON CONFLICT DO NOTHING) and both read it back.
 */
export function pushKeys(db: Db): Promise<VapidKeys> {
  let keys = keysOfDb.get(db);
  if (!keys) {
    keys = readOrMakeKeys(db);
    keysOfDb.set(db, keys);
    keys.catch(() => keysOfDb.delete(db));
  }
  return keys;
}

async function readOrMakeKeys(db: Db): Promise<VapidKeys> {
  const read = () => db.selectFrom('push_keys').select(['public_key', 'private_key']).where('id', '=', KEY_ROW).executeTakeFirst();
  let row = await read();
  if (!row) {
    const made = webpush.generateVAPIDKeys();
    await db.insertInto('push_keys').values({ id: KEY_ROW, public_key: made.publicKey, private_key: made.privateKey, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('id').doNothing()).execute();
    row = await read();
  }
  if (!row) throw new Error('The push keys could not be stored');
  return { publicKey: row.public_key, privateKey: row.private_key };
}

export interface Device { id: number; label: string; createdAt: string; lastUsedAt: string | null }

/** The account's devices, newest first. */
export async function devicesOf(db: Db, accountId: number): Promise<Device[]> {
  const rows = await db.selectFrom('push_subscriptions').select(['id', 'label', 'created_at', 'last_used_at'])
    .where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** Devices an account may keep at most: a new one past this replaces the one unused the longest. */
export const MAX_DEVICES = 10;

/**
 * Stores the browser's subscription for the account (undefined: another account stored it at the same moment). A browser has one endpoint: subscribed again by the same account
 * its keys are renewed; subscribed by another account (someone else logged in on that phone) it becomes theirs, and
 * what was queued for the previous account is dropped with the old row, never shown to the new one.
 */
export async function saveSubscription(db: Db, accountId: number, sub: NewSubscription, at: Date): Promise<number | undefined> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('push_subscriptions').where('endpoint', '=', sub.endpoint).where('account_id', '<>', accountId).execute();
    const row = await trx.insertInto('push_subscriptions').values({
      account_id: accountId, endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, label: sub.label, created_at: at.toISOString(),
    }).onConflict((oc) => oc.column('endpoint').doUpdateSet((eb) => ({
      p256dh: eb.ref('excluded.p256dh'), auth: eb.ref('excluded.auth'), label: eb.ref('excluded.label'),
    })).where('push_subscriptions.account_id', '=', accountId)).returning('id').executeTakeFirst();
    // (none: another account stored the same endpoint at the same moment; theirs stands, this browser may try again)
    if (!row) return undefined;
    await keepNewest(trx, accountId);
    return row.id;
  });
}

async function keepNewest(trx: Transaction<Database>, accountId: number): Promise<void> {
  const old = await trx.selectFrom('push_subscriptions').select('id').where('account_id', '=', accountId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').offset(MAX_DEVICES).limit(1000).execute();
  if (old.length) await trx.deleteFrom('push_subscriptions').where('id', 'in', old.map((r) => r.id)).execute();
}

/** Removes one of the account's devices (its pushes not yet sent go with it); false when it is not the account's. */
export async function removeDevice(db: Db, accountId: number, subscriptionId: number): Promise<boolean> {
  const result = await db.deleteFrom('push_subscriptions').where('id', '=', subscriptionId).where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** A device's push subscription is its account's alone (the rule 'participant'); it belongs to no municipality. */
export const pushLocators = {
  pushSubscription: async (db: Db, id: number): Promise<Location | null> => {
    const row = await db.selectFrom('push_subscriptions').select('account_id').where('id', '=', id).executeTakeFirst();
    return row ? { municipalityId: 0, unitIds: [], groupIds: [], childIds: [], accountIds: [row.account_id] } : null;
  },
};

// ---------------------------------------------------------------------------------------------------------------------
// The sender's side (sender.ts)

export interface PushToSend {
  id: number; subscriptionId: number; deliveryKey: string; payload: string; sentAt: string | null; failedAt: string | null;
  endpoint: string; p256dh: string; auth: string;
}

/** One outbox push with its subscription; none when the push, or its device, is gone. */
export async function pushToSend(db: Db, pushId: number): Promise<PushToSend | undefined> {
  const row = await db.selectFrom('push_outbox').innerJoin('push_subscriptions', 'push_subscriptions.id', 'push_outbox.subscription_id')
    .select(['push_outbox.id', 'push_outbox.subscription_id', 'push_outbox.delivery_key', 'push_outbox.payload', 'push_outbox.sent_at',
      'push_outbox.failed_at', 'push_subscriptions.endpoint', 'push_subscriptions.p256dh', 'push_subscriptions.auth'])
    .where('push_outbox.id', '=', pushId).executeTakeFirst();
  return row && {
    id: row.id, subscriptionId: row.subscription_id, deliveryKey: row.delivery_key, payload: row.payload, sentAt: row.sent_at,
    failedAt: row.failed_at, endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth,
  };
}

/** The push service took it: the text leaves the database (as a sent mail's body does) and the device was used. */
export async function markPushSent(db: Db, push: { id: number; subscriptionId: number }, at: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('push_outbox').set({ sent_at: at.toISOString(), payload: '' }).where('id', '=', push.id).execute();
    await trx.updateTable('push_subscriptions').set({ last_used_at: at.toISOString() }).where('id', '=', push.subscriptionId).execute();
  });
}

/** A push that will never be sent (refused by the push service, or out of attempts): its text leaves too. */
export async function giveUpPush(db: Db, pushId: number, at: Date): Promise<void> {
  await db.updateTable('push_outbox').set({ failed_at: at.toISOString(), payload: '' })
    .where('id', '=', pushId).where('sent_at', 'is', null).execute();
}

/**
 * An account closed: all its devices go at once (and with them its pushes not yet sent), so a phone that was its
 * hears nothing more. Pass the closing transaction.
 */
export async function removeDevicesOf(db: Db | Transaction<Database>, accountId: number): Promise<number> {
  const result = await db.deleteFrom('push_subscriptions').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The push service says the subscription is gone (the app was removed, permission withdrawn): so is the device here. */
export async function forgetSubscription(db: Db, subscriptionId: number): Promise<void> {
  await db.deleteFrom('push_subscriptions').where('id', '=', subscriptionId).execute();
}

/** Pushes sent or given up before `before` are deleted (their delivery keys are not needed for a retry any more). */
export async function prunePushes(db: Db, before: Date): Promise<void> {
  const at = before.toISOString();
  await db.deleteFrom('push_outbox').where((eb) => eb.or([eb('sent_at', '<', at), eb('failed_at', '<', at)])).execute();
}

/** The account's devices for its register extract: the name shown and when it was added and last reached. */
export async function devicesForExtract(db: Db, accountIds: readonly number[]): Promise<Device[]> {
  if (!accountIds.length) return [];
  const rows = await db.selectFrom('push_subscriptions').select(['id', 'label', 'created_at', 'last_used_at'])
    .where('account_id', 'in', [...accountIds]).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}
