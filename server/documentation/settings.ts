// A municipality's documentation settings: how large (and, for video and sound, how long) one uploaded file may be,
// how long a child's portfolio can still be downloaded after the child's last placement ended, and whether
// documentation needs a strong login. A municipality that never saved them has the defaults.
import { prepared, type Db } from '../kernel/db.ts';

export interface DocumentationSettings {
  imageMaxMb: number;
  videoMaxMb: number;
  videoMaxSeconds: number;
  audioMaxMb: number;
  audioMaxSeconds: number;
  /** Days after the last placement's end during which the guardians can still download the portfolio. */
  exportGraceDays: number;
  strongLogin: boolean;
}

export const DEFAULT_DOCUMENTATION_SETTINGS: DocumentationSettings = {
  imageMaxMb: 25, videoMaxMb: 200, videoMaxSeconds: 120, audioMaxMb: 25, audioMaxSeconds: 300, exportGraceDays: 90, strongLogin: false,
};

const settingsRow = prepared((db: Db, municipalityId: number) => db.selectFrom('documentation_settings')
  .select(['image_max_mb', 'video_max_mb', 'video_max_seconds', 'audio_max_mb', 'audio_max_seconds', 'export_grace_days', 'strong_login'])
  .where('municipality_id', '=', municipalityId));

export async function documentationSettings(db: Db, municipalityId: number): Promise<DocumentationSettings> {
  const [row] = await settingsRow(db, municipalityId);
  if (!row) return DEFAULT_DOCUMENTATION_SETTINGS;
  return {
    imageMaxMb: row.image_max_mb, videoMaxMb: row.video_max_mb, videoMaxSeconds: row.video_max_seconds,
    audioMaxMb: row.audio_max_mb, audioMaxSeconds: row.audio_max_seconds, exportGraceDays: row.export_grace_days,
    strongLogin: row.strong_login === 1,
  };
}
