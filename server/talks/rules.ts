// Development talks (utvecklingssamtal): the pure rules. A slot's form read into a typed slot or field messages; when
// two slots of one staff member overlap; until when a booking may be made, changed or cancelled; which home a booking
// is for.
import { addDays, isDate, isTime, minutesOf, timeOf } from '../kernel/dates.ts';
import type { FieldErrors, Parsed } from '../kernel/forms.ts';

/** Without a setting of its unit: guardians book, change and cancel until 2 days before the talk. */
export const DEFAULT_DEADLINE_DAYS = 2;
/** The longest deadline a unit may set (a month's notice is plenty). */
export const MAX_DEADLINE_DAYS = 30;
/** Without a setting of its unit: a family in two homes books one talk together. */
export const DEFAULT_TWO_HOMES: TwoHomes = 'together';
export type TwoHomes = 'together' | 'each';

/** A talk's length in minutes: at least 10, at most 3 hours. */
export const MIN_LENGTH = 10;
export const MAX_LENGTH = 180;

export interface TalkSettings { deadlineDays: number; twoHomes: TwoHomes }

export interface SlotInput { date: string; start: string; end: string; place: string; videoUrl: string | null }

/** The slot form: date, start time, length in minutes, place and/or video link (https). */
export function parseSlot(form: (name: string) => string, today: string): Parsed<SlotInput> {
  const errors: FieldErrors = {};
  const date = form('date');
  const start = form('start');
  const length = form('length');
  const place = form('place').slice(0, 200);
  const videoUrl = form('videoUrl');
  if (!isDate(date)) errors.date = { key: 'talks.errors.date' };
  else if (date < today) errors.date = { key: 'talks.errors.past' };
  if (!isTime(start)) errors.start = { key: 'talks.errors.start' };
  const minutes = /^\d{1,3}$/.test(length) ? Number(length) : Number.NaN;
  if (!(minutes >= MIN_LENGTH && minutes <= MAX_LENGTH)) errors.length = { key: 'talks.errors.length', params: { min: MIN_LENGTH, max: MAX_LENGTH } };
  else if (isTime(start) && minutesOf(start) + minutes > 24 * 60) errors.length = { key: 'talks.errors.midnight' };
  if (videoUrl && !isVideoUrl(videoUrl)) errors.videoUrl = { key: 'talks.errors.videoUrl' };
  if (!place && !videoUrl) errors.place = { key: 'talks.errors.place' };
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { date, start, end: timeOf(minutesOf(start) + minutes), place, videoUrl: videoUrl || null } };
}

/** A video link: an https address, nothing else (no javascript:, no http). */
export function isVideoUrl(text: string): boolean {
  if (text.length > 500) return false;
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Whether two times of one day overlap (one ending as the other starts does not). */
export function overlaps(a: { start: string; end: string }, b: { start: string; end: string }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The last day a talk on `date` may be booked, changed or cancelled by a guardian. */
export function lastBookingDay(date: string, deadlineDays: number): string {
  return addDays(date, -deadlineDays);
}

/** Whether a guardian may still book, change or cancel a talk on `date` (staff may until the day itself). */
export function bookingOpen(date: string, today: string, settings: TalkSettings, byStaff = false): boolean {
  return byStaff ? date >= today : today <= lastBookingDay(date, settings.deadlineDays);
}

/** Which home a booking is for: 0 for the whole family when the unit wants one talk together, else the guardian's home. */
export function householdOf(twoHomes: TwoHomes, otherHousehold: boolean): 0 | 1 {
  return twoHomes === 'each' && otherHousehold ? 1 : 0;
}

/**
 * Of a child's booked talks, those that are the viewer's: every talk of a unit that wants one talk together (it is the
 * whole family's); with one talk each, only the viewer's own home's. A viewer who is not the child's guardian (or is
 * unknown) sees only the whole family's talks, never one home's talk as if it were theirs.
 */
export function talksOfViewer<T extends { household: number; settings: TalkSettings }>(booked: readonly T[], guardianship: { otherHousehold: boolean } | undefined): T[] {
  return booked.filter((b) => b.settings.twoHomes === 'together'
    || (guardianship !== undefined && b.household === householdOf(b.settings.twoHomes, guardianship.otherHousehold)));
}

/** The key of a child's and home's one coming talk (unique while it is coming). */
export function activeKey(childId: number, household: number): string {
  return `${childId}:${household}`;
}

/** The settings form of a unit's head. */
export function parseSettings(form: (name: string) => string): Parsed<TalkSettings> {
  const days = form('deadlineDays');
  const twoHomes = form('twoHomes');
  const errors: FieldErrors = {};
  const deadlineDays = /^\d{1,2}$/.test(days) ? Number(days) : Number.NaN;
  if (!(deadlineDays >= 0 && deadlineDays <= MAX_DEADLINE_DAYS)) errors.deadlineDays = { key: 'talks.errors.deadlineDays', params: { max: MAX_DEADLINE_DAYS } };
  if (twoHomes !== 'together' && twoHomes !== 'each') errors.twoHomes = { key: 'talks.errors.twoHomes' };
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { deadlineDays, twoHomes: twoHomes as TwoHomes } };
}
