// Saving standard times (standardtider): a week of times that fills the days nobody registered, from the day it
// starts. Standard times starting on or after that day are replaced (see saveStandard).
import { field } from '../kernel/http.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { saveStandard } from './queries.ts';
import { lastBookableDay, parseStandardWeek, type RawStandardWeek } from './rules.ts';
import { loadStandard, type ChildContext, type ScheduleDeps, type StandardPage } from './load.ts';

export type SaveStandardResult =
  | { ok: true; childId: number }
  | { ok: false; kind: 'not-found' }
  | { ok: false; kind: 'invalid'; page: StandardPage; errors: FieldErrors };

/** The standard week form's fields, for the weekdays the unit opens. */
export function standardForm(form: Record<string, unknown>, openWeekdays: number[]): RawStandardWeek {
  return {
    days: new Map(openWeekdays.map((weekday) => [weekday, {
      starts: field(form, `starts_${weekday}`), ends: field(form, `ends_${weekday}`), dayOff: field(form, `off_${weekday}`) === 'yes',
    }])),
    validFrom: field(form, 'valid_from'),
  };
}

/** Saves the standard week form. `locale` writes the hours in a refusal ("20 timmar"). */
export async function saveStandardWeek(
  deps: ScheduleDeps, { actor, account, target }: ChildContext, form: Record<string, unknown>, locale: string,
): Promise<SaveStandardResult> {
  const page = await loadStandard(deps, actor, target);
  if (!page) return { ok: false, kind: 'not-found' };
  const { days, validFrom, errors } = parseStandardWeek(standardForm(form, page.openWeekdays), {
    hours: page.care.calendar.hours, earliest: page.earliest, lastDay: lastBookableDay(page.rules), hourLimit: page.placement.hourLimit, locale,
  });
  if (Object.keys(errors).length) return { ok: false, kind: 'invalid', page, errors };
  await saveStandard(deps.db, { childId: page.placement.childId, validFrom, days, by: account.id, now: deps.clock.now() });
  return { ok: true, childId: page.placement.childId };
}
