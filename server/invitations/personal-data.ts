// Invitations' part of the register extract (the invitations sent to the person) and of retention: a child who left
// is taken off the invitations that named them, and an invitation that names no child any more goes with its keys.
import type { Db } from '../kernel/db.ts';
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const invitationsPersonalData: PersonalDataPart = {
  domain: 'invitations',
  async extract(db, subject) {
    const rows = await db.selectFrom('invitations').select(['email', 'language', 'send_on', 'created_at', 'revoked_at', 'used_at'])
      .where('guardian_id', '=', subject.personId).orderBy('id').execute();
    return { sections: [{ title: 'personalData.sections.invitations', childId: null, columns: ['email', 'language', 'send_on', 'created_at', 'revoked_at', 'used_at'], rows }] };
  },
  retention: [{
    kind: 'invitations', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) {
        const invitationIds = (await trx.selectFrom('invitation_children').select('invitation_id').distinct().where('child_id', 'in', ids).execute())
          .map((r) => r.invitation_id);
        removed += Number((await trx.deleteFrom('invitation_children').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
        for (const invitations of slices(invitationIds)) {
          const empty = (await trx.selectFrom('invitations').select('id').where('id', 'in', invitations)
            .where((eb) => eb.not(eb.exists(eb.selectFrom('invitation_children').select('invitation_children.child_id')
              .whereRef('invitation_children.invitation_id', '=', 'invitations.id')))).execute()).map((r) => r.id);
          if (empty.length === 0) continue;
          removed += Number((await trx.deleteFrom('invitation_keys').where('invitation_id', 'in', empty).executeTakeFirst()).numDeletedRows);
          removed += Number((await trx.deleteFrom('invitations').where('id', 'in', empty).executeTakeFirst()).numDeletedRows);
        }
      }
      return removed;
    },
  }],
};
