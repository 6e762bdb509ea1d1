// The bell: notifications to one account. Later features add rows; the header counts the unread ones.
import type { Db } from '../kernel/db.ts';

export async function unreadNotifications(db: Db, accountId: number): Promise<number> {
  const row = await unreadNotificationsQuery(db, accountId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The count as a query, for the header to ask together with other counts (see server/app.ts). */
export function unreadNotificationsQuery(db: Db, accountId: number) {
  return db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId).where('read_at', 'is', null);
}

export interface NotificationItem { id: number; kind: string; params: Record<string, string>; url: string; createdAt: string; read: boolean }

export async function latestNotifications(db: Db, accountId: number, limit = 50): Promise<NotificationItem[]> {
  const rows = await db.selectFrom('notifications').select(['id', 'kind', 'params', 'url', 'created_at', 'read_at'])
    .where('account_id', '=', accountId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id, kind: r.kind, params: JSON.parse(r.params) as Record<string, string>, url: r.url, createdAt: r.created_at, read: r.read_at !== null,
  }));
}

export async function markAllRead(db: Db, accountId: number, at: Date): Promise<void> {
  await db.updateTable('notifications').set({ read_at: at.toISOString() })
    .where('account_id', '=', accountId).where('read_at', 'is', null).execute();
}

/** A notification to each account; `kind` names its text `notifications.kinds.<kind>`, filled with `params`. */
export async function notify(db: Db, accountIds: readonly number[], n: { kind: string; params: Record<string, string>; url: string }, at: Date): Promise<void> {
  if (accountIds.length === 0) return;
  await db.insertInto('notifications').values(accountIds.map((accountId) => ({
    account_id: accountId, child_id: null, kind: n.kind, params: JSON.stringify(n.params), url: n.url, created_at: at.toISOString(), read_at: null,
  }))).execute();
}
