// The standard times page (views/schedule/standard.eta): the standard week in force and the coming ones, the hours a
// standard week holds under the placement's limit, and the form for new standard times, filled in with the latest.
import type { FieldErrors } from '../kernel/forms.ts';
import { field } from '../kernel/http.ts';
import { formatDate, LONG_DATE, translator, WEEKDAY_NAME, type Language } from '../kernel/i18n.ts';
import type { StandardSchedule } from './queries.ts';
import { careMinutes, hoursText, scheduleOn, STANDARD_WEEK_LIMIT } from './rules.ts';
import { valueText } from './week-view.ts';
import type { StandardPage } from './load.ts';

export interface StandardViewOptions {
  /** The form as posted, when it comes back refused: what the user typed is shown again. */
  form?: Record<string, unknown>;
  errors?: FieldErrors;
}

/** The data of views/schedule/standard.eta. */
export function standardView(page: StandardPage, language: Language, options: StandardViewOptions = {}) {
  const t = translator(language);
  const { care, rules } = page;
  const weekdays = page.openWeekdays.map((weekday) => {
    const hours = care.calendar.hours[weekday];
    return {
      weekday, name: formatDate(`2024-01-0${weekday}`, language, WEEKDAY_NAME),
      hours: hours ? t('schedule.openingHours', { opens: hours.opens, closes: hours.closes }) : '',
    };
  });
  const week = (s: StandardSchedule) => weekdays.map((d) => ({ name: d.name, value: valueText(t, s.days.get(d.weekday)) }));
  const current = scheduleOn(care.schedules, rules.today);
  const upcoming = care.schedules.filter((s) => s.validFrom > rules.today);
  const latest = upcoming[upcoming.length - 1] ?? current;

  const values: Record<string, string> = {};
  const checked = new Set<number>();
  const errors = options.errors ?? {};
  const form = Object.keys(errors).length ? options.form ?? {} : undefined;
  for (const { weekday } of weekdays) {
    if (form) {
      values[`starts_${weekday}`] = field(form, `starts_${weekday}`);
      values[`ends_${weekday}`] = field(form, `ends_${weekday}`);
      if (field(form, `off_${weekday}`) === 'yes') checked.add(weekday);
    } else {
      const v = latest?.days.get(weekday);
      values[`starts_${weekday}`] = v && !v.dayOff ? v.starts ?? '' : '';
      values[`ends_${weekday}`] = v && !v.dayOff ? v.ends ?? '' : '';
      if (v?.dayOff) checked.add(weekday);
    }
  }
  values.valid_from = form ? field(form, 'valid_from') : page.earliest;
  const minutes = latest ? [...latest.days.values()].reduce((sum, v) => sum + careMinutes(v), 0) : 0;

  return {
    child: page.placement, errors, values, checked: [...checked], canUpdate: page.canUpdate, weekdays,
    current: current && {
      intro: t('schedule.standard.current', { date: formatDate(current.validFrom, language, LONG_DATE), name: current.createdBy }), days: week(current),
    },
    upcoming: upcoming.map((s) => ({
      intro: t('schedule.standard.upcoming', { date: formatDate(s.validFrom, language, LONG_DATE), name: s.createdBy }), days: week(s),
    })),
    limitNote: page.placement.hourLimit === 'none' ? null
      : t('schedule.standard.limit', { limit: STANDARD_WEEK_LIMIT, used: hoursText(minutes, language.locale) }),
    firstDay: page.canUpdate ? t('schedule.standard.firstDay', { date: formatDate(page.earliest, language) }) : null,
    validFromHint: t('schedule.standard.validFromHint', { date: formatDate(page.earliest, language, LONG_DATE) }),
  };
}
