// Messages' part of the register extract: every message the person's accounts sent or received, with its thread's
// subject and when it was read. And retention: a thread about a child (a message to the child's guardians or staff)
// goes with all its messages, recipients and attachments once the municipality's period after the child's last
// placement has passed. A bulletin to a group or unit is about no one child and stays with its accounts.
import type { Db } from '../kernel/db.ts';
import { byWhom, slices, type PersonalDataPart } from '../kernel/personal-data.ts';

export const messagesPersonalData: PersonalDataPart = {
  domain: 'messages',
  async extract(db, subject) {
    if (subject.accountIds.length === 0) return { sections: [] };
    const accounts = [...subject.accountIds];
    const rows = await db.selectFrom('messages').innerJoin('message_threads', 'message_threads.id', 'messages.thread_id')
      .select((eb) => ['message_threads.subject', 'messages.body', 'messages.sent_at', 'messages.retracted_at', 'messages.sender_account_id',
        eb.selectFrom('message_recipients').select('message_recipients.read_at').whereRef('message_recipients.message_id', '=', 'messages.id')
          .where('message_recipients.account_id', 'in', accounts).limit(1).as('read_at')])
      .where((eb) => eb.or([
        eb('messages.sender_account_id', 'in', accounts),
        eb.exists(eb.selectFrom('message_recipients').select('message_recipients.message_id').whereRef('message_recipients.message_id', '=', 'messages.id')
          .where('message_recipients.account_id', 'in', accounts)),
      ]))
      .orderBy('messages.sent_at').orderBy('messages.id').execute();
    return {
      sections: [{
        title: 'personalData.sections.messages', childId: null,
        columns: ['by', 'subject', 'body', 'sent_at', 'read_at', 'retracted_at'],
        // who sent it: the person themself or someone else, never by name (as every part of the extract)
        rows: rows.map(({ sender_account_id, ...r }) => ({ ...r, by: byWhom(accounts, sender_account_id), body: r.retracted_at ? '' : r.body })),
      }],
    };
  },
  retention: [{
    kind: 'messages', defaultMonths: 12,
    async remove(trx: Db, childIds) {
      let removed = 0;
      // messages, recipients, participants, attachments' rows and out-of-office claims go with the thread (on delete
      // cascade); attachments' files are swept once no row names them
      for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('message_threads').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
      return removed;
    },
  }],
};
