// The files of removed media (a post's photo, a deleted post, retention's removals, a refused observation file) leave
// the disk through the one folder sweep (server/kernel/uploads.ts `sweepFolder`), never at once: the media store is
// content-addressed, so an identical upload at the same moment finds the very folder a removal is about to delete (it
// marks the folder as just written, then writes its row). So the removal queues a job, in the transaction that
// removed the rows, due a short grace later; the job sweeps only the keys it was given, and a key's folder goes only
// when it was last written before the grace and no row (a post's medium, a home observation's photo) names it just
// before it goes. A folder left (written again, or named again) is judged again by retention's sweep of the whole store.
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';
import { enqueueJob, jobKind, type JobRunner } from '../kernel/jobs.ts';
import { sweepFolder } from '../kernel/uploads.ts';
import { mediaFilePath } from '../media/index.ts';
import { mediaKeyInUse } from './comments-queries.ts';

/** The job that sweeps the folders of given media keys (payload `{ keys }`). */
export const MEDIA_SWEEP_JOB = jobKind('documentation.media.sweep');

/**
 * How long a removed medium's folder stays: longer than storing a file and writing its row takes (seconds), so that
 * an identical upload that found the folder has named it by the time the sweep asks.
 */
export const MEDIA_REMOVAL_GRACE_MS = 10 * 60_000;

const KEY = /^[0-9a-f]{64}$/;

/** Queues the sweep of these keys' folders, due the grace after `now`; pass the transaction that removed their rows. */
export async function sweepMediaLater(db: Db | Kysely<Database>, keys: Iterable<string>, now: Date, runAt?: Date): Promise<void> {
  const list = [...new Set(keys)].filter((k) => KEY.test(k)).sort();
  if (list.length === 0) return;
  await enqueueJob(db, MEDIA_SWEEP_JOB, { keys: list }, runAt ?? new Date(now.getTime() + MEDIA_REMOVAL_GRACE_MS), now);
}

/**
 * Removes the folders of these keys that no row names and that were last written before `before` (by default the
 * grace before now, by the file system's clock, which wrote the folders' times); returns the keys removed.
 */
export async function sweepMediaKeys(db: Db, dataDir: string, keys: readonly string[], before = new Date(Date.now() - MEDIA_REMOVAL_GRACE_MS)): Promise<string[]> {
  const byFolder = new Map<string, Set<string>>();
  for (const key of keys.filter((k) => KEY.test(k))) {
    // (a key's folder, as the media store names it: .../<2 hex>/<key>/<file>)
    const folder = path.dirname(path.dirname(mediaFilePath(dataDir, { key, kind: 'image', mime: 'image/jpeg' }, 'full', 'jpeg')));
    byFolder.set(folder, (byFolder.get(folder) ?? new Set()).add(key));
  }
  const removed: string[] = [];
  for (const [folder, ours] of byFolder) {
    removed.push(...await sweepFolder({ folder, ours: (name) => ours.has(name), entries: 'folders', inUse: (key) => mediaKeyInUse(db, key), before }));
  }
  return removed;
}

/** Registers the sweep's handler with the process's job runner (main.ts). */
export function registerDocumentationJobs(runner: JobRunner, { db, dataDir }: { db: Db; dataDir: string }): void {
  runner.register(MEDIA_SWEEP_JOB, async (payload: { keys?: unknown } | undefined) => {
    const keys = Array.isArray(payload?.keys) ? payload.keys.filter((k): k is string => typeof k === 'string' && KEY.test(k)) : [];
    await sweepMediaKeys(db, dataDir, keys);
  });
}
