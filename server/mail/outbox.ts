// The e-mail outbox: every mail is a row in `mail_outbox` first, and a `mail.send` job sends it (server/mail/sender.ts).
// Queue a mail in the transaction of the change that causes it, so the change and its mail are stored together.
import type { ExpressionBuilder, Transaction } from 'kysely';
import type { Database, Db } from '../kernel/db.ts';
import { enqueueJob, jobKind } from '../kernel/jobs.ts';

/** A composed mail (see composeMail) and its one recipient. */
export interface Mail { to: string; subject: string; text: string; html: string }

/** The job that sends one outbox mail; its payload is `{ mailId }`. */
export const MAIL_SEND_JOB = jobKind('mail.send');

const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

/** Whether a text is one plain e-mail address (no display name, no list, no line breaks). */
export function isMailAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

export interface QueueOptions {
  /** Holds the sending back until then (default: now). */
  sendAt?: Date;
  /**
   * The municipality the mail concerns: an invitation's, or the account's person's for its own mails. The demo mailbox
   * shows a mail only to admins of it; a mail about no municipality (null, the default: a test mail) to every admin.
   */
  municipalityId?: number | null;
  /**
   * The delivery's idempotency key (a notification's, a summary's): a mail with a key already queued is not queued
   * again (no second job either), so a delivery job run twice mails once. The sender makes the Message-ID from it.
   */
  deliveryKey?: string;
}

/** Stores the mail and queues its sending, both in `db` (a transaction of the caller's, or a new one). */
export async function queueMail(db: Db | Transaction<Database>, mail: Mail, now: Date, options: QueueOptions = {}): Promise<number> {
  if (!isMailAddress(mail.to)) throw new Error('queueMail: the recipient is not one plain e-mail address');
  const store = async (trx: Db | Transaction<Database>) => {
    const inserted = await trx.insertInto('mail_outbox').values({
      recipient: mail.to, subject: mail.subject.replace(/[\r\n]+/g, ' ').trim(), text_body: mail.text, html_body: mail.html,
      created_at: now.toISOString(), municipality_id: options.municipalityId ?? null, delivery_key: options.deliveryKey ?? null,
    }).onConflict((oc) => oc.column('delivery_key').doNothing()).returning('id').executeTakeFirst();
    if (!inserted) {
      // (ON CONFLICT DO NOTHING: no error, so a PostgreSQL transaction stays usable) queued before: that mail is the one
      const queued = await trx.selectFrom('mail_outbox').select('id').where('delivery_key', '=', options.deliveryKey ?? '').executeTakeFirstOrThrow();
      return queued.id;
    }
    await enqueueJob(trx, MAIL_SEND_JOB, { mailId: inserted.id }, options.sendAt ?? now, now);
    return inserted.id;
  };
  return db.isTransaction ? store(db) : db.transaction().execute(store);
}

/**
 * Stops the mails of these delivery keys that have not gone yet (a notification taken back: a message retracted by
 * its sender). Their send jobs find them given up and send nothing; their bodies are erased.
 */
export async function cancelUnsentMails(db: Db | Transaction<Database>, deliveryKeys: readonly string[], at: Date): Promise<void> {
  if (deliveryKeys.length === 0) return;
  await db.updateTable('mail_outbox').set({ failed_at: at.toISOString(), text_body: null, html_body: null })
    .where('delivery_key', 'in', [...deliveryKeys]).where('sent_at', 'is', null).where('failed_at', 'is', null).execute();
}

/** A mail given up is never sent: its body (a link, a key) must not stay readable either. */
export async function giveUpMail(db: Db, mailId: number, at: Date): Promise<void> {
  await db.updateTable('mail_outbox').set({ failed_at: at.toISOString(), text_body: null, html_body: null })
    .where('id', '=', mailId).where('sent_at', 'is', null).execute();
}

// ---------------------------------------------------------------------------------------------------------------------
// The demo mailbox (demo databases only, see server/demo/mailbox.ts): the mails delivered to it instead of being sent.

export interface DeliveredMail { id: number; to: string; subject: string; sentAt: string | null }

/** The newest mails of the demo mailbox first: those about the given municipalities, and those about none. */
export async function demoMailbox(db: Db, municipalityIds: readonly number[], limit: number): Promise<DeliveredMail[]> {
  const rows = await db.selectFrom('mail_outbox').select(['id', 'recipient', 'subject', 'sent_at'])
    .where('demo_mailbox', '=', 1).where((eb) => ofMunicipalities(eb, municipalityIds))
    .orderBy('sent_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((m) => ({ id: m.id, to: m.recipient, subject: m.subject, sentAt: m.sent_at }));
}

/** One mail of the demo mailbox, with its text body, if it is about one of the given municipalities or about none. */
export async function demoMailboxMail(
  db: Db, municipalityIds: readonly number[], id: number,
): Promise<(DeliveredMail & { text: string }) | undefined> {
  const m = await db.selectFrom('mail_outbox').select(['id', 'recipient', 'subject', 'sent_at', 'text_body'])
    .where('id', '=', id).where('demo_mailbox', '=', 1).where((eb) => ofMunicipalities(eb, municipalityIds)).executeTakeFirst();
  return m && { id: m.id, to: m.recipient, subject: m.subject, sentAt: m.sent_at, text: m.text_body ?? '' };
}

/** A mail about none of the municipalities is everyone's (a test mail); the others are their admins'. */
function ofMunicipalities(eb: ExpressionBuilder<Database, 'mail_outbox'>, municipalityIds: readonly number[]) {
  const none = eb('mail_outbox.municipality_id', 'is', null);
  return municipalityIds.length ? eb.or([none, eb('mail_outbox.municipality_id', 'in', [...municipalityIds])]) : none;
}
