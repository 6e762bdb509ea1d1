// Photo consent's part of the register extract and of retention. A guardian's extract holds their own answers about
// each of their children (not the other guardian's: a choice of the other home is theirs to tell); a pupil's holds
// every answer about themself. Removed with the child's other records after the child left.
import type { Db } from '../kernel/db.ts';
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const consentPersonalData: PersonalDataPart = {
  domain: 'consent',
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const rows = await db.selectFrom('photo_consents')
      .select(['child_id', 'guardian_id', 'answer', 'source', 'answered_on', 'recorded_by', 'recorded_at'])
      .where('child_id', 'in', [...subject.childIds]).orderBy('id').execute();
    const who = (personId: number) => (personId === subject.personId ? 'you' : 'other');
    return {
      sections: subject.childIds.map((childId) => ({
        title: 'personalData.sections.photoConsents', childId,
        columns: ['guardian_answer', 'source', 'date', 'by', 'at'],
        rows: rows.filter((r) => r.child_id === childId && (childId === subject.personId || r.guardian_id === subject.personId))
          .map((r) => ({ guardian_answer: r.answer, source: r.source, date: r.answered_on, by: who(r.recorded_by), at: r.recorded_at })),
      })),
    };
  },
  retention: [{
    kind: 'photoConsents', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('photo_consents').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      return removed;
    },
  }],
};
