// The rules of individual development plans (IUP): what a plan, a comment and a talk's note may say, and in which of
// the pupil's school classes a user writes them (a class the teacher teaches; the school's head: the pupil's first
// class). Whoever may read the pupil reads every plan of theirs, whichever school wrote it (the records follow the pupil).
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import type { Actor, PlacedGroup } from '../kernel/policy.ts';

/** The goals, and each of what the school, the pupil and the guardians do: a page each at most. */
export const PLAN_FIELD_MAX_LENGTH = 4000;
export const COMMENT_MAX_LENGTH = 2000;
export const TALK_NOTE_MAX_LENGTH = 4000;

export const PLAN_FIELDS = ['goals', 'schoolDoes', 'pupilDoes', 'guardiansDo'] as const;
export type PlanField = typeof PLAN_FIELDS[number];
export type PlanInput = Record<PlanField, string>;

/** The plan's form: the goals required, the rest optional, each at most PLAN_FIELD_MAX_LENGTH characters. */
export function parsePlan(form: (name: string) => string): Parsed<PlanInput> {
  const errors: FieldErrors = {};
  const value = {} as PlanInput;
  for (const name of PLAN_FIELDS) {
    const text = form(name).trim();
    if (name === 'goals' && !text) errors[name] = { key: 'developmentPlans.errors.goalsMissing' };
    else if (text.length > PLAN_FIELD_MAX_LENGTH) errors[name] = { key: 'developmentPlans.errors.tooLong', params: { max: PLAN_FIELD_MAX_LENGTH } };
    value[name] = text;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

/** A text that must be there and is at most `max` characters; its errors under `field`. */
export function parseText(text: string, field: string, max: number, emptyKey: string): Parsed<string> {
  const body = text.trim();
  if (!body) return { ok: false, errors: { [field]: { key: emptyKey } } };
  if (body.length > max) return { ok: false, errors: { [field]: { key: 'developmentPlans.errors.tooLong', params: { max } } } };
  return { ok: true, value: body };
}

/** The pupil's school classes that count: groups of a school whose placement has started (as the actions count them). */
export function schoolClasses(groups: readonly PlacedGroup[]): PlacedGroup[] {
  return groups.filter((g) => g.unitKind === 'school' && g.started);
}

/** The pupil's school classes where the user works for the pupil: the classes they teach, every class of a school they head. */
export function staffClasses(actor: Actor, groups: readonly PlacedGroup[]): PlacedGroup[] {
  return schoolClasses(groups).filter((g) => actor.staffGroups.has(g.id) || actor.headOf.has(g.unitId));
}

/**
 * The class a plan or note is written in: the pupil's class the teacher teaches (the lowest id when several); the
 * school's head who teaches none of them: the pupil's first class of their school. None: the user writes nothing.
 */
export function writingClass(actor: Actor, groups: readonly PlacedGroup[]): number | undefined {
  const classes = schoolClasses(groups).sort((a, b) => a.id - b.id);
  return (classes.find((g) => actor.staffGroups.has(g.id)) ?? classes.find((g) => actor.headOf.has(g.unitId)))?.id;
}

/** Whether the user reads the pupil's records as the family: a guardian of the child, or the pupil themself. */
export function readsAsFamily(actor: Actor, childId: number): boolean {
  return actor.guardianOf.has(childId) || (actor.isStudent && actor.personId === childId);
}

/** A version read with a form: a whole number, else none (a version nobody saved, so the save is stale). */
export function parseVersion(text: string): number | undefined {
  const version = Number(text);
  return text !== '' && Number.isSafeInteger(version) ? version : undefined;
}
