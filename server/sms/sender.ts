// The `sms.send` job: sends one outbox SMS through an HTTP SMS gateway (or, on a demo database without one, delivers
// it to the demo SMS outbox; a demo database with a gateway texts only numbers account holders entered themselves,
// never the made-up people's). Like mail, delivery is at least once: if the process dies after the gateway took the
// SMS and before it was marked sent, it is sent again once the job's lock expires.
//
// The gateway's answer decides what happens next: 2xx is sent (with the provider's id when the answer has one); 5xx,
// 408, 429 and a gateway that cannot be reached are retried with the job runner's backoff; any other 4xx means the
// gateway refuses this SMS (a bad number, bad credentials...), so it is given up after a few attempts.
import type { Clock } from '../kernel/clock.ts';
import { readMeta, type Db } from '../kernel/db.ts';
import type { JobRunner } from '../kernel/jobs.ts';
import { registerOutbox } from '../kernel/outbox.ts';
import { giveUpSms, pruneSms, SMS_SEND_JOB } from './outbox.ts';
import { log as logger } from '../kernel/log.ts';

export interface SmsMessage { from: string; to: string; message: string }

/** What sends an SMS: an HTTP gateway such as 46elks in production. Throws SmsGatewayError when it is not sent. */
export interface SmsGateway {
  send(sms: SmsMessage): Promise<{ providerId?: string }>;
}

/** A failed send; `permanent` when the gateway refused this SMS, so that trying again soon would not help. */
export class SmsGatewayError extends Error {
  constructor(message: string, readonly permanent: boolean) { super(message); }
}

export interface SmsJobOptions {
  db: Db;
  clock: Clock;
  /** 'demo-outbox' only on a demo database: SMS are kept for /demo/sms instead of being sent. */
  gateway: SmsGateway | 'demo-outbox';
  /** The sender shown on the phone: a name of 3–11 letters and digits (e.g. Vardag) or a number in E.164. */
  from: string;
  /**
   * Whether an account holder entered this number as their own (or is verifying it): on a demo database only such a
   * number is texted through a gateway. Without it, a demo database texts nobody (main.ts passes the accounts' answer).
   */
  isOwnNumber?: (mobile: string) => Promise<boolean>;
  log?: (msg: string) => void;
}

export interface SmsGatewaySettings { url: string; username?: string; password?: string; timeoutMs?: number }

/** Attempts while the gateway is down or failing (30 s doubling up to an hour between them): about nine hours. */
export const SMS_MAX_ATTEMPTS = 16;
/** Attempts of an SMS the gateway refuses (4xx) before it is given up. */
export const SMS_MAX_REFUSED_ATTEMPTS = 3;
/** An SMS that has waited this long is not sent any more (a notice about a school day is no use days later). */
export const SMS_STALE_HOURS = 24;
/** Sent and given-up SMS are deleted after this long. */
export const KEEP_SMS_DAYS = 30;

/**
 * A gateway that takes a form POST of `from`, `to` and `message` with HTTP Basic auth, as 46elks does
 * (https://api.46elks.com/a1/sms) and other Swedish SMS providers like it; a JSON answer's `id` is kept.
 */
export function createElksGateway(settings: SmsGatewaySettings): SmsGateway {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  if (settings.username !== undefined || settings.password !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${settings.username ?? ''}:${settings.password ?? ''}`, 'utf8').toString('base64')}`;
  }
  const timeoutMs = settings.timeoutMs ?? 30_000; // well below the job lock (2 minutes)
  return {
    async send(sms) {
      let res: Response;
      try {
        res = await fetch(settings.url, {
          method: 'POST', headers, body: new URLSearchParams({ from: sms.from, to: sms.to, message: sms.message }).toString(),
          signal: AbortSignal.timeout(timeoutMs), redirect: 'error',
        });
      } catch (err) {
        throw new SmsGatewayError(`the SMS gateway could not be reached: ${networkError(err)}`, false);
      }
      const text = await res.text().catch(() => '');
      if (!res.ok) {
        const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
        throw new SmsGatewayError(`the SMS gateway answered ${res.status}${text ? `: ${oneLine(text)}` : ''}`, permanent);
      }
      return { providerId: providerId(text) };
    },
  };
}

/**
 * How this server sends SMS: the gateway when SMS_GATEWAY_URL is set; the demo outbox on a demo database without it;
 * and on a real database without it not at all: SMS stay queued (a real database never uses the demo outbox).
 */
export function chooseSmsGateway(settings: SmsGatewaySettings | undefined, demo: boolean): SmsGateway | 'demo-outbox' | undefined {
  if (settings?.url) return createElksGateway(settings);
  return demo ? 'demo-outbox' : undefined;
}

export function registerSmsJobs(runner: JobRunner, opts: SmsJobOptions): void {
  registerOutbox(runner, opts.clock, {
    name: 'sms-outbox', job: SMS_SEND_JOB, idField: 'smsId', maxAttempts: SMS_MAX_ATTEMPTS, keepDays: KEEP_SMS_DAYS,
    send: (smsId) => sendOutboxSms(opts, smsId), giveUp: (smsId, at) => giveUpSms(opts.db, smsId, at), prune: (before) => pruneSms(opts.db, before),
  });
}

/** Sends one outbox SMS unless it is sent or given up already (a job run twice sends once, as far as this process can tell). */
async function sendOutboxSms(opts: SmsJobOptions, smsId: number): Promise<void> {
  const { db, clock, gateway } = opts;
  const log = opts.log ?? ((msg: string) => logger.warn(msg));
  const sms = await db.selectFrom('sms_outbox').selectAll().where('id', '=', smsId).executeTakeFirst();
  if (!sms || sms.sent_at !== null || sms.failed_at !== null) return;
  const now = clock.now();
  if (now.getTime() - new Date(sms.created_at).getTime() > SMS_STALE_HOURS * 60 * 60_000) {
    await db.updateTable('sms_outbox').set({ failed_at: now.toISOString(), last_error: `not sent: older than ${SMS_STALE_HOURS} hours` })
      .where('id', '=', smsId).where('sent_at', 'is', null).execute();
    log(`sms: SMS ${smsId} was not sent: it waited more than ${SMS_STALE_HOURS} hours`);
    return;
  }
  // Not yet (the job runs at send_after; a clock a little behind another process's may run it early): try again later.
  if (sms.send_after !== null && now.toISOString() < sms.send_after) throw new Error(`sms: SMS ${smsId} waits until ${sms.send_after}`);
  // Taken by this attempt: the change that queued it can no longer take it back (withdrawUnsentSms), and a second run
  // of the job at the same moment finds it taken. An SMS taken back meanwhile is not found: nothing to send.
  const taken = await db.updateTable('sms_outbox').set({ attempts: sms.attempts + 1 })
    .where('id', '=', smsId).where('attempts', '=', sms.attempts).where('sent_at', 'is', null).where('failed_at', 'is', null).executeTakeFirst();
  if (Number(taken.numUpdatedRows) !== 1) return;

  // A demo database's people are made up, but their 07x numbers may be somebody's real phone: with a gateway, a demo
  // database texts only a number an account holder entered as their own; everything else goes to the demo outbox.
  const demo = (await readMeta(db, 'mode')) === 'demo';
  if (gateway === 'demo-outbox' || (demo && !(await (opts.isOwnNumber?.(sms.recipient) ?? false)))) {
    if (!demo) {
      const error = 'The demo SMS outbox is only for demo databases, and this database is real: set SMS_GATEWAY_URL';
      await db.updateTable('sms_outbox').set({ last_error: error }).where('id', '=', smsId).execute();
      throw new Error(error);
    }
    await db.updateTable('sms_outbox')
      .set({ sent_at: now.toISOString(), demo_outbox: 1, last_error: null })
      .where('id', '=', smsId).execute();
    return;
  }

  let sent: { providerId?: string };
  try {
    sent = await gateway.send({ from: opts.from, to: sms.recipient, message: sms.message });
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
    const attempts = sms.attempts + 1;
    const refused = err instanceof SmsGatewayError && err.permanent;
    const giveUp = refused && attempts >= SMS_MAX_REFUSED_ATTEMPTS;
    await db.updateTable('sms_outbox')
      .set({ attempts, last_error: error, ...(giveUp ? { failed_at: clock.now().toISOString() } : {}) })
      .where('id', '=', smsId).execute();
    if (giveUp) {
      // The job ends here (done): the SMS is failed, and trying the same refused request again would not help.
      log(`sms: gave up SMS ${smsId} after ${attempts} attempts the gateway refused: ${error}`);
      return;
    }
    throw err;
  }
  await db.updateTable('sms_outbox')
    .set({ sent_at: clock.now().toISOString(), last_error: null, provider_id: sent.providerId ?? null })
    .where('id', '=', smsId).execute();
}

function providerId(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { id?: unknown } | null)?.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

function networkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
  if (err.name === 'TimeoutError') return 'no answer in time';
  if (cause?.code && cause.message && !cause.message.includes(cause.code)) return `${cause.code} (${cause.message})`;
  return cause?.code ?? cause?.message ?? err.message;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
