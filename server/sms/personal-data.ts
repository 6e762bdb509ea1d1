// SMS's part of retention: the SMS sent about a child who left (to the guardians' numbers). Not in the extract: an
// SMS went to a number, not to a person the register knows for sure.
import type { Db } from '../kernel/db.ts';
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const smsPersonalData: PersonalDataPart = {
  domain: 'sms',
  retention: [{
    kind: 'sms', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('sms_outbox').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      return removed;
    },
  }],
};
