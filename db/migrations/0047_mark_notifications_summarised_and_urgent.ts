import type { Kysely } from 'kysely';
import { flagColumn } from '../sql.ts';

// The evening summary picks what no summary has had yet, not a window of time (server/notifications/delivery.ts):
// - `notifications.summarised_at`: when a summary took the notification up (listed it, or passed it over because the
//   person chose it at once or only in Vardag; null: none yet). A notification written late (a bulletin's fan-out
//   after the summary was claimed, with the moment of its sending) is then in the next summary, once. Those an
//   account's summaries already covered (created up to its last summary's `until`) are marked now, so the first
//   summary after this migration repeats nothing.
// - `notifications.urgent`: of an urgent kind (delivered at once whatever was chosen): never in a summary. The urgent
//   kinds written so far are the messages' 'messageUrgent' and 'messageUrgentSensitive' (server/messages/write.ts).
// - The unreported-absence SMS now asks the person's SMS box for absence (server/notifications/rules.ts smsWanted),
//   ticked by default. Until now that box changed nothing (every guardian with a mobile number got the SMS) and 0045
//   stored it unticked: every stored absence choice gets it ticked, so nobody loses the SMS they had without choosing to.
// Push where e-mail was chosen (0045) stays as it is: it is what someone who never chose gets (e-mail and push), a push
// reaches only a device the person added themselves (adding one is asking for pushes), and the page says what goes where.
// biome-ignore lint/suspicious/noExplicitAny: a migration is written against the schema of its time, not db/schema.ts
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('summarised_at', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('urgent', 'integer', flagColumn).execute();
  await db.updateTable('notification_choices').set({ sms: 1 }).where('topic', '=', 'absence').execute();
  await db.updateTable('notifications').set({ urgent: 1 }).where('kind', 'in', ['messageUrgent', 'messageUrgentSensitive']).execute();
  const last = db.selectFrom('notification_summaries').select((eb) => eb.fn.max('until').as('until'))
    .whereRef('notification_summaries.account_id', '=', 'notifications.account_id');
  await db.updateTable('notifications').set({ summarised_at: last }).where('created_at', '<=', last).execute();
}
