// The audit trail's part of the register extract (what the person did, and when their children's records were read or
// changed: the action and the time, never who nor about whom) and of retention (the rows about a child who left, after their own longer period).
import { KEPT_FROM_FAMILY } from '../kernel/actions.ts';
import type { Db } from '../kernel/db.ts';
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const auditPersonalData: PersonalDataPart = {
  domain: 'audit',
  async extract(db, subject) {
    // What the person did themself (which action, when; never about whom: the child may be another family's)...
    const own = await db.selectFrom('audit_trail').select(['at', 'action', 'outcome'])
      .where('person_id', '=', subject.personId).orderBy('at').orderBy('id').execute();
    // ...and who read or changed their children's records (when and what, never who), but not the records the family
    // is never shown (a ban on someone picking the child up): not even that one exists.
    const rows = subject.childIds.length === 0 ? [] : await db.selectFrom('audit_trail').select(['child_id', 'at', 'action', 'outcome'])
      .where('child_id', 'in', subject.childIds).where('action', 'not in', KEPT_FROM_FAMILY).orderBy('at').orderBy('id').execute();
    return {
      sections: [{ title: 'personalData.sections.auditOwn', childId: null, columns: ['at', 'action', 'outcome'], rows: own }, ...subject.childIds.map((childId) => ({
        title: 'personalData.sections.audit', childId, columns: ['at', 'action', 'outcome'],
        rows: rows.filter((r) => r.child_id === childId).map(({ child_id: _c, ...r }) => r),
      }))],
    };
  },
  retention: [{
    kind: 'auditTrail', defaultMonths: 36,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('audit_trail').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      return removed;
    },
  }],
};
