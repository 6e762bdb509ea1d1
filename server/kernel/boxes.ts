// A box of the guardian's start page (Frånvaro, Tidsregistrering...): its data loader and its partial. Each domain
// that has a box declares it in its own box.ts; server/start/boxes.ts is the one list of them.
import type { Clock } from './clock.ts';
import type { Db } from './db.ts';
import type { Actor } from './policy.ts';

export interface BoxContext<Child> {
  db: Db; clock: Clock; child: Child;
  /** Who looks at the box, for a box that differs per viewer (talks: a family in two homes sees its own home's talk); without it such a box shows only what is the same for everyone. */
  viewer?: Actor;
}

export interface BoxDefinition<Child, Key extends string = string> {
  key: Key;
  /** The partial inside the box frame (views/start/box.eta), given the loaded data as `data`. */
  view: string;
  /** The box's data, or null when the box has nothing to show and is left out (talks with no bookable time). */
  load(context: BoxContext<Child>): Promise<Record<string, unknown> | null>;
}

/** Declares a box, keeping its key as a literal type (so the list of boxes knows every key). */
export function defineBox<Child, const Key extends string>(box: BoxDefinition<Child, Key>): BoxDefinition<Child, Key> {
  return box;
}

/** A box's own URL: htmx gets the box alone there, a browser without JavaScript a page with the box. */
export function boxUrl(childId: number, key: string): string {
  return `/children/${childId}/boxes/${key}`;
}

/** A loaded box, ready for its frame (views/start/box.eta). */
export interface RenderedBox<Key extends string = string> { key: Key; view: string; url: string; data: Record<string, unknown> }

/** Loads a box for a child; null when it has nothing to show. */
export async function loadBox<Child extends { id: number }, Key extends string>(
  box: BoxDefinition<Child, Key>, context: BoxContext<Child>,
): Promise<RenderedBox<Key> | null> {
  const data = await box.load(context);
  return data ? { key: box.key, view: box.view, url: boxUrl(context.child.id, box.key), data } : null;
}

/**
 * Whether htmx posted a form of the box with this key: the box's forms target the box itself (its element is
 * `box-<key>`, views/start/box.eta) and so get the box back; the same form without JavaScript gets a redirect.
 */
export function postedFromBox(req: { get(name: string): string | undefined }, key: string): boolean {
  return req.get('HX-Target') === `box-${key}`;
}
