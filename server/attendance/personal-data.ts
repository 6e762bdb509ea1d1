// Attendance's part of the register extract (each child's arrivals and departures) and of retention.
import type { Db } from '../kernel/db.ts';
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const attendancePersonalData: PersonalDataPart = {
  domain: 'attendance',
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const rows = await db.selectFrom('attendances').select(['child_id', 'date', 'arrived_at', 'left_at'])
      .where('child_id', 'in', subject.childIds).orderBy('date').orderBy('id').execute();
    return {
      sections: subject.childIds.map((childId) => ({
        title: 'personalData.sections.attendances', childId, columns: ['date', 'arrived_at', 'left_at'],
        rows: rows.filter((r) => r.child_id === childId).map(({ child_id: _c, ...r }) => r),
      })),
    };
  },
  retention: [{
    kind: 'attendances', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('attendances').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      return removed;
    },
  }],
};
