// The bell: notifications to one account, written by every domain through notify(); the header counts the unread
// ones (messages aside: the envelope counts those). What each account chose (when, by which channels, per topic and
// child), the municipality's summary hour, and the rows that make each delivery happen once.
import type { Transaction } from 'kysely';
import type { Database, Db } from '../kernel/db.ts';
import { enqueueJob, jobKind } from '../kernel/jobs.ts';
import { cancelUnsentMails } from '../mail/outbox.ts';
import { cancelUnsentPushes } from '../push/outbox.ts';
import { DEFAULT_SUMMARY_HOUR, applicableChoice, isTopic, smsWanted, type StoredChoice } from './rules.ts';
import type { NotificationKind, NotificationTopic } from './kinds.ts';

/** The job that mails and pushes notifications chosen "at once"; payload `DeliverPayload`. */
export const DELIVER_JOB = jobKind('notifications.deliver');
/** The job of a municipality's evening summary of one day; payload `SummaryPayload`. */
export const SUMMARY_JOB = jobKind('notifications.summary');
export interface DeliverPayload { ids: number[]; urgent: boolean; sensitive: boolean }
export interface SummaryPayload { municipalityId: number; day: string; until: string }

/** The topic the bell leaves out: the envelope counts messages. */
const ENVELOPE_TOPIC = 'messages';

/** The count of the account's unread notifications as a query, for the header to ask with other counts. */
export function unreadNotificationsQuery(db: Db, accountId: number) {
  return db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId).where('read_at', 'is', null)
    .where((eb) => eb.or([eb('topic', 'is', null), eb('topic', '!=', ENVELOPE_TOPIC)]));
}

export interface NotificationItem { id: number; kind: string; params: Record<string, string>; url: string; createdAt: string; read: boolean }

/** The bell's list: the account's newest notifications (messages aside), `limit` from `offset`. */
export async function latestNotifications(db: Db, accountId: number, limit = 50, offset = 0): Promise<NotificationItem[]> {
  const rows = await db.selectFrom('notifications').select(['id', 'kind', 'params', 'url', 'created_at', 'read_at'])
    .where('account_id', '=', accountId).where((eb) => eb.or([eb('topic', 'is', null), eb('topic', '!=', ENVELOPE_TOPIC)]))
    .orderBy('id', 'desc').limit(limit).offset(offset).execute();
  return rows.map((r) => ({
    id: r.id, kind: r.kind, params: JSON.parse(r.params) as Record<string, string>, url: r.url, createdAt: r.created_at, read: r.read_at !== null,
  }));
}

/** "Markera alla som lästa" in the bell: its notifications, not the envelope's. */
export async function markAllRead(db: Db, accountId: number, at: Date): Promise<void> {
  await db.updateTable('notifications').set({ read_at: at.toISOString() })
    .where('account_id', '=', accountId).where('read_at', 'is', null)
    .where((eb) => eb.or([eb('topic', 'is', null), eb('topic', '!=', ENVELOPE_TOPIC)])).execute();
}

/** Opens one of the account's notifications: marks it read and answers where it leads; undefined if not theirs. */
export async function openNotification(db: Db, accountId: number, id: number, at: Date): Promise<string | undefined> {
  const row = await db.selectFrom('notifications').select(['url', 'read_at']).where('id', '=', id).where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.read_at === null) {
    await db.updateTable('notifications').set({ read_at: at.toISOString() }).where('id', '=', id).where('read_at', 'is', null).execute();
  }
  return row.url;
}

/**
 * Marks read the account's unread notifications that lead to a url, when the person opens the page itself (a message
 * thread marks its notifications read).
 */
export async function markNotificationsReadByUrl(db: Db, accountId: number, url: string, at: Date): Promise<number> {
  const updated = await db.updateTable('notifications').set({ read_at: at.toISOString() })
    .where('account_id', '=', accountId).where('url', '=', url).where('read_at', 'is', null).executeTakeFirst();
  return Number(updated.numUpdatedRows);
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
 * transaction of the change that causes it, so both are stored or neither is. Those whose choice for the topic (and
 * child) is "at once", and everyone for an urgent kind, are mailed and pushed by a `notifications.deliver` job queued
 * in the same transaction; the rest wait for the evening summary or stay in Vardag.
 */
export async function notify(db: Db | Transaction<Database>, n: NewNotification): Promise<void> {
  if (n.accountIds.length === 0) return;
  const topic = n.kind.topic;
  const at = n.at.toISOString();
  const now: number[] = [];
  for (let i = 0; i < n.accountIds.length; i += 500) {
    const accountIds = n.accountIds.slice(i, i + 500);
    const rows = await db.insertInto('notifications').values(accountIds.map((accountId) => ({
      account_id: accountId, child_id: n.childId ?? null, kind: n.kind.key, params: JSON.stringify(n.params), url: n.url,
      created_at: at, read_at: null, topic, urgent: n.kind.urgent ? 1 : 0,
    }))).returning(['id', 'account_id']).execute();
    if (!isTopic(topic)) continue;
    const stored = await choicesOf(db, accountIds, topic);
    for (const row of rows) {
      const choice = applicableChoice(stored.get(row.account_id) ?? [], topic, n.childId ?? null, n.kind.urgent);
      if (choice.timing === 'now' && (choice.email || choice.push)) now.push(row.id);
    }
  }
  if (now.length) {
    const payload: DeliverPayload = { ids: now, urgent: n.kind.urgent === true, sensitive: n.kind.sensitive === true };
    await enqueueJob(db, DELIVER_JOB, payload, n.at);
  }
}

/**
 * Takes back the notifications of a kind about a child written at one moment, when the change that caused them is
 * undone before it counted (a mark of unreported absence undone before its SMS went). Pass the change's transaction.
 * A delivery not yet made finds them gone and sends nothing.
 */
export async function withdrawNotifications(db: Db, w: { kind: NotificationKind; childId: number; at: Date }): Promise<number> {
  const ids = (await db.selectFrom('notifications').select('id').where('kind', '=', w.kind.key).where('child_id', '=', w.childId)
    .where('created_at', '=', w.at.toISOString()).execute()).map((r) => r.id);
  return removeWithDeliveries(db, ids, w.at);
}

/**
 * Deletes notifications, and stops the mails and pushes already queued for them (a delivery's key is
 * `notification:<id>`, see delivery.ts) so that nothing taken back reaches a phone or an inbox afterwards.
 */
async function removeWithDeliveries(db: Db, ids: readonly number[], at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const deleted = await db.deleteFrom('notifications').where('id', 'in', [...ids]).executeTakeFirst();
  const keys = ids.map((id) => `notification:${id}`);
  // (the moment of the undo is not known here; the change's own moment marks the deliveries given up)
  await cancelUnsentMails(db, keys, at);
  await cancelUnsentPushes(db, keys, at);
  return Number(deleted.numDeletedRows);
}

/**
 * Takes back the notifications leading to a url written at one moment to some accounts (a message retracted by its
 * sender: server/messages/retract.ts). Pass the change's transaction.
 */
export async function withdrawNotificationsByUrl(db: Db, w: { url: string; at: Date; accountIds: readonly number[] }): Promise<number> {
  if (w.accountIds.length === 0) return 0;
  const ids = (await db.selectFrom('notifications').select('id').where('url', '=', w.url).where('created_at', '=', w.at.toISOString())
    .where('account_id', 'in', [...w.accountIds]).execute()).map((r) => r.id);
  return removeWithDeliveries(db, ids, w.at);
}

/**
 * Takes back every unread notification leading to a url, whenever written (a calendar event removed: its earlier
 * notices would lead to a page that is gone). Read ones stay in the list. Pass the change's transaction.
 */
export async function withdrawUnreadByUrl(db: Db, w: { url: string; at: Date }): Promise<number> {
  const ids = (await db.selectFrom('notifications').select('id').where('url', '=', w.url).where('read_at', 'is', null).execute()).map((r) => r.id);
  return removeWithDeliveries(db, ids, w.at);
}

/**
 * Takes back every notification of a kind leading to a url, whoever it went to and whenever it was written (an
 * information item removed: server/information/write.ts), with the mails and pushes not yet sent for them. In chunks,
 * so a whole municipality's stays within the databases' limits on parameters. Pass the change's transaction.
 */
export async function withdrawNotificationsOfUrl(db: Db | Transaction<Database>, w: { kind: NotificationKind; url: string; at: Date }): Promise<number> {
  const ids = (await db.selectFrom('notifications').select('id').where('kind', '=', w.kind.key).where('url', '=', w.url).execute()).map((r) => r.id);
  let removed = 0;
  for (let i = 0; i < ids.length; i += 500) removed += await removeWithDeliveries(db, ids.slice(i, i + 500), w.at);
  return removed;
}

/** Which of these accounts (at most a few hundred) have a notification of a kind leading to a url (a fan-out resumed). */
export async function accountsNotifiedOf(db: Db | Transaction<Database>, w: { kind: NotificationKind; url: string; accountIds: readonly number[] }): Promise<Set<number>> {
  if (w.accountIds.length === 0) return new Set();
  const rows = await db.selectFrom('notifications').select('account_id').where('kind', '=', w.kind.key).where('url', '=', w.url)
    .where('account_id', 'in', [...w.accountIds]).execute();
  return new Set(rows.map((r) => r.account_id));
}

// ---------------------------------------------------------------------------------------------------------------------
// Each account's choices: per topic and child (0: all), when and by which channels. No row: the default (rules.ts).

/** The stored choices of these accounts (of one topic, or all), by account. */
export async function choicesOf(db: Db, accountIds: readonly number[], topic?: string): Promise<Map<number, StoredChoice[]>> {
  const found = new Map<number, StoredChoice[]>();
  for (let i = 0; i < accountIds.length; i += 500) {
    let query = db.selectFrom('notification_choices').selectAll().where('account_id', 'in', accountIds.slice(i, i + 500));
    if (topic !== undefined) query = query.where('topic', '=', topic);
    for (const r of await query.execute()) {
      const list = found.get(r.account_id) ?? [];
      list.push({ topic: r.topic, childId: r.child_id, timing: r.timing, email: r.email === 1, push: r.push === 1, sms: r.sms === 1 });
      found.set(r.account_id, list);
    }
  }
  return found;
}

/**
 * The accounts among these that do not want a topic's SMS about a child (SMS turned off for it, or the topic only in
 * Vardag): the unreported-absence SMS goes to none of them (server/absence/unreported-notice.ts).
 */
export async function accountsRefusingSms(db: Db, accountIds: readonly number[], topic: NotificationTopic, childId: number): Promise<Set<number>> {
  const stored = await choicesOf(db, accountIds, topic);
  return new Set(accountIds.filter((id) => !smsWanted(stored.get(id) ?? [], topic, childId)));
}

/** Stores the account's choices as posted (each one an upsert: two saves at once leave one of them whole per row). */
export async function saveChoices(db: Db, accountId: number, choices: readonly StoredChoice[]): Promise<void> {
  if (choices.length === 0) return;
  await db.insertInto('notification_choices').values(choices.map((c) => ({
    account_id: accountId, topic: c.topic, child_id: c.childId, timing: c.timing, email: c.email ? 1 : 0, push: c.push ? 1 : 0, sms: c.sms ? 1 : 0,
  }))).onConflict((oc) => oc.columns(['account_id', 'topic', 'child_id']).doUpdateSet((eb) => ({
    timing: eb.ref('excluded.timing'), email: eb.ref('excluded.email'), push: eb.ref('excluded.push'), sms: eb.ref('excluded.sms'),
  }))).execute();
}

// ---------------------------------------------------------------------------------------------------------------------
// The municipality's summary hour, each change kept.

export async function summaryHours(db: Db, municipalityIds: readonly number[]): Promise<Map<number, number>> {
  const hours = new Map<number, number>(municipalityIds.map((id) => [id, DEFAULT_SUMMARY_HOUR]));
  if (municipalityIds.length === 0) return hours;
  const rows = await db.selectFrom('notification_settings').select(['municipality_id', 'summary_hour'])
    .where('municipality_id', 'in', [...municipalityIds]).execute();
  for (const r of rows) hours.set(r.municipality_id, r.summary_hour);
  return hours;
}

export async function summaryHour(db: Db, municipalityId: number): Promise<number> {
  return (await summaryHours(db, [municipalityId])).get(municipalityId) ?? DEFAULT_SUMMARY_HOUR;
}

export async function saveSummaryHour(db: Db, municipalityId: number, hour: number, by: number, at: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await summaryHour(trx, municipalityId);
    if (before === hour) return;
    await trx.insertInto('notification_settings').values({ municipality_id: municipalityId, summary_hour: hour })
      .onConflict((oc) => oc.column('municipality_id').doUpdateSet({ summary_hour: hour })).execute();
    await trx.insertInto('notification_settings_changes').values({
      municipality_id: municipalityId, old_hour: before, new_hour: hour, changed_by: by, changed_at: at.toISOString(),
    }).execute();
  });
}

export interface HourChange { oldHour: number; newHour: number; changedBy: number; changedAt: string }

export async function summaryHourChanges(db: Db, municipalityId: number, limit = 10): Promise<HourChange[]> {
  const rows = await db.selectFrom('notification_settings_changes').selectAll().where('municipality_id', '=', municipalityId)
    .orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ oldHour: r.old_hour, newHour: r.new_hour, changedBy: r.changed_by, changedAt: r.changed_at }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Delivery and the evening summary.

export interface StoredNotification {
  id: number; accountId: number; childId: number | null; kind: string; topic: string | null; params: Record<string, string>; url: string;
  createdAt: string;
  /** Of an urgent kind: delivered at once whatever was chosen, never in a summary. */
  urgent: boolean;
}

const STORED = ['id', 'account_id', 'child_id', 'kind', 'topic', 'params', 'url', 'created_at', 'urgent'] as const;

const toStored = (r: {
  id: number; account_id: number; child_id: number | null; kind: string; topic: string | null; params: string; url: string; created_at: string; urgent: number;
}): StoredNotification => ({
  id: r.id, accountId: r.account_id, childId: r.child_id, kind: r.kind, topic: r.topic, params: JSON.parse(r.params) as Record<string, string>,
  url: r.url, createdAt: r.created_at, urgent: r.urgent === 1,
});

/** The notifications of these ids still unread (one read or withdrawn before its delivery is not sent). */
export async function unreadByIds(db: Db, ids: readonly number[]): Promise<StoredNotification[]> {
  const found: StoredNotification[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('notifications').select(STORED)
      .where('id', 'in', ids.slice(i, i + 500)).where('read_at', 'is', null).orderBy('id').execute();
    found.push(...rows.map(toStored));
  }
  return found;
}

/**
 * Claims a municipality's summary of a day and queues its job, both in one transaction; false if it was claimed
 * before (by this process earlier, another process, or before a restart): the primary key makes it once a day.
 */
export async function claimSummary(db: Db, municipalityId: number, day: string, at: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx.insertInto('notification_summary_runs').values({ municipality_id: municipalityId, day, claimed_at: at.toISOString() })
      .onConflict((oc) => oc.columns(['municipality_id', 'day']).doNothing()).returning('day').executeTakeFirst();
    if (!claimed) return false;
    const payload: SummaryPayload = { municipalityId, day, until: at.toISOString() };
    await enqueueJob(trx, SUMMARY_JOB, payload, at);
    return true;
  });
}

/**
 * The unread notifications with a topic of these accounts that no summary has had yet, created in (after, until],
 * oldest first. (Not by each account's last summary: a notification written late, with an earlier moment, would fall
 * between two summaries.)
 */
export async function unreadForSummary(db: Db, accountIds: readonly number[], after: string, until: string): Promise<StoredNotification[]> {
  const found: StoredNotification[] = [];
  for (let i = 0; i < accountIds.length; i += 500) {
    const rows = await db.selectFrom('notifications').select(STORED)
      .where('account_id', 'in', accountIds.slice(i, i + 500)).where('read_at', 'is', null).where('summarised_at', 'is', null)
      .where('topic', 'is not', null).where('urgent', '=', 0)
      .where('created_at', '>', after).where('created_at', '<=', until).orderBy('id').execute();
    found.push(...rows.map(toStored));
  }
  return found;
}

/**
 * Marks notifications as taken up by a summary (listed, in the transaction that records and queues it, or passed over
 * as chosen): no later summary takes them up. Answers those marked now (not by a summary before).
 */
export async function markSummarised(trx: Db, ids: readonly number[], at: Date): Promise<Set<number>> {
  const marked = new Set<number>();
  // (in order of id: two summaries marking at once on PostgreSQL lock the rows in the same order, and never deadlock)
  const sorted = [...ids].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i += 500) {
    const rows = await trx.updateTable('notifications').set({ summarised_at: at.toISOString() })
      .where('id', 'in', sorted.slice(i, i + 500)).where('summarised_at', 'is', null).returning('id').execute();
    for (const row of rows) marked.add(row.id);
  }
  return marked;
}

/**
 * Records the accounts' summaries of a day in one statement; answers the accounts recorded now (one recorded before was
 * mailed before: send it nothing).
 */
export async function recordSummaries(
  trx: Db, accounts: readonly { accountId: number; items: number }[], s: { day: string; until: string; at: Date },
): Promise<Set<number>> {
  if (accounts.length === 0) return new Set();
  const rows = await trx.insertInto('notification_summaries')
    .values(accounts.map((a) => ({ account_id: a.accountId, day: s.day, until: s.until, items: a.items, created_at: s.at.toISOString() })))
    .onConflict((oc) => oc.columns(['account_id', 'day']).doNothing()).returning('account_id').execute();
  return new Set(rows.map((r) => r.account_id));
}

/**
 * Corrects a recorded summary to what it lists after all (another summary took some of its items meanwhile); one that
 * lists nothing is not a summary sent, and its row goes.
 */
export async function settleSummary(trx: Db, s: { accountId: number; day: string; items: number }): Promise<void> {
  const row = trx.updateTable('notification_summaries').where('account_id', '=', s.accountId).where('day', '=', s.day);
  if (s.items > 0) await row.set({ items: s.items }).execute();
  else await trx.deleteFrom('notification_summaries').where('account_id', '=', s.accountId).where('day', '=', s.day).execute();
}
