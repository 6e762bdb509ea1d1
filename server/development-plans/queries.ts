// Individual development plans (IUP): one per pupil and term, written by a teacher of the pupil's school class, signed
// off by the teacher; the guardians' and the pupil's comments on it. The SQL of development_plans and
// development_plan_comments.
import type { Db } from '../kernel/db.ts';
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
