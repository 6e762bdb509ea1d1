// Development plans' part of the register extract (each child's plans, the comments on them and the notes of the
// child's development talks, who wrote them as "you" or "someone else"; a guardian only the notes for the whole family
// and for their own home, as on the plan page, whatever the unit's two-homes setting is now) and of retention (a child's plans, comments and talks' notes go with the child's other records,
// after the municipality's period). Read only with a strong login: never in a weak session's or the admin's extract.
import type { Db } from '../kernel/db.ts';
import { slices, type ExtractSection, type PersonalDataPart } from '../kernel/personal-data.ts';
import { guardianshipOf } from '../people/queries.ts';
import { noteIsGuardians, removeTalkNotesOfChildren, talkNotesOfChildren } from '../talks/notes.ts';

export const developmentPlanPersonalData: PersonalDataPart = {
  domain: 'development-plans',
  strongLogin: true, // only in an extract taken strong, never the admin's (server/kernel/personal-data.ts)
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const childIds = [...subject.childIds];
    const plans = await db.selectFrom('development_plans')
      .select(['id', 'child_id', 'term', 'goals', 'school_does', 'pupil_does', 'guardians_do', 'signed_at', 'created_at', 'updated_at'])
      .where('child_id', 'in', childIds).orderBy('term').orderBy('id').execute();
    const comments = plans.length === 0 ? [] : await db.selectFrom('development_plan_comments')
      .innerJoin('development_plans', 'development_plans.id', 'development_plan_comments.plan_id')
      .select(['development_plans.child_id', 'development_plans.term', 'development_plan_comments.body', 'development_plan_comments.author_id',
        'development_plan_comments.created_at'])
      .where('development_plans.child_id', 'in', childIds).orderBy('development_plan_comments.created_at').orderBy('development_plan_comments.id').execute();
    const notes = await talkNotesOfChildren(db, childIds);
    const by = (personId: number) => (personId === subject.personId ? 'you' : 'other');
    const sections: ExtractSection[] = [];
    for (const childId of childIds) {
      const guardianship = childId === subject.personId ? undefined : await guardianshipOf(db, subject.personId, childId);
      const own = notes.filter((n) => n.childId === childId);
      const seen = guardianship ? own.filter((n) => noteIsGuardians(n.home, guardianship)) : own;
      sections.push({
        title: 'personalData.sections.developmentPlans', childId,
        columns: ['term', 'goals', 'school_does', 'pupil_does', 'guardians_do', 'signed_at', 'created_at', 'updated_at'],
        rows: plans.filter((p) => p.child_id === childId).map((p) => ({
          term: p.term, goals: p.goals, school_does: p.school_does, pupil_does: p.pupil_does, guardians_do: p.guardians_do,
          signed_at: p.signed_at, created_at: p.created_at, updated_at: p.updated_at,
        })),
      }, {
        title: 'personalData.sections.developmentPlanComments', childId, columns: ['term', 'created_at', 'body', 'by'],
        rows: comments.filter((c) => c.child_id === childId).map((c) => ({ term: c.term, created_at: c.created_at, body: c.body, by: by(c.author_id) })),
      }, {
        title: 'personalData.sections.talkNotes', childId, columns: ['date', 'body', 'by', 'updated_at'],
        rows: seen.map((n) => ({ date: n.date, body: n.body, by: by(n.updatedBy), updated_at: n.updatedAt })),
      });
    }
    return { sections };
  },
  retention: [{
    kind: 'developmentPlans', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = await removeTalkNotesOfChildren(trx, childIds);
      for (const ids of slices(childIds)) {
        const plans = trx.selectFrom('development_plans').select('id').where('child_id', 'in', ids);
        removed += Number((await trx.deleteFrom('development_plan_comments').where('plan_id', 'in', plans).executeTakeFirst()).numDeletedRows);
        removed += Number((await trx.deleteFrom('development_plans').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      }
      return removed;
    },
  }],
};
