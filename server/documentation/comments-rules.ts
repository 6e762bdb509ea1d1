// The rules of guardians' comments and home observations: what one may say, for which child a guardian writes, and
// what each reader sees (staff every one; a family the approved ones and its own that wait or were not approved).
import type { Parsed } from '../kernel/forms.ts';
import type { Actor } from '../kernel/policy.ts';
import type { ApprovalStatus } from '../../db/schema.ts';

export const COMMENT_MAX_LENGTH = 500;
export const OBSERVATION_MAX_LENGTH = 1000;

function parseText(text: string, max: number, keys: { empty: string; tooLong: string }): Parsed<string> {
  const body = text.trim();
  if (!body) return { ok: false, errors: { body: { key: keys.empty } } };
  if (body.length > max) return { ok: false, errors: { body: { key: keys.tooLong, params: { max } } } };
  return { ok: true, value: body };
}

export const parseComment = (text: string): Parsed<string> => parseText(text, COMMENT_MAX_LENGTH,
  { empty: 'documentation.comments.errors.empty', tooLong: 'documentation.comments.errors.tooLong' });
export const parseObservation = (text: string): Parsed<string> => parseText(text, OBSERVATION_MAX_LENGTH,
  { empty: 'documentation.observations.errors.empty', tooLong: 'documentation.observations.errors.tooLong' });

/**
 * The child a guardian writes for: the one chosen in the form (`chosen`), which must be one of `children` (the
 * guardian's own among the record's); without a choice, the only one. Undefined: no such child (the form is wrong).
 */
export function chosenChild(children: readonly number[], chosen: string): number | undefined {
  if (!chosen) return children.length === 1 ? children[0] : undefined;
  return children.find((id) => String(id) === chosen);
}

/** Whether a reader sees a comment or observation: staff every one, anyone else an approved one or their own. */
export function shownTo(actor: Actor, staff: boolean, item: { status: ApprovalStatus; authorId: number }): boolean {
  return staff || item.status === 'approved' || item.authorId === actor.personId;
}
