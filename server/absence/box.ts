// The Frånvaro box: today or the next open day in two taps ("I morgon" when that is tomorrow), and the reports that are coming.
import { defineBox } from '../kernel/boxes.ts';
import { addDays } from '../kernel/dates.ts';
import type { ChildSummary } from '../people/queries.ts';
import { dayNoteOptions } from '../day-notes/write.ts';
import { absenceContext } from './context.ts';

export const absenceBox = defineBox<ChildSummary, 'absence'>({
  key: 'absence',
  view: '/absence/box',
  load: async ({ db, clock, child, viewer }) => {
    const context = await absenceContext(db, clock, child);
    if (!context) return null;
    const nextIsTomorrow = context.next !== undefined && context.next === addDays(context.today, 1);
    // The same-day notes in one tap ("Vi blir sena", "Hämtas av..."), for the child's guardians on an open day
    // (server/day-notes/); the view shows them only to a guardian of the child (a box loaded without its viewer too).
    const dayNotes = context.todayOpen && (viewer === undefined || viewer.guardianOf.has(child.id)) ? await dayNoteOptions(db, clock, child) : undefined;
    return { ...context, nextIsTomorrow, upcoming: context.upcoming.slice(0, 3), more: context.upcoming.length > 3, dayNotes };
  },
});
