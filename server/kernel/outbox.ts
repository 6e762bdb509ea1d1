// What the mail and SMS outboxes have in common: each stored message is sent by a job of its own; after the last
// attempt the job is given up and the message marked as never to be sent; and messages sent or given up are deleted
// after a while. Names no table: each outbox (server/mail/, server/sms/) hands over its own queries.
import type { Clock } from './clock.ts';
import type { JobRunner } from './jobs.ts';

export interface Outbox {
  /** Its name in the log and in its periodic task: `prune-<name>`. */
  name: string;
  /** The kind of job that sends one message; the job's payload names the message by `idField`. */
  job: string;
  idField: string;
  /** Attempts before the job is given up (see JobKindOptions). */
  maxAttempts: number;
  send(id: number): Promise<void>;
  /** The message will not be sent any more: marked failed (and, for mail, its body erased). */
  giveUp(id: number, at: Date): Promise<void>;
  /**
   * Days a message sent or given up is kept, and how they are deleted then (both or neither). Neither for an outbox
   * whose messages retention removes after each municipality's own period (mail: server/mail/personal-data.ts).
   */
  keepDays?: number;
  prune?(before: Date): Promise<void>;
}

const PRUNE_EVERY_MS = 6 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

export function registerOutbox(runner: JobRunner, clock: Clock, outbox: Outbox): void {
  const idOf = (payload: Record<string, unknown> | undefined) => Number(payload?.[outbox.idField]);
  runner.register(outbox.job, (payload: Record<string, unknown> | undefined) => outbox.send(idOf(payload)), {
    maxAttempts: outbox.maxAttempts,
    onGiveUp: (payload: Record<string, unknown> | undefined) => outbox.giveUp(idOf(payload), clock.now()),
  });
  const prune = outbox.prune?.bind(outbox);
  const { keepDays } = outbox;
  if (prune && keepDays !== undefined) runner.every(`prune-${outbox.name}`, PRUNE_EVERY_MS, () => prune(new Date(clock.now().getTime() - keepDays * DAY_MS)));
}
