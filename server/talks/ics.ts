// A booked talk as an .ics file for the guardian's own calendar: one VEVENT at the local Stockholm time with
// TZID=Europe/Stockholm and the zone's VTIMEZONE (the calendar's generator, as the subscription feed: ical-generator with
// the zone's name alone writes wrong times, STACK.md). It names the child's first name and the staff member, as the page does.
import ical, { ICalCalendarMethod } from 'ical-generator';
import { TIME_ZONE, vtimezone } from '../calendar/feed.ts';
import type { TFunction } from 'i18next';
import type { Slot } from './queries.ts';

const local = (day: string, time: string) => `${day}T${time}:00`;

export function talkIcs(t: TFunction, talks: { slot: Slot; bookingId: number; childName: string }[], stamp: Date): string {
  const calendar = ical({
    name: t('talks.title'), prodId: { company: 'Vardag', product: 'Vardag', language: 'SV' }, method: ICalCalendarMethod.PUBLISH,
    timezone: { name: TIME_ZONE, generator: vtimezone },
  });
  for (const { slot, bookingId, childName } of talks) {
    calendar.createEvent({
      id: `talk-${bookingId}@vardag`, summary: t('talks.ics.summary', { child: childName }),
      description: t('talks.ics.with', { name: slot.staffName }) + (slot.videoUrl ? `\n${slot.videoUrl}` : ''),
      location: slot.place || slot.videoUrl || undefined, url: slot.videoUrl || undefined,
      timezone: TIME_ZONE, start: local(slot.date, slot.start), end: local(slot.date, slot.end), stamp,
    });
  }
  return calendar.toString();
}
