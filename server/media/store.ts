// Where documentation's media live: content-addressed under the data folder's media/docs/ (outside static/, so only
// the access-checked media route serves them; backups take the media folder), one folder per content key:
//   media/docs/ab/<key>/thumb.webp thumb.jpg display.webp display.jpg full.jpg   (a photo, drawn anew)
//   media/docs/ab/<key>/file.mp4                                                (a video or sound, as uploaded)
// A folder is written whole under a temporary name and then renamed, so a crash never leaves half a medium under a key.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { MediaKind } from '../../db/schema.ts';
import { avFacts, EXTENSIONS, sniffContainer } from './av.ts';
import sharp from 'sharp';
import { coverPicture, imageQueue, makeImageFiles, type ImageFiles } from './images.ts';
import { largestUpload, type MediaLimits } from './limits.ts';
import { sweepFolder } from '../kernel/uploads.ts';

/** A temp file multer wrote. */
export interface ReceivedFile { path: string; originalName: string; size: number }
export interface StoredMedia { key: string; kind: MediaKind; mime: string; bytes: number; width: number | null; height: number | null; durationMs: number | null }
export type MediaRefusal = 'not-media' | 'heic' | 'too-many-pixels' | 'too-large' | 'too-long' | 'empty';
export type MediaVariant = 'thumb' | 'display' | 'full' | 'file';
export type StoreResult = { ok: true; media: StoredMedia } | { ok: false; error: MediaRefusal };

const KEY = /^[0-9a-f]{64}$/;
const STAGING = '.staging';

export function mediaFolder(dataDir: string): string {
  return path.join(dataDir, 'media', 'docs');
}

function keyFolder(dataDir: string, key: string): string {
  if (!KEY.test(key)) throw new Error('Not a media key');
  return path.join(mediaFolder(dataDir), key.slice(0, 2), key);
}

/** The file's name inside its key's folder: a photo's size and format, or a video's or sound's one file. */
export function mediaFileName(media: { kind: MediaKind; mime: string }, variant: MediaVariant, format: 'webp' | 'jpeg'): string {
  if (media.kind !== 'image') return `file.${EXTENSIONS[media.mime] ?? 'bin'}`;
  if (variant === 'full' || variant === 'file') return 'full.jpg'; // (never the uploaded bytes of a photo)
  return `${variant}.${format === 'webp' ? 'webp' : 'jpg'}`;
}

/** The path of a stored file (for the export's ZIP). A video's or sound's every variant is its one file. */
export function mediaFilePath(dataDir: string, media: { key: string; kind: MediaKind; mime: string }, variant: MediaVariant, format: 'webp' | 'jpeg'): string {
  return path.join(keyFolder(dataDir, media.key), mediaFileName(media, variant, format));
}

/** Removes a key's files; the caller has checked that no row still names the key. A key already gone is fine. */
export async function removeMediaFiles(dataDir: string, key: string): Promise<void> {
  await fs.rm(keyFolder(dataDir, key), { recursive: true, force: true });
}

/**
 * Stores an uploaded file as a medium, or says why not: a photo decoded and drawn anew in every size, a video or
 * sound recognised by its content, within the limits of its kind. Never throws for what the file holds, so one broken
 * file in a batch leaves the others to be stored.
 */
export async function storeMedia(dataDir: string, file: ReceivedFile, limits: MediaLimits): Promise<StoreResult> {
  const stat = await fs.stat(file.path).catch(() => undefined);
  if (!stat?.isFile() || stat.size === 0) return { ok: false, error: 'empty' };
  if (stat.size > largestUpload(limits)) return { ok: false, error: 'too-large' };
  const container = await sniffContainer(file.path);
  return container ? storeAv(dataDir, file.path, stat.size, container, limits) : storeImage(dataDir, file.path, stat.size, limits);
}

async function storeImage(dataDir: string, filePath: string, size: number, limits: MediaLimits): Promise<StoreResult> {
  if (size > limits.imageMaxBytes) return { ok: false, error: 'too-large' };
  // The bytes are read in the queue's turn: waiting uploads hold a temp file, not memory.
  let key = '';
  const made = await imageQueue.run(async () => {
    const bytes = await fs.readFile(filePath).catch(() => undefined);
    if (!bytes) return { ok: false, error: 'empty' } as const;
    key = createHash('sha256').update(bytes).digest('hex');
    if (await isStored(dataDir, key)) return 'stored' as const; // the same photo again: nothing to make
    return makeImageFiles(bytes);
  });
  if (made === 'stored') {
    await touch(keyFolder(dataDir, key)); // (in use again: not an orphan for sweepMediaFiles while its row is written)
    const { width, height } = await storedImageSize(dataDir, key);
    return { ok: true, media: { key, kind: 'image', mime: 'image/jpeg', bytes: (await fs.stat(path.join(keyFolder(dataDir, key), 'full.jpg'))).size, width, height, durationMs: null } };
  }
  if (!made.ok) return made;
  await writeFolder(dataDir, key, (folder) => writeImageFiles(folder, made.files));
  return { ok: true, media: { key, kind: 'image', mime: 'image/jpeg', bytes: made.files.full.length, width: made.files.width, height: made.files.height, durationMs: null } };
}

async function writeImageFiles(folder: string, files: ImageFiles): Promise<void> {
  await Promise.all([
    fs.writeFile(path.join(folder, 'full.jpg'), files.full),
    fs.writeFile(path.join(folder, 'display.webp'), files.displayWebp),
    fs.writeFile(path.join(folder, 'display.jpg'), files.displayJpeg),
    fs.writeFile(path.join(folder, 'thumb.webp'), files.thumbWebp),
    fs.writeFile(path.join(folder, 'thumb.jpg'), files.thumbJpeg),
  ]);
}

/** A stored photo's size, read from its full-size JPEG (for the same photo uploaded again). */
async function storedImageSize(dataDir: string, key: string): Promise<{ width: number; height: number }> {
  const { width, height } = await sharp(path.join(keyFolder(dataDir, key), 'full.jpg')).metadata();
  return { width: width ?? 0, height: height ?? 0 };
}

async function storeAv(dataDir: string, filePath: string, size: number, container: string, limits: MediaLimits): Promise<StoreResult> {
  if (size > Math.max(limits.videoMaxBytes, limits.audioMaxBytes)) return { ok: false, error: 'too-large' };
  const staging = await stagingFolder(dataDir);
  try {
    // A copy is read and changed (its location blanked), never the caller's file.
    const copy = path.join(staging, 'upload');
    await fs.copyFile(filePath, copy);
    const facts = await avFacts(copy, container);
    if (!facts) return { ok: false, error: 'not-media' };
    const video = facts.kind === 'video';
    if (size > (video ? limits.videoMaxBytes : limits.audioMaxBytes)) return { ok: false, error: 'too-large' };
    if (facts.durationMs !== null && facts.durationMs > (video ? limits.videoMaxSeconds : limits.audioMaxSeconds) * 1000) return { ok: false, error: 'too-long' };
    const key = await sha256Of(copy);
    const media: StoredMedia = { key, kind: facts.kind, mime: facts.mime, bytes: size, width: facts.width, height: facts.height, durationMs: facts.durationMs };
    const folder = path.join(staging, 'files');
    await fs.mkdir(folder);
    await fs.rename(copy, path.join(folder, mediaFileName(media, 'file', 'jpeg')));
    await settle(dataDir, key, folder);
    return { ok: true, media };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/**
 * A picture cut to fill the box (cover-crop), upright and without metadata, as JPEG bytes for the caller to keep —
 * e.g. the child's 160×200 picture. From a received file (within 25 MB) or bytes.
 */
export async function pictureOf(file: ReceivedFile | Uint8Array, box: { width: number; height: number }): Promise<{ ok: true; image: Buffer } | { ok: false; error: MediaRefusal }> {
  if (file instanceof Uint8Array) return coverPicture(file, box);
  const stat = await fs.stat(file.path).catch(() => undefined);
  if (!stat?.isFile() || stat.size === 0) return { ok: false, error: 'empty' };
  if (stat.size > PICTURE_MAX_BYTES) return { ok: false, error: 'too-large' };
  return coverPicture(await fs.readFile(file.path), box);
}
/** The largest file pictureOf reads (a phone's photo is a few megabytes). */
export const PICTURE_MAX_BYTES = 25 * 1024 * 1024;

async function isStored(dataDir: string, key: string): Promise<boolean> {
  return fs.access(path.join(keyFolder(dataDir, key), 'full.jpg')).then(() => true, () => false);
}

async function stagingFolder(dataDir: string): Promise<string> {
  const root = path.join(mediaFolder(dataDir), STAGING);
  await fs.mkdir(root, { recursive: true });
  if (!swept.has(root)) {
    swept.add(root);
    await sweepStaging(dataDir).catch(() => undefined);
  }
  return fs.mkdtemp(path.join(root, 'm-'));
}
const swept = new Set<string>();

/**
 * Removes what a process that stopped in the middle of storing left in the staging folder (last written before
 * `before`, by default a day ago: no store lasts that long). Done once per process when it first stores.
 */
export async function sweepStaging(dataDir: string, before = new Date(Date.now() - 24 * 60 * 60 * 1000)): Promise<string[]> {
  return sweepFolder({ folder: path.join(mediaFolder(dataDir), STAGING), ours: (name) => name.startsWith('m-'), entries: 'folders', before });
}

/** Writes a key's folder whole: into a staging folder, then renamed into place (one already there is kept). */
async function writeFolder(dataDir: string, key: string, write: (folder: string) => Promise<void>): Promise<void> {
  const staging = await stagingFolder(dataDir);
  try {
    const folder = path.join(staging, 'files');
    await fs.mkdir(folder);
    await write(folder);
    await settle(dataDir, key, folder);
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

async function settle(dataDir: string, key: string, folder: string): Promise<void> {
  const target = keyFolder(dataDir, key);
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.rename(folder, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error; // (the same content stored at the same moment: keep that)
    await touch(target);
  }
}

/** Marks a key's folder as just written, so a sweep that runs before its row is written leaves it. */
async function touch(folder: string): Promise<void> {
  const now = new Date();
  await fs.utimes(folder, now, now).catch(() => undefined);
}

/**
 * Removes the stored media no row names: a key's folder last written before `before` (a process that stopped between
 * storing a medium and writing its row leaves one) whose key `inUse` does not name. `inUse` is a set of the keys the
 * caller's rows hold, or a check asked per key just before its folder goes. Returns the keys removed.
 */
export async function sweepMediaFiles(dataDir: string, inUse: ReadonlySet<string> | ((key: string) => boolean | Promise<boolean>), before: Date): Promise<string[]> {
  const root = mediaFolder(dataDir);
  const prefixes = (await fs.readdir(root).catch(() => [] as string[])).filter((name) => /^[0-9a-f]{2}$/.test(name)).sort(); // (not the staging folder)
  const removed: string[] = [];
  for (const prefix of prefixes) {
    const ours = (key: string) => KEY.test(key) && key.startsWith(prefix);
    removed.push(...(await sweepFolder({ folder: path.join(root, prefix), ours, entries: 'folders', inUse, before })));
  }
  return removed;
}

function sha256Of(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(filePath).on('error', reject).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex')));
  });
}
