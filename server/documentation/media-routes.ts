// The photos, videos and sound of the documentation, sent only through the access check: a medium reaches whom the photo
// rule lets see it (read-queries.ts), everyone else gets 404. Images in a thumbnail, a display size (WebP, with JPEG for
// browsers without it) and a full-size JPEG; video and sound as stored, with range requests so they play in the page.
// A download is a saved copy for private use (the post's page shows the municipality's terms beside the link).
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { notFound, type RouteTable } from '../kernel/http.ts';
import { sendMedia, type MediaVariant } from '../media/index.ts';
import { mediumToSend } from './read-queries.ts';

interface Deps { db: Db; clock: Clock; dataDir: string }

/** The variants an address may name: an image's sizes and formats, a video's or sound's file. */
const IMAGE_VARIANTS: Record<string, [MediaVariant, 'webp' | 'jpeg']> = {
  'thumb.webp': ['thumb', 'webp'], 'thumb.jpg': ['thumb', 'jpeg'], 'display.webp': ['display', 'webp'], 'display.jpg': ['display', 'jpeg'],
  'full.jpg': ['full', 'jpeg'],
};

const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4', 'video/webm': 'webm', 'video/quicktime': 'mov', 'audio/mp4': 'm4a', 'audio/x-m4a': 'm4a', 'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg', 'audio/webm': 'webm',
};

export function mediaRoutes(routes: RouteTable, deps: Deps): void {
  const { db, dataDir } = deps;

  // (before the variants' route, which would take "download" for a variant)
  routes.get('/media/:postMediaId/download', 'postMedia.download', async (req, res, { target }) => {
    const medium = await mediumToSend(db, target.id);
    if (!medium) throw notFound();
    const day = (medium.publishedAt ?? '').slice(0, 10);
    const extension = medium.kind === 'image' ? 'jpg' : EXTENSIONS[medium.mime] ?? 'bin';
    const fileName = `vardag-${day ? `${day}-` : ''}${medium.id}.${extension}`;
    await sendMedia(req, res, dataDir, medium, medium.kind === 'image' ? 'full' : 'file', 'jpeg', { fileName });
  });

  routes.get('/media/:postMediaId/:variant', 'postMedia.read', async (req, res, { target }) => {
    const medium = await mediumToSend(db, target.id);
    if (!medium) throw notFound();
    const variant = String(req.params.variant);
    if (medium.kind === 'image') {
      const chosen = Object.hasOwn(IMAGE_VARIANTS, variant) ? IMAGE_VARIANTS[variant] : undefined;
      if (!chosen) throw notFound();
      return sendMedia(req, res, dataDir, medium, chosen[0], chosen[1]);
    }
    if (variant !== 'file') throw notFound();
    return sendMedia(req, res, dataDir, medium, 'file', 'jpeg');
  });
}
