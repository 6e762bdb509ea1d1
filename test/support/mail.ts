// Mail as Vardag sends it: the outbox's jobs run by the job runner, over SMTP, to a real server on a loopback port.
// A test delivers what is queued when it wants to and reads the links and keys in what arrived.
import { JobRunner } from '../../server/kernel/jobs.ts';
import { createSmtpTransport, registerMailJobs } from '../../server/mail/sender.ts';
import type { TestApp } from './app.ts';
import { TestSmtpServer, type ReceivedMail } from './smtp.ts';

export interface MailDelivery {
  smtp: TestSmtpServer;
  runner: JobRunner;
  /** Sends what the outbox holds (through the job runner, to the SMTP server) and returns the `count` new mails. */
  deliver(count: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export interface MailDeliveryOptions { from?: string; log?: (message: string) => void }

/** An SMTP server and a job runner that sends the test app's outbox to it. */
export async function startMailDelivery(t: TestApp, options: MailDeliveryOptions = {}): Promise<MailDelivery> {
  const smtp = await TestSmtpServer.start();
  const runner = new JobRunner({ db: t.db, clock: t.clock, log: options.log ?? (() => undefined) });
  registerMailJobs(runner, { db: t.db, clock: t.clock, transport: createSmtpTransport(smtp.url), from: options.from ?? 'Vardag <no-reply@vardag.test>' });
  return {
    smtp,
    runner,
    async deliver(count) {
      const before = smtp.mails.length;
      await runner.runDue();
      await smtp.waitFor(before + count);
      return smtp.mails.slice(before);
    },
    async stop() {
      await runner.stop();
      await smtp.close();
    },
  };
}

/** The path of the link in a mail's text that goes to `site` and whose path matches `path`. */
export function linkPath(text: string | null | undefined, site: string, path: RegExp): string | undefined {
  const escapedSite = site.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return text?.match(new RegExp(`${escapedSite}(${path.source})`))?.[1];
}

/** The invitation key in a mail's text, from its link `/register_invite/KEY`. */
export function invitationKeyIn(text: string | null | undefined): string | undefined {
  return text?.match(/\/register_invite\/([A-Z2-9]{12})\b/)?.[1];
}
