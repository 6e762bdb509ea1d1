// Individual development plans (IUP): one per pupil and term, written by a teacher of the pupil's school class, signed
// off by the teacher; the guardians' and the pupil's comments on it. The SQL of development_plans and
// development_plan_comments.
import type { Db } from '../kernel/db.ts';
import { isUniqueViolation } from '../../db/sql.ts';
import { personName } from '../people/queries.ts';

export interface PlanComment { author: string; body: string; createdAt: string }

export interface DevelopmentPlan {
  id: number; childId: number; term: string; groupId: number; goals: string; schoolDoes: string; pupilDoes: string;
  guardiansDo: string; signedAt: string | null; signedBy: string | null; version: number; comments: PlanComment[];
}

const planList = (db: Db) => db.selectFrom('development_plans')
  .select((eb) => ['development_plans.id', 'development_plans.child_id', 'development_plans.term', 'development_plans.group_id',
    'development_plans.goals', 'development_plans.school_does', 'development_plans.pupil_does', 'development_plans.guardians_do',
    'development_plans.signed_at', 'development_plans.version', personName(eb, 'development_plans.signed_by').as('signer')]);

type PlanRow = Awaited<ReturnType<ReturnType<typeof planList>['execute']>>[number];

async function commentsOf(db: Db, planId: number): Promise<PlanComment[]> {
  const rows = await db.selectFrom('development_plan_comments')
    .select((eb) => ['development_plan_comments.body', 'development_plan_comments.created_at',
      personName(eb, 'development_plan_comments.author_id').as('author')])
    .where('development_plan_comments.plan_id', '=', planId)
    .orderBy('development_plan_comments.created_at').orderBy('development_plan_comments.id').execute();
  return rows.map((r) => ({ author: r.author ?? '', body: r.body, createdAt: r.created_at }));
}

async function toPlan(db: Db, r: PlanRow): Promise<DevelopmentPlan> {
  return {
    id: r.id, childId: r.child_id, term: r.term, groupId: r.group_id, goals: r.goals, schoolDoes: r.school_does,
    pupilDoes: r.pupil_does, guardiansDo: r.guardians_do, signedAt: r.signed_at,
    signedBy: r.signed_at === null ? null : (r.signer ?? ''), version: r.version, comments: await commentsOf(db, r.id),
  };
}

/** The pupil's IUP of the term ("HT2026") with its comments, oldest first; undefined when none is written. */
export async function planOf(db: Db, childId: number, term: string): Promise<DevelopmentPlan | undefined> {
  const row = await planList(db).where('development_plans.child_id', '=', childId).where('development_plans.term', '=', term)
    .executeTakeFirst();
  return row && toPlan(db, row);
}

/** A plan in the list of the pupil's terms: its term, class and whether it is signed. */
export interface PlanSummary { term: string; groupId: number; signedAt: string | null }

/** Every plan of the pupil, newest term first (by year, then the autumn term after the spring term of the same year). */
export async function plansOfChild(db: Db, childId: number): Promise<PlanSummary[]> {
  const rows = await db.selectFrom('development_plans').select(['term', 'group_id', 'signed_at'])
    .where('child_id', '=', childId).execute();
  const order = (term: string) => `${term.slice(2)}${term.startsWith('VT') ? '0' : '1'}`;
  return rows.map((r) => ({ term: r.term, groupId: r.group_id, signedAt: r.signed_at }))
    .sort((a, b) => order(b.term).localeCompare(order(a.term)));
}

export type SavePlan = { ok: true; id: number } | { ok: false; error: 'stale' | 'signed' };

/**
 * Writes the pupil's plan of the term: a new one in `groupId` when there is none and `version` is absent, else the
 * plan read at `version` unless it was signed or saved since (nothing changes then). Two first saves at once: the
 * unique (child, term) lets one in, the other is stale.
 */
export async function savePlan(
  db: Db, plan: { childId: number; term: string; groupId: number; version: number | undefined; by: number; at: Date } & Record<'goals' | 'schoolDoes' | 'pupilDoes' | 'guardiansDo', string>,
): Promise<SavePlan> {
  const at = plan.at.toISOString();
  const text = { goals: plan.goals, school_does: plan.schoolDoes, pupil_does: plan.pupilDoes, guardians_do: plan.guardiansDo };
  const existing = await db.selectFrom('development_plans').select(['id', 'signed_at', 'version'])
    .where('child_id', '=', plan.childId).where('term', '=', plan.term).executeTakeFirst();
  if (!existing) {
    if (plan.version !== undefined) return { ok: false, error: 'stale' };
    try {
      const { id } = await db.insertInto('development_plans').values({
        child_id: plan.childId, term: plan.term, group_id: plan.groupId, ...text, signed_at: null, signed_by: null,
        created_at: at, updated_at: at, updated_by: plan.by,
      }).returning('id').executeTakeFirstOrThrow();
      return { ok: true, id };
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, error: 'stale' };
      throw error;
    }
  }
  if (existing.signed_at !== null) return { ok: false, error: 'signed' };
  if (plan.version === undefined) return { ok: false, error: 'stale' };
  const saved = await db.updateTable('development_plans')
    .set((eb) => ({ ...text, updated_at: at, updated_by: plan.by, version: eb('version', '+', 1) }))
    .where('id', '=', existing.id).where('version', '=', plan.version).where('signed_at', 'is', null).executeTakeFirst();
  return Number(saved.numUpdatedRows) === 1 ? { ok: true, id: existing.id } : { ok: false, error: 'stale' };
}

export type SignPlan = { ok: true } | { ok: false; error: 'stale' | 'signed' };

/** Signs the plan read at `version` off: by whom and when; a plan signed or saved since is left as it is. */
export async function signPlan(db: Db, planId: number, version: number | undefined, by: number, at: Date): Promise<SignPlan> {
  if (version === undefined) return { ok: false, error: 'stale' };
  const signed = await db.updateTable('development_plans')
    .set((eb) => ({ signed_at: at.toISOString(), signed_by: by, updated_at: at.toISOString(), updated_by: by, version: eb('version', '+', 1) }))
    .where('id', '=', planId).where('version', '=', version).where('signed_at', 'is', null).executeTakeFirst();
  if (Number(signed.numUpdatedRows) === 1) return { ok: true };
  const row = await db.selectFrom('development_plans').select('signed_at').where('id', '=', planId).executeTakeFirst();
  return { ok: false, error: row?.signed_at ? 'signed' : 'stale' };
}

/** A guardian's or the pupil's comment on the plan. */
export async function addPlanComment(db: Db, comment: { planId: number; by: number; body: string; at: Date }): Promise<void> {
  await db.insertInto('development_plan_comments').values({
    plan_id: comment.planId, author_id: comment.by, body: comment.body, created_at: comment.at.toISOString(),
  }).execute();
}
