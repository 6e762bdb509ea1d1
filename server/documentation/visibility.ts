// The photo rule, one function for every place a family meets a photo (or video, or sound): the reading pages and the
// media route ask for a medium's viewers (the children through whom a family may see it, which the policy checks), the
// portfolio's ZIP and the register extract ask whether one family may see it. Both answers come from `photoViewers`,
// so they cannot differ.
//
// A photo reaches a family only when every child tagged in it has group-publication consent now, or is of that
// family: a withdrawal hides the child's photos from the other families at once, and a photo of a child without
// consent never reaches another family. With two tagged children without consent, a family sees the photo only when
// it is the family of both (twins of the same guardians); a guardian of both whose co-guardians differ does not, since
// the co-guardians would see another family's child through it.
import type { Db } from '../kernel/db.ts';
import type { Actor } from '../kernel/policy.ts';
import { childrenWithGroupConsent } from '../consent/queries.ts';
import { guardiansOfChildren } from '../people/queries.ts';

/**
 * The children whose guardians (and who themselves, as pupils) may see a photo: of the post's audience, every child if
 * every tagged child has consent; else only children of the families whose own children the unconsented are. With one
 * such child, that child; with several, a child of theirs only when each of its guardians is a guardian of every one of
 * them (twins of the same parents), so that no guardian sees another family's child without consent.
 */
export function photoViewers(
  audience: readonly number[], tagged: readonly number[], consented: ReadonlySet<number>,
  guardiansOf: ReadonlyMap<number, readonly number[]>,
): number[] {
  const unconsented = tagged.filter((child) => !consented.has(child));
  if (unconsented.length === 0) return [...audience];
  const guardianSets = unconsented.map((child) => new Set(guardiansOf.get(child) ?? []));
  const common = [...guardianSets[0]].filter((g) => guardianSets.every((set) => set.has(g)));
  // A child with no guardian in the register is no family to the others: as a pupil they would see the others' child.
  const families = new Set(unconsented.filter((child) => {
    const own = guardiansOf.get(child) ?? [];
    return (unconsented.length === 1 || own.length > 0) && own.every((g) => common.includes(g));
  }));
  return audience.filter((child) => families.has(child));
}

/**
 * Whether the family whose children are `own` may see the photo of a post whose audience is `audience`: one of its
 * children is among the photo's viewers (as the media route lets a guardian of a viewer, or the viewer, see it).
 */
export function photoVisibleToFamily(
  own: ReadonlySet<number>, audience: readonly number[], tagged: readonly number[], consented: ReadonlySet<number>,
  guardiansOf: ReadonlyMap<number, readonly number[]>,
): boolean {
  return photoViewers(audience, tagged, consented, guardiansOf).some((child) => own.has(child));
}

/** The facts the rule asks of the database for the tagged children: who has consent now, and the others' guardians. */
async function photoFacts(db: Db, tagged: readonly number[]): Promise<{ consented: ReadonlySet<number>; guardiansOf: ReadonlyMap<number, readonly number[]> }> {
  const children = [...new Set(tagged)];
  const consented = children.length === 0 ? new Set<number>() : await childrenWithGroupConsent(db, children);
  // The guardians matter only for a photo with an unconsented child: asked only then.
  const unconsented = children.filter((child) => !consented.has(child));
  const guardiansOf = unconsented.length === 0 ? new Map<number, number[]>()
    : new Map([...(await guardiansOfChildren(db, unconsented))].map(([child, list]) => [child, list.map((g) => g.id)]));
  return { consented, guardiansOf };
}

/** Each medium's viewers, for many media at once (a page of posts): one question to the database for all. */
export async function viewersOf(
  db: Db, media: readonly { id: number; audience: readonly number[]; tagged: readonly number[] }[],
): Promise<Map<number, number[]>> {
  const { consented, guardiansOf } = await photoFacts(db, media.flatMap((m) => m.tagged));
  return new Map(media.map((m) => [m.id, photoViewers(m.audience, m.tagged, consented, guardiansOf)]));
}

/** Of the media (each with its post's audience and its tagged children), the ids the family whose children are `own` may see. */
export async function mediaVisibleToFamily(
  db: Db, media: readonly { id: number; audience: readonly number[]; tagged: readonly number[] }[], own: ReadonlySet<number>,
): Promise<ReadonlySet<number>> {
  const { consented, guardiansOf } = await photoFacts(db, media.flatMap((m) => m.tagged));
  return new Set(media.filter((m) => photoVisibleToFamily(own, m.audience, m.tagged, consented, guardiansOf)).map((m) => m.id));
}

/**
 * The children whose family the user is: a guardian's children, and the user themself (a pupil, also one whose last
 * placement has ended and who downloads their portfolio in the grace period; an adult is never a tagged child).
 */
export function familyChildren(actor: Pick<Actor, 'guardianOf' | 'personId'>): ReadonlySet<number> {
  return new Set([...actor.guardianOf.keys(), actor.personId]);
}
