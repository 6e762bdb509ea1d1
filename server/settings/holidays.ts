// Sweden's public holidays, and the eves units close (julafton, nyårsafton, midsommarafton), from the date-holidays
// library: a unit is closed on them unless it says it is open (server/settings/queries.ts, unit_open_holidays).
import Holidays from 'date-holidays';

export interface Holiday { date: string; name: string }

/** The eves that are no public holidays but on which units close (the library counts them as bank holidays). */
const CLOSED_EVES = new Set(['julafton', 'nyårsafton', 'midsommarafton']);

const swedish = new Holidays('SE');
const byYear = new Map<number, Holiday[]>();

function holidaysOf(year: number): Holiday[] {
  let days = byYear.get(year);
  if (!days) {
    const seen = new Set<string>();
    days = [];
    for (const h of swedish.getHolidays(year, 'sv')) {
      const date = h.date.slice(0, 10);
      if ((h.type !== 'public' && !CLOSED_EVES.has(h.name)) || seen.has(date)) continue;
      seen.add(date);
      days.push({ date, name: h.name.charAt(0).toUpperCase() + h.name.slice(1) });
    }
    byYear.set(year, days);
  }
  return days;
}

/** The holidays from `from` to `to` (YYYY-MM-DD, both included), in date order, with their Swedish names ("Julafton"). */
export function holidaysBetween(from: string, to: string): Holiday[] {
  const days: Holiday[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    for (const h of holidaysOf(year)) if (h.date >= from && h.date <= to) days.push(h);
  }
  return days;
}

/** The holiday on `date`, if it is one. */
export function holidayOn(date: string): Holiday | undefined {
  return holidaysOf(Number(date.slice(0, 4))).find((h) => h.date === date);
}
