// The boxes of the start page. Each box has its own partial and URL; a feature that is not built yet says so, and
// a box never shows made-up content. A feature issue replaces its box's `view` and `load` with the real ones.
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { ChildSummary } from '../people/queries.ts';
import { BOXES, type BoxKey } from '../settings/boxes.ts';
import { enabledBoxes } from '../settings/queries.ts';
import { scheduleBox } from '../schedule/queries.ts';
import { absenceBox } from '../absence/box.ts';

export interface BoxContext { db: Db; clock: Clock; child: ChildSummary }

export interface BoxDefinition {
  key: BoxKey;
  /** The partial inside the box frame (views/start/box.eta). */
  view: string;
  /** The box's data, or null when the box has nothing to show and is left out (talks with no bookable time). */
  load(context: BoxContext): Promise<Record<string, unknown> | null>;
}

const notBuiltYet = (key: BoxKey): BoxDefinition => ({ key, view: '/start/box-not-built', load: async () => ({}) });

export const BOX_DEFINITIONS: Record<BoxKey, BoxDefinition> = {
  absence: absenceBox,
  information: notBuiltYet('information'),
  calendar: notBuiltYet('calendar'),
  contacts: notBuiltYet('contacts'),
  documentation: notBuiltYet('documentation'),
  blog: notBuiltYet('blog'),
  schedule: { key: 'schedule', view: '/schedule/box', load: scheduleBox },
  // Shown only when the unit has bookable talk times; the talks feature adds them.
  talks: { key: 'talks', view: '/start/box-not-built', load: async () => null },
};

export interface RenderedBox { key: BoxKey; view: string; url: string; data: Record<string, unknown> }

export function boxUrl(childId: number, key: BoxKey): string {
  return `/children/${childId}/boxes/${key}`;
}

/** The boxes of a child's start page: those the child's unit enabled and that have something to show. */
export async function boxesFor(context: BoxContext): Promise<RenderedBox[]> {
  const enabled = await enabledBoxes(context.db, context.child.unitId);
  const loaded = await Promise.all(BOXES.filter((key) => enabled[key]).map((key) => loadBox(context, key)));
  return loaded.filter((box): box is RenderedBox => box !== null);
}

export async function loadBox(context: BoxContext, key: BoxKey): Promise<RenderedBox | null> {
  const definition = BOX_DEFINITIONS[key];
  const data = await definition.load(context);
  return data ? { key, view: definition.view, url: boxUrl(context.child.id, key), data } : null;
}
