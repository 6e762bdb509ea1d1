// School assessment's part of the register extract (each child's assessments: term, subject, each ability's level,
// the comment, draft or published) and of retention (a child's assessments go with the child's other records, after
// the municipality's period). Read only with a strong login: a weak session's extract leaves them out and says so.
import type { Db } from '../kernel/db.ts';
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';
import { publishedAssessmentsOfChildren, removeAssessmentsOf } from './queries.ts';

export const assessmentPersonalData: PersonalDataPart = {
  domain: 'assessment',
  strongLogin: true,
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const assessments = await publishedAssessmentsOfChildren(db, subject.childIds);
    return {
      sections: subject.childIds.map((childId) => ({
        title: 'personalData.sections.assessment', childId, columns: ['term', 'subject', 'levels', 'comment', 'status', 'updated_at'],
        rows: assessments.filter((a) => a.childId === childId).map((a) => ({
          term: a.term, subject: a.subject, levels: a.marks.map((m) => `${m.ability}: ${m.level}`).join('; '),
          comment: a.comment, status: a.status, updated_at: a.updatedAt,
        })),
      })),
    };
  },
  retention: [{
    kind: 'assessment', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += await removeAssessmentsOf(trx, ids);
      return removed;
    },
  }],
};
