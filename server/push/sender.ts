// The `push.send` job: sends one outbox push to its device's push service with web-push (RFC 8291 encryption, a VAPID
// signature with this installation's key), then erases its text. A subscription the push service says is gone (404,
// 410) is removed with everything queued for it; a push it refuses otherwise (another 4xx) is given up; a service that
// is down or busy (429, 5xx, no answer) is tried again later by the job runner.
// Delivery is at least once (a process killed after the service took the push sends it again); the Topic header, the
// same for every attempt of a delivery, lets the push service replace a push not yet delivered instead of adding one.
// web-push makes the request (encryption, VAPID, headers); it is sent with fetch, not web-push's own https-only sender,
// so that a test's push service on http://127.0.0.1 receives it the same way (only there is plain http allowed).
import webpush from 'web-push';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { JobRunner } from '../kernel/jobs.ts';
import { registerOutbox } from '../kernel/outbox.ts';
import { PUSH_SEND_JOB } from './outbox.ts';
import { forgetSubscription, giveUpPush, markPushSent, prunePushes, pushKeys, pushToSend } from './queries.ts';
import { endpointAllowed, PUSH_TTL_SECONDS, topicOf } from './rules.ts';

/** Attempts at one push (30 s doubling, up to an hour apart: about six hours); a notification is stale by then. */
export const PUSH_MAX_ATTEMPTS = 10;
/** Sent and given-up pushes are kept this many days (their delivery keys guard a late retry), then deleted. */
const KEEP_DAYS = 7;
/** A push service that does not answer in this long is tried again later (well below the job lock). */
const TIMEOUT_MS = 30_000;

/** Plain http to 127.0.0.1 stands in for a push service in tests only; everywhere else only https is sent to. */
export const LOOPBACK_PUSH_ALLOWED = process.env.NODE_ENV === 'test';

export interface PushJobOptions {
  db: Db;
  clock: Clock;
  /** The VAPID subject, how a push service reaches the sender: an https address or a mailto: (see vapidSubject). */
  subject: string;
  loopbackHttp?: boolean;
}

/** The site's https address, else the mail sender's address as mailto:, for push services to reach the operator. */
export function vapidSubject(config: Pick<Config, 'publicUrl' | 'mailFrom'>): string {
  const url = new URL(config.publicUrl);
  if (url.protocol === 'https:' && url.hostname !== 'localhost') return url.origin;
  const address = config.mailFrom.match(/<([^<>\s]+@[^<>\s]+)>/)?.[1] ?? config.mailFrom.match(/^\S+@\S+$/)?.[0];
  return `mailto:${address ?? 'no-reply@localhost'}`;
}

export function registerPushJobs(runner: JobRunner, opts: PushJobOptions): void {
  registerOutbox(runner, opts.clock, {
    name: 'push-outbox', job: PUSH_SEND_JOB, idField: 'pushId', maxAttempts: PUSH_MAX_ATTEMPTS, keepDays: KEEP_DAYS,
    send: async (pushId) => {
      await sendOutboxPush(opts, pushId);
    }, giveUp: (pushId, at) => giveUpPush(opts.db, pushId, at),
    prune: (before) => prunePushes(opts.db, before),
  });
}

export type PushOutcome = 'sent' | 'gone' | 'refused' | 'skipped';

/** Sends one outbox push unless it is sent already, given up, or its device is gone. Throws to be tried again. */
export async function sendOutboxPush(opts: PushJobOptions, pushId: number): Promise<PushOutcome> {
  const { db, clock } = opts;
  const push = await pushToSend(db, pushId);
  if (!push || push.sentAt !== null || push.failedAt !== null) return 'skipped';
  if (!endpointAllowed(push.endpoint, opts.loopbackHttp ?? LOOPBACK_PUSH_ALLOWED)) {
    await giveUpPush(db, push.id, clock.now());
    return 'refused';
  }
  const keys = await pushKeys(db);
  const urgent = (JSON.parse(push.payload) as { urgent?: boolean }).urgent === true;
  const request = webpush.generateRequestDetails({ endpoint: push.endpoint, keys: { p256dh: push.p256dh, auth: push.auth } }, push.payload, {
    vapidDetails: { subject: opts.subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
    TTL: PUSH_TTL_SECONDS, topic: topicOf(push.deliveryKey), urgency: urgent ? 'high' : 'normal', contentEncoding: 'aes128gcm',
  });
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
  const response = await fetch(request.endpoint, {
    method: 'POST', headers, body: request.body ? new Uint8Array(request.body) : undefined, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await response.arrayBuffer().catch(() => undefined); // (the body says nothing we use; read it so the socket is freed)
  if (response.ok) {
    await markPushSent(db, push, clock.now());
    return 'sent';
  }
  if (response.status === 404 || response.status === 410) {
    await forgetSubscription(db, push.subscriptionId);
    return 'gone';
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    throw new Error(`The push service answered ${response.status}`);
  }
  await giveUpPush(db, push.id, clock.now());
  return 'refused';
}
