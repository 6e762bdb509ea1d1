// How large (and, for video and sound, how long) one uploaded file may be, in the units the media library works in:
// bytes and seconds, from limits as a municipality sets them (megabytes and seconds; the documentation settings).

export interface MediaLimits { imageMaxBytes: number; videoMaxBytes: number; videoMaxSeconds: number; audioMaxBytes: number; audioMaxSeconds: number }

/** The limits as people set them: megabytes per file, seconds of video or sound. */
export interface LimitsAsSet { imageMaxMb: number; videoMaxMb: number; videoMaxSeconds: number; audioMaxMb: number; audioMaxSeconds: number }

const MB = 1024 * 1024;

export function mediaLimits(s: LimitsAsSet): MediaLimits {
  return {
    imageMaxBytes: s.imageMaxMb * MB, videoMaxBytes: s.videoMaxMb * MB, videoMaxSeconds: s.videoMaxSeconds,
    audioMaxBytes: s.audioMaxMb * MB, audioMaxSeconds: s.audioMaxSeconds,
  };
}

/** The largest file any kind may be: what the upload lets through before the kind is known. */
export function largestUpload(limits: MediaLimits): number {
  return Math.max(limits.imageMaxBytes, limits.videoMaxBytes, limits.audioMaxBytes);
}
