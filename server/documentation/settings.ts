// A municipality's documentation settings: how large (and, for video and sound, how long) one uploaded file may be,
// how long a child's portfolio can still be downloaded after the child's last placement ended, and whether
// documentation needs a strong login. A municipality that never saved them has the defaults. Every change is kept
// (documentation_settings_changes): which setting, from what to what, who and when.
import { lockedRows } from '../../db/sql.ts';
import { prepared, type Db } from '../kernel/db.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { personName } from '../people/queries.ts';

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

/** Whether the municipality asks for a strong login for documentation (the route guard's question, see app.ts). */
export async function documentationNeedsStrongLogin(db: Db, municipalityId: number): Promise<boolean> {
  return (await documentationSettings(db, municipalityId)).strongLogin;
}

/** The settings, each with its column and how a change stores its value (a flag as 0 or 1). */
export const SETTING_COLUMNS = {
  imageMaxMb: 'image_max_mb', videoMaxMb: 'video_max_mb', videoMaxSeconds: 'video_max_seconds', audioMaxMb: 'audio_max_mb',
  audioMaxSeconds: 'audio_max_seconds', exportGraceDays: 'export_grace_days', strongLogin: 'strong_login',
} as const satisfies Record<keyof DocumentationSettings, string>;

export type SettingName = keyof typeof SETTING_COLUMNS;
export const SETTING_NAMES = Object.keys(SETTING_COLUMNS) as SettingName[];

const stored = (value: number | boolean): number => (typeof value === 'boolean' ? Number(value) : value);

/**
 * Saves the municipality's settings and, in the same transaction, a change for each setting whose value differs from
 * what it was (its own value, else the default); returns the settings that changed. Two admins saving at once: the
 * one whose write meets the other's (the row's first insert, or a row no longer what it read) runs again on what the
 * other saved, so each change says truly from what.
 */
export async function saveDocumentationSettings(
  db: Db, municipalityId: number, settings: DocumentationSettings, by: number, at: Date,
): Promise<SettingName[]> {
  return retryRaces(() => db.transaction().execute(async (trx) => {
    const row = await lockedRows(trx, trx.selectFrom('documentation_settings').selectAll().where('municipality_id', '=', municipalityId))
      .executeTakeFirst();
    const before = row ? await documentationSettings(trx, municipalityId) : DEFAULT_DOCUMENTATION_SETTINGS;
    const changed = SETTING_NAMES.filter((name) => stored(before[name]) !== stored(settings[name]));
    if (changed.length === 0) return [];
    const values = Object.fromEntries(SETTING_NAMES.map((name) => [SETTING_COLUMNS[name], stored(settings[name])])) as
      Record<(typeof SETTING_COLUMNS)[SettingName], number>;
    const changedAt = at.toISOString();
    if (!row) {
      await trx.insertInto('documentation_settings').values({ municipality_id: municipalityId, ...values, changed_by: by, changed_at: changedAt }).execute();
    } else {
      const result = await trx.updateTable('documentation_settings').set({ ...values, changed_by: by, changed_at: changedAt })
        .where('municipality_id', '=', municipalityId).where((eb) => (row.changed_at === null ? eb('changed_at', 'is', null) : eb('changed_at', '=', row.changed_at)))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new RaceLost('the documentation settings changed meanwhile');
    }
    await trx.insertInto('documentation_settings_changes').values(changed.map((name) => ({
      municipality_id: municipalityId, setting: name, old_value: row ? stored(before[name]) : null, new_value: stored(settings[name]),
      changed_by: by, changed_at: changedAt,
    }))).execute();
    return changed;
  }), ['documentation_settings.municipality_id']);
}

export interface SettingChange { setting: SettingName; oldValue: number | null; newValue: number; changedAt: string; changedBy: string | null }

/** The municipality's latest changes of its documentation settings, newest first, with the name of who made each. */
export async function documentationSettingsChanges(db: Db, municipalityId: number, limit = 50): Promise<SettingChange[]> {
  const rows = await db.selectFrom('documentation_settings_changes')
    .select(['setting', 'old_value', 'new_value', 'changed_at', (eb) => personName(eb, 'documentation_settings_changes.changed_by').as('by')])
    .where('municipality_id', '=', municipalityId).orderBy('id', 'desc').limit(limit).execute();
  return rows.filter((r) => r.setting in SETTING_COLUMNS).map((r) => ({
    setting: r.setting as SettingName, oldValue: r.old_value, newValue: r.new_value, changedAt: r.changed_at, changedBy: r.by ?? null,
  }));
}
