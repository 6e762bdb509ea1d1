// The child's own page's part of the register extract (each child's presentation, its picture as a file, and the
// greetings of its guestbook, the subject's own as "you") and of retention (the page and its guestbook go with the
// child's records; the picture's file leaves the disk through a job queued in the same transaction, which removes each
// file no page names any more).
import { readFile } from 'node:fs/promises';
import type { Db } from '../kernel/db.ts';
import { enqueueJob, jobKind, type JobRunner } from '../kernel/jobs.ts';
import { slices, type ExtractFile, type PersonalDataPart } from '../kernel/personal-data.ts';
import { picturePath, removePictureFile } from './picture.ts';
import { namedPictureFiles } from './queries.ts';

/** The job that removes the picture files of the pages retention removed, once no page names them. */
export const PICTURE_REMOVAL_JOB = jobKind('child-page.pictures.remove');

/** The picture's name in the extract's folder of the child. */
const EXTRACT_NAME = 'barnets-bild.jpg';

/**
 * The data folder the pictures are under: set once by app.ts when the app is made (the registry of parts is made
 * before any config is read).
 */
let dataDir: string | undefined;
export function childPageFilesAt(dir: string): void { dataDir = dir; }

/** Registers the removal's handler with the process's job runner (main.ts). */
export function registerChildPageJobs(runner: JobRunner, { db, dataDir: dir }: { db: Db; dataDir: string }): void {
  runner.register(PICTURE_REMOVAL_JOB, async (payload: { files?: unknown } | undefined) => {
    const files = Array.isArray(payload?.files) ? payload.files.filter((f): f is string => typeof f === 'string') : [];
    const named = await namedPictureFiles(db);
    for (const file of files) {
      const childId = Number(file.split('-')[0]);
      if (!named.has(file) && picturePath(dir, childId, file)) await removePictureFile(dir, childId, file);
    }
  });
}

async function pictureBytes(childId: number, file: string | null): Promise<Uint8Array | undefined> {
  const at = dataDir && file ? picturePath(dataDir, childId, file) : undefined;
  return at ? readFile(at).catch(() => undefined) : undefined; // (a database restored without its media folder)
}

export const childPagePersonalData: PersonalDataPart = {
  domain: 'child-page',
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const [pages, entries] = await Promise.all([
      db.selectFrom('child_pages').select(['child_id', 'presentation', 'picture_file', 'updated_at', 'updated_by'])
        .where('child_id', 'in', subject.childIds).execute(),
      db.selectFrom('guestbook_entries').select(['child_id', 'body', 'author_id', 'created_at'])
        .where('child_id', 'in', subject.childIds).orderBy('created_at').orderBy('id').execute(),
    ]);
    const by = (personId: number) => (personId === subject.personId ? 'you' : 'other');
    const files: ExtractFile[] = [];
    for (const page of pages) {
      const bytes = await pictureBytes(page.child_id, page.picture_file);
      if (bytes) files.push({ childId: page.child_id, name: EXTRACT_NAME, bytes });
    }
    const withFile = new Set(files.map((f) => f.childId));
    return {
      sections: subject.childIds.flatMap((childId) => [
        {
          title: 'personalData.sections.childPage', childId, columns: ['child_page_presentation', 'child_page_picture', 'updated_at', 'by'],
          rows: pages.filter((p) => p.child_id === childId).map((p) => ({
            child_page_presentation: p.presentation, child_page_picture: withFile.has(childId) ? EXTRACT_NAME : null,
            updated_at: p.updated_at, by: by(p.updated_by),
          })),
        },
        {
          title: 'personalData.sections.guestbook', childId, columns: ['at', 'greeting', 'by'],
          rows: entries.filter((e) => e.child_id === childId).map((e) => ({ at: e.created_at, greeting: e.body, by: by(e.author_id) })),
        },
      ]),
      files,
    };
  },
  retention: [{
    kind: 'childPages', defaultMonths: 3,
    async remove(trx: Db, childIds, at) {
      let removed = 0;
      const files: string[] = [];
      for (const ids of slices(childIds)) {
        const pictures = await trx.selectFrom('child_pages').select('picture_file').where('child_id', 'in', ids).where('picture_file', 'is not', null).execute();
        files.push(...pictures.map((p) => p.picture_file as string));
        removed += Number((await trx.deleteFrom('guestbook_entries').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
        removed += Number((await trx.deleteFrom('child_pages').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      }
      // (due at once: the day the job runs, or any time before it for a caller without one)
      if (files.length > 0) await enqueueJob(trx, PICTURE_REMOVAL_JOB, { files }, new Date(`${at?.today ?? '2000-01-01'}T00:00:00Z`));
      return removed;
    },
  }],
};
