// The rules of extra adaptations (extra anpassningar): what the form must hold (what is done, who decided, the day of
// the decision and the day it is reviewed by, never before the decision), in which of the pupil's school classes a
// writer writes, and when an adaptation is due for review. No SQL, no requests: pure functions the routes and tests use.
import { isDate } from '../kernel/dates.ts';
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import type { Actor, PlacedGroup } from '../kernel/policy.ts';
import type { Adaptation } from './queries.ts';

/** What the school does: a few sentences ("Extra tid vid prov, i ett mindre rum"). */
export const WHAT_MAX_LENGTH = 1000;
/** Who decided, as written ("Klassläraren och specialpedagogen"). */
export const DECIDED_BY_MAX_LENGTH = 200;

/** The form's fields as typed (kept in the form when something is wrong). */
export interface AdaptationForm { what: string; decidedBy: string; decidedOn: string; reviewBy: string }

/** The form read: trimmed texts, real dates, the review day not before the decision. */
export interface AdaptationInput { what: string; decidedBy: string; decidedOn: string; reviewBy: string }

export function parseAdaptation(form: AdaptationForm): Parsed<AdaptationInput> {
  const what = form.what.trim();
  const decidedBy = form.decidedBy.trim();
  const decidedOn = form.decidedOn.trim();
  const reviewBy = form.reviewBy.trim();
  const errors: FieldErrors = {};
  if (!what) errors.what = { key: 'adaptations.errors.whatEmpty' };
  else if (what.length > WHAT_MAX_LENGTH) errors.what = { key: 'adaptations.errors.whatTooLong', params: { max: WHAT_MAX_LENGTH } };
  if (!decidedBy) errors.decidedBy = { key: 'adaptations.errors.decidedByEmpty' };
  else if (decidedBy.length > DECIDED_BY_MAX_LENGTH) errors.decidedBy = { key: 'adaptations.errors.decidedByTooLong', params: { max: DECIDED_BY_MAX_LENGTH } };
  if (!decidedOn) errors.decidedOn = { key: 'adaptations.errors.decidedOnEmpty' };
  else if (!isDate(decidedOn)) errors.decidedOn = { key: 'adaptations.errors.dateInvalid' };
  if (!reviewBy) errors.reviewBy = { key: 'adaptations.errors.reviewByEmpty' };
  else if (!isDate(reviewBy)) errors.reviewBy = { key: 'adaptations.errors.dateInvalid' };
  else if (isDate(decidedOn) && reviewBy < decidedOn) {
    errors.reviewBy = { key: 'adaptations.errors.reviewBeforeDecision', dates: { decidedOn } };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { what, decidedBy, decidedOn, reviewBy } };
}

/** The pupil's school classes the actions count: groups of a school whose placement has started. */
export function schoolClasses(groups: readonly PlacedGroup[]): PlacedGroup[] {
  return groups.filter((g) => g.unitKind === 'school' && g.started);
}

/**
 * The school class a new adaptation is written in: the pupil's class where the writer teaches, or for the school's head
 * the pupil's first school class (the lowest id); undefined for anyone else.
 */
export function writingGroup(actor: Actor, groups: readonly PlacedGroup[]): number | undefined {
  const classes = schoolClasses(groups).sort((a, b) => a.id - b.id);
  return (classes.find((g) => actor.staffGroups.has(g.id)) ?? classes.find((g) => actor.headOf.has(g.unitId)))?.id;
}

/** A current adaptation whose review day has passed (staff see it marked: it is due to be looked at again). */
export function reviewOverdue(adaptation: Pick<Adaptation, 'endedOn' | 'reviewBy'>, today: string): boolean {
  return adaptation.endedOn === null && adaptation.reviewBy < today;
}
