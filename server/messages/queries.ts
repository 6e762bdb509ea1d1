// The envelope: messages to one account. Writing messages and their threads is still to be built, on these tables.
import type { Db } from '../kernel/db.ts';

/** How many messages the account has not read, as a query: the header asks it together with other counts
 * (server/start/header-counts.ts). */
export function unreadMessagesQuery(db: Db, accountId: number) {
  return db.selectFrom('message_recipients').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId).where('read_at', 'is', null);
}

export interface InboxThread { id: number; subject: string; lastSentAt: string; unread: number }

export async function inbox(db: Db, accountId: number, limit = 50): Promise<InboxThread[]> {
  const rows = await db.selectFrom('message_recipients')
    .innerJoin('messages', 'messages.id', 'message_recipients.message_id')
    .innerJoin('message_threads', 'message_threads.id', 'messages.thread_id')
    .select((eb) => [
      'message_threads.id', 'message_threads.subject',
      eb.fn.max('messages.sent_at').as('last_sent_at'),
      eb.fn.sum<number>(eb.case().when('message_recipients.read_at', 'is', null).then(1).else(0).end()).as('unread'),
    ])
    .where('message_recipients.account_id', '=', accountId)
    .groupBy(['message_threads.id', 'message_threads.subject'])
    .orderBy('last_sent_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, subject: r.subject, lastSentAt: String(r.last_sent_at), unread: Number(r.unread) }));
}
