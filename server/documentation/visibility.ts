// Who among the families may see a photo (or video): the one photo rule, for the portfolio's ZIP and the register
// extract (the reading pages and the media route keep the same rule). A family sees a photo in a post it may read only
// when every child tagged in it is one of its own or has group-publication consent now: a withdrawal hides that
// child's photos from the other families at once, and a photo of a child without consent never reaches another family.
import type { Db } from '../kernel/db.ts';
import type { Actor } from '../kernel/policy.ts';
import { childrenWithGroupConsent } from '../consent/queries.ts';

/** The rule on its own: the photo's tagged children, the family's own children, those with consent. */
export function photoVisibleToFamily(tagged: readonly number[], own: ReadonlySet<number>, consented: ReadonlySet<number>): boolean {
  return tagged.every((child) => own.has(child) || consented.has(child));
}

/** Of the media (each with its tagged children), the ids the family whose children are `own` may see. */
export async function mediaVisibleToFamily(
  db: Db, media: readonly { id: number; tagged: readonly number[] }[], own: ReadonlySet<number>,
): Promise<Set<number>> {
  const others = [...new Set(media.flatMap((m) => m.tagged.filter((child) => !own.has(child))))];
  const consented = others.length === 0 ? new Set<number>() : await childrenWithGroupConsent(db, others);
  return new Set(media.filter((m) => photoVisibleToFamily(m.tagged, own, consented)).map((m) => m.id));
}

/** The children whose family the user is: a guardian's children, and the pupil themself. */
export function familyChildren(actor: Pick<Actor, 'guardianOf' | 'isStudent' | 'personId'>): Set<number> {
  return new Set([...actor.guardianOf.keys(), ...(actor.isStudent ? [actor.personId] : [])]);
}
