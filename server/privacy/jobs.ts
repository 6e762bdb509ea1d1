// The retention job: every few hours, in every process (removing what is due twice removes nothing the second time),
// the records of children who left, the records kept for a time (uploaded registry files, sent mails), and the logo
// and child picture files no row names (written just before a crash, before their row was saved), and the stored
// photos, videos and sound no post or home observation names.
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { jobKind, type JobRunner } from '../kernel/jobs.ts';
import { log } from '../kernel/log.ts';
import type { PersonalDataRegistry } from '../kernel/personal-data.ts';
import { sweepLogoFiles } from '../organisation/logo.ts';
import { unitLogoFiles } from '../people/personal-data.ts';
import { sweepUnnamedPictures } from '../child-page/picture.ts';
import { sweepMediaFiles } from '../media/index.ts';
import { mediaKeyInUse } from '../documentation/comments-queries.ts';
import { runRetention, runTimedRetention, type RetentionRun, type TimedRetentionRun } from './retention.ts';

export const RETENTION_EVERY_MS = 6 * 60 * 60_000;
/** A logo or child picture file no row names is left this long: it may be an upload whose row is about to commit. */
export const IMAGE_FILE_GRACE_MS = 60 * 60_000;
/** Stored media no row names are left a day: a post's upload may wait that long before it is saved (a draft's form). */
export const MEDIA_FILE_GRACE_MS = 24 * 60 * 60_000;

export interface RetentionDeps { db: Db; personalData: PersonalDataRegistry; /** The data folder, whose media/ holds the logos, pictures and media. */ dataDir: string }

export interface RetentionRound { children: RetentionRun[]; timed: TimedRetentionRun[]; logoFiles: string[]; pictureFiles: string[]; mediaFiles: string[] }

/** One round of the job at `now` (the server's clock; tests pass a fixed one). */
export async function runRetentionRound({ db, personalData, dataDir }: RetentionDeps, now: Date): Promise<RetentionRound> {
  const children = await runRetention(db, personalData, today({ now: () => now }));
  const timed = await runTimedRetention(db, personalData, now);
  // The files no row names, each kind through the one folder sweep (server/kernel/uploads.ts) with its own names.
  const graceOf = (ms: number) => new Date(now.getTime() - ms);
  const logoFiles = await sweepLogoFiles(dataDir, await unitLogoFiles(db), graceOf(IMAGE_FILE_GRACE_MS));
  const pictureFiles = await sweepUnnamedPictures(db, dataDir, graceOf(IMAGE_FILE_GRACE_MS));
  const mediaFiles = await sweepMediaFiles(dataDir, (key) => mediaKeyInUse(db, key), graceOf(MEDIA_FILE_GRACE_MS));
  return { children, timed, logoFiles, pictureFiles, mediaFiles };
}

export function registerRetentionJobs(runner: JobRunner, { clock, ...deps }: RetentionDeps & { clock: Clock }): void {
  runner.every(jobKind('privacy.retention'), RETENTION_EVERY_MS, async () => {
    const round = await runRetentionRound(deps, clock.now());
    // Ids and counts only: which municipality and kind, how many children's records, how many rows or files went.
    for (const run of round.children.filter((r) => r.removed > 0)) {
      log.info({ municipality: run.municipalityId, kind: run.kind, months: run.months, children: run.children, removed: run.removed }, 'retention removed records');
    }
    for (const run of round.timed.filter((r) => r.removed > 0)) {
      log.info({ municipality: run.municipalityId, kind: run.kind, days: run.days, removed: run.removed }, 'retention removed records');
    }
    if (round.logoFiles.length > 0) log.info({ files: round.logoFiles.length }, 'retention removed logo files no unit names');
    if (round.pictureFiles.length > 0) log.info({ files: round.pictureFiles.length }, 'retention removed child picture files no page names');
    if (round.mediaFiles.length > 0) log.info({ files: round.mediaFiles.length }, 'retention removed stored media no post or observation names');
  });
}
