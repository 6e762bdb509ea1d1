// The bell: notifications to one account, written by every domain through notify(); the header counts the unread
// ones. And what each account chose to hear about by e-mail.
import type { NotificationChannel } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';
import { DEFAULT_CHANNELS, NOTIFICATION_TOPICS, type NotificationKind, type NotificationTopic } from './kinds.ts';

/** The count of the account's unread notifications as a query, for the header to ask with other counts. */
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

export interface NewNotification {
  accountIds: readonly number[];
  kind: NotificationKind;
  /** The child it is about, if any. */
  childId?: number | null;
  /** The values of the kind's text. */
  params: Record<string, string>;
  /** Where the notification leads: a path on our own site. */
  url: string;
  at: Date;
}

/**
 * The one writer of notifications: one to each account, of a kind its domain declared (see kinds.ts). Pass the
 * transaction of the change that causes it, so both are stored or neither is.
 */
export async function notify(db: Db, n: NewNotification): Promise<void> {
  if (n.accountIds.length === 0) return;
  await db.insertInto('notifications').values(n.accountIds.map((accountId) => ({
    account_id: accountId, child_id: n.childId ?? null, kind: n.kind.key, params: JSON.stringify(n.params), url: n.url,
    created_at: n.at.toISOString(), read_at: null,
  }))).execute();
}

/**
 * Takes back the notifications of a kind about a child written at one moment, when the change that caused them is
 * undone before it counted (a mark of unreported absence undone before its SMS went). Pass the change's transaction.
 */
export async function withdrawNotifications(db: Db, w: { kind: NotificationKind; childId: number; at: Date }): Promise<number> {
  const deleted = await db.deleteFrom('notifications').where('kind', '=', w.kind.key).where('child_id', '=', w.childId)
    .where('created_at', '=', w.at.toISOString()).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

// ---------------------------------------------------------------------------------------------------------------------
// Each account's choices: for each topic of news, by e-mail or not at all (push and SMS come later). Stored now; a
// mail about news, once something sends one, asks notificationChoices() whether the person wants it.

export type NotificationChoices = Record<NotificationTopic, NotificationChannel>;

export async function notificationChoices(db: Db, accountId: number): Promise<NotificationChoices> {
  const rows = await db.selectFrom('account_notification_choices').select(['kind', 'channel']).where('account_id', '=', accountId).execute();
  const choices: NotificationChoices = { ...DEFAULT_CHANNELS };
  for (const row of rows) if ((NOTIFICATION_TOPICS as readonly string[]).includes(row.kind)) choices[row.kind as NotificationTopic] = row.channel;
  return choices;
}

export async function saveNotificationChoices(db: Db, accountId: number, choices: NotificationChoices): Promise<void> {
  const rows = NOTIFICATION_TOPICS.map((topic) => ({ account_id: accountId, kind: topic, channel: choices[topic] }));
  await db.insertInto('account_notification_choices').values(rows)
    .onConflict((oc) => oc.columns(['account_id', 'kind']).doUpdateSet((eb) => ({ channel: eb.ref('excluded.channel') })))
    .execute();
}
