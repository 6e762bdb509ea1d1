// Documentation's part of the register extract and of retention. The extract holds each of the person's children's
// portfolio (as its pages show it: the published posts to the child and the group documentation from while it was in
// the group) with its photos, videos and sound as files, under the photo rule: nothing of another family's child
// without consent, and no other child named; and the photos of the child's home observations. The files are named
// here and read from the disk only while the ZIP is written, one at a time. Retention: a child's documentation goes with the child's records (the posts to the child alone,
// the child from posts to several, every photo the child is tagged in), never while the portfolio can still be
// downloaded (the municipality's grace period after the last placement ended). The files of the media removed leave the
// disk through the sweep job queued in the same transaction (media-sweep.ts), which removes each folder no row names.
import { addDays } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import { slices, type ExtractSection, type ExtractStoredFile, type PersonalDataPart, type RetentionDay } from '../kernel/personal-data.ts';
import { mediaFilePath } from '../media/index.ts';
import { personRegister } from '../people/personal-data.ts';
import { portfolioPosts } from './export-queries.ts';
import { exportFiles, extractFileName } from './export-rules.ts';
import { observationsOfChild } from './comments-queries.ts';
import { sweepMediaLater } from './media-sweep.ts';
import { documentationSettings } from './settings.ts';

// (The sweep of removed media's files is media-sweep.ts; main.ts registers its job from here.)
export { MEDIA_SWEEP_JOB, registerDocumentationJobs } from './media-sweep.ts';

/**
 * The data folder the media files are under: set once by app.ts when the app is made (the registry of parts is made
 * before any config is read).
 */
let dataDir: string | undefined;
export function documentationFilesAt(dir: string): void { dataDir = dir; }

const COLUMNS = ['post_published_at', 'post_kind', 'post_title', 'post_text', 'post_reflection', 'post_files'] as const;

/** The children whose grace period for downloading has ended by `at.today` (all of them when no day is given). */
async function pastGrace(db: Db, childIds: readonly number[], at: RetentionDay | undefined): Promise<number[]> {
  if (!at) return [...childIds];
  const { exportGraceDays } = await documentationSettings(db, at.municipalityId);
  const left = new Set(await personRegister.childrenWhoLeftBefore(db, at.municipalityId, addDays(at.today, -exportGraceDays)));
  return childIds.filter((id) => left.has(id));
}

/** Removes the children's documentation (see the header) in the caller's transaction; returns how many rows went. */
export async function removeDocumentation(trx: Db, childIds: readonly number[], at?: RetentionDay): Promise<number> {
  const children = await pastGrace(trx, childIds, at);
  let removed = 0;
  const count = (result: { numDeletedRows: bigint }) => { removed += Number(result.numDeletedRows); };
  const keys = new Set<string>();
  const keysOf = async (media: { where: 'id' | 'post_id'; ids: readonly number[] }) => {
    const rows = await trx.selectFrom('post_media').select('file_key').distinct().where(media.where, 'in', [...media.ids]).execute();
    for (const r of rows) keys.add(r.file_key);
  };
  for (const ids of slices(children)) {
    // Portfolio posts to none but these children go whole; from a post to several, only these children.
    const posts = (await trx.selectFrom('post_children').select('post_id').distinct().where('child_id', 'in', ids)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('post_children as other').select('other.post_id')
        .whereRef('other.post_id', '=', 'post_children.post_id').where('other.child_id', 'not in', ids)))).execute()).map((r) => r.post_id);
    // Every photo a child is tagged in, wherever it is (a group post stays, without the photo).
    const tagged = (await trx.selectFrom('post_media_children').select('media_id').distinct().where('child_id', 'in', ids).execute()).map((r) => r.media_id);
    for (const media of slices(tagged)) {
      await keysOf({ where: 'id', ids: media });
      count(await trx.deleteFrom('post_media_children').where('media_id', 'in', media).executeTakeFirst());
      count(await trx.deleteFrom('post_media').where('id', 'in', media).executeTakeFirst());
    }
    for (const gone of slices(posts)) {
      await keysOf({ where: 'post_id', ids: gone });
      const media = trx.selectFrom('post_media').select('post_media.id').where('post_media.post_id', 'in', gone);
      count(await trx.deleteFrom('post_media_children').where('media_id', 'in', media).executeTakeFirst());
      count(await trx.deleteFrom('post_media').where('post_id', 'in', gone).executeTakeFirst());
      count(await trx.deleteFrom('post_children').where('post_id', 'in', gone).executeTakeFirst());
      count(await trx.deleteFrom('posts').where('id', 'in', gone).executeTakeFirst());
    }
    count(await trx.deleteFrom('post_children').where('child_id', 'in', ids).executeTakeFirst());
  }
  // (due at once: these rows went at a retention run, long after the files were written; the sweep still leaves a folder
  // written within its grace, e.g. found by an identical upload just now)
  const when = new Date(`${at?.today ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  await sweepMediaLater(trx, keys, when, when);
  return removed;
}

export const documentationPersonalData: PersonalDataPart = {
  domain: 'documentation',
  async extract(db, subject) {
    const own = new Set(subject.childIds);
    const sections: ExtractSection[] = [];
    const stored: ExtractStoredFile[] = [];
    // (A portfolio's audience is counted by days of placement; the day matters only to a blog post, never in a portfolio.)
    const today = new Date().toISOString().slice(0, 10);
    for (const childId of subject.childIds) {
      const posts = await portfolioPosts(db, { id: childId }, own, today);
      // The home observations' photos as the rows of comments-personal-data.ts: approved, or the person's own.
      const observations = (await observationsOfChild(db, childId)).filter((o) => o.photo && (o.status === 'approved' || o.authorId === subject.personId));
      const { list, byMedia } = exportFiles(posts, observations);
      sections.push({
        title: 'personalData.sections.portfolio', childId, columns: COLUMNS,
        rows: posts.map((p) => ({
          post_published_at: p.publishedAt, post_kind: p.kind, post_title: p.title, post_text: p.body, post_reflection: p.reflection,
          post_files: p.media.map((m) => extractFileName(byMedia[m.id])).join(', '),
        })),
      });
      if (list.length > 0 && dataDir === undefined) throw new Error('documentationFilesAt was not called');
      for (const file of list) {
        stored.push({ childId, name: extractFileName(file.path), source: mediaFilePath(dataDir as string, file.media, file.variant, 'jpeg') });
      }
    }
    return { sections, stored };
  },
  retention: [{ kind: 'documentation', defaultMonths: 12, remove: removeDocumentation }],
};
