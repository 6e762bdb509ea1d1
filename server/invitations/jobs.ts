// Held invitations go out on their day: a placement that starts later is invited the unit's number of days before.
import type { Config } from '../config.ts';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { jobKind, type JobRunner } from '../kernel/jobs.ts';
import { invitationMailer } from './mail.ts';
import { sendDueInvitations } from './queries.ts';

export const SEND_HELD_INVITATIONS_EVERY_MS = 15 * 60_000;

export function registerInvitationJobs(runner: JobRunner, { db, clock, config }: { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> }): void {
  const mail = invitationMailer(config);
  runner.every(jobKind('invitations.send-held'), SEND_HELD_INVITATIONS_EVERY_MS, async () => {
    await sendDueInvitations(db, clock.now(), today(clock), mail);
  });
}
