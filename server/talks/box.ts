// The Utvecklingssamtal box: shown only while the child has a coming talk booked or free times to book (seed 000);
// the booked talk stands on the start page itself, with its time, place and the .ics file. It is the viewer's talk:
// with one talk per home, the other home's is left out (the start page hands the box its viewer).
import { today } from '../kernel/clock.ts';
import { defineBox } from '../kernel/boxes.ts';
import type { ChildSummary } from '../people/queries.ts';
import { childTalks } from './queries.ts';
import { bookingOpen, talksOfViewer } from './rules.ts';

export const talksBox = defineBox<ChildSummary, 'talks'>({
  key: 'talks',
  view: '/talks/box',
  load: async ({ db, clock, child, viewer }) => {
    const day = today(clock);
    const talks = await childTalks(db, child.id, day);
    const settingsOf = new Map(talks.groups.map((g) => [g.groupId, g.settings]));
    const bookable = talks.free.filter((s) => {
      const settings = settingsOf.get(s.groupId);
      return settings !== undefined && bookingOpen(s.date, day, settings);
    });
    // A family in two homes with one talk each: the other home's talk is not this viewer's.
    const booked = talksOfViewer(talks.booked, viewer?.guardianOf.get(child.id));
    if (booked.length === 0 && bookable.length === 0) return null;
    return { child, booked, bookable: bookable.length };
  },
});
