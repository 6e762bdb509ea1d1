// Same-day notes' part of the register extract (each child's notes: the day, what it said, whether you wrote it, when, taken
// back when) and of retention (a child's notes go with the child's other records, after the municipality's period).
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';
import { dayNotesForExtract, removeDayNotesOf } from './queries.ts';

export const dayNotePersonalData: PersonalDataPart = {
  domain: 'day-notes',
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const all = await dayNotesForExtract(db, subject.childIds);
    return {
      sections: subject.childIds.map((childId) => ({
        title: 'personalData.sections.dayNotes', childId,
        columns: ['date', 'kind', 'minutes', 'at_time', 'pickup_name', 'by', 'created_at', 'cancelled_at'],
        rows: all.filter((n) => n.childId === childId).map((n) => ({
          date: n.date, kind: n.kind, minutes: n.minutes, at_time: n.atTime, pickup_name: n.pickupName, by: n.writtenBy === subject.personId ? 'you' : 'other',
          created_at: n.createdAt, cancelled_at: n.cancelledAt,
        })),
      })),
    };
  },
  retention: [{
    kind: 'dayNotes', defaultMonths: 12,
    async remove(trx, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += await removeDayNotesOf(trx, ids);
      return removed;
    },
  }],
};
