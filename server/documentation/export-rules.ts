// The portfolio ZIP's contents decided on their own: each medium's file name inside the ZIP (the original: a photo's
// full-size JPEG without metadata, a video or sound file as uploaded) and what the page before the download says it holds.
import type { MediaKind } from '../../db/schema.ts';
import type { HomeObservation } from './comments-queries.ts';
import type { PortfolioMedia, PortfolioPost } from './export-queries.ts';

const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4', 'video/webm': 'webm', 'video/quicktime': 'mov',
  'audio/mp4': 'm4a', 'audio/x-m4a': 'm4a', 'audio/mpeg': 'mp3', 'audio/ogg': 'ogg', 'audio/webm': 'webm',
};

/** A medium's file in the ZIP: a photo as its full-size JPEG, a video or sound as uploaded (its kind's usual extension). */
export function extensionOf(kind: MediaKind, mime: string): string {
  if (kind === 'image') return 'jpg';
  return EXTENSIONS[mime] ?? (kind === 'video' ? 'mp4' : 'm4a');
}

export interface ExportFile {
  path: string;
  media: { key: string; kind: MediaKind; mime: string };
  variant: 'full' | 'file';
}

/**
 * Every file of the ZIP, in the order of the posts (newest first), then the home observations' photos; each medium's
 * path (and each observation's photo's) for the page.
 */
export function exportFiles(posts: readonly PortfolioPost[], observations: readonly HomeObservation[] = []): {
  list: ExportFile[]; byMedia: Record<number, string>; byObservation: Record<number, string>;
} {
  const list: ExportFile[] = [];
  const byMedia: Record<number, string> = {};
  const byObservation: Record<number, string> = {};
  for (const post of posts) {
    for (const m of post.media) {
      const path = `media/${post.publishedAt.slice(0, 10)}-${post.id}-${m.id}.${extensionOf(m.kind, m.mime)}`;
      byMedia[m.id] = path;
      list.push({ path, media: mediaRef(m), variant: m.kind === 'image' ? 'full' : 'file' });
    }
  }
  for (const o of observations) {
    if (!o.photo) continue;
    const path = observationPhotoPath(o);
    byObservation[o.id] = path;
    list.push({ path, media: { key: o.photo.key, kind: 'image', mime: o.photo.mime }, variant: 'full' });
  }
  return { list, byMedia, byObservation };
}

/** A home observation's photo in the ZIP (by the day it was written and its id). */
export function observationPhotoPath(o: { id: number; createdAt: string }): string {
  return `media/hemma-${o.createdAt.slice(0, 10)}-${o.id}.jpg`;
}

/** A ZIP file's name in the register extract, in the child's folder: `media/x.jpg` is `portfolj-x.jpg`. */
export function extractFileName(path: string): string {
  return path.replace(/^media\//, 'portfolj-');
}

const mediaRef = (m: PortfolioMedia) => ({ key: m.key, kind: m.kind, mime: m.mime });

/** What the page before the download says: how many posts, photos, videos and sound clips, and notes from home. */
export function exportSummary(posts: readonly PortfolioPost[], observations: readonly HomeObservation[] = []): {
  posts: number; image: number; video: number; audio: number; fromHome: number;
} {
  const count = (kind: MediaKind) => posts.reduce((n, p) => n + p.media.filter((m) => m.kind === kind).length, 0);
  const homePhotos = observations.filter((o) => o.photo).length;
  return { posts: posts.length, image: count('image') + homePhotos, video: count('video'), audio: count('audio'), fromHome: observations.length };
}
