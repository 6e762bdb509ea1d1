// Notes' part of the register extract (each child's notes, who wrote them as "you" or "someone else") and of
// retention (a child's notes go with the child's other records, after the municipality's period).
import type { Db } from '../kernel/db.ts';
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const notesPersonalData: PersonalDataPart = {
  domain: 'notes',
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const rows = await db.selectFrom('notes').select(['child_id', 'body', 'author_id', 'created_at', 'updated_at'])
      .where('child_id', 'in', subject.childIds).orderBy('created_at').orderBy('id').execute();
    return {
      sections: subject.childIds.map((childId) => ({
        title: 'personalData.sections.notes', childId, columns: ['created_at', 'body', 'by', 'updated_at'],
        rows: rows.filter((r) => r.child_id === childId).map((r) => ({
          created_at: r.created_at, body: r.body, by: r.author_id === subject.personId ? 'you' : 'other', updated_at: r.updated_at,
        })),
      })),
    };
  },
  retention: [{
    kind: 'notes', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('notes').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      return removed;
    },
  }],
};
