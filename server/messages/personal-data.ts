// Messages' part of the register extract: every message the person's accounts sent or received, with its thread's
// subject and when it was read. (A thread about a child who left is kept as long as the accounts taking part in it:
// no retention rule of its own yet.)
import { byWhom, type PersonalDataPart } from '../kernel/personal-data.ts';

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
};
