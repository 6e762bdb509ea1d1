// The Kalender box: the child's next two weeks in short, the days with an event or a closure, and a link to the calendar.
import { defineBox } from '../kernel/boxes.ts';
import { today } from '../kernel/clock.ts';
import { addDays } from '../kernel/dates.ts';
import type { ChildSummary } from '../people/queries.ts';
import { closedDays } from '../settings/queries.ts';
import { eventsForChildren } from './calendar.ts';

const BOX_DAYS = 14;
const BOX_MAX_DAYS = 5;

export const calendarBox = defineBox<ChildSummary, 'calendar'>({
  key: 'calendar',
  view: '/calendar/box',
  load: async ({ db, clock, child }) => {
    const from = today(clock);
    const to = addDays(from, BOX_DAYS - 1);
    const [events, closed] = await Promise.all([eventsForChildren(db, [child.id], from, to), closedDays(db, child.unitId, from, to)]);
    const dates = [...new Set([...events.map((e) => e.date), ...closed.map((c) => c.date)])].sort().slice(0, BOX_MAX_DAYS);
    return {
      days: dates.map((date) => ({
        date, events: events.filter((e) => e.date === date),
        closed: closed.filter((c) => c.date === date).map((c) => ({ reason: c.reason, unitName: child.unitName })),
      })),
    };
  },
});
