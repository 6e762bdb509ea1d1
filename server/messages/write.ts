// Sending messages: a new thread about a child, a reply, a bulletin to a group or a unit. Each message is stored with
// its recipients, its attachments and a notification to every account it reaches, in one transaction: all or nothing.
// A bulletin is accepted at once (the thread and its first message) and a job, `messages.fanout`, then writes its
// recipients and their notifications; the job is safe to run twice (addRecipients answers only those not yet reached).
// A form sent twice (its send key, migration 0048) makes one message: the second POST is told what the first made.
// A reply reaches only those who may still take part (recipients.ts takingPartNow: custody, placement, work there).
import type { Transaction } from 'kysely';
import { findSignedInAccount } from '../accounts/queries.ts';
import { stockholmDate, type Clock } from '../kernel/clock.ts';
import type { Database, Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { enqueueJob, jobKind, type JobRunner } from '../kernel/jobs.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify } from '../notifications/queries.ts';
import { findUnit } from '../people/queries.ts';
import { storeAttachments } from './attachments.ts';
import { afterMessageSent } from './out-of-office.ts';
import {
  holdUnretracted, addMessage, addParticipants, addRecipients, createThread, messageById, participantsOf, threadById, unarchive,
  type NewThread, type Thread,
} from './queries.ts';
import { bulletinAudience, staffThereNow, takingPartNow } from './recipients.ts';
import { replyRecipients, type Participant } from './rules.ts';
import { claimSendKey, firstMessageRetracted, isSendKeyTaken, messageBySendKey } from './send-queries.ts';

/**
 * The notifications of a message, one kind per kind of thread: an urgent thread's are delivered at once whatever the
 * person chose, a sensitive thread's say only "Nytt meddelande från <enheten>" outside Vardag. Their text is
 * `notifications.kinds.<key>` with {from, subject}.
 */
export const MESSAGE_NOTIFICATIONS = {
  plain: defineNotificationKind({ key: 'message', topic: 'messages' }),
  urgent: defineNotificationKind({ key: 'messageUrgent', topic: 'messages', urgent: true }),
  sensitive: defineNotificationKind({ key: 'messageSensitive', topic: 'messages', sensitive: true }),
  urgentSensitive: defineNotificationKind({ key: 'messageUrgentSensitive', topic: 'messages', urgent: true, sensitive: true }),
};

export const MESSAGE_FANOUT_JOB = jobKind('messages.fanout');

type Trx = Transaction<Database>;

/** The url of a thread: the page a notification leads to, and which opening it marks read. */
export const threadUrl = (threadId: number): string => `/messages/${threadId}`;

function notificationKind(thread: Pick<Thread, 'urgent' | 'sensitive'>) {
  if (thread.urgent) return thread.sensitive ? MESSAGE_NOTIFICATIONS.urgentSensitive : MESSAGE_NOTIFICATIONS.urgent;
  return thread.sensitive ? MESSAGE_NOTIFICATIONS.sensitive : MESSAGE_NOTIFICATIONS.plain;
}

/** Tells the accounts a message reached them: from the sender's name, or the unit's for a sensitive thread. */
async function tell(trx: Trx, thread: Thread, accountIds: readonly number[], senderName: string, at: Date): Promise<void> {
  if (accountIds.length === 0) return;
  const unitName = thread.sensitive && thread.unitId !== null ? (await findUnit(trx, thread.unitId))?.name : undefined;
  await notify(trx, {
    accountIds, kind: notificationKind(thread), childId: thread.childId, url: threadUrl(thread.id), at,
    params: { from: unitName ?? senderName, subject: thread.subject },
  });
}

/** Who sends, and the send key of their form (null: none, nothing to recognise a second sending by). */
export interface Sender { accountId: number; role: Participant['role']; name: string; sendKey: string | null }

/** `again`: the form had been sent before with its key; nothing new was stored, these are what the first sending made. */
export type SendOutcome = { ok: true; threadId: number; messageId: number; again?: true } | { ok: false; errors: FieldErrors };

/** A refused attachment: rolls the transaction back, and the form shows the message at the field. */
class Refused extends Error {
  constructor(readonly key: string) { super(key); }
}

/**
 * Runs a sending's transaction: a refused attachment becomes the field's message, and a send key already taken (the
 * same form sent again, maybe at the same moment: the unique index decided) answers what the first sending made.
 */
async function sending(db: Db, sender: Pick<Sender, 'accountId' | 'sendKey'>, work: () => Promise<SendOutcome>): Promise<SendOutcome> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Refused) return { ok: false, errors: { attachments: { key: err.key } } };
    if (sender.sendKey !== null && isSendKeyTaken(err)) {
      const first = await messageBySendKey(db, sender.accountId, sender.sendKey);
      if (first) return { ok: true, threadId: first.threadId, messageId: first.messageId, again: true };
    }
    throw err;
  }
}

/** Stores a message with its files and recipients, tells them, and lets out-of-office replies answer. */
async function storeMessage(
  trx: Trx, thread: Thread, sender: Sender, m: { body: string; files: Express.Multer.File[] | undefined; recipients: readonly number[]; at: Date },
): Promise<number> {
  const messageId = await addMessage(trx, { threadId: thread.id, senderAccountId: sender.accountId, body: m.body, at: m.at });
  if (sender.sendKey !== null) await claimSendKey(trx, messageId, sender.sendKey); // (first: a second sending stops here)
  const stored = await storeAttachments(trx, messageId, m.files, m.at);
  if (!stored.ok) throw new Refused(stored.error);
  const reached = await addRecipients(trx, messageId, m.recipients.filter((id) => id !== sender.accountId));
  await unarchive(trx, thread.id, reached);
  await tell(trx, thread, reached, sender.name, m.at);
  await afterMessageSent(trx, { threadId: thread.id, messageId, senderAccountId: sender.accountId, recipientAccountIds: reached, at: m.at });
  return messageId;
}

/**
 * A new thread with its first message. A direct thread reaches its recipients now; a bulletin (`recipients` empty)
 * through the fan-out job, queued in the same transaction.
 */
export async function startThread(
  db: Db, t: Omit<NewThread, 'by' | 'at'>, sender: Sender, recipients: readonly Participant[], body: string,
  files: Express.Multer.File[] | undefined, at: Date,
): Promise<SendOutcome> {
  return sending(db, sender, () => db.transaction().execute(async (trx) => {
    const threadId = await createThread(trx, { ...t, by: sender.accountId, at });
    await addParticipants(trx, threadId, [{ accountId: sender.accountId, role: sender.role }, ...recipients.filter((r) => r.accountId !== sender.accountId)]);
    const thread = await threadById(trx, threadId);
    if (!thread) throw new Error('The thread just stored is not found');
    const messageId = await storeMessage(trx, thread, sender, { body, files, recipients: recipients.map((r) => r.accountId), at });
    if (t.kind === 'bulletin') await enqueueJob(trx, MESSAGE_FANOUT_JOB, { messageId }, at);
    return { ok: true as const, threadId, messageId };
  }));
}

/**
 * Who a reply in the thread would reach and whether the account may send it: only those who may still take part, each
 * in the role they take part as today (takingPartNow) — a guardian whose custody ended, whose child left the bulletin's
 * group, staff who no longer work there neither receive it nor may reply; a teacher who is now only a parent there gets
 * a family's bulletin reply no more. Someone a message taken back had reached left the thread with it and does not
 * come back: it was taken back because it reached the wrong people (retract.ts). A family's reply where none of the
 * thread's staff is left goes to the staff there today (`joining`: they become participants).
 */
export async function replyPlan(db: Db, thread: Thread, accountId: number, at: Date) {
  const participants = await participantsOf(db, thread.id);
  const roles = new Map(participants.map((p) => [p.accountId, p.role]));
  const now = await takingPartNow(db, thread, participants.map((p) => p.accountId), stockholmDate(at), roles);
  const myRole = now.get(accountId);
  if (!roles.has(accountId) || !myRole) return undefined;
  const me = { accountId, role: myRole };
  const recipients = replyRecipients(thread.kind, me, [...now].map(([id, role]) => ({ accountId: id, role })));
  // A family writing where none of the thread's staff is left reaches the staff there today, who join the thread.
  const staffLeft = recipients.some((id) => now.get(id) === 'staff');
  const joining: Participant[] = myRole === 'guardian' && !staffLeft
    ? (await staffThereNow(db, thread, stockholmDate(at))).filter((id) => id !== accountId && !now.has(id)).map((id) => ({ accountId: id, role: 'staff' }))
    : [];
  return { me, recipients: [...recipients, ...joining.map((p) => p.accountId)], joining };
}

/**
 * A reply in a thread, to whom replyRecipients says (a guardian's reply to a bulletin: its staff only). Its files are
 * asked for (checked, decoded) only once the sender is known to be allowed to reply.
 */
export async function reply(
  db: Db, thread: Thread, sender: Omit<Sender, 'role'>, body: string, filesOf: () => Promise<Express.Multer.File[] | undefined>, at: Date,
): Promise<SendOutcome> {
  if (sender.sendKey !== null) {
    const first = await messageBySendKey(db, sender.accountId, sender.sendKey);
    if (first) return { ok: true, threadId: first.threadId, messageId: first.messageId, again: true }; // (sent, then sent again)
  }
  const plan = await replyPlan(db, thread, sender.accountId, at);
  if (!plan) return { ok: false, errors: { form: { key: 'messages.thread.noLongerParticipant' } } };
  // A bulletin whose first message was taken back may never have gone out: staff's reply goes to all it reaches today.
  const fanOutReply = thread.kind === 'bulletin' && plan.me.role === 'staff' && (await firstMessageRetracted(db, thread.id));
  // Stored and shown as sent, a reply that reaches no one would leave the writer waiting for an answer that never comes.
  if (plan.recipients.length === 0 && !fanOutReply) return { ok: false, errors: { form: { key: 'messages.thread.nobodyToReach' } } };
  const files = await filesOf();
  return sending(db, sender, () => db.transaction().execute(async (trx) => {
    await addParticipants(trx, thread.id, plan.joining);
    const messageId = await storeMessage(trx, thread, { ...sender, role: plan.me.role }, { body, files, recipients: plan.recipients, at });
    await unarchive(trx, thread.id, [sender.accountId]);
    if (fanOutReply) await enqueueJob(trx, MESSAGE_FANOUT_JOB, { messageId }, at);
    return { ok: true as const, threadId: thread.id, messageId };
  }));
}

/**
 * The fan-out of a bulletin's first message: everyone the bulletin reaches on the day it was sent joins the thread and
 * receives the message, and each newly reached account is told once. Safe to run twice or at once in two processes.
 */
export async function fanOut(db: Db, messageId: number): Promise<number> {
  const message = await messageById(db, messageId);
  if (!message) return 0; // removed meanwhile: nothing to deliver
  const thread = await threadById(db, message.threadId);
  if (thread?.kind !== 'bulletin') return 0;
  const place = thread.groupId !== null ? { groupId: thread.groupId } : thread.unitId !== null ? { unitId: thread.unitId } : undefined;
  if (!place) return 0;
  const sentAt = new Date(message.sentAt);
  const audience = (await bulletinAudience(db, place, stockholmDate(sentAt))).filter((p) => p.accountId !== message.senderAccountId);
  const senderName = (await findSignedInAccount(db, message.senderAccountId))?.displayName ?? '';
  return db.transaction().execute(async (trx) => {
    if (!(await holdUnretracted(trx, messageId))) return 0; // taken back before it went out
    await addParticipants(trx, thread.id, audience);
    const reached = await addRecipients(trx, messageId, audience.map((p) => p.accountId));
    await tell(trx, thread, reached, senderName, sentAt);
    await afterMessageSent(trx, { threadId: thread.id, messageId, senderAccountId: message.senderAccountId, recipientAccountIds: reached, at: sentAt });
    return reached.length;
  });
}

/** The job runner's handler of bulletins' fan-out (server/main.ts registers it). */
export function registerMessageJobs(runner: JobRunner, { db }: { db: Db; clock?: Clock }): void {
  runner.register(MESSAGE_FANOUT_JOB, async (payload: { messageId?: unknown } | undefined) => {
    const messageId = Number(payload?.messageId);
    if (!Number.isSafeInteger(messageId)) return;
    await fanOut(db, messageId);
  });
}
