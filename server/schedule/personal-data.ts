// Care times' part of the register extract (each child's registered times and standard weeks) and of retention.
import type { Db } from '../kernel/db.ts';
import { byWhom, slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const schedulePersonalData: PersonalDataPart = {
  domain: 'schedule',
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const times = await db.selectFrom('care_times')
      .select(['child_id', 'date', 'starts', 'ends', 'day_off', 'comment', 'registered_by', 'updated_at', 'staff_comment', 'staff_comment_at'])
      .where('child_id', 'in', subject.childIds).orderBy('date').execute();
    const standard = await db.selectFrom('standard_schedules')
      .innerJoin('standard_care_times', 'standard_care_times.schedule_id', 'standard_schedules.id')
      .select(['standard_schedules.child_id', 'standard_schedules.valid_from', 'standard_care_times.weekday', 'standard_care_times.starts',
        'standard_care_times.ends', 'standard_care_times.day_off', 'standard_schedules.created_at'])
      .where('standard_schedules.child_id', 'in', subject.childIds)
      .orderBy('standard_schedules.valid_from').orderBy('standard_schedules.id').orderBy('standard_care_times.weekday').execute();
    return {
      sections: subject.childIds.flatMap((childId) => [
        {
          title: 'personalData.sections.careTimes', childId,
          columns: ['date', 'starts', 'ends', 'day_off', 'comment', 'by', 'updated_at', 'staff_comment', 'staff_comment_at'],
          rows: times.filter((r) => r.child_id === childId)
            .map(({ child_id: _c, registered_by, ...r }) => ({ ...r, by: byWhom(subject.accountIds, registered_by) })),
        },
        {
          title: 'personalData.sections.standardWeeks', childId, columns: ['valid_from', 'weekday', 'starts', 'ends', 'day_off', 'created_at'],
          rows: standard.filter((r) => r.child_id === childId).map(({ child_id: _c, ...r }) => r),
        },
      ]),
    };
  },
  retention: [{
    kind: 'careTimes', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) {
        const schedules = trx.selectFrom('standard_schedules').select('id').where('child_id', 'in', ids);
        removed += Number((await trx.deleteFrom('standard_care_times').where('schedule_id', 'in', schedules).executeTakeFirst()).numDeletedRows);
        removed += Number((await trx.deleteFrom('standard_schedules').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
        removed += Number((await trx.deleteFrom('care_times').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      }
      return removed;
    },
  }],
};
