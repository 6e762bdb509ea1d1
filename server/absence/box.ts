// The Frånvaro box: today or the next open day in two taps, and the reports that are coming.
import { defineBox } from '../kernel/boxes.ts';
import type { ChildSummary } from '../people/queries.ts';
import { absenceContext } from './context.ts';

export const absenceBox = defineBox<ChildSummary, 'absence'>({
  key: 'absence',
  view: '/absence/box',
  load: async ({ db, clock, child }) => {
    const context = await absenceContext(db, clock, child);
    return context ? { ...context, upcoming: context.upcoming.slice(0, 3), more: context.upcoming.length > 3 } : null;
  },
});
