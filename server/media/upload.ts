// The upload of photos, videos and sound: a multipart form read by multer into temp files, mounted before the app's
// CSRF check (which needs the form's fields). The token is checked here too, before any file is written: the form
// sends `_csrf` before its files (with JavaScript, the `x-csrf-token` header), so a forged upload stores nothing.
// A file over the size given is cut off where it passes the size and never stored; files past the number given are
// not stored either; the route is told the names of both. Every temp file is removed once the response is over —
// also when the request fails or the client goes away.
import { createWriteStream, mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { HttpError } from '../kernel/http.ts';
import { sweepFolder } from '../kernel/uploads.ts';
import type { ReceivedFile } from './store.ts';

/** What the route learns of an upload: the files written, and the names of those refused for size or number. */
export interface Received { files: ReceivedFile[]; tooLarge: string[]; tooMany: string[] }

interface MulterFile { fieldname: string; originalname: string; stream: Readable; path?: string; size?: number; tooLarge?: boolean }
type Callback = (error: unknown, info?: Partial<MulterFile>) => void;
interface StorageEngine { _handleFile(req: Request, file: MulterFile, cb: Callback): void; _removeFile(req: Request, file: MulterFile, cb: (error: unknown) => void): void }
interface MulterOptions {
  storage: StorageEngine; limits: Record<string, number>; defParamCharset: string;
  fileFilter(req: Request, file: MulterFile, cb: (error: unknown, accept?: boolean) => void): void;
  streamHandler(req: Request, busboy: NodeJS.WritableStream): void;
}
/** The part of multer used here (the package has no type declarations of its own). */
type Multer = (options: MulterOptions) => { any(): RequestHandler };
const multer = createRequire(import.meta.url)('multer') as Multer;

/** The same token check as the app's (server/kernel/csrf.ts): a signed-in user's token, kept in their session. */
const tokenCheck = csrfSync({ getTokenFromRequest: (req) => req.get('x-csrf-token') ?? (req.body as Record<string, string> | undefined)?._csrf });
const FORGED = new Error('CSRF token missing or wrong before a file');

/** Where uploads are written while the request lasts (the system's temp folder, not the data folder), unless told. */
export const UPLOAD_FOLDER = path.join(os.tmpdir(), 'vardag-uploads');

const received = new WeakMap<Request, Received>();

/** No upload lasts this long: a temp file older than this was left by a process that stopped in the middle. */
const STALE_MS = 24 * 60 * 60 * 1000;
const swept = new Set<string>();

/** Removes the temp files of the upload folder last written before `before` (a crashed process's); returns their names. */
export async function sweepUploadFolder(folder: string = UPLOAD_FOLDER, before = new Date(Date.now() - STALE_MS)): Promise<string[]> {
  return sweepFolder({ folder, ours: (name) => /^[0-9a-f]{32}$/.test(name), before }); // (only names this module gives)
}

export function mediaUpload(options: { field: string; maxFiles: number; maxBytes: number; folder?: string }): RequestHandler {
  const { field, maxFiles, maxBytes, folder = UPLOAD_FOLDER } = options;
  // What the whole body may be: every file cut off a little past its limit, and the form's fields.
  const maxBody = maxFiles * (maxBytes + 64 * 1024) + 1024 * 1024;
  if (!swept.has(folder)) {
    swept.add(folder);
    void sweepUploadFolder(folder).catch(() => undefined);
  }
  return (req, res, next) => {
    if (req.session?.accountId === undefined || !req.is('multipart/form-data')) return next();
    const state: Received = { files: [], tooLarge: [], tooMany: [] };
    const written = new Set<string>();
    let over = false;
    const cleanUp = () => {
      for (const at of written) void fs.rm(at, { force: true });
      written.clear();
    };
    res.once('close', () => {
      over = true;
      cleanUp();
    });
    if (Number(req.get('content-length') ?? 0) > maxBody) return next(new HttpError(413, 'Upload too large'));
    let accepted = 0;
    const storage: StorageEngine = {
      _handleFile(_req, file, callback) {
        let settled = false;
        const cb: Callback = (error, info) => {
          if (settled) return; // (a stream's error and its close would each answer)
          settled = true;
          callback(error, info);
        };
        try {
          mkdirSync(folder, { recursive: true });
        } catch (error) {
          file.stream.resume();
          return cb(error);
        }
        const at = path.join(folder, randomBytes(16).toString('hex'));
        written.add(at);
        file.path = at;
        const out = createWriteStream(at, { flags: 'wx' });
        let size = 0;
        let cut = false;
        const stop = () => {
          file.stream.unpipe(out);
          out.destroy();
          file.stream.resume(); // the rest of this file is read off the wire, not kept
        };
        file.stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes && !cut) {
            cut = true;
            stop();
            void fs.rm(at, { force: true }).then(() => written.delete(at));
          }
        });
        file.stream.once('end', () => {
          if (cut) cb(null, { path: '', size, tooLarge: true });
        });
        file.stream.on('error', (error) => {
          out.destroy();
          cb(error);
        });
        out.on('error', (error) => {
          if (!cut) cb(error);
        });
        out.once('close', () => {
          if (cut) return;
          if (over) void fs.rm(at, { force: true }); // the response is over already: nobody will use it
          cb(null, { path: at, size: out.bytesWritten });
        });
        file.stream.pipe(out);
      },
      _removeFile(_req, file, cb) {
        if (!file.path) return cb(null);
        written.delete(file.path);
        fs.rm(file.path, { force: true }).then(() => cb(null), cb);
      },
    };
    const parse = multer({
      storage,
      limits: { fields: 100, fieldSize: 100 * 1024, parts: maxFiles * 4 + 100 },
      defParamCharset: 'utf8',
      fileFilter(request, file, cb) {
        if (!tokenCheck.isRequestValid(request)) return cb(FORGED);
        if (file.fieldname !== field) return cb(null, false);
        if (accepted >= maxFiles) {
          state.tooMany.push(file.originalname);
          return cb(null, false);
        }
        accepted += 1;
        cb(null, true);
      },
      streamHandler(request, busboy) {
        let bytes = 0;
        request.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > maxBody) request.destroy(new HttpError(413, 'Upload too large'));
        });
        request.pipe(busboy);
      },
    }).any();
    parse(req, res, (error?: unknown) => {
      if (over) return; // the client went away: there is nobody to answer
      // No valid token before the first file: nothing was written, and the app's own check refuses the request as it
      // refuses any forged form (a token arriving after the file is not looked at).
      if (error === FORGED) {
        req.body = {};
        return next();
      }
      if (error) return next(new HttpError(isTooLarge(error) ? 413 : 400, 'Unreadable upload'));
      for (const file of (req as Request & { files?: MulterFile[] }).files ?? []) {
        if (file.tooLarge) state.tooLarge.push(file.originalname);
        else if (file.path) state.files.push({ path: file.path, originalName: file.originalname, size: file.size ?? 0 });
      }
      received.set(req, state);
      next();
    });
  };
}

function isTooLarge(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'LIMIT_PART_COUNT' || code === 'LIMIT_FIELD_COUNT' || code === 'LIMIT_FIELD_VALUE' || (error instanceof HttpError && error.status === 413);
}

/** What the upload brought: the files (temp files, removed when the response is over) and the names refused. */
export function receivedFiles(req: Request): Received {
  return received.get(req) ?? { files: [], tooLarge: [], tooMany: [] };
}
