// The Frånvaro box: today or the next open day in two taps ("I morgon" when that is tomorrow), and the reports that are coming.
import { defineBox } from '../kernel/boxes.ts';
import { addDays } from '../kernel/dates.ts';
import type { ChildSummary } from '../people/queries.ts';
import { absenceContext } from './context.ts';

export const absenceBox = defineBox<ChildSummary, 'absence'>({
  key: 'absence',
  view: '/absence/box',
  load: async ({ db, clock, child }) => {
    const context = await absenceContext(db, clock, child);
    if (!context) return null;
    const nextIsTomorrow = context.next !== undefined && context.next === addDays(context.today, 1);
    return { ...context, nextIsTomorrow, upcoming: context.upcoming.slice(0, 3), more: context.upcoming.length > 3 };
  },
});
