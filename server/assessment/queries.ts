// School assessment's SQL: a municipality's assessment matrix (its knowledge levels in order, its subjects and each
// subject's abilities, every change kept with who and when) and the pupils' assessments (one per pupil, subject and
// term: a comment and one level per ability, a draft until published). A level, subject or ability an assessment uses
// is not removed; an id from a form counts only within the admin's municipality (another's is not found). The
// database has the last word in a race: a name taken meanwhile (whatever its case) is 'taken', a level, subject or
// ability an assessment came to use meanwhile is 'in-use', and an assessment naming one removed meanwhile is 'gone'.
import type { Db } from '../kernel/db.ts';
import { personName } from '../people/queries.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/sql.ts';
import type { ExpressionBuilder } from 'kysely';
import type { AssessmentStatus, Database } from '../../db/schema.ts';
import { nameKey } from './rules.ts';
import { compareTerms } from '../kernel/terms.ts';

export interface MatrixEntry { id: number; name: string }
export interface MatrixSubject extends MatrixEntry { abilities: MatrixEntry[] }
export interface Matrix { levels: MatrixEntry[]; subjects: MatrixSubject[] }

/** The municipality's matrix: levels in their order, subjects with their abilities in theirs. */
export async function matrixOf(db: Db, municipalityId: number): Promise<Matrix> {
  const [levels, subjects, abilities] = await Promise.all([
    db.selectFrom('assessment_levels').select(['id', 'name']).where('municipality_id', '=', municipalityId)
      .orderBy('position').orderBy('id').execute(),
    db.selectFrom('assessment_subjects').select(['id', 'name']).where('municipality_id', '=', municipalityId)
      .orderBy('position').orderBy('id').execute(),
    db.selectFrom('assessment_abilities').innerJoin('assessment_subjects', 'assessment_subjects.id', 'assessment_abilities.subject_id')
      .select(['assessment_abilities.id', 'assessment_abilities.name', 'assessment_abilities.subject_id'])
      .where('assessment_subjects.municipality_id', '=', municipalityId)
      .orderBy('assessment_abilities.position').orderBy('assessment_abilities.id').execute(),
  ]);
  return {
    levels,
    subjects: subjects.map((s) => ({ ...s, abilities: abilities.filter((a) => a.subject_id === s.id).map(({ id, name }) => ({ id, name })) })),
  };
}

export type MatrixKind = 'level' | 'subject' | 'ability';
export type MatrixChangeResult = { ok: true } | { ok: false; error: 'taken' | 'not-found' | 'in-use' };

async function logChange(trx: Db, municipalityId: number, change: string, by: number, at: Date): Promise<void> {
  await trx.insertInto('assessment_matrix_changes').values({ municipality_id: municipalityId, change, changed_by: by, changed_at: at.toISOString() }).execute();
}

/** Runs `write`; a name already in its list, in any case (a race with a colleague, or typed twice), is 'taken'. */
async function unlessTaken(write: () => Promise<void>): Promise<MatrixChangeResult> {
  try {
    await write();
    return { ok: true };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: 'taken' };
    throw error;
  }
}

/** Adds a knowledge level last in the municipality's order. */
export async function addLevel(db: Db, municipalityId: number, name: string, by: number, at: Date): Promise<MatrixChangeResult> {
  return unlessTaken(() => db.transaction().execute(async (trx) => {
    const last = await trx.selectFrom('assessment_levels').select((eb) => eb.fn.max('position').as('p')).where('municipality_id', '=', municipalityId).executeTakeFirst();
    await trx.insertInto('assessment_levels').values({ municipality_id: municipalityId, name, name_key: nameKey(name), position: Number(last?.p ?? 0) + 1 }).execute();
    await logChange(trx, municipalityId, `level added: ${name}`, by, at);
  }));
}

/** Adds a subject last in the municipality's list. */
export async function addSubject(db: Db, municipalityId: number, name: string, by: number, at: Date): Promise<MatrixChangeResult> {
  return unlessTaken(() => db.transaction().execute(async (trx) => {
    const last = await trx.selectFrom('assessment_subjects').select((eb) => eb.fn.max('position').as('p')).where('municipality_id', '=', municipalityId).executeTakeFirst();
    await trx.insertInto('assessment_subjects').values({ municipality_id: municipalityId, name, name_key: nameKey(name), position: Number(last?.p ?? 0) + 1 }).execute();
    await logChange(trx, municipalityId, `subject added: ${name}`, by, at);
  }));
}

/** Adds an ability to one of the municipality's subjects (another municipality's subject: not found). */
export async function addAbility(db: Db, municipalityId: number, subjectId: number, name: string, by: number, at: Date): Promise<MatrixChangeResult> {
  const subject = await db.selectFrom('assessment_subjects').select('name').where('id', '=', subjectId).where('municipality_id', '=', municipalityId).executeTakeFirst();
  if (!subject) return { ok: false, error: 'not-found' };
  return unlessTaken(() => db.transaction().execute(async (trx) => {
    const last = await trx.selectFrom('assessment_abilities').select((eb) => eb.fn.max('position').as('p')).where('subject_id', '=', subjectId).executeTakeFirst();
    await trx.insertInto('assessment_abilities').values({ subject_id: subjectId, name, name_key: nameKey(name), position: Number(last?.p ?? 0) + 1 }).execute();
    await logChange(trx, municipalityId, `ability added: ${subject.name} / ${name}`, by, at);
  }));
}

/**
 * Removes a level, subject (with its abilities) or ability of the municipality, unless an assessment uses it: one
 * that did when asked, or came to meanwhile (a teacher's save between the check and the delete: the database's
 * foreign key refuses the delete), is 'in-use'.
 */
export async function removeMatrixEntry(db: Db, municipalityId: number, kind: MatrixKind, id: number, by: number, at: Date): Promise<MatrixChangeResult> {
  try {
    return await removeUnlessUsed(db, municipalityId, kind, id, by, at);
  } catch (error) {
    if (isForeignKeyViolation(error)) return { ok: false, error: 'in-use' };
    throw error;
  }
}

async function removeUnlessUsed(db: Db, municipalityId: number, kind: MatrixKind, id: number, by: number, at: Date): Promise<MatrixChangeResult> {
  return db.transaction().execute(async (trx): Promise<MatrixChangeResult> => {
    if (kind === 'level') {
      const level = await trx.selectFrom('assessment_levels').select('name').where('id', '=', id).where('municipality_id', '=', municipalityId).executeTakeFirst();
      if (!level) return { ok: false, error: 'not-found' };
      if (await trx.selectFrom('assessment_marks').select('level_id').where('level_id', '=', id).executeTakeFirst()) return { ok: false, error: 'in-use' };
      await trx.deleteFrom('assessment_levels').where('id', '=', id).execute();
      await logChange(trx, municipalityId, `level removed: ${level.name}`, by, at);
    } else if (kind === 'subject') {
      const subject = await trx.selectFrom('assessment_subjects').select('name').where('id', '=', id).where('municipality_id', '=', municipalityId).executeTakeFirst();
      if (!subject) return { ok: false, error: 'not-found' };
      if (await trx.selectFrom('assessments').select('id').where('subject_id', '=', id).executeTakeFirst()) return { ok: false, error: 'in-use' };
      await trx.deleteFrom('assessment_abilities').where('subject_id', '=', id).execute();
      await trx.deleteFrom('assessment_subjects').where('id', '=', id).execute();
      await logChange(trx, municipalityId, `subject removed: ${subject.name}`, by, at);
    } else {
      const ability = await trx.selectFrom('assessment_abilities').innerJoin('assessment_subjects', 'assessment_subjects.id', 'assessment_abilities.subject_id')
        .select(['assessment_abilities.name', 'assessment_subjects.name as subject'])
        .where('assessment_abilities.id', '=', id).where('assessment_subjects.municipality_id', '=', municipalityId).executeTakeFirst();
      if (!ability) return { ok: false, error: 'not-found' };
      if (await trx.selectFrom('assessment_marks').select('ability_id').where('ability_id', '=', id).executeTakeFirst()) return { ok: false, error: 'in-use' };
      await trx.deleteFrom('assessment_abilities').where('id', '=', id).execute();
      await logChange(trx, municipalityId, `ability removed: ${ability.subject} / ${ability.name}`, by, at);
    }
    return { ok: true };
  });
}

export interface MatrixChange { change: string; by: string; at: string }

/** The matrix's changes, newest first (the last 100). */
export async function matrixChanges(db: Db, municipalityId: number): Promise<MatrixChange[]> {
  const rows = await db.selectFrom('assessment_matrix_changes')
    .select((eb) => ['change', 'changed_at', personName(eb, 'assessment_matrix_changes.changed_by').as('by')])
    .where('municipality_id', '=', municipalityId).orderBy('changed_at', 'desc').orderBy('id', 'desc').limit(100).execute();
  return rows.map((r) => ({ change: r.change, by: r.by ?? '', at: r.changed_at }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Assessments

export interface Mark { abilityId: number; ability: string; levelId: number; level: string }
export interface Assessment {
  id: number; childId: number; subjectId: number; subject: string; term: string; groupId: number; comment: string;
  status: AssessmentStatus; publishedAt: string | null; updatedAt: string; updatedBy: string; version: number; marks: Mark[];
}

/**
 * The pupil's assessments of the term in the order of the matrix's subjects, each with its marks in the order of the
 * subject's abilities (without a term: every term's, the oldest term first: VT2026 before HT2026); `publishedOnly` for
 * the family (a draft is the teacher's). Whichever school wrote them: a pupil's records follow the pupil.
 */
export async function assessmentsOfChild(db: Db, childId: number, term?: string, publishedOnly = false): Promise<Assessment[]> {
  let query = db.selectFrom('assessments').innerJoin('assessment_subjects', 'assessment_subjects.id', 'assessments.subject_id')
    .select((eb) => ['assessments.id', 'assessments.child_id', 'assessments.subject_id', 'assessment_subjects.name as subject',
      'assessments.term', 'assessments.group_id', 'assessments.comment', 'assessments.status', 'assessments.published_at',
      'assessments.updated_at', 'assessments.version', personName(eb, 'assessments.updated_by').as('updated_by')])
    .where('assessments.child_id', '=', childId);
  if (term !== undefined) query = query.where('assessments.term', '=', term);
  if (publishedOnly) query = query.where('assessments.status', '=', 'published');
  const rows = (await query.orderBy('assessment_subjects.position').orderBy('assessment_subjects.id').execute())
    .sort((a, b) => compareTerms(a.term, b.term)); // stable: each term's subjects stay in the matrix's order
  const marks = await marksOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id, childId: r.child_id, subjectId: r.subject_id, subject: r.subject, term: r.term, groupId: r.group_id,
    comment: r.comment, status: r.status, publishedAt: r.published_at, updatedAt: r.updated_at, updatedBy: r.updated_by ?? '',
    version: r.version, marks: marks.filter((m) => m.assessmentId === r.id).map(({ assessmentId: _, ...m }) => m),
  }));
}

async function marksOf(db: Db, assessmentIds: readonly number[]): Promise<(Mark & { assessmentId: number })[]> {
  if (assessmentIds.length === 0) return [];
  const rows = await db.selectFrom('assessment_marks')
    .innerJoin('assessment_abilities', 'assessment_abilities.id', 'assessment_marks.ability_id')
    .innerJoin('assessment_levels', 'assessment_levels.id', 'assessment_marks.level_id')
    .select(['assessment_marks.assessment_id', 'assessment_marks.ability_id', 'assessment_abilities.name as ability',
      'assessment_marks.level_id', 'assessment_levels.name as level'])
    .where('assessment_marks.assessment_id', 'in', assessmentIds)
    .orderBy('assessment_abilities.position').orderBy('assessment_abilities.id').execute();
  return rows.map((r) => ({ assessmentId: r.assessment_id, abilityId: r.ability_id, ability: r.ability, levelId: r.level_id, level: r.level }));
}

/** The pupil's assessment of the subject and term, draft or published. */
export async function assessmentOf(db: Db, childId: number, subjectId: number, term: string): Promise<Assessment | undefined> {
  return (await assessmentsOfChild(db, childId, term, false)).find((a) => a.subjectId === subjectId);
}

/** How many of the pupil's assessments of the term are published (the start page's box). */
export async function publishedCount(db: Db, childId: number, term: string): Promise<number> {
  const row = await db.selectFrom('assessments').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('child_id', '=', childId).where('term', '=', term).where('status', '=', 'published').executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface AssessmentToSave {
  childId: number; subjectId: number; term: string; groupId: number; comment: string;
  /** Level per ability (only abilities of the subject, levels of the municipality: the rules saw to it). */
  marks: ReadonlyMap<number, number>; publish: boolean; by: number; at: Date;
}

/**
 * How a save went: 'saved'; 'stale' when someone saved it since (or made it, or published it, meanwhile); 'gone' when
 * a level, ability or the subject it names was removed from the matrix meanwhile. Nothing changes unless 'saved'.
 */
export type SaveResult = 'saved' | 'stale' | 'gone';

/**
 * Saves the pupil's assessment of the subject and term: a new one when `version` is 0 and there is none, else the one
 * whose version is still `version`. A published assessment stays published, so a draft's save of one that was
 * published meanwhile is 'stale' (publishing needs every level: the rules check that for the form shown again).
 */
export async function saveAssessment(db: Db, version: number, a: AssessmentToSave): Promise<SaveResult> {
  const at = a.at.toISOString();
  try {
    return await db.transaction().execute(async (trx) => {
      let id: number;
      if (version === 0) {
        const made = await trx.insertInto('assessments').values({
          child_id: a.childId, subject_id: a.subjectId, term: a.term, group_id: a.groupId, comment: a.comment,
          status: a.publish ? 'published' : 'draft', published_at: a.publish ? at : null, updated_at: at, updated_by: a.by,
        }).returning('id').executeTakeFirstOrThrow();
        id = made.id;
      } else {
        const current = await trx.selectFrom('assessments').select(['id', 'status', 'published_at'])
          .where('child_id', '=', a.childId).where('subject_id', '=', a.subjectId).where('term', '=', a.term).executeTakeFirst();
        if (!current) return 'stale';
        if (current.status === 'published' && !a.publish) return 'stale';
        const published = a.publish || current.status === 'published';
        const saved = await trx.updateTable('assessments').set((eb) => ({
          group_id: a.groupId, comment: a.comment, status: published ? 'published' : 'draft',
          published_at: current.published_at ?? (published ? at : null), updated_at: at, updated_by: a.by, version: eb('version', '+', 1),
        })).where('id', '=', current.id).where('version', '=', version).executeTakeFirst();
        if (Number(saved.numUpdatedRows) !== 1) return 'stale';
        id = current.id;
        await trx.deleteFrom('assessment_marks').where('assessment_id', '=', id).execute();
      }
      const marks = [...a.marks].map(([abilityId, levelId]) => ({ assessment_id: id, ability_id: abilityId, level_id: levelId }));
      if (marks.length > 0) await trx.insertInto('assessment_marks').values(marks).execute();
      return 'saved' as const;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return 'stale'; // a colleague made the first version meanwhile
    if (isForeignKeyViolation(error)) return 'gone'; // the admin removed a level, ability or the subject meanwhile
    throw error;
  }
}

/** Each pupil's status for the subject and term (a pupil without an assessment is missing from the map). */
export async function statusesOf(db: Db, childIds: readonly number[], subjectId: number, term: string): Promise<Map<number, AssessmentStatus>> {
  if (childIds.length === 0) return new Map();
  const rows = await db.selectFrom('assessments').select(['child_id', 'status'])
    .where('child_id', 'in', childIds).where('subject_id', '=', subjectId).where('term', '=', term).execute();
  return new Map(rows.map((r) => [r.child_id, r.status]));
}

/** The class's drafts of a subject and term: those publishing would publish (`ready`) and those it leaves out. */
export interface ClassDrafts { ready: number; unfinished: number }

/** The class's drafts: of the subject and term, of the class's pupils, written in the class (what publishDrafts takes). */
function classDrafts(eb: ExpressionBuilder<Database, 'assessments'>, groupId: number, childIds: readonly number[], subjectId: number, term: string) {
  return eb.and([
    eb('assessments.group_id', '=', groupId), eb('assessments.child_id', 'in', childIds), eb('assessments.subject_id', '=', subjectId),
    eb('assessments.term', '=', term), eb('assessments.status', '=', 'draft'),
  ]);
}

/**
 * Whether the assessment has a level for every ability of its subject: no ability of the subject lacks a mark (a
 * draft may be unfinished; a published assessment never is).
 */
function everyAbilityMarked(eb: ExpressionBuilder<Database, 'assessments'>) {
  return eb.not(eb.exists(eb.selectFrom('assessment_abilities').select('assessment_abilities.id')
    .whereRef('assessment_abilities.subject_id', '=', 'assessments.subject_id')
    .where((inner) => inner.not(inner.exists(inner.selectFrom('assessment_marks').select('assessment_marks.ability_id')
      .whereRef('assessment_marks.assessment_id', '=', 'assessments.id').whereRef('assessment_marks.ability_id', '=', 'assessment_abilities.id'))))));
}

/** How many of the class's drafts of the subject and term publishing would publish, and how many it would leave out. */
export async function draftsOf(db: Db, groupId: number, childIds: readonly number[], subjectId: number, term: string): Promise<ClassDrafts> {
  if (childIds.length === 0) return { ready: 0, unfinished: 0 };
  const [all, ready] = await Promise.all([
    db.selectFrom('assessments').where((eb) => classDrafts(eb, groupId, childIds, subjectId, term))
      .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
    db.selectFrom('assessments').where((eb) => eb.and([classDrafts(eb, groupId, childIds, subjectId, term), everyAbilityMarked(eb)]))
      .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { ready: Number(ready?.n ?? 0), unfinished: Number(all?.n ?? 0) - Number(ready?.n ?? 0) };
}

/**
 * Publishes the class's drafts of the subject and term (its pupils', written in the class) that have a level for
 * every ability of the subject; a draft still missing one is left a draft. How many were published and left out.
 */
export async function publishDrafts(db: Db, groupId: number, childIds: readonly number[], subjectId: number, term: string, at: Date): Promise<{ published: number; leftOut: number }> {
  if (childIds.length === 0) return { published: 0, leftOut: 0 };
  return db.transaction().execute(async (trx) => {
    const done = await trx.updateTable('assessments').where((eb) => eb.and([classDrafts(eb, groupId, childIds, subjectId, term), everyAbilityMarked(eb)]))
      .set((eb) => ({ status: 'published', published_at: at.toISOString(), version: eb('version', '+', 1) })).executeTakeFirst();
    const left = await draftsOf(trx, groupId, childIds, subjectId, term);
    return { published: Number(done.numUpdatedRows), leftOut: left.unfinished };
  });
}

/**
 * The children's published assessments with their marks, every term's, the oldest first: the register extract of the
 * family, who never see a draft (a draft is the teacher's work, not yet a record given to the home).
 */
export async function publishedAssessmentsOfChildren(db: Db, childIds: readonly number[]): Promise<Assessment[]> {
  if (childIds.length === 0) return [];
  const all = await Promise.all(childIds.map((childId) => assessmentsOfChild(db, childId, undefined, true)));
  return all.flat();
}

/** Removes the children's assessments (and their marks); how many. */
export async function removeAssessmentsOf(trx: Db, childIds: readonly number[]): Promise<number> {
  if (childIds.length === 0) return 0;
  const ids = (await trx.selectFrom('assessments').select('id').where('child_id', 'in', childIds).execute()).map((r) => r.id);
  if (ids.length === 0) return 0;
  await trx.deleteFrom('assessment_marks').where('assessment_id', 'in', ids).execute();
  return Number((await trx.deleteFrom('assessments').where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
}
