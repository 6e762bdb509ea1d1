// Serving a stored medium, after the caller's access check: never kept by a shared cache and asked again each time
// (`private, no-cache` with an ETag: a 304 costs little and passes the access check, so a withdrawn consent hides a
// photo at once), byte ranges for video and sound (206, 416), the type we decided (never sniffed by the browser), and
// as an attachment when downloaded.
import path from 'node:path';
import type { Request, Response } from 'express';
import type { MediaKind } from '../../db/schema.ts';
import { HttpError } from '../kernel/http.ts';
import { mediaFileName, mediaFolder, type MediaVariant } from './store.ts';

const KEY = /^[0-9a-f]{64}$/;

export function sendMedia(
  _req: Request, res: Response, dataDir: string, media: { key: string; kind: MediaKind; mime: string }, variant: MediaVariant,
  format: 'webp' | 'jpeg', download?: { fileName: string },
): Promise<void> {
  // A video or sound has no sizes of its own: only its file (or `full`, the same file, for a download).
  if (!KEY.test(media.key) || (media.kind !== 'image' && (variant === 'thumb' || variant === 'display'))) return Promise.reject(new HttpError(404, 'Not found'));
  const name = mediaFileName(media, variant, format);
  const relative = path.join(media.key.slice(0, 2), media.key, name);
  const type = media.kind !== 'image' ? media.mime : name.endsWith('.webp') ? 'image/webp' : 'image/jpeg';
  if (download) res.attachment(download.fileName); // (sets a type from the name: ours is set after it)
  res.set({
    'Content-Type': type,
    'Cache-Control': 'private, no-cache',
    ETag: `"${media.key.slice(0, 32)}-${name}"`,
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Cookie',
  });
  return new Promise((resolve, reject) => {
    res.sendFile(relative, { root: mediaFolder(dataDir), etag: false, lastModified: false, cacheControl: false, acceptRanges: true, dotfiles: 'deny' }, (error?: Error & { status?: number; statusCode?: number; headers?: Record<string, string>; code?: string }) => {
      if (!error || res.headersSent) return resolve(); // (sent, or the client went away mid-way)
      const status = error.status ?? error.statusCode;
      if (error.code === 'ENOENT' || status === 404) {
        res.removeHeader('Content-Disposition');
        return reject(new HttpError(404, 'Media file missing'));
      }
      if (status === 416) {
        res.status(416).set(error.headers ?? {}).end();
        return resolve();
      }
      reject(error);
    });
  });
}
