// The child's picture's upload: a multipart form, read with multer into memory (at most PICTURE_MAX_BYTES, one file)
// before the CSRF check, which needs the form's token, and only for a signed-in user. A file too large is not an error
// page: the route says why at the field.
import { createRequire } from 'node:module';
import type { Request, RequestHandler } from 'express';
import { HttpError } from '../kernel/http.ts';
import { PICTURE_MAX_BYTES } from './picture.ts';

/** The part of multer used here (the package has no type declarations of its own). */
interface Multer {
  (options: { storage: unknown; limits: Record<string, number> }): { single(field: string): RequestHandler };
  memoryStorage(): unknown;
}
const multer = createRequire(import.meta.url)('multer') as Multer;

export type PictureUpload = { bytes: Uint8Array } | { tooLarge: true } | undefined;

const single = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: PICTURE_MAX_BYTES, files: 1, fields: 5, parts: 6, fieldSize: 1024 },
}).single('picture');
const uploads = new WeakMap<Request, PictureUpload>();

export const pictureUpload: RequestHandler = (req, res, next) => {
  if (req.session?.accountId === undefined || !req.is('multipart/form-data')) return next();
  single(req, res, (error?: unknown) => {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if (code === 'LIMIT_FILE_SIZE') {
      uploads.set(req, { tooLarge: true });
      return next();
    }
    if (error) return next(new HttpError(400, 'Unreadable picture upload'));
    const file = (req as Request & { file?: { buffer: Buffer } }).file;
    if (file && file.buffer.length > 0) uploads.set(req, { bytes: file.buffer });
    next();
  });
};

/** What the form sent: the file's bytes, that it was too large, or nothing. */
export function uploadedPicture(req: Request): PictureUpload {
  return uploads.get(req);
}
