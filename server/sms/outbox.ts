// The SMS outbox: every SMS is a row in `sms_outbox` first, and an `sms.send` job sends it (server/sms/sender.ts).
// Queue an SMS in the transaction of the change that causes it, so the change and its SMS are stored together.
import { sql, type Transaction } from 'kysely';
import type { Database, Db, OuterQuery } from '../kernel/db.ts';
import { enqueueJob, jobKind } from '../kernel/jobs.ts';
import { isE164 } from './rules.ts';
import { findIdentityNumbers } from '../mail/compose.ts';
import { personMunicipality, personName } from '../people/queries.ts';

/** The job that sends one outbox SMS; its payload is `{ smsId }`. */
export const SMS_SEND_JOB = jobKind('sms.send');

/** Longer than any SMS Vardag writes (a long one is sent as up to four parts); a guard against a runaway text. */
export const MAX_SMS_LENGTH = 600;

export interface NewSms {
  /** The recipient in E.164, e.g. +46701234567. */
  to: string;
  message: string;
  /** What the SMS is about: with `day`, at most one SMS is queued per child, day and number. */
  childId?: number | null;
  /** YYYY-MM-DD. */
  day?: string | null;
  /** Not sent before this moment: until then the change that queued it may take it back (withdrawUnsentSms). */
  sendAfter?: Date;
}

/**
 * Stores the SMS and queues its sending, both in `db` (a transaction of the caller's, or a new one). Returns the
 * outbox id, or undefined when an SMS about the same child and day to the same number is queued already (sent or not):
 * then nothing is stored. Refuses a recipient that is not E.164 and a text that holds a personal identity number.
 */
export async function queueSms(db: Db | Transaction<Database>, sms: NewSms, now: Date): Promise<number | undefined> {
  if (!isE164(sms.to)) throw new Error('queueSms: the recipient is not a number in E.164 (+46701234567)');
  const message = sms.message.replace(/\s+/g, ' ').trim();
  if (!message) throw new Error('queueSms: the message is empty');
  if (message.length > MAX_SMS_LENGTH) throw new Error(`queueSms: the message is longer than ${MAX_SMS_LENGTH} characters`);
  if (findIdentityNumbers(message).length) throw new Error('queueSms: the message would contain a personal identity number; it was not queued');
  if (sms.day != null && !/^\d{4}-\d{2}-\d{2}$/.test(sms.day)) throw new Error('queueSms: the day is not YYYY-MM-DD');
  const store = async (trx: Db | Transaction<Database>) => {
    const row = await trx.insertInto('sms_outbox').values({
      recipient: sms.to, message, child_id: sms.childId ?? null, day: sms.day ?? null, created_at: now.toISOString(),
      send_after: sms.sendAfter?.toISOString() ?? null,
    }).onConflict((oc) => oc.columns(['child_id', 'day', 'recipient']).doNothing())
      .returning('id').executeTakeFirst();
    if (!row) return undefined;
    await enqueueJob(trx, SMS_SEND_JOB, { smsId: row.id }, sms.sendAfter ?? now, now);
    return row.id;
  };
  return db.isTransaction ? store(db) : db.transaction().execute(store);
}

/** What became of the SMS one change queued about a child's day: the rows of the child, the day and the moment. */
export interface QueuedAbout { childId: number; day: string; queuedAt: Date }

/**
 * Takes back the SMS a change queued that no sender has taken yet (deleted, so that a later change of the day may
 * queue one again), in the caller's transaction. `gone`: how many of them were sent or are being sent (the sender
 * takes an SMS with a conditional update before it calls the gateway, so one of the two wins, never both).
 */
export async function withdrawUnsentSms(trx: Db | Transaction<Database>, about: QueuedAbout): Promise<{ withdrawn: number; gone: number }> {
  const at = about.queuedAt.toISOString();
  const deleted = await trx.deleteFrom('sms_outbox').where('child_id', '=', about.childId).where('day', '=', about.day)
    .where('created_at', '=', at).where('sent_at', 'is', null).where('failed_at', 'is', null).where('attempts', '=', 0).executeTakeFirst();
  const left = await trx.selectFrom('sms_outbox').select('id').where('child_id', '=', about.childId).where('day', '=', about.day)
    .where('created_at', '=', at).where('failed_at', 'is', null).execute();
  return { withdrawn: Number(deleted.numDeletedRows), gone: left.length };
}

/**
 * For a list of changes that queue SMS (a mark of unreported absence): 'sent' when an SMS the change queued about the
 * child's day went or is going, 'waiting' while they all wait, null when it queued none. The outer query's columns
 * `childRef`, `dayRef` and `atRef` name the child, the day and the moment of the change.
 */
export function queuedSmsState(eb: OuterQuery, childRef: string, dayRef: string, atRef: string) {
  return eb.selectFrom('sms_outbox')
    .select(sql<'sent' | 'waiting'>`min(case when sms_outbox.sent_at is not null or sms_outbox.attempts > 0 then 'sent' else 'waiting' end)`.as('state'))
    .where('sms_outbox.child_id', '=', sql.ref<number>(childRef)).where('sms_outbox.day', '=', sql.ref<string>(dayRef))
    .where('sms_outbox.created_at', '=', sql.ref<string>(atRef))
    .where((inner) => inner.or([inner('sms_outbox.failed_at', 'is', null), inner('sms_outbox.sent_at', 'is not', null)]));
}

export async function giveUpSms(db: Db, smsId: number, at: Date): Promise<void> {
  await db.updateTable('sms_outbox').set({ failed_at: at.toISOString() }).where('id', '=', smsId).where('sent_at', 'is', null).execute();
}

/** Deletes the SMS sent or given up before `before`. */
export async function pruneSms(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('sms_outbox').where((eb) => eb.or([eb('sent_at', '<', before.toISOString()), eb('failed_at', '<', before.toISOString())])).execute();
}

// ---------------------------------------------------------------------------------------------------------------------
// The demo SMS outbox (demo databases only, see server/demo/sms.ts): the SMS delivered to it instead of being sent.

export interface DeliveredSms { id: number; to: string; message: string; sentAt: string | null; day: string | null; child: string | null }

/** The newest first: the SMS about no child, and those about children of the given municipalities. */
export async function demoSmsOutbox(db: Db, municipalityIds: readonly number[], limit: number): Promise<DeliveredSms[]> {
  const rows = await db.selectFrom('sms_outbox')
    .select(['sms_outbox.id', 'sms_outbox.recipient', 'sms_outbox.message', 'sms_outbox.sent_at', 'sms_outbox.day'])
    .select((eb) => personName(eb, 'sms_outbox.child_id').as('child'))
    .where('sms_outbox.demo_outbox', '=', 1)
    .where((eb) => eb.or([eb('sms_outbox.child_id', 'is', null), eb(personMunicipality(eb, 'sms_outbox.child_id'), 'in', [...municipalityIds])]))
    .orderBy('sms_outbox.sent_at', 'desc').orderBy('sms_outbox.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, to: r.recipient, message: r.message, sentAt: r.sent_at, day: r.day, child: r.child ?? null }));
}
