// Extra adaptations' part of the register extract (each child's adaptations: what, who decided and when, the review day,
// when it ended) — only in an extract taken with a strong login, never the admin's — and of retention (a child's
// adaptations go with the child's other records, after the municipality's period).
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';
import { adaptationsForExtract, removeAdaptationsOf } from './queries.ts';

export const adaptationPersonalData: PersonalDataPart = {
  domain: 'adaptations',
  strongLogin: true, // only in an extract taken strong, never the admin's (server/kernel/personal-data.ts)
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const all = await adaptationsForExtract(db, subject.childIds);
    return {
      sections: subject.childIds.map((childId) => ({
        title: 'personalData.sections.adaptations', childId,
        columns: ['decided_on', 'what', 'decided_by', 'review_by', 'ended_on', 'updated_at'],
        rows: all.filter((a) => a.childId === childId).map((a) => ({
          decided_on: a.decidedOn, what: a.what, decided_by: a.decidedBy, review_by: a.reviewBy, ended_on: a.endedOn, updated_at: a.updatedAt,
        })),
      })),
    };
  },
  retention: [{
    kind: 'adaptations', defaultMonths: 12,
    async remove(trx, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += await removeAdaptationsOf(trx, ids);
      return removed;
    },
  }],
};
