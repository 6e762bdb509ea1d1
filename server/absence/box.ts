// The Frånvaro box: today or the next open day in two taps, and the reports that are coming.
import { boxUrl, defineBox, type BoxContext } from '../kernel/boxes.ts';
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

/** The box alone, framed as on the start page (views/start/box.eta): what htmx gets back after a report or a cancel. */
export async function loadAbsenceBox(context: BoxContext<ChildSummary>) {
  const data = await absenceBox.load(context);
  return data && { key: absenceBox.key, view: absenceBox.view, url: boxUrl(context.child.id, absenceBox.key), data };
}
