// Two homes (issue 26): whose days are whose when a child's guardians live apart. A guardian's pattern says which days
// are theirs to register, from a day on: every other week from the week of `validFrom`, or some weekdays every week.
// Pure functions: homes.ts loads the patterns, these decide.
import { addDays, isDate, isoWeekday, mondayOf } from '../kernel/dates.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import type { CareHomePatternKind } from '../../db/schema.ts';

export interface HomePattern {
  id: number; guardianId: number; guardianName: string; kind: CareHomePatternKind;
  /** ISO weekdays (1 Monday … 7 Sunday) of a 'weekdays' pattern; empty for 'alternate-weeks'. */
  weekdays: number[];
  validFrom: string; validTo: string | null;
}

/** A guardian of the child, by household (only guardians in different households split the days). */
export interface HomeGuardian { id: number; name: string; otherHousehold: boolean }

/** A new pattern as the form gives it, before it is checked. */
export interface NewPattern { kind: CareHomePatternKind; weekdays: number[]; validFrom: string }

/** Whether the pattern is in force on the day (from its first day to its last, both included). */
export function inForce(p: Pick<HomePattern, 'validFrom' | 'validTo'>, date: string): boolean {
  return date >= p.validFrom && (p.validTo === null || date <= p.validTo);
}

/** Whether the day is one of the pattern's: in force, and in one of its weeks or on one of its weekdays. */
export function covers(p: Pick<HomePattern, 'kind' | 'weekdays' | 'validFrom' | 'validTo'>, date: string): boolean {
  if (!inForce(p, date)) return false;
  if (p.kind === 'weekdays') return p.weekdays.includes(isoWeekday(date));
  const weeks = Math.round((Date.parse(mondayOf(date)) - Date.parse(mondayOf(p.validFrom))) / (7 * 86_400_000));
  return weeks % 2 === 0;
}

/** The pattern whose day `date` is, if any (two guardians' patterns never share a day; the latest wins should they). */
export function ownerOn(patterns: readonly HomePattern[], date: string): HomePattern | undefined {
  let found: HomePattern | undefined;
  for (const p of patterns) if (covers(p, date)) found = p;
  return found;
}

/** Whether any pattern of the child is in force on the day: then the two guardians' registrations are kept apart. */
export function twoHomesOn(patterns: readonly HomePattern[], date: string): boolean {
  return patterns.some((p) => inForce(p, date));
}

/** The guardians in another household than `guardianId` (the ones whose days are not this guardian's to change). */
export function otherHousehold(guardians: readonly HomeGuardian[], guardianId: number): HomeGuardian[] {
  const me = guardians.find((g) => g.id === guardianId);
  if (!me) return [];
  return guardians.filter((g) => g.otherHousehold !== me.otherHousehold);
}

/** Whether the child has guardians in two households (only then do patterns apply). */
export function hasTwoHomes(guardians: readonly HomeGuardian[]): boolean {
  return guardians.some((g) => g.otherHousehold) && guardians.some((g) => !g.otherHousehold);
}

/**
 * The first day the new pattern would share with one of the other guardians' patterns in force on or after its first
 * day, or undefined. The new pattern runs on with no end; patterns repeat every two weeks, so two weeks from where
 * both are in force are enough.
 */
export function firstSharedDay(pattern: NewPattern, others: readonly HomePattern[]): { date: string; with: HomePattern } | undefined {
  const candidate = { ...pattern, validTo: null };
  for (const other of others) {
    if (other.validTo !== null && other.validTo < pattern.validFrom) continue;
    const start = [other.validFrom, pattern.validFrom].sort()[1]; // the later of the two first days (ISO dates sort as text)
    for (let i = 0; i < 14; i++) {
      const date = addDays(start, i);
      if (other.validTo !== null && date > other.validTo) break;
      if (covers(candidate, date) && covers(other, date)) return { date, with: other };
    }
  }
  return undefined;
}

/**
 * The pattern form: a kind, at least one weekday for 'weekdays', a first day from today on; and no day shared with
 * another household's pattern. Errors at the field they belong to (`kind`, `weekdays`, `from`).
 */
export function parsePattern(
  raw: { kind: string; weekdays: string[]; from: string }, today: string, others: readonly HomePattern[],
): { pattern?: NewPattern; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const kind = raw.kind === 'alternate-weeks' || raw.kind === 'weekdays' ? raw.kind : undefined;
  if (!kind) errors.kind = { key: 'homes.errors.kind' };
  const weekdays = [...new Set(raw.weekdays.map(Number))].filter((d) => Number.isInteger(d) && d >= 1 && d <= 7).sort();
  if (kind === 'weekdays' && weekdays.length === 0) errors.weekdays = { key: 'homes.errors.weekdays' };
  const from = raw.from.trim();
  if (!from) errors.from = { key: 'homes.errors.fromMissing' };
  else if (!isDate(from)) errors.from = { key: 'schedule.errors.dateFormat' };
  else if (from < today) errors.from = { key: 'homes.errors.past', dates: { date: today } };
  if (Object.keys(errors).length || !kind) return { errors };
  const pattern: NewPattern = { kind, weekdays: kind === 'weekdays' ? weekdays : [], validFrom: from };
  const shared = firstSharedDay(pattern, others);
  if (shared) {
    errors[kind === 'weekdays' ? 'weekdays' : 'from'] = { key: 'homes.errors.overlap', params: { name: shared.with.guardianName }, dates: { date: shared.date } };
    return { errors };
  }
  return { pattern, errors };
}

/** The end form: a first day from today on, from which the guardian's pattern no longer applies. */
export function parseEnd(raw: string, today: string, mine: readonly HomePattern[]): { from?: string; errors: FieldErrors } {
  const from = raw.trim();
  const errors: FieldErrors = {};
  if (!from) errors.end_from = { key: 'homes.errors.fromMissing' };
  else if (!isDate(from)) errors.end_from = { key: 'schedule.errors.dateFormat' };
  else if (from < today) errors.end_from = { key: 'homes.errors.past', dates: { date: today } };
  else if (!mine.some((p) => p.validTo === null || p.validTo >= from)) errors.end_from = { key: 'homes.errors.nothingToEnd' };
  return Object.keys(errors).length ? { errors } : { from, errors };
}

/** The day before `date`: a pattern replaced or ended from `date` has this as its last day. */
export function dayBefore(date: string): string {
  return addDays(date, -1);
}

/**
 * The pattern of another household's guardian that owns the day, for a guardian (`others`: the guardians in the other
 * household); undefined when the day is the user's own, nobody's, or the user is not a guardian.
 */
export function theirPattern(homes: { patterns: readonly HomePattern[]; others: readonly HomeGuardian[] }, date: string): HomePattern | undefined {
  if (!homes.others.length) return undefined;
  const owner = ownerOn(homes.patterns, date);
  return owner && homes.others.some((g) => g.id === owner.guardianId) ? owner : undefined;
}
