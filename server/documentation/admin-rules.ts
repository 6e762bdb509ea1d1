// The municipality's documentation settings form, read on its own: each limit a whole number within its bounds, and
// strong login only when Vardag has a way to log in strongly (else turning it on would lock every family out of
// documentation without a word).
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import type { DocumentationSettings } from './settings.ts';

type NumberSetting = Exclude<keyof DocumentationSettings, 'strongLogin'>;

/** Each number's form field and bounds (both included). */
export const NUMBER_FIELDS: Record<NumberSetting, { field: string; min: number; max: number }> = {
  imageMaxMb: { field: 'image_max_mb', min: 1, max: 50 },
  videoMaxMb: { field: 'video_max_mb', min: 1, max: 2000 },
  videoMaxSeconds: { field: 'video_max_seconds', min: 5, max: 3600 },
  audioMaxMb: { field: 'audio_max_mb', min: 1, max: 500 },
  audioMaxSeconds: { field: 'audio_max_seconds', min: 5, max: 7200 },
  exportGraceDays: { field: 'export_grace_days', min: 0, max: 730 },
};

export const STRONG_LOGIN_FIELD = 'strong_login';

/** The form's values from the settings (what the page shows before anything is typed). */
export function formValues(s: DocumentationSettings): Record<string, string> {
  return Object.fromEntries((Object.keys(NUMBER_FIELDS) as NumberSetting[]).map((name) => [NUMBER_FIELDS[name].field, String(s[name])]));
}

/**
 * The settings from the form: every number a whole number (digits only, spaces around allowed) within its bounds; the
 * strong-login box ticked ('yes') only while a strong login method exists.
 */
export function parseDocumentationSettings(value: (name: string) => string, strongLoginAvailable: boolean): Parsed<DocumentationSettings> {
  const errors: FieldErrors = {};
  const numbers = {} as Record<NumberSetting, number>;
  for (const name of Object.keys(NUMBER_FIELDS) as NumberSetting[]) {
    const { field, min, max } = NUMBER_FIELDS[name];
    const raw = value(field).trim();
    const n = /^[0-9]{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
    if (raw === '') errors[field] = { key: 'documentation.admin.errors.required' };
    else if (!Number.isInteger(n) || n < min || n > max) errors[field] = { key: 'documentation.admin.errors.range', params: { min, max } };
    else numbers[name] = n;
  }
  const strongLogin = value(STRONG_LOGIN_FIELD) === 'yes';
  if (strongLogin && !strongLoginAvailable) errors[STRONG_LOGIN_FIELD] = { key: 'documentation.admin.errors.noStrongLoginMethod' };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { ...numbers, strongLogin } };
}
