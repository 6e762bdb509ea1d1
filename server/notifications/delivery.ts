// Delivery: notifications chosen "at once" are mailed and pushed by a `notifications.deliver` job (queued by notify()
// in the transaction that wrote them), and the evening summary of each municipality goes once a day: a periodic task
// claims the day's summary (a row per municipality and day, so never twice, also across a restart or with two
// processes) and queues its job, which mails and pushes one summary per account with unread news since its last one.
//
// Every mail and push has an idempotency key (`notification:<id>`, `summary:<account>:<day>`): the mail outbox and
// the push outbox are unique on it, and the summary of an account and day is recorded in the transaction that queues
// it, so a job run twice (a crash between sending and marking it done) delivers once.
import { stockholmDate, stockholmTime, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { DEFAULT_LANGUAGE, languageByCode, translator, type Language } from '../kernel/i18n.ts';
import { jobKind, type JobRunner } from '../kernel/jobs.ts';
import { composeMail, findIdentityNumbers } from '../mail/compose.ts';
import { queueMail } from '../mail/outbox.ts';
import { allMunicipalities } from '../people/audit-scope.ts';
import { queuePush, type QueuedPush } from '../push/outbox.ts';
import {
  choicesOf, claimSummary, DELIVER_JOB, markSummarised, recordSummaries, settleSummary, SUMMARY_JOB, summaryHours, unreadByIds, unreadForSummary,
  type DeliverPayload, type StoredNotification, type SummaryPayload,
} from './queries.ts';
import type { NotificationTopic } from './kinds.ts';
import type { NotificationRecipient, RecipientDirectory } from './recipients.ts';
import { applicableChoice, isTopic, summaryDay, type StoredChoice } from './rules.ts';
import { readableParams } from './texts.ts';

/** How often the runner looks whether a municipality's summary hour has come. */
export const SUMMARY_CHECK_MS = 5 * 60_000;
/** A summary takes up unread news at most this far back (a first one, or news no summary took up since). */
export const FIRST_SUMMARY_DAYS = 7;
/** A summary lists at most this many items; the rest are counted ("och 12 till"). */
export const SUMMARY_ITEMS = 20;
/** Accounts stored per transaction by a summary job. */
const SUMMARY_BATCH = 200;

export interface DeliveryDeps {
  db: Db; clock: Clock; publicUrl: string;
  /** Who the accounts are and where to reach them (accounts' implementation, handed in by server/app.ts). */
  recipients: RecipientDirectory;
}

export function registerNotificationJobs(runner: JobRunner, deps: DeliveryDeps): void {
  runner.register(DELIVER_JOB, (payload: DeliverPayload) => deliverNow(deps, payload));
  runner.register(SUMMARY_JOB, async (payload: SummaryPayload) => { await sendSummary(deps, payload); });
  runner.every(jobKind('notifications.summary-due'), SUMMARY_CHECK_MS, async () => {
    await claimDueSummaries(deps.db, deps.clock.now());
  });
}

/** Claims and queues every municipality's summary whose hour has come today; returns the municipalities claimed now. */
export async function claimDueSummaries(db: Db, now: Date): Promise<number[]> {
  const municipalities = await allMunicipalities(db);
  const hours = await summaryHours(db, municipalities.map((m) => m.id));
  const claimed: number[] = [];
  for (const m of municipalities) {
    const day = summaryDay({ date: stockholmDate(now), time: stockholmTime(now) }, hours.get(m.id) ?? 18);
    if (day && (await claimSummary(db, m.id, day, now))) claimed.push(m.id);
  }
  return claimed;
}

const languageOf = (code: string): Language => languageByCode(code) ?? DEFAULT_LANGUAGE;

/** What one notification says in a language; a sensitive one only where it is from. */
function notificationText(n: StoredNotification, language: Language, sensitive: boolean): string {
  const t = translator(language);
  if (sensitive) return t('notifications.sensitive', { from: n.params.from ?? '' });
  return t(`notifications.kinds.${n.kind}`, readableParams(n.params, language, n.createdAt));
}

/** The job of notify(): mails and pushes each notification still unread to its account, as the account chose. */
export async function deliverNow({ db, clock, publicUrl, recipients: directory }: DeliveryDeps, payload: DeliverPayload): Promise<void> {
  const notifications = await unreadByIds(db, payload.ids);
  const accountIds = [...new Set(notifications.map((n) => n.accountId))];
  const [recipients, choices] = await Promise.all([directory.notificationRecipients(db, accountIds), choicesOf(db, accountIds)]);
  const at = clock.now();
  for (const n of notifications) {
    const recipient = recipients.get(n.accountId);
    if (!recipient || !isTopic(n.topic)) continue;
    const choice = applicableChoice(choices.get(n.accountId) ?? [], n.topic, n.childId, payload.urgent);
    if (choice.timing !== 'now') continue;
    const language = languageOf(recipient.language);
    // (a text with something shaped like a personnummer goes as the short "from" text: a mail never carries one)
    const full = notificationText(n, language, payload.sensitive);
    const text = findIdentityNumbers(full).length === 0 ? full : notificationText(n, language, true);
    const key = `notification:${n.id}`;
    await db.transaction().execute(async (trx) => {
      if (choice.email && recipient.email) await mailTo(trx, recipient, 'notification', language, { text, link: publicUrl + n.url }, key, at);
      if (choice.push) {
        await queuePush(trx, { accountId: n.accountId, title: translator(language)('app.name'), body: text, url: n.url, deliveryKey: key, at, urgent: payload.urgent === true });
      }
    });
  }
}

async function mailTo(
  trx: Db, recipient: NotificationRecipient, name: string, language: Language, data: Record<string, unknown>, key: string, at: Date,
): Promise<void> {
  const mail = composeMail(name, language, data);
  await queueMail(trx, { to: recipient.email ?? '', ...mail }, at, { municipalityId: recipient.municipalityId, deliveryKey: key });
}

/**
 * The job of a municipality's summary of a day: to every open account of the municipality with unread news whose
 * choice is "in the summary" and that no summary took up yet (created up to the claim, at most FIRST_SUMMARY_DAYS
 * back), one mail and/or push; each notification it took up (listed, or passed over as chosen: at once, only in
 * Vardag) is marked summarised, a summary's in the transaction that records it. So a notification written late (a
 * bulletin's fan-out after the claim, with the moment of its sending) is in the next summary, once. An urgent notice
 * went at once and is never in a summary. Nothing to someone with nothing unread.
 */
export async function sendSummary({ db, clock, publicUrl, recipients: directory }: DeliveryDeps, payload: SummaryPayload): Promise<number> {
  const accountIds = await directory.openAccountsOfMunicipality(db, payload.municipalityId);
  const firstFrom = new Date(new Date(payload.until).getTime() - FIRST_SUMMARY_DAYS * 86_400_000).toISOString();
  const unread = await unreadForSummary(db, accountIds, firstFrom, payload.until);
  const byAccount = new Map<number, StoredNotification[]>();
  for (const n of unread) {
    const list = byAccount.get(n.accountId) ?? [];
    list.push(n);
    byAccount.set(n.accountId, list);
  }
  const [recipients, choices] = await Promise.all([directory.notificationRecipients(db, [...byAccount.keys()]), choicesOf(db, [...byAccount.keys()])]);
  const at = clock.now();
  // Composed first, then stored a batch of accounts a transaction (each account's summary row, mail and push together:
  // a summary recorded before is skipped, so a job run twice mails once).
  // (what an account has unread but not for the summary, chosen at once or only in Vardag, is passed over for good:
  // choosing "summary" later does not bring up old news)
  const passedOver: number[] = [];
  const work: { accountId: number; recipient: NotificationRecipient; stored: StoredChoice[]; items: StoredNotification[]; ids: number[] }[] = [];
  for (const [accountId, list] of byAccount) {
    const recipient = recipients.get(accountId);
    if (!recipient) continue;
    const stored = choices.get(accountId) ?? [];
    const items = list.filter((n) => isTopic(n.topic) && applicableChoice(stored, n.topic, n.childId, n.urgent).timing === 'summary');
    if (items.length === 0) passedOver.push(...list.map((n) => n.id));
    else work.push({ accountId, recipient, stored, items, ids: list.map((n) => n.id) });
  }
  await markSummarised(db, passedOver, at);
  let sent = 0;
  for (let i = 0; i < work.length; i += SUMMARY_BATCH) {
    sent += await db.transaction().execute(async (trx) => {
      const batch = work.slice(i, i + SUMMARY_BATCH);
      const recorded = await recordSummaries(trx, batch.map((w) => ({ accountId: w.accountId, items: w.items.length })), { day: payload.day, until: payload.until, at });
      // Only what this summary marks now is listed: another summary running at the same moment (a day's job held until
      // the next day's ran) took the rest, and PostgreSQL makes this update wait for it and skip what it marked.
      const taken = await markSummarised(trx, batch.filter((w) => recorded.has(w.accountId)).flatMap((w) => w.ids), at);
      let done = 0;
      for (const w of batch) {
        if (!recorded.has(w.accountId)) continue; // summarised before: sent then
        const listed = w.items.filter((n) => taken.has(n.id));
        if (listed.length < w.items.length) await settleSummary(trx, { accountId: w.accountId, day: payload.day, items: listed.length });
        if (listed.length === 0) continue;
        const summary = composeSummary(w.recipient, w.stored, listed, publicUrl, `summary:${w.accountId}:${payload.day}`, at);
        if (summary.mail) {
          await queueMail(trx, { to: w.recipient.email ?? '', ...summary.mail }, at, { municipalityId: w.recipient.municipalityId, deliveryKey: summary.key });
        }
        if (summary.push) await queuePush(trx, summary.push);
        done++;
      }
      return done;
    });
  }
  return sent;
}

/**
 * One account's summary of the items: a mail if any item's choice says e-mail and the account has an address, a push
 * if any says push. It never carries a message's text: messages are listed by where they are from (sensitive or not).
 * A line with something shaped like a personnummer (a subject someone typed) is left out of the mail, which refuses to
 * carry one (mail/compose.ts), and counted among "and N more": one such line must not stop the summary.
 */
function composeSummary(
  recipient: NotificationRecipient, stored: StoredChoice[], items: StoredNotification[], publicUrl: string, key: string, at: Date,
): { key: string; mail?: ReturnType<typeof composeMail>; push?: QueuedPush } {
  const chosen = items.map((n) => applicableChoice(stored, n.topic as NotificationTopic, n.childId));
  const language = languageOf(recipient.language);
  const t = translator(language);
  const lines = items.slice(0, SUMMARY_ITEMS).map((n) => ({ text: notificationText(n, language, n.topic === 'messages'), link: publicUrl + n.url }))
    .filter((line) => findIdentityNumbers(line.text).length === 0);
  return {
    key,
    mail: chosen.some((c) => c.email) && recipient.email !== null
      ? composeMail('notification-summary', language, { count: items.length, lines, more: Math.max(0, items.length - lines.length), link: `${publicUrl}/notifications` })
      : undefined,
    push: chosen.some((c) => c.push)
      ? { accountId: recipient.accountId, title: t('notifications.summary.title'), body: t('notifications.summary.push', { count: items.length }), url: '/notifications', deliveryKey: key, at }
      : undefined,
  };
}
