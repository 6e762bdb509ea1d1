// The history page's lines in the reader's words: each change's kind, and its value before and after as text
// ("08:00–16:00", "Frånvaro hela dagen", "kom 07:45"). The pickup list's and emergency contacts' changes name the person
// only for a reader the page says may see the list (`pickupDetails`: the policy's 'child.pickup.read'), as the list
// itself: otherwise that someone was added, changed or removed.
import type { TFunction } from 'i18next';
import { formatPhone } from '../kernel/phones.ts';
import type { HistoryEntry } from './queries.ts';

export interface HistoryLine { date: string; what: string; before: string; after: string; by: string; at: string }

const KINDS = ['times', 'standard', 'absence', 'attendance', 'homes', 'conflict'];

export interface HistoryOptions {
  /** Whether the reader may see the child's pickup list (names and phone numbers in its changes); off: hidden. */
  pickupDetails?: boolean;
}

export function historyLine(t: TFunction, e: HistoryEntry, options: HistoryOptions = {}): HistoryLine {
  if (e.what === 'pickup' || e.what === 'walkHome') return pickupLine(t, e, options.pickupDetails === true);
  return {
    date: e.date, what: t(`schedule.history.kind.${KINDS.includes(e.what) ? e.what : 'other'}`),
    before: historyValue(t, e.what, e.old), after: historyValue(t, e.what, e.new), by: e.by, at: e.at,
  };
}

/** A change of the pickup list or emergency contacts ("Hämtlista", "Eva Berg (mormor), 070-123 45 67"), or of walking home. */
function pickupLine(t: TFunction, e: HistoryEntry, details: boolean): HistoryLine {
  const line = { date: e.date, by: e.by, at: e.at };
  if (e.what === 'walkHome') {
    const answer = (v: unknown) => (isRecord(v) && typeof v.allowed === 'boolean' ? t(v.allowed ? 'pickup.history.walkHomeYes' : 'pickup.history.walkHomeNo') : t('schedule.history.empty'));
    return { ...line, what: t('pickup.history.kind.walkHome'), before: answer(e.old), after: answer(e.new) };
  }
  const kindOf = [e.new, e.old].map((v) => (isRecord(v) ? v.kind : undefined)).find((k) => k === 'pickup' || k === 'emergency') ?? 'pickup';
  const person = (v: unknown): string => {
    if (!isRecord(v)) return t('schedule.history.empty');
    if (!details) return t('pickup.history.hidden');
    return t('pickup.history.person', { name: text(v.name) ?? '', relation: text(v.relation) ?? '', phone: formatPhone(text(v.phone) ?? '') });
  };
  return { ...line, what: t(`pickup.history.kind.${kindOf}`), before: person(e.old), after: person(e.new) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

export function historyValue(t: TFunction, what: string, value: unknown): string {
  if (value === null || value === undefined || typeof value !== 'object') return t('schedule.history.empty');
  const v = value as Record<string, unknown>;
  if (what === 'times') {
    if ('staffComment' in v) return t('schedule.history.staffComment', { text: text(v.staffComment) ?? '' });
    const times = dayText(t, v);
    return text(v.comment) ? `${times}. ${t('schedule.guardianComment', { text: text(v.comment) })}` : times;
  }
  if (what === 'standard') {
    const days = Object.entries(v).map(([weekday, day]) => `${t(`schedule.weekdayShort.${weekday}`)} ${dayText(t, (day ?? {}) as Record<string, unknown>)}`);
    return days.length ? days.join(', ') : t('schedule.value.none');
  }
  if (what === 'absence') {
    const absence = v.wholeDay === false && text(v.starts)
      ? t('schedule.history.absencePart', { starts: text(v.starts), ends: text(v.ends) })
      : t('schedule.history.absenceWhole');
    return text(v.comment) ? `${absence}. ${t('schedule.guardianComment', { text: text(v.comment) })}` : absence;
  }
  // two homes (server/schedule/homes.ts): a guardian's days, set or ended, and a registration that waited beside the day
  if (what === 'homes') {
    const from = text(v.validFrom) ?? '';
    const days = Array.isArray(v.weekdays) ? v.weekdays.map((d) => t(`schedule.weekdayShort.${d}`)).join(', ') : '';
    const pattern = v.kind === 'alternate-weeks' ? t('schedule.history.homesAlternate', { from }) : t('schedule.history.homesWeekdays', { days, from });
    return text(v.validTo) ? `${pattern} ${t('homes.pattern.until', { date: text(v.validTo) })}` : pattern;
  }
  if (what === 'conflict') return dayText(t, v);
  if (what === 'attendance') {
    const parts = [
      ...(text(v.arrived_at) ? [t('schedule.history.arrived', { time: text(v.arrived_at) })] : []),
      ...(text(v.left_at) ? [t('schedule.history.left', { time: text(v.left_at) })] : []),
    ];
    return parts.length ? parts.join(', ') : t('schedule.history.empty');
  }
  return JSON.stringify(value);
}

function text(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}

/** A registered or standard day as kept in the history: its times, a day off, or nothing. */
function dayText(t: TFunction, v: Record<string, unknown>): string {
  const starts = text(v.starts);
  const ends = text(v.ends);
  if (v.dayOff === true) return t('schedule.value.dayOff');
  if (starts === null || ends === null) return t('schedule.value.none');
  return t('schedule.value.times', { starts, ends });
}
