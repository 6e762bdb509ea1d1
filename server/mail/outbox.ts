// The e-mail outbox: every mail is a row in `mail_outbox` first, and a `mail.send` job sends it (server/mail/sender.ts).
// Queue a mail in the transaction of the change that causes it, so the change and its mail are stored together.
import type { Transaction } from 'kysely';
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

/**
 * Stores the mail and queues its sending, both in `db` (a transaction of the caller's, or a new one). `sendAt` holds
 * the sending back until then (default: now).
 */
export async function queueMail(db: Db | Transaction<Database>, mail: Mail, now: Date, options: { sendAt?: Date } = {}): Promise<number> {
  if (!isMailAddress(mail.to)) throw new Error('queueMail: the recipient is not one plain e-mail address');
  const store = async (trx: Db | Transaction<Database>) => {
    const { id } = await trx.insertInto('mail_outbox').values({
      recipient: mail.to, subject: mail.subject.replace(/[\r\n]+/g, ' ').trim(), text_body: mail.text, html_body: mail.html,
      created_at: now.toISOString(),
    }).returning('id').executeTakeFirstOrThrow();
    await enqueueJob(trx, MAIL_SEND_JOB, { mailId: id }, options.sendAt ?? now, now);
    return id;
  };
  return db.isTransaction ? store(db) : db.transaction().execute(store);
}
