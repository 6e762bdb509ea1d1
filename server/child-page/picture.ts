// The picture on a child's own page, as a guardian or the group's staff upload it: decoded and drawn anew by the media
// library (`pictureOf`, through its queue of image work), so only its pixels are kept — never its EXIF (a phone
// photo's GPS position, the camera) or anything hidden in the file — turned upright by its EXIF orientation, cropped to
// fill 160×200 (the part of the photo with the most detail kept) and stored as JPEG under the data folder's
// media/children/, where backups take it from. A file that does not decode as an image, or one of too many pixels (a
// "pixel bomb"), is refused whatever its name says.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../kernel/db.ts';
import { isKeptOrPartial, nameKeptFile, sweepFolder, writeFileWhole, type SingleUpload } from '../kernel/uploads.ts';
import { pictureOf } from '../media/index.ts';
import { namedPictureFiles, pictureFileOf, setPictureFile, type PageAuthor } from './queries.ts';

/** The largest upload (bytes) and the most pixels an uploaded photo may have (the media library's limit). */
export const PICTURE_MAX_BYTES = 15 * 1024 * 1024;
export { MEDIA_MAX_PIXELS as PICTURE_MAX_PIXELS } from '../media/images.ts';
/** The picture's size: the seed's "maximala dimensioner 160x200". */
export const PICTURE_BOX = { width: 160, height: 200 } as const;
/** How the stored files are named: the child, then a hash of the image (a new image, a new name). */
const FILE_NAME = /^(\d+)-[0-9a-f]{16}\.jpg$/;

export type PictureRefusal = 'not-an-image' | 'heic' | 'too-many-pixels' | 'too-large' | 'missing';

/** Decodes the upload and draws it anew, cropped to fill PICTURE_BOX, upright by its EXIF orientation. */
export async function encodePicture(bytes: Uint8Array): Promise<{ ok: true; image: Buffer } | { ok: false; error: PictureRefusal }> {
  if (bytes.length === 0) return { ok: false, error: 'missing' };
  const picture = await pictureOf(bytes, PICTURE_BOX);
  if (picture.ok) return picture;
  const error = picture.error;
  return { ok: false, error: error === 'heic' || error === 'too-many-pixels' || error === 'too-large' ? error : error === 'empty' ? 'missing' : 'not-an-image' };
}

/** Where the children's pictures are kept. */
export function pictureFolder(dataDir: string): string {
  return path.join(dataDir, 'media', 'children');
}

/** The path of a child's picture file, or undefined for a name that is not one of ours (or another child's). */
export function picturePath(dataDir: string, childId: number, file: string): string | undefined {
  const match = FILE_NAME.exec(file);
  return match && Number(match[1]) === childId ? path.join(pictureFolder(dataDir), file) : undefined;
}

/** Writes the encoded image as a file of the child (whole or not at all) and returns its name. */
export async function storePicture(dataDir: string, childId: number, image: Buffer): Promise<string> {
  const file = `${childId}-${createHash('sha256').update(image).digest('hex').slice(0, 16)}.jpg`;
  await writeFileWhole(pictureFolder(dataDir), file, image);
  return file;
}

export async function removePictureFile(dataDir: string, childId: number, file: string): Promise<void> {
  const at = picturePath(dataDir, childId, file);
  if (at) await fs.rm(at, { force: true });
}

/**
 * The upload as the child's picture: refused (nothing stored) unless it decodes; else its file is written, the
 * child's page names it, and the file of the picture it replaces is removed once that has committed.
 */
export async function replacePicture(db: Db, dataDir: string, childId: number, upload: SingleUpload, author: PageAuthor): Promise<{ ok: true } | { ok: false; error: PictureRefusal }> {
  if (upload === undefined) return { ok: false, error: 'missing' };
  if ('tooLarge' in upload) return { ok: false, error: 'too-large' };
  const encoded = await encodePicture(upload.bytes);
  if (!encoded.ok) return encoded;
  const current = await pictureFileOf(db, childId);
  const file = await storePicture(dataDir, childId, encoded.image);
  await nameKeptFile(file, current, () => setPictureFile(db, childId, file, author), (gone) => removePictureFile(dataDir, childId, gone));
  return { ok: true };
}

/** Takes the child's picture away and removes its file. */
export async function deletePicture(db: Db, dataDir: string, childId: number, author: PageAuthor): Promise<void> {
  const was = await setPictureFile(db, childId, null, author);
  if (was) await removePictureFile(dataDir, childId, was);
}

/**
 * Removes the files of media/children/ that no child's page names — a picture of a child whose records retention
 * removed, one written just before a crash, or cut off while written — once last written before `before` (a younger
 * one may be an upload whose row is about to commit). Files not named as ours are left alone. Returns the names removed.
 */
export async function sweepPictureFiles(dataDir: string, named: ReadonlySet<string>, before: Date): Promise<string[]> {
  return sweepFolder({ folder: pictureFolder(dataDir), ours: (name) => isKeptOrPartial(FILE_NAME, name), inUse: named, before });
}

/** The sweep for the retention job: the picture files no child's page names, last written before `before`. */
export async function sweepUnnamedPictures(db: Db, dataDir: string, before: Date): Promise<string[]> {
  return sweepPictureFiles(dataDir, await namedPictureFiles(db), before);
}
