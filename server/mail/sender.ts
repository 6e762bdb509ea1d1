// The `mail.send` job: sends one outbox mail over SMTP (or, on a demo database without SMTP_URL, delivers it to the
// demo mailbox), then erases its body: a delivered mail's keys and links must not stay readable in the database.
//
// Delivery is at least once: if the process dies after the SMTP server took the mail and before it was marked sent,
// the mail is sent again after the job's lock expires. Its Message-ID stays the same (outbox id + a random of this
// database), so a receiving server or mail client can recognise the second copy.
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Clock } from '../kernel/clock.ts';
import { readMeta, readOrCreateMeta, type Db } from '../kernel/db.ts';
import type { JobRunner } from '../kernel/jobs.ts';
import { registerOutbox } from '../kernel/outbox.ts';
import { giveUpMail, MAIL_SEND_JOB } from './outbox.ts';

/** What sends a message; nodemailer's SMTP transport in production. */
export interface MailTransport {
  sendMail(message: {
    from: string; to: string; subject: string; text: string; html?: string; messageId: string; headers: Record<string, string>;
  }): Promise<unknown>;
}

export interface MailJobOptions {
  db: Db;
  clock: Clock;
  /** 'demo-mailbox' only on a demo database: mails are kept, bodies included, for /demo/mailbox. */
  transport: MailTransport | 'demo-mailbox';
  /** The From header, e.g. `Vardag <no-reply@example.se>`. */
  from: string;
}

/** 50 attempts with 30 s doubling up to an hour between them: a mail server may be down for about two days. */
export const MAIL_MAX_ATTEMPTS = 50;

/** An SMTP transport for a URL like smtp://user:pass@host:587 (smtps:// for TLS from the start). */
export function createSmtpTransport(url: string): MailTransport {
  // The timeouts stay well below the job lock (2 minutes), so a hanging server cannot outlive the claim.
  return nodemailer.createTransport({ url, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
}

/**
 * How this server sends mail: SMTP when SMTP_URL is set; the demo mailbox on a demo database without it; and on a
 * real database without SMTP_URL not at all: mail stays queued (a real database never uses the demo mailbox).
 */
export function chooseMailTransport(smtpUrl: string | undefined, demo: boolean): MailTransport | 'demo-mailbox' | undefined {
  if (smtpUrl) return createSmtpTransport(smtpUrl);
  return demo ? 'demo-mailbox' : undefined;
}

export function registerMailJobs(runner: JobRunner, opts: MailJobOptions): void {
  registerOutbox(runner, opts.clock, {
    // (no prune: mails sent or given up are removed by retention, after the municipality's period: ./personal-data.ts)
    name: 'mail-outbox', job: MAIL_SEND_JOB, idField: 'mailId', maxAttempts: MAIL_MAX_ATTEMPTS,
    send: (mailId) => sendOutboxMail(opts, mailId), giveUp: (mailId, at) => giveUpMail(opts.db, mailId, at),
  });
}

/** Sends one outbox mail unless it is sent already (a job run twice sends once, as far as this process can tell). */
export async function sendOutboxMail(opts: MailJobOptions, mailId: number): Promise<void> {
  const { db, clock, transport } = opts;
  const mail = await db.selectFrom('mail_outbox').selectAll().where('id', '=', mailId).executeTakeFirst();
  if (!mail || mail.sent_at !== null || mail.failed_at !== null) return;

  if (transport === 'demo-mailbox') {
    if ((await readMeta(db, 'mode')) !== 'demo') {
      const error = 'The demo mailbox is only for demo databases, and this database is real: set SMTP_URL';
      await db.updateTable('mail_outbox').set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error }))
        .where('id', '=', mailId).execute();
      throw new Error(error);
    }
    await db.updateTable('mail_outbox')
      .set((eb) => ({ sent_at: clock.now().toISOString(), demo_mailbox: 1, attempts: eb('attempts', '+', 1), last_error: null }))
      .where('id', '=', mailId).execute();
    return;
  }

  try {
    await transport.sendMail({
      from: opts.from, to: mail.recipient, subject: mail.subject, text: mail.text_body ?? '', html: mail.html_body ?? undefined,
      messageId: await messageId(db, mailId, opts.from, mail.delivery_key),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    });
  } catch (err) {
    await db.updateTable('mail_outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: err instanceof Error ? err.message.slice(0, 1000) : String(err) }))
      .where('id', '=', mailId).execute();
    throw err;
  }
  await db.updateTable('mail_outbox')
    .set((eb) => ({
      sent_at: clock.now().toISOString(), text_body: null, html_body: null, attempts: eb('attempts', '+', 1), last_error: null,
    }))
    .where('id', '=', mailId).execute();
}

/** `<42.3f9a…@example.se>`: the same for every attempt of one mail, different in every Vardag database. */
export async function messageId(db: Db, mailId: number, from: string, deliveryKey: string | null = null): Promise<string> {
  const domain = from.match(/@([^\s<>@]+?)>?\s*$/)?.[1] ?? 'localhost';
  // A delivery's mail (a notification's) is named by its idempotency key: one delivery, one Message-ID.
  const local = deliveryKey ? deliveryKey.replace(/[^A-Za-z0-9.-]/g, '.') : String(mailId);
  return `<${local}.${await databaseRandom(db)}@${domain}>`;
}

const MESSAGE_ID_KEY = 'mail_message_id_random';

function databaseRandom(db: Db): Promise<string> {
  return readOrCreateMeta(db, MESSAGE_ID_KEY, () => crypto.randomBytes(8).toString('hex'));
}
