// A unit's logo as the admin uploads it: the image is decoded and drawn anew (sharp), so only its pixels are kept —
// never its EXIF (a photo's GPS position, the camera), its colour profile or anything hidden in the file — made to fit
// 320×160 and stored as WebP under the data folder's media/units/, where backups take it from. A file that does not
// decode as an image, or one of too many pixels (a "pixel bomb"), is refused whatever its name or claimed type says.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Db } from '../kernel/db.ts';
import { setUnitLogo, unitLogo, type UnitLogo } from '../people/organisation.ts';
import type { ChangeAuthor } from '../people/register-changes.ts';
import { isKeptOrPartial, nameKeptFile, sweepFolder, writeFileWhole, type SingleUpload } from '../kernel/uploads.ts';

/** The largest upload (bytes) and the most pixels an uploaded image may have (a 40-megapixel photo). */
export const LOGO_MAX_BYTES = 5 * 1024 * 1024;
export const LOGO_MAX_PIXELS = 40_000_000;
/** The box the logo is made to fit (twice the size it is shown at, for sharp screens). */
export const LOGO_BOX = { width: 320, height: 160 } as const;
/** The kinds of image accepted; others (SVG, PDF, TIFF...) are refused before decoding. */
const FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif']);
/** How the stored files are named: the unit, then a hash of the image (a new image, a new name, so caches stay right). */
const FILE_NAME = /^(\d+)-[0-9a-f]{16}\.webp$/;

export type LogoRefusal = 'not-an-image' | 'too-many-pixels' | 'too-large' | 'missing';
export type Reencoded = { ok: true; image: Buffer; width: number; height: number } | { ok: false; error: LogoRefusal };

/** Decodes the upload and encodes it anew, fitted to LOGO_BOX (never enlarged), turned upright by its EXIF orientation. */
export async function reencodeLogo(bytes: Uint8Array): Promise<Reencoded> {
  if (bytes.length === 0) return { ok: false, error: 'missing' };
  const options = { limitInputPixels: LOGO_MAX_PIXELS, failOn: 'error', animated: false } as const;
  try {
    const { format } = await sharp(bytes, options).metadata();
    if (!format || !FORMATS.has(format)) return { ok: false, error: 'not-an-image' };
    const { data, info } = await sharp(bytes, options)
      .rotate()
      .resize({ ...LOGO_BOX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 90 })
      .toBuffer({ resolveWithObject: true });
    return { ok: true, image: data, width: info.width, height: info.height };
  } catch (error) {
    return { ok: false, error: /pixel limit/i.test(String((error as Error)?.message)) ? 'too-many-pixels' : 'not-an-image' };
  }
}

/** Where the units' logos are kept. */
export function logoFolder(dataDir: string): string {
  return path.join(dataDir, 'media', 'units');
}

/** Writes the re-encoded image as the unit's next logo file (whole or not at all) and names it. */
export async function storeLogo(dataDir: string, unitId: number, logo: { image: Buffer; width: number; height: number }): Promise<UnitLogo> {
  const file = `${unitId}-${createHash('sha256').update(logo.image).digest('hex').slice(0, 16)}.webp`;
  await writeFileWhole(logoFolder(dataDir), file, logo.image);
  return { file, width: logo.width, height: logo.height };
}

/** The path of a unit's stored logo file, or undefined for a name that is not one of ours (or another unit's). */
export function logoPath(dataDir: string, unitId: number, file: string): string | undefined {
  const match = FILE_NAME.exec(file);
  return match && Number(match[1]) === unitId ? path.join(logoFolder(dataDir), file) : undefined;
}

/**
 * The sweep of the retention job: removes the files of media/units/ that no unit names — a logo written just before a
 * crash, before its unit's row named it, or cut off while written — once last written before `before`: a younger one
 * may be an upload whose row is about to commit. Files not named as ours are left alone. Returns the names removed.
 */
export async function sweepLogoFiles(dataDir: string, named: ReadonlySet<string>, before: Date): Promise<string[]> {
  return sweepFolder({ folder: logoFolder(dataDir), ours: (name) => isKeptOrPartial(FILE_NAME, name), inUse: named, before });
}

/** Removes a logo file no longer in use (one already gone is fine). */
export async function removeLogoFile(dataDir: string, unitId: number, file: string): Promise<void> {
  const at = logoPath(dataDir, unitId, file);
  if (at) await fs.rm(at, { force: true });
}

/**
 * The upload as the unit's logo: refused (nothing stored) unless it decodes; else its file is written, the unit's row
 * names it (with its history), and the file of the logo it replaces is removed once that has committed.
 */
export async function replaceUnitLogo(db: Db, dataDir: string, unitId: number, upload: SingleUpload, author: ChangeAuthor): Promise<{ ok: true } | { ok: false; error: LogoRefusal }> {
  if (upload === undefined) return { ok: false, error: 'missing' };
  if ('tooLarge' in upload) return { ok: false, error: 'too-large' };
  const image = await reencodeLogo(upload.bytes);
  if (!image.ok) return image;
  const current = await unitLogo(db, unitId);
  const logo = await storeLogo(dataDir, unitId, image);
  await nameKeptFile(logo.file, current?.file, async () => (await setUnitLogo(db, unitId, logo, author))?.file, (gone) => removeLogoFile(dataDir, unitId, gone));
  return { ok: true };
}

/** Takes the unit's logo away (with its history) and removes its file. */
export async function removeUnitLogo(db: Db, dataDir: string, unitId: number, author: ChangeAuthor): Promise<void> {
  const was = await setUnitLogo(db, unitId, null, author);
  if (was) await removeLogoFile(dataDir, unitId, was.file);
}
