// A staff member's out-of-office (migration 0044): a first and a last day and a short text, set at
// /settings/out-of-office. While it is on, a message reaching them in a thread where they are staff gets one automatic
// reply per thread and day, in their name, to the sender only (so the invariant holds: the reply is seen by its sender
// and its one recipient). The reply's claim row (out_of_office_replies: account, thread, day) is inserted first and its
// key refuses a second, so two messages arriving at once in two processes still give one reply.
import type { Transaction } from 'kysely';
import { findSignedInAccount } from '../accounts/queries.ts';
import { stockholmDate } from '../kernel/clock.ts';
import type { Database, Db } from '../kernel/db.ts';
import { addDays, isDate } from '../kernel/dates.ts';
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import { DEFAULT_LANGUAGE, languageByCode, translator } from '../kernel/i18n.ts';
import { byWhom, type PersonalDataPart } from '../kernel/personal-data.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify } from '../notifications/queries.ts';
import { addMessage, addRecipients, unarchive } from './queries.ts';
import { accountName } from './recipients.ts';

/** The text's longest length: a few sentences ("Jag är tillbaka måndag 4 januari. Ring förskolan på..."). */
export const OUT_OF_OFFICE_MAX_LENGTH = 1000;
/** The longest an out-of-office may be set for: a long leave is an assignment's end, not an automatic reply. */
export const OUT_OF_OFFICE_MAX_DAYS = 366;

/**
 * The notification of an automatic reply: "Automatiskt svar från <name>", never its text nor the thread's subject (so
 * it may go by mail and push whatever the thread is about).
 */
export const AUTO_REPLY = defineNotificationKind({ key: 'messageAutoReply', topic: 'messages' });

export interface OutOfOffice { firstDay: string; lastDay: string; body: string; updatedAt: string }
export interface MessageSent { threadId: number; messageId: number; senderAccountId: number; recipientAccountIds: readonly number[]; at: Date }

export async function outOfOfficeOf(db: Db, accountId: number): Promise<OutOfOffice | undefined> {
  const row = await db.selectFrom('out_of_office').select(['first_day', 'last_day', 'body', 'updated_at'])
    .where('account_id', '=', accountId).executeTakeFirst();
  return row && { firstDay: row.first_day, lastDay: row.last_day, body: row.body, updatedAt: row.updated_at };
}

/** Whether an out-of-office is on, on the day. */
export function isOn(o: Pick<OutOfOffice, 'firstDay' | 'lastDay'> | undefined, day: string): boolean {
  return o !== undefined && o.firstDay <= day && day <= o.lastDay;
}

/** The form read (pure): both days real dates, the last not before the first nor before today, within a year; a text. */
export function parseOutOfOffice(form: { firstDay: string; lastDay: string; body: string }, today: string): Parsed<Omit<OutOfOffice, 'updatedAt'>> {
  const errors: FieldErrors = {};
  const firstDay = form.firstDay.trim();
  const lastDay = form.lastDay.trim();
  const body = form.body.trim();
  if (!isDate(firstDay)) errors.firstDay = { key: 'messages.outOfOffice.errors.firstDay' };
  if (!isDate(lastDay)) errors.lastDay = { key: 'messages.outOfOffice.errors.lastDay' };
  else if (isDate(firstDay) && lastDay < firstDay) errors.lastDay = { key: 'messages.outOfOffice.errors.lastBeforeFirst' };
  else if (lastDay < today) errors.lastDay = { key: 'messages.outOfOffice.errors.lastInPast' };
  else if (isDate(firstDay) && lastDay > addDays(firstDay, OUT_OF_OFFICE_MAX_DAYS)) errors.lastDay = { key: 'messages.outOfOffice.errors.tooLong', params: { max: OUT_OF_OFFICE_MAX_DAYS } };
  if (!body) errors.body = { key: 'messages.outOfOffice.errors.bodyMissing' };
  else if (body.length > OUT_OF_OFFICE_MAX_LENGTH) errors.body = { key: 'messages.outOfOffice.errors.bodyTooLong', params: { max: OUT_OF_OFFICE_MAX_LENGTH } };
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { firstDay, lastDay, body } };
}

export async function saveOutOfOffice(db: Db, accountId: number, o: Omit<OutOfOffice, 'updatedAt'>, at: Date): Promise<void> {
  const row = { first_day: o.firstDay, last_day: o.lastDay, body: o.body, updated_at: at.toISOString() };
  await db.insertInto('out_of_office').values({ account_id: accountId, ...row })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(row)).execute();
}

export async function removeOutOfOffice(db: Db, accountId: number): Promise<boolean> {
  const deleted = await db.deleteFrom('out_of_office').where('account_id', '=', accountId).executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

/**
 * Called by the messages' writer after each message is stored, in its transaction: each recipient who is staff in the
 * thread and out of office today answers the sender once per thread and day. Returns the automatic replies' ids. The
 * replies themselves start no further replies (two staff out of office never answer each other for ever).
 */
export async function afterMessageSent(trx: Transaction<Database> | Db, sent: MessageSent): Promise<number[]> {
  const recipients = sent.recipientAccountIds.filter((id) => id !== sent.senderAccountId);
  if (!recipients.length) return [];
  const day = stockholmDate(sent.at);
  const away = await trx.selectFrom('out_of_office')
    .innerJoin('message_participants', (join) => join.onRef('message_participants.account_id', '=', 'out_of_office.account_id')
      .on('message_participants.thread_id', '=', sent.threadId).on('message_participants.role', '=', 'staff'))
    .select((eb) => ['out_of_office.account_id', 'out_of_office.body', accountName(eb, 'out_of_office.account_id').as('name')])
    .where('out_of_office.account_id', 'in', recipients).where('out_of_office.first_day', '<=', day).where('out_of_office.last_day', '>=', day)
    .orderBy('out_of_office.account_id').execute();
  if (!away.length) return [];
  if (await isAutomaticReply(trx, sent.messageId)) return [];
  const sender = await findSignedInAccount(trx, sent.senderAccountId);
  const t = translator(languageByCode(sender?.language) ?? DEFAULT_LANGUAGE);
  const replies: number[] = [];
  for (const staff of away) {
    const claimed = await trx.insertInto('out_of_office_replies').values({ account_id: staff.account_id, thread_id: sent.threadId, day, message_id: null })
      .onConflict((oc) => oc.columns(['account_id', 'thread_id', 'day']).doNothing()).returning('day').executeTakeFirst();
    if (!claimed) continue; // (answered in this thread today already)
    const body = `${t('messages.outOfOffice.replyPrefix')}\n\n${staff.body}`;
    const messageId = await addMessage(trx, { threadId: sent.threadId, senderAccountId: staff.account_id, body, at: sent.at });
    const reached = await addRecipients(trx, messageId, [sent.senderAccountId]);
    await unarchive(trx, sent.threadId, reached);
    await trx.updateTable('out_of_office_replies').set({ message_id: messageId })
      .where('account_id', '=', staff.account_id).where('thread_id', '=', sent.threadId).where('day', '=', day).execute();
    await notify(trx, { accountIds: reached, kind: AUTO_REPLY, url: `/messages/${sent.threadId}`, at: sent.at, params: { from: staff.name ?? '' } });
    replies.push(messageId);
  }
  return replies;
}

/** Whether a message is itself an automatic reply (its claim row names it). */
async function isAutomaticReply(db: Transaction<Database> | Db, messageId: number): Promise<boolean> {
  return (await db.selectFrom('out_of_office_replies').select('message_id').where('message_id', '=', messageId).executeTakeFirst()) !== undefined;
}

/** The ids among the messages that are automatic replies (the thread view marks them). */
export async function automaticReplies(db: Db, messageIds: readonly number[]): Promise<Set<number>> {
  if (!messageIds.length) return new Set();
  const rows = await db.selectFrom('out_of_office_replies').select('message_id').where('message_id', 'in', [...messageIds]).execute();
  return new Set(rows.map((r) => Number(r.message_id)));
}

/**
 * Messages' extras in the register extract: one's own out-of-office, and the files attached to the messages one sent
 * or received (their names and sizes; the files themselves are downloaded from the thread).
 */
export const messageExtrasPersonalData: PersonalDataPart = {
  domain: 'messageExtras',
  async extract(db, subject) {
    if (subject.accountIds.length === 0) return { sections: [] };
    const accounts = [...subject.accountIds];
    const away = await db.selectFrom('out_of_office').select(['first_day', 'last_day', 'body', 'updated_at'])
      .where('account_id', 'in', accounts).execute();
    const files = await db.selectFrom('message_attachments').innerJoin('messages', 'messages.id', 'message_attachments.message_id')
      .select(['messages.sent_at', 'messages.sender_account_id', 'message_attachments.name as file_name', 'message_attachments.size as file_size'])
      .where((eb) => eb.or([
        eb('messages.sender_account_id', 'in', accounts),
        eb.exists(eb.selectFrom('message_recipients').select('message_recipients.message_id').whereRef('message_recipients.message_id', '=', 'messages.id')
          .where('message_recipients.account_id', 'in', accounts)),
      ]))
      .orderBy('messages.sent_at').orderBy('message_attachments.id').execute();
    return {
      sections: [
        ...(away.length ? [{ title: 'personalData.sections.outOfOffice', childId: null, columns: ['first_day', 'last_day', 'body', 'updated_at'], rows: away }] : []),
        ...(files.length ? [{
          title: 'personalData.sections.messageAttachments', childId: null, columns: ['by', 'sent_at', 'file_name', 'file_size'],
          rows: files.map(({ sender_account_id, ...f }) => ({ ...f, file_size: Number(f.file_size), by: byWhom(accounts, sender_account_id) })),
        }] : []),
      ],
    };
  },
};
