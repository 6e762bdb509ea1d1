// The SQL of messages: threads, their participants, messages and who each message reached (migration 0043). Every
// read here starts from the account: a message is shown to an account iff it sent it or is one of its recipients.
import { sql, type Transaction } from 'kysely';
import { foldedContains } from '../../db/sql.ts';
import { accountName } from '../accounts/queries.ts';
import type { Database, Db, OuterQuery } from '../kernel/db.ts';
import { INBOX_PAGE_SIZE, type InboxQuery, type Participant, type Role, type ThreadKind } from './rules.ts';

type Writer = Db | Transaction<Database>;

/** How many messages the account has not read, as a query: the header asks it together with other counts
 * (server/start/header-counts.ts). A message taken back no longer counts. */
export function unreadMessagesQuery(db: Db, accountId: number) {
  return db.selectFrom('message_recipients').innerJoin('messages', 'messages.id', 'message_recipients.message_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('message_recipients.account_id', '=', accountId).where('message_recipients.read_at', 'is', null)
    .where('messages.retracted_at', 'is', null);
}

/** The messages of the outer query's thread (`ref`) that the account sees: sent by it or to it. */
function visibleTo(eb: OuterQuery, accountId: number) {
  return eb.or([
    eb('messages.sender_account_id', '=', accountId),
    eb.exists(eb.selectFrom('message_recipients as seen').select('seen.message_id')
      .whereRef('seen.message_id', '=', 'messages.id').where('seen.account_id', '=', accountId)),
  ]);
}

export interface Thread {
  id: number; municipalityId: number; subject: string; kind: ThreadKind; childId: number | null; groupId: number | null;
  unitId: number | null; urgent: boolean; sensitive: boolean; createdBy: number; createdAt: string;
}

export async function threadById(db: Writer, threadId: number): Promise<Thread | undefined> {
  const r = await db.selectFrom('message_threads').selectAll().where('id', '=', threadId).executeTakeFirst();
  return r && {
    id: r.id, municipalityId: r.municipality_id, subject: r.subject, kind: r.kind, childId: r.child_id, groupId: r.group_id,
    unitId: r.unit_id, urgent: r.urgent === 1, sensitive: r.sensitive === 1, createdBy: r.created_by_account_id, createdAt: r.created_at,
  };
}

export async function participantsOf(db: Writer, threadId: number): Promise<(Participant & { archivedAt: string | null })[]> {
  const rows = await db.selectFrom('message_participants').select(['account_id', 'role', 'archived_at'])
    .where('thread_id', '=', threadId).orderBy('account_id').execute();
  return rows.map((r) => ({ accountId: r.account_id, role: r.role, archivedAt: r.archived_at }));
}

export interface NewThread {
  municipalityId: number; subject: string; kind: ThreadKind; childId?: number | null; groupId?: number | null; unitId?: number | null;
  urgent: boolean; sensitive: boolean; by: number; at: Date;
}

export async function createThread(trx: Writer, t: NewThread): Promise<number> {
  const { id } = await trx.insertInto('message_threads').values({
    municipality_id: t.municipalityId, subject: t.subject, kind: t.kind, child_id: t.childId ?? null, group_id: t.groupId ?? null,
    unit_id: t.unitId ?? null, urgent: t.urgent ? 1 : 0, sensitive: t.sensitive ? 1 : 0, created_by_account_id: t.by, created_at: t.at.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Adds accounts to a thread; one already in it keeps its role (safe to run twice). */
export async function addParticipants(trx: Writer, threadId: number, participants: readonly Participant[]): Promise<void> {
  for (let i = 0; i < participants.length; i += 200) {
    await trx.insertInto('message_participants')
      .values(participants.slice(i, i + 200).map((p) => ({ thread_id: threadId, account_id: p.accountId, role: p.role, archived_at: null })))
      .onConflict((oc) => oc.columns(['thread_id', 'account_id']).doNothing()).execute();
  }
}

export async function addMessage(trx: Writer, m: { threadId: number; senderAccountId: number; body: string; at: Date }): Promise<number> {
  const { id } = await trx.insertInto('messages').values({
    thread_id: m.threadId, sender_account_id: m.senderAccountId, body: m.body, sent_at: m.at.toISOString(), retracted_at: null,
  }).returning('id').executeTakeFirstOrThrow();
  await keepInboxColumns(trx, { kind: 'sent', threadId: m.threadId, senderAccountId: m.senderAccountId, at: m.at.toISOString() });
  return id;
}

/**
 * Makes the accounts recipients of the message and answers those that were not yet: a second run (a job run twice, two
 * runs at once on PostgreSQL) adds nobody twice, so only the accounts returned here are to be told.
 */
export async function addRecipients(trx: Writer, messageId: number, accountIds: readonly number[]): Promise<number[]> {
  const added: number[] = [];
  const unique = [...new Set(accountIds)];
  for (let i = 0; i < unique.length; i += 200) {
    const rows = await trx.insertInto('message_recipients')
      .values(unique.slice(i, i + 200).map((accountId) => ({ message_id: messageId, account_id: accountId, read_at: null })))
      .onConflict((oc) => oc.columns(['message_id', 'account_id']).doNothing()).returning('account_id').execute();
    added.push(...rows.map((r) => r.account_id));
  }
  if (added.length) {
    const message = await trx.selectFrom('messages').select(['thread_id', 'sender_account_id', 'sent_at']).where('id', '=', messageId).executeTakeFirstOrThrow();
    await keepInboxColumns(trx, {
      kind: 'received', threadId: message.thread_id, senderAccountId: message.sender_account_id, at: message.sent_at, accountIds: added,
    });
  }
  return added;
}

/** A new message brings the thread back from the archives of those it reaches. */
export async function unarchive(trx: Writer, threadId: number, accountIds: readonly number[]): Promise<void> {
  if (accountIds.length === 0) return;
  await trx.updateTable('message_participants').set({ archived_at: null })
    .where('thread_id', '=', threadId).where('account_id', 'in', [...accountIds]).where('archived_at', 'is not', null).execute();
}

/** Archives the thread for one account (at), or takes it out of the archive (null). */
export async function setArchived(db: Writer, threadId: number, accountId: number, at: Date | null): Promise<boolean> {
  const result = await db.updateTable('message_participants').set({ archived_at: at?.toISOString() ?? null })
    .where('thread_id', '=', threadId).where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks read every message of the thread to the account; answers how many were unread. */
export async function markThreadRead(db: Writer, threadId: number, accountId: number, at: Date): Promise<number> {
  if (!db.isTransaction) return db.transaction().execute((trx) => markThreadRead(trx, threadId, accountId, at));
  await keepInboxColumns(db, { kind: 'read', threadId, accountId });
  const result = await db.updateTable('message_recipients').set({ read_at: at.toISOString() })
    .where('account_id', '=', accountId).where('read_at', 'is', null)
    .where('message_id', 'in', (eb) => eb.selectFrom('messages').select('messages.id').where('messages.thread_id', '=', threadId))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * What changed in a thread, for the inbox's columns on message_participants (migration 0049): a message `sent` (its
 * sender's row), a message `received` by accounts newly made its recipients, the thread `read` by an account, or a
 * message `retracted` (its unread recipients count one less). Called in the transaction of the change.
 */
export type InboxChange =
  | { kind: 'sent'; threadId: number; senderAccountId: number; at: string }
  | { kind: 'received'; threadId: number; senderAccountId: number; at: string; accountIds: readonly number[] }
  | { kind: 'read'; threadId: number; accountId: number }
  | { kind: 'retracted'; threadId: number; messageId: number };

/**
 * Keeps what the inbox shows on each participant's own row, in the same transaction as the change: the newest message
 * it sees (kept as the latest by time, whatever order a fan-out runs in), who sent it, how many are unread, and whether
 * it has received or sent any. Counts change by one in an update of the row (never read, then written), so two changes
 * at once on PostgreSQL wait for each other's row lock and both count. Marking read zeroes the count before the messages
 * are marked, so a message arriving meanwhile is counted after (it waits for this row).
 */
export async function keepInboxColumns(trx: Writer, change: InboxChange): Promise<void> {
  const participants = trx.updateTable('message_participants').where('thread_id', '=', change.threadId);
  if (change.kind !== 'read') {
    // The thread's row first (a no-op update that locks it): two sends in one thread at once on PostgreSQL then update
    // its participants one after the other, never each holding a row the other waits for (a deadlock).
    await trx.updateTable('message_threads').set((eb) => ({ subject: eb.ref('subject') })).where('id', '=', change.threadId).execute();
  }
  switch (change.kind) {
    case 'sent':
    case 'received': {
      const { at, senderAccountId } = change;
      const newest = {
        last_sender_account_id: sql<number>`case when last_message_at is null or last_message_at <= ${at} then ${senderAccountId} else last_sender_account_id end`,
        last_message_at: sql<string>`case when last_message_at is null or last_message_at < ${at} then ${at} else last_message_at end`,
      };
      if (change.kind === 'sent') {
        await participants.set({ ...newest, has_sent: 1 }).where('account_id', '=', senderAccountId).execute();
        return;
      }
      const ids = [...new Set(change.accountIds)];
      for (let i = 0; i < ids.length; i += 200) {
        await participants.set((eb) => ({ ...newest, has_received: 1, unread_count: eb('unread_count', '+', 1) }))
          .where('account_id', 'in', ids.slice(i, i + 200)).execute();
      }
      return;
    }
    case 'read':
      await participants.set({ unread_count: 0 }).where('account_id', '=', change.accountId).where('unread_count', '!=', 0).execute();
      return;
    case 'retracted':
      await participants.set((eb) => ({ unread_count: eb('unread_count', '-', 1) })).where('unread_count', '>', 0)
        .where('account_id', 'in', (eb) => eb.selectFrom('message_recipients').select('message_recipients.account_id')
          .where('message_recipients.message_id', '=', change.messageId).where('message_recipients.read_at', 'is', null))
        .execute();
      return;
  }
}

export interface ShownMessage {
  id: number; senderAccountId: number; senderName: string; body: string; sentAt: string; retractedAt: string | null; mine: boolean;
  /** Not yet read by the account when the page was asked for. */
  unread: boolean;
}

/** The thread's messages the account sees (sent by it or to it), oldest first. */
export async function visibleMessages(db: Writer, threadId: number, accountId: number): Promise<ShownMessage[]> {
  const rows = await db.selectFrom('messages')
    .select((eb) => ['messages.id', 'messages.sender_account_id', 'messages.body', 'messages.sent_at', 'messages.retracted_at',
      accountName(eb, 'messages.sender_account_id').as('sender_name'),
      eb.exists(eb.selectFrom('message_recipients as mine').select('mine.message_id').whereRef('mine.message_id', '=', 'messages.id')
        .where('mine.account_id', '=', accountId).where('mine.read_at', 'is', null)).as('unread')])
    .where('messages.thread_id', '=', threadId).where((eb) => visibleTo(eb, accountId))
    .orderBy('messages.sent_at').orderBy('messages.id').execute();
  return rows.map((r) => ({
    id: r.id, senderAccountId: r.sender_account_id, senderName: r.sender_name ?? '', body: r.body, sentAt: r.sent_at,
    retractedAt: r.retracted_at, mine: r.sender_account_id === accountId, unread: Boolean(Number(r.unread)),
  }));
}

export interface Receipt { accountId: number; name: string; readAt: string | null }

/** Who each message reached and whether they have read it (the sender's read receipts), by message id. */
export async function receiptsOf(db: Writer, messageIds: readonly number[]): Promise<Map<number, Receipt[]>> {
  const receipts = new Map<number, Receipt[]>();
  if (messageIds.length === 0) return receipts;
  const rows = await db.selectFrom('message_recipients')
    .select((eb) => ['message_recipients.message_id', 'message_recipients.account_id', 'message_recipients.read_at',
      accountName(eb, 'message_recipients.account_id').as('name')])
    .where('message_recipients.message_id', 'in', [...messageIds]).execute();
  for (const r of rows) {
    const list = receipts.get(r.message_id) ?? [];
    list.push({ accountId: r.account_id, name: r.name ?? '', readAt: r.read_at });
    receipts.set(r.message_id, list);
  }
  for (const list of receipts.values()) list.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  return receipts;
}

export interface InboxThread {
  id: number; subject: string; kind: ThreadKind; urgent: boolean; lastSentAt: string; lastSender: string; lastSentByMe: boolean; unread: number; role: Role;
}

export interface InboxPage { threads: InboxThread[]; total: number; page: number; pages: number }

/**
 * The account's threads, the newest message first: received (not archived, with a message to the account), sent (with
 * a message from it) or archived; `q` finds words in the subject or in a message the account sees. One page reads only
 * the account's own participant rows (their columns kept by keepInboxColumns) and the page's 25 threads.
 */
export async function inbox(db: Db, accountId: number, query: InboxQuery): Promise<InboxPage> {
  let base = db.selectFrom('message_participants as p').innerJoin('message_threads as t', 't.id', 'p.thread_id')
    .where('p.account_id', '=', accountId);
  if (query.filter === 'archived') base = base.where('p.archived_at', 'is not', null);
  else if (query.filter === 'sent') base = base.where('p.has_sent', '=', 1);
  else base = base.where('p.archived_at', 'is', null).where('p.has_received', '=', 1);
  for (const word of query.q.split(/\s+/).filter(Boolean).slice(0, 5)) {
    base = base.where((eb) => eb.or([
      foldedContains(sql.ref('t.subject'), word),
      eb.exists(eb.selectFrom('messages').whereRef('messages.thread_id', '=', 't.id').select('messages.id').where('messages.retracted_at', 'is', null)
        .where((m) => visibleTo(m, accountId)).where(foldedContains(sql.ref('messages.body'), word))),
    ]));
  }
  const { count } = await base.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
  const total = Number(count);
  const pages = Math.max(1, Math.ceil(total / INBOX_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const rows = await base
    .select((eb) => ['t.id', 't.subject', 't.kind', 't.urgent', 'p.role', 'p.last_message_at', 'p.unread_count', 'p.last_sender_account_id',
      accountName(eb, 'p.last_sender_account_id').as('last_sender')])
    .orderBy('p.last_message_at', (ob) => ob.desc().nullsLast()).orderBy('p.thread_id', 'desc').limit(INBOX_PAGE_SIZE).offset((page - 1) * INBOX_PAGE_SIZE).execute();
  return {
    threads: rows.map((r) => ({
      id: r.id, subject: r.subject, kind: r.kind, urgent: r.urgent === 1, role: r.role, lastSentAt: r.last_message_at ?? '',
      lastSender: r.last_sender ?? '', lastSentByMe: r.last_sender_account_id === accountId, unread: Number(r.unread_count),
    })),
    total, page, pages,
  };
}

/** The first message of a thread (a bulletin's, which the fan-out delivers). */
export async function firstMessage(db: Writer, threadId: number): Promise<{ id: number; senderAccountId: number; sentAt: string } | undefined> {
  const r = await db.selectFrom('messages').select(['id', 'sender_account_id', 'sent_at']).where('thread_id', '=', threadId)
    .orderBy('id').limit(1).executeTakeFirst();
  return r && { id: r.id, senderAccountId: r.sender_account_id, sentAt: r.sent_at };
}

/**
 * Holds a message not taken back for the rest of the transaction: a no-op update that locks its row, so a retraction
 * running at the same moment waits for the fan-out (or finds it done and withdraws what it told). False if taken back.
 */
export async function holdUnretracted(trx: Writer, messageId: number): Promise<boolean> {
  const held = await trx.updateTable('messages').set((eb) => ({ retracted_at: eb.ref('retracted_at') }))
    .where('id', '=', messageId).where('retracted_at', 'is', null).executeTakeFirst();
  return Number(held.numUpdatedRows) === 1;
}

export async function messageById(db: Writer, messageId: number): Promise<{ id: number; threadId: number; senderAccountId: number; body: string; sentAt: string } | undefined> {
  const r = await db.selectFrom('messages').select(['id', 'thread_id', 'sender_account_id', 'body', 'sent_at']).where('id', '=', messageId).executeTakeFirst();
  return r && { id: r.id, threadId: r.thread_id, senderAccountId: r.sender_account_id, body: r.body, sentAt: r.sent_at };
}
