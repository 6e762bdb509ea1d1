// Taking a message back: staff who sent a message by mistake (the wrong family, the wrong child) may retract it for a
// short while. A retracted message stays in its thread as "Meddelandet togs tillbaka" for everyone who saw it; its text
// and attachments are gone, and the notifications it caused are withdrawn. The change is one conditional update, so
// two retracts at once (two tabs) or a retract just as the time runs out cannot both win or half happen.
import type { Transaction } from 'kysely';
import type { Database, Db } from '../kernel/db.ts';
import { withdrawNotificationsByUrl } from '../notifications/queries.ts';
import { removeAttachments } from './attachments.ts';
import { keepInboxColumns } from './queries.ts';

/**
 * How long after sending staff may retract a message: long enough to notice a wrong recipient at once, short enough
 * that a guardian who read it is not left wondering where a message they acted on went.
 */
export const RETRACT_WINDOW_MS = 10 * 60 * 1000;

export type RetractOutcome = { ok: true } | { ok: false; error: 'not-found' | 'too-late' };

interface RetractFacts { senderAccountId: number; sentAt: string; retractedAt: string | null; senderRole: 'staff' | 'guardian' | null }

/**
 * Whether the account may retract the message (pure): only its sender, only staff, only while not already retracted
 * ('not-found' for all those: nobody learns of a message that is not theirs), and only within RETRACT_WINDOW_MS.
 */
export function retractRule(message: RetractFacts | undefined, accountId: number, at: Date): RetractOutcome {
  if (!message || message.senderAccountId !== accountId || message.senderRole !== 'staff' || message.retractedAt !== null) {
    return { ok: false, error: 'not-found' };
  }
  return mayStillRetract(message.sentAt, at) ? { ok: true } : { ok: false, error: 'too-late' };
}

/** Whether a message sent at `sentAt` may still be retracted at `at` (the view shows the button while it may). */
export function mayStillRetract(sentAt: string, at: Date): boolean {
  return at.getTime() - new Date(sentAt).getTime() <= RETRACT_WINDOW_MS;
}

/** Sets a message's retraction, in one conditional update: its text emptied, its attachments and notifications gone. */
export async function retractMessage(db: Db, r: { threadId: number; messageId: number; accountId: number; at: Date }): Promise<RetractOutcome> {
  return db.transaction().execute(async (trx) => {
    const message = await trx.selectFrom('messages')
      .leftJoin('message_participants', (join) => join.onRef('message_participants.thread_id', '=', 'messages.thread_id')
        .onRef('message_participants.account_id', '=', 'messages.sender_account_id'))
      .select(['messages.sender_account_id', 'messages.sent_at', 'messages.retracted_at', 'message_participants.role'])
      .where('messages.id', '=', r.messageId).where('messages.thread_id', '=', r.threadId).executeTakeFirst();
    const outcome = retractRule(message && {
      senderAccountId: message.sender_account_id, sentAt: message.sent_at, retractedAt: message.retracted_at, senderRole: message.role,
    }, r.accountId, r.at);
    if (!outcome.ok || !message) return outcome;
    const earliest = new Date(r.at.getTime() - RETRACT_WINDOW_MS).toISOString();
    const updated = await trx.updateTable('messages').set({ retracted_at: r.at.toISOString(), body: '' })
      .where('id', '=', r.messageId).where('sender_account_id', '=', r.accountId).where('retracted_at', 'is', null)
      .where('sent_at', '>=', earliest).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { ok: false, error: 'not-found' } as const; // (retracted meanwhile)
    await removeAttachments(trx, r.messageId);
    await keepInboxColumns(trx, { kind: 'retracted', threadId: r.threadId, messageId: r.messageId });
    await withdrawMessageNotifications(trx, r.threadId, r.messageId, message.sent_at);
    await leaveIfNothingLeft(trx, r.threadId, r.messageId);
    return { ok: true } as const;
  });
}

/**
 * The notifications the message caused: those of its recipients leading to its thread, written when it was sent.
 * (notify() stores each message's notifications with the message's moment and the thread's url.)
 */
async function withdrawMessageNotifications(trx: Transaction<Database>, threadId: number, messageId: number, sentAt: string): Promise<void> {
  const recipients = await trx.selectFrom('message_recipients').select('account_id').where('message_id', '=', messageId).execute();
  await withdrawNotificationsByUrl(trx, { url: `/messages/${threadId}`, at: new Date(sentAt), accountIds: recipients.map((r) => r.account_id) });
}

/**
 * A message sent to the wrong family and taken back must not leave its thread behind: a recipient who now sees no
 * message of the thread (none sent by them or to them that stands) leaves it, so its subject is no longer in their
 * inbox and the thread is not found. The sender and everyone with another message in the thread stay.
 */
async function leaveIfNothingLeft(trx: Transaction<Database>, threadId: number, messageId: number): Promise<void> {
  const recipients = (await trx.selectFrom('message_recipients').select('account_id').where('message_id', '=', messageId).execute()).map((r) => r.account_id);
  if (recipients.length === 0) return;
  const standing = trx.selectFrom('messages').where('messages.thread_id', '=', threadId).where('messages.retracted_at', 'is', null);
  const stillSee = new Set([
    ...(await standing.innerJoin('message_recipients as r', 'r.message_id', 'messages.id').select('r.account_id as accountId')
      .where('r.account_id', 'in', recipients).execute()).map((r) => r.accountId),
    ...(await standing.select('messages.sender_account_id as accountId').where('messages.sender_account_id', 'in', recipients).execute()).map((r) => r.accountId),
  ]);
  const leaving = recipients.filter((id) => !stillSee.has(id));
  if (leaving.length === 0) return;
  await trx.deleteFrom('message_participants').where('thread_id', '=', threadId).where('account_id', 'in', leaving).execute();
}
