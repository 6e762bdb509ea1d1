// The audit trail's search form read and checked: names at most 100 characters, an action of the audited ones, the
// days from and to as dates with "from" not after "to" (Stockholm days: "to" includes its whole day), a page number.
import { actionDefinition, actions, type Action } from '../kernel/actions.ts';
import { addDays, isDate } from '../kernel/dates.ts';
import { hasErrors, type FieldErrors, type Parsed } from '../kernel/forms.ts';
import { stockholmDate } from '../kernel/clock.ts';
import type { AuditSearch } from './search.ts';

/** The actions that leave rows in the trail, by name: what the search's action list offers. */
export const AUDITED_ACTIONS: readonly string[] = (Object.keys(actions) as Action[]).filter((a) => actionDefinition(a).audited).sort();

export interface AuditForm { child: string; person: string; action: string; from: string; to: string }

export const FORM_FIELDS = ['child', 'person', 'action', 'from', 'to'] as const;

/** The first instant of a Stockholm calendar day, as an ISO string (midnight is 23:00 or 22:00 UTC the day before). */
export function startOfDay(day: string): string {
  for (const hours of [2, 1]) {
    const instant = new Date(Date.parse(`${day}T00:00:00Z`) - hours * 3_600_000);
    if (stockholmDate(instant) === day) return instant.toISOString();
  }
  return `${day}T00:00:00.000Z`;
}

export function parseAuditSearch(form: AuditForm, municipalityId: number): Parsed<AuditSearch> {
  const errors: FieldErrors = {};
  const child = form.child.trim();
  const person = form.person.trim();
  if (child.length > 100) errors.child = { key: 'audit.errors.tooLong' };
  if (person.length > 100) errors.person = { key: 'audit.errors.tooLong' };
  if (form.action && !AUDITED_ACTIONS.includes(form.action)) errors.action = { key: 'audit.errors.action' };
  const from = form.from.trim();
  const to = form.to.trim();
  if (from && !isDate(from)) errors.from = { key: 'audit.errors.date' };
  if (to && !isDate(to)) errors.to = { key: 'audit.errors.date' };
  else if (from && to && isDate(from) && to < from) errors.to = { key: 'audit.errors.toBeforeFrom' };
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, value: {
    municipalityId, child, person, action: form.action, from: from ? startOfDay(from) : null, to: to ? startOfDay(addDays(to, 1)) : null,
  } };
}

/** The page asked for: a whole number from 1 (anything else is the first page). */
export function parsePage(raw: unknown): number {
  return typeof raw === 'string' && /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : 1;
}

/**
 * One CSV cell: quoted when it holds the separator, a quote or a line break; a cell that a spreadsheet would read as
 * a formula (=, +, -, @, a tab or a carriage return first) gets a ' first, so opening the export runs nothing.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
