// The push outbox: a push is a row in `push_outbox` (one per subscription of the account) before anything sends it, and
// a `push.send` job sends each (server/push/sender.ts). Queue pushes in the transaction of the change that causes them.
// (subscription_id, delivery_key) is unique and a second queueing of the same delivery is skipped (ON CONFLICT DO
// NOTHING: no error, so a PostgreSQL transaction stays usable), so a retried delivery job never pushes twice.
import type { Transaction } from 'kysely';
import type { Database, Db } from '../kernel/db.ts';
import { enqueueJob, jobKind } from '../kernel/jobs.ts';

/** The job that sends one outbox push; its payload is `{ pushId }`. */
export const PUSH_SEND_JOB = jobKind('push.send');

/** What the service worker receives (static/sw.js shows it and opens `url` on a click). */
export interface PushPayload { title: string; body: string; url: string; tag: string; urgent?: true }

export interface QueuedPush {
  accountId: number;
  /** Already in the recipient's language; a sensitive notification's says only where it is from. */
  title: string;
  body: string;
  /** The page a click opens: a path of this site ('/messages/12'). */
  url: string;
  /** The delivery's idempotency key (also the push's `Topic`, so the push service replaces an undelivered twin). */
  deliveryKey: string;
  at: Date;
  /** An urgent notification: sent with `Urgency: high` and shown until the user acts on it. */
  urgent?: boolean;
}

/** Only a path of this site is opened by a push: never another site. */
export function safePushUrl(url: string): string {
  return url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : '/';
}

/**
 * Queues one push per push subscription of the account, each with a `push.send` job; returns how many were queued now
 * (0: the account has no subscription, or this delivery was queued before).
 */
export async function queuePush(db: Db | Transaction<Database>, push: QueuedPush): Promise<number> {
  const store = async (trx: Db | Transaction<Database>) => {
    const subscriptions = await trx.selectFrom('push_subscriptions').select('id')
      .where('account_id', '=', push.accountId).orderBy('id').execute();
    if (subscriptions.length === 0) return 0;
    const payload: PushPayload = {
      title: push.title.slice(0, 200), body: push.body.slice(0, 1000), url: safePushUrl(push.url), tag: push.deliveryKey.slice(0, 64),
      ...(push.urgent ? { urgent: true as const } : {}),
    };
    const at = push.at.toISOString();
    const inserted = await trx.insertInto('push_outbox').values(subscriptions.map((s) => ({
      subscription_id: s.id, delivery_key: push.deliveryKey, payload: JSON.stringify(payload), created_at: at,
    }))).onConflict((oc) => oc.columns(['subscription_id', 'delivery_key']).doNothing()).returning('id').execute();
    for (const row of inserted) await enqueueJob(trx, PUSH_SEND_JOB, { pushId: row.id }, push.at, push.at);
    return inserted.length;
  };
  return db.isTransaction ? store(db) : db.transaction().execute(store);
}

/**
 * Stops the pushes of these delivery keys that have not gone yet, to every device (a notification taken back: a
 * message retracted by its sender). Their send jobs find them given up; their text is erased.
 */
export async function cancelUnsentPushes(db: Db | Transaction<Database>, deliveryKeys: readonly string[], at: Date): Promise<void> {
  if (deliveryKeys.length === 0) return;
  await db.updateTable('push_outbox').set({ failed_at: at.toISOString(), payload: '' })
    .where('delivery_key', 'in', [...deliveryKeys]).where('sent_at', 'is', null).where('failed_at', 'is', null).execute();
}
