// The Utvecklingssamtal box: shown only while the child has a coming talk booked or free times to book (seed 000);
// the booked talk stands on the start page itself, with its time, place and the .ics file.
import { today } from '../kernel/clock.ts';
import { defineBox } from '../kernel/boxes.ts';
import type { ChildSummary } from '../people/queries.ts';
import { childTalks } from './queries.ts';
import { bookingOpen } from './rules.ts';

export const talksBox = defineBox<ChildSummary, 'talks'>({
  key: 'talks',
  view: '/talks/box',
  load: async ({ db, clock, child }) => {
    const day = today(clock);
    const talks = await childTalks(db, child.id, day);
    const settingsOf = new Map(talks.groups.map((g) => [g.groupId, g.settings]));
    const bookable = talks.free.filter((s) => {
      const settings = settingsOf.get(s.groupId);
      return settings !== undefined && bookingOpen(s.date, day, settings);
    });
    if (talks.booked.length === 0 && bookable.length === 0) return null;
    return { child, booked: talks.booked, bookable: bookable.length };
  },
});
