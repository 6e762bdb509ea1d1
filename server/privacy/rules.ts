// What the retention form may say: a whole number of months per kind kept after a child left, from the registry's
// minimum to ten years, and a whole number of days per kind kept for a time, from a week to ten years.
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import { MAX_RETENTION_DAYS, MAX_RETENTION_MONTHS, MIN_RETENTION_DAYS, type RetentionRule, type TimedRetentionRule } from '../kernel/personal-data.ts';

export const monthsField = (kind: string): string => `months_${kind}`;
export const daysField = (kind: string): string => `days_${kind}`;

/** The months of each kind kept after a child left: `minimum` (the registry's, or more) to ten years. */
export function parseRetentionPeriods(
  rules: readonly RetentionRule[], minimum: number, value: (name: string) => string,
): Parsed<Map<string, number>> {
  return parsePeriods(rules, value, { field: monthsField, min: minimum, max: MAX_RETENTION_MONTHS, unit: 'months', digits: /^[0-9]{1,4}$/ });
}

/** The days of each kind kept for a time: a week to ten years. */
export function parseRetentionDays(rules: readonly TimedRetentionRule[], value: (name: string) => string): Parsed<Map<string, number>> {
  return parsePeriods(rules, value, { field: daysField, min: MIN_RETENTION_DAYS, max: MAX_RETENTION_DAYS, unit: 'days', digits: /^[0-9]{1,5}$/ });
}

function parsePeriods(rules: readonly { kind: string }[], value: (name: string) => string,
  { field, min, max, unit, digits }: { field: (kind: string) => string; min: number; max: number; unit: 'months' | 'days'; digits: RegExp }): Parsed<Map<string, number>> {
  const periods = new Map<string, number>();
  const errors: FieldErrors = {};
  for (const rule of rules) {
    const name = field(rule.kind);
    const raw = value(name).trim();
    const length = digits.test(raw) ? Number(raw) : Number.NaN;
    if (raw === '') errors[name] = { key: `personalData.errors.${unit}Missing` };
    else if (!(length >= min && length <= max)) errors[name] = { key: `personalData.errors.${unit}Range`, params: { min, max } };
    else periods.set(rule.kind, length);
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
