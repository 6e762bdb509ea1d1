// The calendar subscription: each account's secret iCalendar URL (`/calendar/feed/<token>.ics`) of exactly the account's
// own calendar, for phone calendars to subscribe to. The token is not the session: 32 random bytes, kept only as its
// SHA-256 hash; renewing replaces it (the old URL answers 404), and the new URL is shown once.
// Times are local Stockholm times with TZID=Europe/Stockholm and a VTIMEZONE from timezones-ical-library (ical-generator
// with the zone's name alone writes wrong times: STACK.md); a weekly event is one VEVENT with an RRULE in local time, so
// 08:00 stays 08:00 across the clock changes. The feed names no person: each event says its group or unit, never a child.
import { createHash, randomBytes } from 'node:crypto';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { Db } from '../kernel/db.ts';
import { addDays } from '../kernel/dates.ts';
import { translator, languageByCode, DEFAULT_LANGUAGE } from '../kernel/i18n.ts';
import type { Actor } from '../kernel/policy.ts';
import { groupWithUnit } from '../people/queries.ts';
import { closedIn, scopeOf } from './calendar.ts';
import { accountOfFeedToken, eventsOf, placeKey, replaceFeedToken, revisionsOf, type CalendarEvent } from './queries.ts';
import { BRING_ITEMS } from './rules.ts';

export const TIME_ZONE = 'Europe/Stockholm';
/** How far back and ahead the feed reaches (a repeat that started earlier and goes on is included whole). */
const FEED_DAYS_BACK = 90;
const FEED_DAYS_AHEAD = 400;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Makes (or renews) the account's token: the new one, to show once; the old one stops working. */
export async function renewFeedToken(db: Db, accountId: number, at: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await replaceFeedToken(db, accountId, hashToken(token), at);
  return token;
}

/** The account a token in a feed URL belongs to; undefined for a token that is not (or no longer) one. */
export async function feedAccount(db: Db, token: string): Promise<number | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  return accountOfFeedToken(db, hashToken(token));
}

/**
 * The zone's VTIMEZONE block. timezones-ical-library files Stockholm under its alias Europe/Berlin (the same rules
 * since 1980) and writes TZID:Europe/Berlin, which would not match our TZID=Europe/Stockholm: the block is renamed.
 */
export function vtimezone(zone: string): string | null {
  const block = tzlib_get_ical_block(zone);
  const text = Array.isArray(block) ? block[0] : undefined;
  if (!text) return null;
  return text.replace(/^TZID:.*$/m, `TZID:${zone}`).replace(/^X-LIC-LOCATION:.*$/m, `X-LIC-LOCATION:${zone}`);
}

/** Stockholm's offset from UTC on a day (made once: making an Intl.DateTimeFormat costs far more than using one). */
const OFFSET = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' });

/** The UTC instant (iCalendar form) of the end of a Stockholm day: a weekly repeat's UNTIL (RFC 5545: UTC with a TZID start). */
function endOfLocalDayUtc(day: string): string {
  const probe = new Date(`${day}T12:00:00Z`);
  const name = OFFSET.formatToParts(probe)
    .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+01:00';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  const offsetMinutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 60;
  const end = new Date(Date.parse(`${day}T23:59:59Z`) - offsetMinutes * 60_000);
  return end.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A local date and time as ical-generator reads a floating string: it writes it as it stands, with the calendar's TZID. */
const local = (day: string, time: string) => `${day}T${time}:00`;

type Translate = ReturnType<typeof translator>;

function optionsIn(t: Translate) {
  return {
    name: t('calendar.feed.name'), prodId: { company: 'Vardag', product: 'Vardag', language: 'SV' }, method: ICalCalendarMethod.PUBLISH,
    timezone: { name: TIME_ZONE, generator: vtimezone }, ttl: 60 * 60,
  };
}

/**
 * The calendar's frame in a language: its header and VTIMEZONE, written by ical-generator (made once per language). Its
 * own folding of a whole calendar makes a TextEncoder per character (a year of two groups' events: ~100 ms of a
 * request), so it writes only the frame; the events, each written by it, are folded by `foldLines` below.
 */
const frames = new Map<string, { head: Buffer; tail: Buffer }>();
function frameOf(t: Translate, lang: string): { head: Buffer; tail: Buffer } {
  const known = frames.get(lang);
  if (known !== undefined) return known;
  const text = ical(optionsIn(t)).toString();
  const end = text.lastIndexOf('END:VCALENDAR');
  const frame = { head: Buffer.from(text.slice(0, end)), tail: Buffer.from(text.slice(end)) };
  frames.set(lang, frame);
  return frame;
}

/** The feed of an account: its calendar from a while back to a year ahead, with its units' closed days. */
export async function feedOf(db: Db, actor: Actor, language: string | undefined, today: string): Promise<Buffer> {
  const chosen = languageByCode(language) ?? DEFAULT_LANGUAGE;
  const t = translator(chosen);
  const lang = chosen.code;
  const scope = await scopeOf(db, actor, today);
  const from = addDays(today, -FEED_DAYS_BACK);
  const to = addDays(today, FEED_DAYS_AHEAD);
  const groupIds = [...new Set([...scope.groupIds, ...scope.children.flatMap((c) => c.groupIds)])];
  const unitIds = [...new Set([...scope.unitIds, ...scope.children.flatMap((c) => c.unitIds)])];
  const places = [...groupIds.map((id) => placeKey(0, id)), ...unitIds.map((id) => placeKey(id, null))];
  // The counts first, the events after: text kept under a count is never older than the count says.
  const [revisions, groups, closed] = await Promise.all([
    revisionsOf(db, places), Promise.all(groupIds.map((id) => groupWithUnit(db, id))), closedIn(db, scope, from, to),
  ]);
  const names = new Map<string, string>([
    ...groups.flatMap((g) => (g ? [[placeKey(0, g.id), g.name] as const] : [])),
    ...unitIds.map((id) => [placeKey(id, null), scope.unitNames.get(id) ?? ''] as const),
  ]);
  // A place's events as written, by all the text is made of: language, day (the stamp and the window), the count of
  // changes and the name it is called by.
  const keyOf = (place: string) => JSON.stringify([lang, today, place, revisions.get(place) ?? 0, names.get(place) ?? '']);
  const blocks = new Map(places.map((place) => [place, touched(keyOf(place))]));
  const missing = places.filter((place) => blocks.get(place) === undefined);
  if (missing.length > 0) {
    const events = await eventsOf(db, {
      groupIds: groupIds.filter((id) => missing.includes(placeKey(0, id))), unitIds: unitIds.filter((id) => missing.includes(placeKey(id, null))),
    }, from, to);
    const calendar = ical(optionsIn(t));
    const bringLabels = new Map(BRING_ITEMS.map((b) => [b, t(`calendar.bring.${b}`)]));
    const written = new Map<string, string[]>(missing.map((place) => [place, []]));
    for (const e of events) {
      const place = placeKey(e.unitId, e.groupId);
      written.get(place)?.push(foldLines(calendar.createEvent(vevent(e, names.get(place) ?? '', bringLabels, t, today)).toString()));
    }
    for (const [place, texts] of written) {
      const block = Buffer.from(texts.join(''));
      blocks.set(place, block);
      keepBlock(keyOf(place), block);
    }
  }
  const closedDays = closed.map((c) => writtenOnce(JSON.stringify(['closed', lang, today, c.date, c.unitName, c.reason]), () => foldLines(calendar().createEvent({
    id: `closed-${c.date}-${hashToken(c.unitName).slice(0, 12)}@vardag`, summary: t('calendar.closedFeed', { unit: c.unitName, reason: c.reason }),
    allDay: true, start: c.date, end: addDays(c.date, 1), stamp: new Date(`${today}T00:00:00Z`),
  }).toString())));
  const frame = frameOf(t, lang);
  // Bytes, each place's written once: the answer is one copy of them, not a string made and encoded again per poll.
  return Buffer.concat([frame.head, ...places.flatMap((place) => blocks.get(place) ?? []), Buffer.from(closedDays.join('')), frame.tail]);

  function calendar() {
    return ical(optionsIn(t));
  }
}

/** An event as ical-generator takes it: named by its group or unit, its "ta med" items in its description. */
function vevent(e: CalendarEvent, where: string, bringLabels: Map<string, string>, t: Translate, today: string) {
  const bring = e.bring.map((b) => bringLabels.get(b)).join(', ');
  const description = [e.note, bring ? t('calendar.bringLine', { items: bring }) : ''].filter(Boolean).join('\n');
  const allDay = e.startTime === null || e.endTime === null;
  return {
    id: `event-${e.id}@vardag`, summary: `${e.title} (${where})`, description: description || undefined,
    allDay, ...(allDay ? {} : { timezone: TIME_ZONE }), start: allDay ? e.date : local(e.date, e.startTime ?? '00:00'), end: allDay ? addDays(e.date, 1) : local(e.date, e.endTime ?? '00:00'),
    repeating: e.repeatUntil ? `RRULE:FREQ=WEEKLY;UNTIL=${allDay ? e.repeatUntil.replaceAll('-', '') : endOfLocalDayUtc(e.repeatUntil)}` : null,
    stamp: new Date(`${today}T00:00:00Z`),
  };
}

/**
 * Each place's events as written (the VEVENTs of a group's year: ~50 KB), by `keyOf` above: a group's events are the
 * same text in the feed of each of its families and in each poll of the same day, and reading and writing them costs
 * ~5 ms. Bounded by size; the least recently used go first. A change of an event counts in calendar_revisions, so the
 * next poll after it finds no text under the new count and reads the place's events again.
 */
const BLOCKS_LIMIT_BYTES = 16 * 2 ** 20;
const placeBlocks = new Map<string, Buffer>();
let placeBlocksBytes = 0;

/** The kept block under the key, now the most recently used; undefined when none is kept. */
function touched(key: string): Buffer | undefined {
  const block = placeBlocks.get(key);
  if (block !== undefined) {
    placeBlocks.delete(key);
    placeBlocks.set(key, block);
  }
  return block;
}

function keepBlock(key: string, block: Buffer): void {
  const old = placeBlocks.get(key);
  if (old !== undefined) {
    placeBlocks.delete(key);
    placeBlocksBytes -= old.length;
  }
  placeBlocks.set(key, block);
  placeBlocksBytes += block.length;
  for (const [oldest, bytes] of placeBlocks) {
    if (placeBlocksBytes <= BLOCKS_LIMIT_BYTES || oldest === key) break;
    placeBlocks.delete(oldest);
    placeBlocksBytes -= bytes.length;
  }
}

/** The written closed days, by all they are made of. Bounded; the least recently used go first. */
const WRITTEN_LIMIT = 20_000;
const writtenEvents = new Map<string, string>();

function writtenOnce(key: string, write: () => string): string {
  const hit = writtenEvents.get(key);
  if (hit !== undefined) {
    writtenEvents.delete(key);
    writtenEvents.set(key, hit);
    return hit;
  }
  const text = write();
  writtenEvents.set(key, text);
  if (writtenEvents.size > WRITTEN_LIMIT) writtenEvents.delete(writtenEvents.keys().next().value as string);
  return text;
}

/**
 * Folds lines longer than 75 octets as RFC 5545 3.1 says (and as ical-generator does: at most 74 octets of content a
 * line, a continuation line starting with a space), never inside a character. Short lines (nearly all) are left as they are.
 */
export function foldLines(text: string): string {
  return text.split('\r\n').map((line) => {
    if (line.length <= 18 || Buffer.byteLength(line) <= 74) return line;
    let out = '';
    let octets = 0;
    for (const ch of line) {
      const cp = ch.codePointAt(0) ?? 0;
      const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      octets += size;
      if (octets > 74) {
        out += '\r\n ';
        octets = size;
      }
      out += ch;
    }
    return out;
  }).join('\r\n');
}
