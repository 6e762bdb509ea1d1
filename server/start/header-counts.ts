// The header's bell and envelope on every full page: how many notifications and messages the account has not read.
import { prepared, type Db } from '../kernel/db.ts';
import { unreadNotificationsQuery } from '../notifications/queries.ts';
import { unreadMessagesQuery } from '../messages/queries.ts';

export interface HeaderCounts { notifications: number; messages: number }

// Read on every full page: both counts in one query, compiled once. Each module counts its own table.
const unreadQuery = prepared((db: Db, accountId: number) => db.selectNoFrom([
  unreadNotificationsQuery(db, accountId).as('notifications'), unreadMessagesQuery(db, accountId).as('messages'),
]));

export async function headerCounts(db: Db, accountId: number): Promise<HeaderCounts> {
  const [row] = await unreadQuery(db, accountId);
  return { notifications: Number(row.notifications), messages: Number(row.messages) };
}
