// The rules of school assessment: what a posted assessment may hold (a level of the municipality's matrix for an
// ability of the subject, a comment of at most 2000 characters), what the matrix's names may be, and in which of the
// pupil's school classes a teacher writes (one where they teach; the school's head: the pupil's first class).
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import type { Actor, PlacedGroup } from '../kernel/policy.ts';
import type { Matrix, MatrixKind, MatrixSubject } from './queries.ts';

/** The teacher's comment: a few sentences. */
export const COMMENT_MAX_LENGTH = 2000;
/** A level's, subject's or ability's name. */
export const NAME_MAX_LENGTH = 100;

/** The form field of an ability's level. */
export const levelField = (abilityId: number): string => `level-${abilityId}`;

export interface ParsedAssessment { comment: string; marks: Map<number, number>; publish: boolean }

/**
 * A posted assessment of `subject`: each ability's level must be one of the municipality's (`levels`) or left empty
 * (a draft may be unfinished; to publish, every ability needs its level); the comment at most 2000 characters. A change
 * of an assessment already published (`published`) is a publishing whatever the button: it stays published, so it
 * needs every level too.
 */
export function parseAssessment(
  read: (name: string) => string, subject: MatrixSubject, levels: Matrix['levels'], published = false,
): Parsed<ParsedAssessment> {
  const errors: FieldErrors = {};
  const publish = published || read('action') === 'publish';
  const comment = read('comment').trim();
  if (comment.length > COMMENT_MAX_LENGTH) errors.comment = { key: 'assessment.errors.commentTooLong', params: { max: COMMENT_MAX_LENGTH } };
  const known = new Set(levels.map((l) => l.id));
  const marks = new Map<number, number>();
  for (const ability of subject.abilities) {
    const name = levelField(ability.id);
    const typed = read(name).trim();
    if (typed === '') {
      if (publish) errors[name] = { key: 'assessment.errors.levelMissing', params: { ability: ability.name } };
      continue;
    }
    const level = /^[1-9][0-9]{0,9}$/.test(typed) ? Number(typed) : NaN;
    if (!known.has(level)) errors[name] = { key: 'assessment.errors.levelUnknown', params: { ability: ability.name } };
    else marks.set(ability.id, level);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { comment, marks, publish } };
}

/**
 * What a save refused by the database's foreign keys says: at each ability whose level was removed from the matrix
 * meanwhile; else (the ability or the subject itself removed) for the whole form.
 */
export function removedFromMatrix(marks: ReadonlyMap<number, number>, subject: MatrixSubject, fresh: Matrix): FieldErrors {
  const freshSubject = fresh.subjects.find((s) => s.id === subject.id);
  if (!freshSubject) return { form: { key: 'assessment.errors.subjectGone', params: { subject: subject.name } } };
  const levels = new Set(fresh.levels.map((l) => l.id));
  const abilities = new Set(freshSubject.abilities.map((a) => a.id));
  const errors: FieldErrors = {};
  for (const ability of subject.abilities) {
    const level = marks.get(ability.id);
    if (level === undefined) continue;
    if (!abilities.has(ability.id)) errors.form = { key: 'assessment.errors.abilityGone', params: { ability: ability.name } };
    else if (!levels.has(level)) errors[levelField(ability.id)] = { key: 'assessment.errors.levelGone', params: { ability: ability.name } };
  }
  return Object.keys(errors).length > 0 ? errors : { form: { key: 'assessment.errors.matrixChanged' } };
}

/**
 * A matrix name as its list compares it: "Uppnår", "UPPNÅR" and "uppnår" are one name. Stored beside the name
 * (`name_key`, unique in its list), so the database refuses the second of two adds at once too.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('sv');
}

/** A name for the matrix: required, at most 100 characters, not one already in its list (in any case). */
export function parseMatrixName(typed: string, taken: readonly string[]): Parsed<string> {
  const name = typed.trim().replace(/\s+/g, ' ');
  if (!name) return { ok: false, errors: { name: { key: 'assessment.admin.errors.nameMissing' } } };
  if (name.length > NAME_MAX_LENGTH) return { ok: false, errors: { name: { key: 'assessment.admin.errors.nameTooLong', params: { max: NAME_MAX_LENGTH } } } };
  if (taken.some((t) => nameKey(t) === nameKey(name))) return { ok: false, errors: { name: { key: 'assessment.admin.errors.nameTaken', params: { name } } } };
  return { ok: true, value: name };
}

export const MATRIX_KINDS: readonly MatrixKind[] = ['level', 'subject', 'ability'];

export function isMatrixKind(value: string): value is MatrixKind {
  return (MATRIX_KINDS as readonly string[]).includes(value);
}

/** The pupil's school classes whose placement has started, in the order the locator gives them. */
export function schoolClasses(groups: readonly PlacedGroup[]): PlacedGroup[] {
  return groups.filter((g) => g.unitKind === 'school' && g.started);
}

/**
 * The class an assessment is written in: the pupil's first school class where the writer teaches; for the school's
 * head (who teaches none of them), the pupil's first school class of the schools they head.
 */
export function writingClass(actor: Actor, groups: readonly PlacedGroup[]): number | undefined {
  const classes = schoolClasses(groups);
  return (classes.find((g) => actor.staffGroups.has(g.id)) ?? classes.find((g) => actor.headOf.has(g.unitId)))?.id;
}

/** Whether the reader is the pupil's family (the guardian, the pupil): they see published assessments only. */
export function isFamily(actor: Actor, childId: number): boolean {
  return actor.guardianOf.has(childId) || actor.personId === childId;
}
