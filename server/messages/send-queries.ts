// The SQL of sending that is not the inbox's (queries.ts): a message's send key (migration 0048), and who a thread's
// messages reached that no longer takes part in it (a recipient of a message taken back leaves the thread).
import type { Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/sql.ts';
import type { Database, Db } from '../kernel/db.ts';

type Writer = Db | Transaction<Database>;

/** A form's send key: random, of the form's own making (sendKey()); anything else is no key. */
const SEND_KEY = /^[A-Za-z0-9_-]{16,64}$/;

export function parseSendKey(value: unknown): string | null {
  return typeof value === 'string' && SEND_KEY.test(value) ? value : null;
}

/**
 * Gives the message its send key. A second message of the same sender with the same key breaks the unique index
 * (on PostgreSQL the second transaction waits here for the first and then fails): the caller's transaction is rolled
 * back and `isSendKeyTaken` tells the caller to look up what the first made.
 */
export async function claimSendKey(trx: Writer, messageId: number, key: string): Promise<void> {
  await trx.updateTable('messages').set({ send_key: key }).where('id', '=', messageId).execute();
}

export function isSendKeyTaken(error: unknown): boolean {
  return isUniqueViolation(error, 'messages_send_key') || isUniqueViolation(error, 'messages.send_key');
}

/** The message the sender already sent with that key, and its thread. */
export async function messageBySendKey(db: Writer, senderAccountId: number, key: string): Promise<{ messageId: number; threadId: number } | undefined> {
  const r = await db.selectFrom('messages').select(['id', 'thread_id'])
    .where('sender_account_id', '=', senderAccountId).where('send_key', '=', key).executeTakeFirst();
  return r && { messageId: r.id, threadId: r.thread_id };
}

/** Whether the thread's first message was taken back (a bulletin's: its fan-out may never have run). */
export async function firstMessageRetracted(db: Writer, threadId: number): Promise<boolean> {
  const r = await db.selectFrom('messages').select('retracted_at').where('thread_id', '=', threadId)
    .orderBy('sent_at').orderBy('id').limit(1).executeTakeFirst();
  return r !== undefined && r.retracted_at !== null;
}
