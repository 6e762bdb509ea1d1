// Notifications' part of the register extract (the person's notifications and their choices of how to be told) and of
// retention (notifications about a child who left).
import type { Db } from '../kernel/db.ts';
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const notificationsPersonalData: PersonalDataPart = {
  domain: 'notifications',
  async extract(db, subject) {
    if (subject.accountIds.length === 0) return { sections: [] };
    const notifications = await db.selectFrom('notifications').select(['kind', 'url', 'created_at', 'read_at'])
      .where('account_id', 'in', subject.accountIds).orderBy('id').execute();
    const choices = await db.selectFrom('notification_choices').select(['topic', 'child_id', 'timing', 'email', 'push', 'sms'])
      .where('account_id', 'in', subject.accountIds).orderBy('topic').orderBy('child_id').execute();
    return {
      sections: [
        { title: 'personalData.sections.notifications', childId: null, columns: ['kind', 'url', 'created_at', 'read_at'], rows: notifications },
        { title: 'personalData.sections.notificationChoices', childId: null, columns: ['topic', 'child_id', 'timing', 'email', 'push', 'sms'], rows: choices },
      ],
    };
  },
  retention: [{
    kind: 'notifications', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('notifications').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      return removed;
    },
  }],
};
