// Absence's part of the register extract (each child's absences, with their comments and answers) and of retention.
import type { Db } from '../kernel/db.ts';
import { byWhom, slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const absencePersonalData: PersonalDataPart = {
  domain: 'absence',
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const rows = await db.selectFrom('absences')
      .select(['child_id', 'date', 'starts', 'ends', 'kind', 'comment', 'created_by', 'created_at', 'cancelled_at', 'guardian_answer', 'answered_at'])
      .where('child_id', 'in', subject.childIds).orderBy('date').orderBy('id').execute();
    return {
      sections: subject.childIds.map((childId) => ({
        title: 'personalData.sections.absences', childId,
        columns: ['date', 'starts', 'ends', 'kind', 'comment', 'by', 'created_at', 'cancelled_at', 'guardian_answer', 'answered_at'],
        rows: rows.filter((r) => r.child_id === childId).map(({ child_id: _c, created_by, ...r }) => ({ ...r, by: byWhom(subject.accountIds, created_by) })),
      })),
    };
  },
  retention: [{
    kind: 'absences', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('absences').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      return removed;
    },
  }],
};
