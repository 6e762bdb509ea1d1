// What a notification says is written when it is read, in the reader's language: a notification stores its values
// as they are (a day as 2026-12-01), and a day is shown as "tisdag 1 december" here.
import { isDate } from '../kernel/dates.ts';
import { formatDay, type Language } from '../kernel/i18n.ts';
import { stockholmDate } from '../kernel/clock.ts';

/**
 * The values of a notification's text with each day (YYYY-MM-DD) written out in the reader's language, with its year
 * when that is not the year the notification was written (`createdAt`, an ISO instant).
 */
export function readableParams(params: Record<string, string>, language: Language, createdAt: string): Record<string, string> {
  const year = stockholmDate(new Date(createdAt)).slice(0, 4);
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, isDate(value) ? formatDay(value, language, year) : value]));
}
