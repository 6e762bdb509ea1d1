// Photos as staff upload them from a phone: decoded by sharp (what it cannot decode is no image, whatever its name or
// claimed type), turned upright by their EXIF orientation, then drawn anew without any metadata — no GPS position, no
// camera, no hidden thumbnail — as a full-size JPEG (for downloads and the portfolio export), a display size (~1600
// px) and a thumbnail (~400 px), each in WebP with a JPEG fallback. Every decode waits its turn in one queue of fixed
// places, so many uploads at once cost time, not memory.
import os from 'node:os';
import sharp from 'sharp';
import { WorkQueue } from './queue.ts';

/** The most pixels a photo may have: a 48-megapixel phone camera passes, a "pixel bomb" does not. */
export const MEDIA_MAX_PIXELS = 50_000_000;
/** The long side of the display size and of the thumbnail (never enlarged). */
export const DISPLAY_SIZE = 1600;
export const THUMB_SIZE = 400;

/** The kinds of image sharp is asked to decode; others (SVG, PDF, TIFF, raw camera files...) are refused unread. */
const FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'gif', 'heif']);
/** How a photo is decoded and each stored size encoded (exported for the bench, which makes the same with sharp directly). */
export const DECODE = { limitInputPixels: MEDIA_MAX_PIXELS, failOn: 'error', animated: false } as const;
export const JPEG = { quality: 82, progressive: true } as const;
export const FULL_JPEG = { quality: 90, progressive: true } as const;
export const WEBP = { quality: 78, effort: 3 } as const;
const WHITE = { r: 255, g: 255, b: 255 } as const;

/**
 * The one queue of image work in this process: as many places as there are cores (at most four). sharp itself works
 * with its own default of threads per image (one on glibc Linux), so the places are what uses the cores.
 */
export const imageQueue = new WorkQueue(Math.max(1, Math.min(4, os.availableParallelism())));

export type ImageRefusal = 'not-media' | 'heic' | 'too-many-pixels' | 'empty';

export interface ImageFiles {
  width: number; height: number;
  full: Buffer; displayWebp: Buffer; displayJpeg: Buffer; thumbWebp: Buffer; thumbJpeg: Buffer;
}

export type ImageResult = { ok: true; files: ImageFiles } | { ok: false; error: ImageRefusal };

/** Makes every stored size of a photo, or says why it is none, in its turn in the queue. */
export function imageFiles(bytes: Uint8Array): Promise<ImageResult> {
  return imageQueue.run(() => makeImageFiles(bytes));
}

/** imageFiles for a caller that already holds a place in the queue. */
export async function makeImageFiles(bytes: Uint8Array): Promise<ImageResult> {
  if (bytes.length === 0) return { ok: false, error: 'empty' };
  try {
    const format = await decodableFormat(bytes);
    if (!format.ok) return format;
    // Two branches at once, each decoding the photo once: the full size, and the display size (a JPEG shrinks while it
    // loads) with its encodings and the thumbnail made from it.
    const [full, sizes] = await Promise.all([
      sharp(bytes, DECODE).rotate().flatten({ background: WHITE }).jpeg(FULL_JPEG).toBuffer({ resolveWithObject: true }),
      displayAndThumb(bytes),
    ]);
    const { displayWebp, displayJpeg, thumbWebp, thumbJpeg } = sizes;
    return { ok: true, files: { width: full.info.width, height: full.info.height, full: full.data, displayWebp, displayJpeg, thumbWebp, thumbJpeg } };
  } catch (error) {
    return { ok: false, error: await refusalOf(bytes, error) };
  }
}

async function displayAndThumb(bytes: Uint8Array): Promise<Pick<ImageFiles, 'displayWebp' | 'displayJpeg' | 'thumbWebp' | 'thumbJpeg'>> {
  const display = await sharp(bytes, DECODE).rotate()
    .resize({ width: DISPLAY_SIZE, height: DISPLAY_SIZE, fit: 'inside', withoutEnlargement: true })
    .raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: display.info.width, height: display.info.height, channels: display.info.channels } } as const;
  const thumb = await sharp(display.data, raw)
    .resize({ width: THUMB_SIZE, height: THUMB_SIZE, fit: 'inside', withoutEnlargement: true })
    .raw().toBuffer({ resolveWithObject: true });
  const small = { raw: { width: thumb.info.width, height: thumb.info.height, channels: thumb.info.channels } } as const;
  const [displayWebp, displayJpeg, thumbWebp, thumbJpeg] = await Promise.all([
    sharp(display.data, raw).webp(WEBP).toBuffer(),
    sharp(display.data, raw).flatten({ background: WHITE }).jpeg(JPEG).toBuffer(),
    sharp(thumb.data, small).webp(WEBP).toBuffer(),
    sharp(thumb.data, small).flatten({ background: WHITE }).jpeg(JPEG).toBuffer(),
  ]);
  return { displayWebp, displayJpeg, thumbWebp, thumbJpeg };
}

/**
 * A picture cut to fill the box exactly (the middle kept, cover-crop), upright, without metadata, as JPEG — e.g. a
 * child's 160×200 picture. Refused like a photo when it does not decode.
 */
export function coverPicture(bytes: Uint8Array, box: { width: number; height: number }): Promise<{ ok: true; image: Buffer } | { ok: false; error: ImageRefusal }> {
  if (bytes.length === 0) return Promise.resolve({ ok: false, error: 'empty' });
  return imageQueue.run(async () => {
    try {
      const format = await decodableFormat(bytes);
      if (!format.ok) return format;
      const image = await sharp(bytes, DECODE).rotate()
        .resize({ width: box.width, height: box.height, fit: 'cover', position: 'attention' })
        .flatten({ background: WHITE }).jpeg(FULL_JPEG).toBuffer();
      return { ok: true, image };
    } catch (error) {
      return { ok: false, error: await refusalOf(bytes, error) };
    }
  });
}

/** Whether the bytes claim a format sharp is asked to decode at all (the decoding itself decides the rest). */
async function decodableFormat(bytes: Uint8Array): Promise<{ ok: true } | { ok: false; error: ImageRefusal }> {
  const { format } = await sharp(bytes, DECODE).metadata();
  return format && FORMATS.has(format) ? { ok: true } : { ok: false, error: 'not-media' };
}

/** Why a photo did not decode: too many pixels, an iPhone HEIC this build cannot read, or not an image. */
async function refusalOf(bytes: Uint8Array, error: unknown): Promise<ImageRefusal> {
  if (/pixel limit/i.test(String((error as Error)?.message))) return 'too-many-pixels';
  return (await isHeic(bytes)) ? 'heic' : 'not-media';
}

/** An HEIF file whose brand says HEVC (an iPhone photo), which this sharp build cannot decode. */
export async function isHeic(bytes: Uint8Array): Promise<boolean> {
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(4, 8)) !== 'ftyp') return false;
  const size = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0));
  const brands: string[] = [];
  for (let at = 8; at + 4 <= size; at += 4) if (at !== 12) brands.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
  return brands.some((brand) => HEVC_BRANDS.has(brand));
}
const HEVC_BRANDS: ReadonlySet<string> = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
