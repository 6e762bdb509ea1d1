// What the retention form may say: a whole number of months per kind kept after a child left, from the registry's
// minimum to ten years, and a whole number of days per kind kept for a time, from a week to ten years.
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import { MAX_RETENTION_DAYS, MAX_RETENTION_MONTHS, MIN_RETENTION_DAYS, type RetentionRule, type TimedRetentionRule } from '../kernel/personal-data.ts';

export const monthsField = (kind: string): string => `months_${kind}`;

export function parseRetentionPeriods(
  rules: readonly RetentionRule[], minimum: number, value: (name: string) => string,
): Parsed<Map<string, number>> {
  const periods = new Map<string, number>();
  const errors: FieldErrors = {};
  for (const rule of rules) {
    const name = monthsField(rule.kind);
    const raw = value(name).trim();
    const months = /^[0-9]{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
    if (raw === '') errors[name] = { key: 'personalData.errors.monthsMissing' };
    else if (!(months >= minimum && months <= MAX_RETENTION_MONTHS)) {
      errors[name] = { key: 'personalData.errors.monthsRange', params: { min: minimum, max: MAX_RETENTION_MONTHS } };
    } else periods.set(rule.kind, months);
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: periods };
}

export const daysField = (kind: string): string => `days_${kind}`;

export function parseRetentionDays(rules: readonly TimedRetentionRule[], value: (name: string) => string): Parsed<Map<string, number>> {
  const periods = new Map<string, number>();
  const errors: FieldErrors = {};
  for (const rule of rules) {
    const name = daysField(rule.kind);
    const raw = value(name).trim();
    const days = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
    if (raw === '') errors[name] = { key: 'personalData.errors.daysMissing' };
    else if (!(days >= MIN_RETENTION_DAYS && days <= MAX_RETENTION_DAYS)) {
      errors[name] = { key: 'personalData.errors.daysRange', params: { min: MIN_RETENTION_DAYS, max: MAX_RETENTION_DAYS } };
    } else periods.set(rule.kind, days);
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: periods };
}

/** A page number from the query string: 1 unless a whole number from 1 up. */
export function pageNumber(raw: unknown): number {
  return typeof raw === 'string' && /^[1-9][0-9]{0,4}$/.test(raw) ? Number(raw) : 1;
}

/** ÅÅMMDD-XXXX: the date part of a personnummer or samordningsnummer, never its last four digits. */
export function maskedIdentity(identity: string | null): string | null {
  if (!identity) return null;
  const digits = identity.replace(/[^0-9]/g, '');
  return digits.length >= 10 ? `${digits.slice(-10, -4)}-XXXX` : null;
}
