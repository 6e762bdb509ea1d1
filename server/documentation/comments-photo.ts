// The photo of a guardian's home observation: read from the multipart form by the media library's upload (before the
// CSRF check, which it makes itself), stored as staff's photos are (decoded anew, no metadata, within the
// municipality's limit), and sent only through the observation's access check. A photo only: a film or sound is refused.
import type { Request, Response } from 'express';
import type { Db } from '../kernel/db.ts';
import type { FieldError } from '../kernel/forms.ts';
import { notFound } from '../kernel/http.ts';
import { mediaLimits, mediaUpload, receivedFiles, sendMedia, storeMedia, type MediaVariant } from '../media/index.ts';
import { documentationSettings } from './settings.ts';
import { sweepMediaLater } from './media-sweep.ts';

/** The form's photo field: one file; the municipality's own limit is checked when it is stored. */
export const observationUpload = mediaUpload({ field: 'photo', maxFiles: 1, maxBytes: 100 * 1024 * 1024 });

export interface ObservationPhoto { key: string; mime: string; width: number | null; height: number | null }
export type PhotoOutcome = { ok: true; photo: ObservationPhoto | null } | { ok: false; error: FieldError };

/** The form's photo stored, none when the form had none, or why it was refused (a message at the field). */
export async function observationPhoto(req: Request, db: Db, dataDir: string, municipalityId: number, now: Date): Promise<PhotoOutcome> {
  const { files, tooLarge } = receivedFiles(req);
  const settings = await documentationSettings(db, municipalityId);
  const refused = (key: string): PhotoOutcome => ({ ok: false, error: { key: `documentation.observations.errors.${key}`, params: { max: settings.imageMaxMb } } });
  if (tooLarge.length) return refused('tooLarge');
  const file = files[0];
  if (!file) return { ok: true, photo: null };
  const stored = await storeMedia(dataDir, file, mediaLimits(settings));
  if (!stored.ok) return refused(stored.error === 'heic' ? 'heic' : stored.error === 'too-large' ? 'tooLarge' : stored.error === 'too-many-pixels' ? 'tooManyPixels' : 'notImage');
  const { media } = stored;
  if (media.kind !== 'image') {
    await sweepMediaLater(db, [media.key], now); // (through the sweep: the same file may be a post's video)
    return refused('notImage');
  }
  return { ok: true, photo: { key: media.key, mime: media.mime, width: media.width, height: media.height } };
}

const VARIANTS: Record<string, [MediaVariant, 'webp' | 'jpeg']> = {
  'thumb.webp': ['thumb', 'webp'], 'thumb.jpg': ['thumb', 'jpeg'], 'display.webp': ['display', 'webp'], 'display.jpg': ['display', 'jpeg'],
};

/** Sends a size of the photo (`thumb.webp`, `display.jpg`...); any other name is not found. */
export async function sendObservationPhoto(req: Request, res: Response, dataDir: string, photo: ObservationPhoto, variant: string): Promise<void> {
  const size = VARIANTS[variant];
  if (!size) throw notFound();
  await sendMedia(req, res, dataDir, { key: photo.key, kind: 'image', mime: photo.mime }, size[0], size[1]);
}
