// Files users upload and the files kept for them, the same way for every domain that knows no better:
// - `singleFileUpload`: a form's one small file (a child's picture, a unit's logo) read by multer into memory, before
//   the app's CSRF check (which needs the form's token) and only for a signed-in user. A file too large is no error
//   page: the route learns it and says why at the field.
// - `writeFileWhole`: a kept file written under a temporary name and renamed, so a crash never leaves half a file;
//   `nameKeptFile`: the row made to name it, and the file it replaces removed once that has committed.
// - `sweepFolder`: the one sweep of a folder of kept files — an entry no row names (a file written just before a crash,
//   before its row was saved; one cut off while written; a crashed process's temp file), once last written before a
//   grace, so that an upload whose row is about to commit stays. Used for logos, pictures, media and temp files.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './http.ts';

/** What a form sent in its one file field: the file's bytes, that it was over the size, or nothing. */
export type SingleUpload = { bytes: Uint8Array } | { tooLarge: true } | undefined;

export interface SingleFileUpload {
  /** Mounted in app.ts before the form's POST route (and its CSRF check). */
  middleware: RequestHandler;
  /** What the form sent, for the route. */
  received(req: Request): SingleUpload;
}

/** The part of multer used here (the package has no type declarations of its own). */
interface Multer {
  (options: { storage: unknown; limits: Record<string, number> }): { single(field: string): RequestHandler };
  memoryStorage(): unknown;
}
const multer = createRequire(import.meta.url)('multer') as Multer;

/** A form of a few short fields (the CSRF token, a button) and one file of at most `maxBytes`, named `field`. */
export function singleFileUpload({ field, maxBytes }: { field: string; maxBytes: number }): SingleFileUpload {
  const single = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6, fieldSize: 1024 },
  }).single(field);
  const uploads = new WeakMap<Request, SingleUpload>();
  const middleware: RequestHandler = (req, res, next) => {
    if (req.session?.accountId === undefined || !req.is('multipart/form-data')) return next();
    single(req, res, (error?: unknown) => {
      const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
      if (code === 'LIMIT_FILE_SIZE') {
        uploads.set(req, { tooLarge: true });
        return next();
      }
      if (error) return next(new HttpError(400, `Unreadable ${field} upload`));
      const file = (req as Request & { file?: { buffer: Buffer } }).file;
      if (file && file.buffer.length > 0) uploads.set(req, { bytes: file.buffer });
      next();
    });
  };
  return { middleware, received: (req) => uploads.get(req) };
}

/** The temporary name `writeFileWhole` writes `name` under: `.<name>.<12 hex>.partial`. */
const PARTIAL = /^\.(.+)\.[0-9a-f]{12}\.partial$/;

/** Writes `bytes` as `folder/name`, whole or not at all (a crash leaves at most a `.partial` file for the sweep). */
export async function writeFileWhole(folder: string, name: string, bytes: Uint8Array): Promise<void> {
  await fs.mkdir(folder, { recursive: true });
  const partial = path.join(folder, `.${name}.${randomBytes(6).toString('hex')}.partial`);
  await fs.writeFile(partial, bytes);
  await fs.rename(partial, path.join(folder, name));
}

/** Whether `name` is a file named by `pattern`, or one `writeFileWhole` cut off while writing such a file. */
export function isKeptOrPartial(pattern: RegExp, name: string): boolean {
  return pattern.test(name) || pattern.test(PARTIAL.exec(name)?.[1] ?? '');
}

/**
 * Makes a newly written kept file the one a row names: `nameIt` writes the row and answers the file it named before.
 * If that fails, the new file goes — unless it is the file in use (`current`: the same image uploaded again); once the
 * row has committed, the file it replaced goes. A crash in between leaves a file no row names, for the sweep.
 */
export async function nameKeptFile(file: string, current: string | null | undefined, nameIt: () => Promise<string | null | undefined>, remove: (file: string) => Promise<void>): Promise<void> {
  let was: string | null | undefined;
  try {
    was = await nameIt();
  } catch (error) {
    if (file !== current) await remove(file);
    throw error;
  }
  if (was && was !== file) await remove(was);
}

export interface FolderSweep {
  folder: string;
  /** Which entries are this sweep's to judge (names the caller gives); any other is left alone. */
  ours(name: string): boolean;
  /** Files (the default) or folders (a medium's key); an entry of the other kind, or a link, is left alone. */
  entries?: 'files' | 'folders';
  /**
   * The names a row still holds: a set, or a check asked per entry just before it goes (so a row written since the
   * sweep began keeps its file). Without it, every old entry goes (temp files).
   */
  inUse?: ReadonlySet<string> | ((name: string) => boolean | Promise<boolean>);
  /** Entries last written at or after this are left: they may be an upload whose row is about to commit. */
  before: Date;
}

/** Removes the entries of the folder that are ours, not in use and last written before `before`; returns their names. */
export async function sweepFolder({ folder, ours, entries = 'files', inUse, before }: FolderSweep): Promise<string[]> {
  const isInUse = typeof inUse === 'function' ? inUse : (name: string) => inUse?.has(name) === true;
  const names = await fs.readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [] as string[];
    throw error;
  });
  const removed: string[] = [];
  for (const name of names.sort()) {
    if (!ours(name)) continue;
    const at = path.join(folder, name);
    if (!(await writtenBefore(at, entries, before)) || (await isInUse(name))) continue;
    if (!(await writtenBefore(at, entries, before))) continue; // (written again while the check ran)
    await fs.rm(at, { recursive: entries === 'folders', force: true });
    removed.push(name);
  }
  return removed;
}

async function writtenBefore(at: string, entries: 'files' | 'folders', before: Date): Promise<boolean> {
  const stat = await fs.lstat(at).catch(() => undefined);
  if (!stat || !(entries === 'files' ? stat.isFile() : stat.isDirectory())) return false;
  return stat.mtime.getTime() < before.getTime();
}
