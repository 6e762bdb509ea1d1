// The child's history's part of the register extract (every change of care times, absence and attendance) and of retention.
import type { Db } from '../kernel/db.ts';
import { byWhom, slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const historyPersonalData: PersonalDataPart = {
  domain: 'history',
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const rows = await db.selectFrom('care_history').select(['child_id', 'date', 'what', 'old_value', 'new_value', 'changed_by', 'changed_at'])
      .where('child_id', 'in', subject.childIds).orderBy('changed_at').orderBy('id').execute();
    return {
      sections: subject.childIds.map((childId) => ({
        title: 'personalData.sections.history', childId, columns: ['date', 'what', 'old_value', 'new_value', 'by', 'changed_at'],
        rows: rows.filter((r) => r.child_id === childId).map(({ child_id: _c, changed_by, ...r }) => ({ ...r, by: byWhom(subject.accountIds, changed_by) })),
      })),
    };
  },
  retention: [{
    kind: 'history', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('care_history').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      return removed;
    },
  }],
};
