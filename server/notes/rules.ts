// The rules of notes: what a note may say, and in which of the child's units a user reads and writes them (a unit that
// has turned notes on; staff in the units they work in for the child, guardians in every unit of their child).
import type { Parsed } from '../kernel/forms.ts';
import type { Actor, PlacedGroup } from '../kernel/policy.ts';

/** A note is short: a few sentences to the home. */
export const NOTE_MAX_LENGTH = 1000;

export function parseNote(text: string): Parsed<string> {
  const body = text.trim();
  if (!body) return { ok: false, errors: { body: { key: 'notes.errors.empty' } } };
  if (body.length > NOTE_MAX_LENGTH) return { ok: false, errors: { body: { key: 'notes.errors.tooLong', params: { max: NOTE_MAX_LENGTH } } } };
  return { ok: true, value: body };
}

/** The units of the child's groups where the user works for the child: staff of the group, the unit's head, the admin. */
export function staffUnits(actor: Actor, groups: readonly PlacedGroup[]): number[] {
  const units = groups.filter((g) => actor.staffGroups.has(g.id) || actor.headOf.has(g.unitId) || actor.adminOf.has(g.municipalityId))
    .map((g) => g.unitId);
  return [...new Set(units)];
}

/**
 * The units whose notes about the child the user reads: of the child's units that use notes (`enabled`), every one
 * for the child's guardian, those the user works in for the child for staff.
 */
export function readableUnits(actor: Actor, childId: number, groups: readonly PlacedGroup[], enabled: ReadonlySet<number>): number[] {
  const units = actor.guardianOf.has(childId) ? [...new Set(groups.map((g) => g.unitId))] : staffUnits(actor, groups);
  const mine = new Set([...units, ...staffUnits(actor, groups)]);
  return [...mine].filter((u) => enabled.has(u)).sort((a, b) => a - b);
}

/** The unit a new note is written in: the first of the child's units that use notes where the user works for the child. */
export function writingUnit(actor: Actor, groups: readonly PlacedGroup[], enabled: ReadonlySet<number>): number | undefined {
  return staffUnits(actor, groups).filter((u) => enabled.has(u)).sort((a, b) => a - b)[0];
}
