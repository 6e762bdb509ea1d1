// Video and sound as staff record them on a phone: recognised by their content (file-type), never by the name or the
// type the browser claims, against a short list the browsers play (MP4, QuickTime, WebM video; M4A, MP3, Ogg, WebM
// sound); their length read (music-metadata, and the MP4 header itself); where an MP4 or QuickTime file says where it
// was recorded, that box is blanked (see mp4.ts). The file is otherwise kept as uploaded.
import { fileTypeFromFile } from 'file-type';
import { parseFile } from 'music-metadata';
import type { MediaKind } from '../../db/schema.ts';
import { stripIsoMetadata } from './mp4.ts';

/** The containers accepted, by file-type's extension; `iso`: an ISO media file whose metadata boxes are blanked. */
const CONTAINERS: Readonly<Record<string, { video: string; audio: string; iso: boolean }>> = {
  mp4: { video: 'video/mp4', audio: 'audio/mp4', iso: true },
  m4v: { video: 'video/mp4', audio: 'audio/mp4', iso: true },
  mov: { video: 'video/quicktime', audio: 'audio/mp4', iso: true },
  m4a: { video: 'video/mp4', audio: 'audio/mp4', iso: true },
  webm: { video: 'video/webm', audio: 'audio/webm', iso: false },
  mp3: { video: '', audio: 'audio/mpeg', iso: false },
  ogg: { video: '', audio: 'audio/ogg', iso: false },
  oga: { video: '', audio: 'audio/ogg', iso: false },
  opus: { video: '', audio: 'audio/ogg', iso: false },
};

/** A stored file's extension by its type. */
export const EXTENSIONS: Readonly<Record<string, string>> = {
  'video/mp4': 'mp4', 'video/quicktime': 'mov', 'video/webm': 'webm', 'audio/mp4': 'm4a', 'audio/webm': 'webm', 'audio/mpeg': 'mp3', 'audio/ogg': 'ogg',
};

/** What the content says the file is: a container on the list, or something else (maybe an image). */
export async function sniffContainer(filePath: string): Promise<string | undefined> {
  const type = await fileTypeFromFile(filePath);
  return type && Object.hasOwn(CONTAINERS, type.ext) ? type.ext : undefined;
}

export interface AvFacts { kind: Exclude<MediaKind, 'image'>; mime: string; durationMs: number | null; width: number | null; height: number | null }

/**
 * Reads a video or sound file of the given container (blanking its location first, in place: pass a copy); undefined
 * when it does not parse as one (a disguised or damaged file).
 */
export async function avFacts(filePath: string, container: string): Promise<AvFacts | undefined> {
  const kinds = CONTAINERS[container];
  if (!kinds) return undefined;
  try {
    const iso = kinds.iso ? await stripIsoMetadata(filePath) : undefined;
    const { format } = await parseFile(filePath, { duration: true, skipCovers: true });
    const hasVideo = format.hasVideo ?? (iso ? iso.width !== null : false);
    if (hasVideo && !kinds.video) return undefined;
    const seconds = Math.max(format.duration ?? 0, (iso?.durationMs ?? 0) / 1000);
    const durationMs = seconds > 0 && Number.isFinite(seconds) ? Math.round(seconds * 1000) : null;
    if (!hasVideo && format.hasAudio === false && durationMs === null) return undefined; // nothing to play
    const picture = format.trackInfo.find((track) => track.video)?.video;
    return hasVideo
      ? { kind: 'video', mime: kinds.video, durationMs, width: iso?.width ?? picture?.pixelWidth ?? null, height: iso?.height ?? picture?.pixelHeight ?? null }
      : { kind: 'audio', mime: kinds.audio, durationMs, width: null, height: null };
  } catch {
    return undefined;
  }
}
