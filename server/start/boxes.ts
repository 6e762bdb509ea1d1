// The boxes of the start page, in the order they appear: the one list. Each box comes from its domain's
// box.ts; a feature that is not built yet says so, and a box never shows made-up content. The unit settings offer
// these keys (app.ts hands them over), so a new box is added here and nowhere else.
import { loadBox as loadDefinedBox, type BoxContext, type RenderedBox } from '../kernel/boxes.ts';
import type { ChildSummary } from '../people/queries.ts';
import { enabledBoxes } from '../settings/queries.ts';
import { absenceBox } from '../absence/box.ts';
import { scheduleBox } from '../schedule/box.ts';
import { documentationBox } from '../documentation/box.ts';
import { blogBox } from '../documentation/blog-box.ts';
import { talksBox } from '../talks/box.ts';
import { calendarBox } from '../calendar/box.ts';
import { informationBox } from '../information/box.ts';
import { contactsBox } from '../contacts/box.ts';

export const BOXES = [
  absenceBox,
  informationBox,
  calendarBox,
  contactsBox,
  documentationBox,
  blogBox,
  scheduleBox,
  // Shown only while the child has a coming talk booked or times to book (server/talks/box.ts).
  talksBox,
] as const;

export type BoxKey = (typeof BOXES)[number]['key'];
export const BOX_KEYS: readonly BoxKey[] = BOXES.map((box) => box.key);

/** The boxes of a child's start page: those the child's unit enabled and that have something to show. */
export async function boxesFor(context: BoxContext<ChildSummary>): Promise<RenderedBox<BoxKey>[]> {
  const enabled = await enabledBoxes(context.db, context.child.unitId, BOX_KEYS);
  const loaded = await Promise.all(BOX_KEYS.filter((key) => enabled[key]).map((key) => loadBox(context, key)));
  return loaded.filter((box) => box !== null);
}

/** One box of the list by its key. */
export async function loadBox(context: BoxContext<ChildSummary>, key: BoxKey): Promise<RenderedBox<BoxKey> | null> {
  const definition = BOXES.find((box) => box.key === key);
  if (!definition) throw new Error(`No box ${key}`);
  return loadDefinedBox<ChildSummary, BoxKey>(definition, context);
}
