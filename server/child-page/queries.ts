// The child's own page: its presentation text, the name of its picture's file and its guestbook's greetings (the
// tables child_pages and guestbook_entries, this module's alone).
import { prepared, type Db } from '../kernel/db.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { personName } from '../people/queries.ts';
import { isUniqueViolation, jsonValues, lockedRows } from '../../db/sql.ts';

export interface ChildPage {
  presentation: string;
  /** The picture's file under media/children/ (its name changes with the image), or null. */
  pictureFile: string | null;
  /** The row version the form was read at (0: nothing saved yet). */
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

const pageOf = prepared((db: Db, childId: number) => db.selectFrom('child_pages')
  .select((eb) => ['presentation', 'picture_file', 'version', 'updated_at', personName(eb, 'child_pages.updated_by').as('updated_by_name')])
  .where('child_id', '=', childId));

export async function childPage(db: Db, childId: number): Promise<ChildPage> {
  const [row] = await pageOf(db, childId);
  if (!row) return { presentation: '', pictureFile: null, version: 0, updatedAt: null, updatedBy: null };
  return { presentation: row.presentation, pictureFile: row.picture_file, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by_name };
}

const picturesAmong = prepared((db: Db, childIds: string) => db.selectFrom('child_pages')
  .select(['child_id', 'picture_file']).where('child_id', 'in', jsonValues(db, childIds)).where('picture_file', 'is not', null));

/**
 * Each of the children that has a picture, with its picture's version (a short text that changes with the image: put
 * it in the picture's URL, so a browser may keep a picture and still sees a new one at once).
 */
export async function picturesOf(db: Db, childIds: readonly number[]): Promise<ReadonlyMap<number, string>> {
  if (childIds.length === 0) return new Map();
  const rows = await picturesAmong(db, JSON.stringify(childIds));
  return new Map(rows.map((r) => [r.child_id, pictureVersion(r.picture_file as string)]));
}

/** Those of the children that have a picture (at /children/:childId/picture). */
export async function childrenWithPicture(db: Db, childIds: readonly number[]): Promise<ReadonlySet<number>> {
  return new Set((await picturesOf(db, childIds)).keys());
}

/** The version of a picture: the hash part of its file's name. */
export function pictureVersion(file: string): string {
  return /-([0-9a-f]{16})\.jpg$/.exec(file)?.[1] ?? file;
}

const currentPage = prepared((db: Db, childId: number) => lockedRows(db, db.selectFrom('child_pages')
  .select(['picture_file', 'version']).where('child_id', '=', childId)));

export interface PageAuthor { personId: number; at: string }

/**
 * Saves the presentation, if the page is still at the version the form was read at (0: none saved yet); else
 * 'stale': someone saved it in between, and nothing is changed.
 */
export async function savePresentation(db: Db, childId: number, presentation: string, readVersion: number, author: PageAuthor): Promise<{ ok: true } | { ok: false; error: 'stale' }> {
  if (readVersion === 0) {
    try {
      await db.insertInto('child_pages')
        .values({ child_id: childId, presentation, updated_by: author.personId, updated_at: author.at }).execute();
      return { ok: true };
    } catch (error) {
      if (isUniqueViolation(error, 'child_pages.child_id')) return { ok: false, error: 'stale' };
      throw error;
    }
  }
  const result = await db.updateTable('child_pages')
    .set((eb) => ({ presentation, version: eb('version', '+', 1), updated_by: author.personId, updated_at: author.at }))
    .where('child_id', '=', childId).where('version', '=', readVersion).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { ok: true } : { ok: false, error: 'stale' };
}

/** Names `file` (null: none) as the child's picture; returns the file it named before (null: none). */
export async function setPictureFile(db: Db, childId: number, file: string | null, author: PageAuthor): Promise<string | null> {
  return retryRaces(() => db.transaction().execute(async (trx) => {
    const [row] = await currentPage(trx, childId);
    if (!row) {
      if (file === null) return null;
      await trx.insertInto('child_pages')
        .values({ child_id: childId, picture_file: file, updated_by: author.personId, updated_at: author.at }).execute();
      return null;
    }
    const result = await trx.updateTable('child_pages')
      .set((eb) => ({ picture_file: file, version: eb('version', '+', 1), updated_by: author.personId, updated_at: author.at }))
      .where('child_id', '=', childId).where('version', '=', row.version).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new RaceLost('the child page changed');
    return row.picture_file;
  }), ['child_pages.child_id']);
}

/** The picture file of the child, if any. */
export async function pictureFileOf(db: Db, childId: number): Promise<string | null> {
  const [row] = await pageOf(db, childId);
  return row?.picture_file ?? null;
}

/** Every picture file some child's page names (for the sweep of files no page names). */
export async function namedPictureFiles(db: Db): Promise<ReadonlySet<string>> {
  const rows = await db.selectFrom('child_pages').select('picture_file').where('picture_file', 'is not', null).execute();
  return new Set(rows.map((r) => r.picture_file as string));
}

export interface GuestbookEntry { id: number; body: string; author: string; authorId: number; fromStaff: boolean; createdAt: string }

const entriesOf = prepared((db: Db, childId: number, limit: number) => db.selectFrom('guestbook_entries')
  .select((eb) => ['id', 'body', 'author_id', 'from_staff', 'created_at', personName(eb, 'guestbook_entries.author_id').as('author')])
  .where('child_id', '=', childId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit));

/** The guestbook's newest greetings first (at most `limit`). */
export async function guestbookEntries(db: Db, childId: number, limit = 100): Promise<GuestbookEntry[]> {
  const rows = await entriesOf(db, childId, limit);
  return rows.map((r) => ({
    id: r.id, body: r.body, author: r.author ?? '', authorId: r.author_id, fromStaff: r.from_staff === 1, createdAt: r.created_at,
  }));
}

export async function addGuestbookEntry(db: Db, childId: number, body: string, fromStaff: boolean, author: PageAuthor): Promise<number> {
  const row = await db.insertInto('guestbook_entries')
    .values({ child_id: childId, author_id: author.personId, body, from_staff: fromStaff ? 1 : 0, created_at: author.at })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Removes the child's entry; false when the child has no such entry (another child's, or removed already). */
export async function removeGuestbookEntry(db: Db, childId: number, entryId: number): Promise<boolean> {
  const result = await db.deleteFrom('guestbook_entries').where('id', '=', entryId).where('child_id', '=', childId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
