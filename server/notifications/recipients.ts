// What notifications needs to know of accounts, declared here and handed in by the composition root (server/app.ts
// `NOTIFICATION_RECIPIENTS`, implemented in the accounts domain's notification-recipients.ts): accounts imports
// notifications (everyone calls the one writer, notify()), so notifications may not import accounts back.
import type { Db } from '../kernel/db.ts';

/** Where to reach one open account: its address (none: mail cannot reach it), language and municipality. */
export interface NotificationRecipient { accountId: number; email: string | null; language: string; municipalityId: number }

export interface RecipientDirectory {
  /** The open accounts among these ids, with where to mail them; a closed account is left out. */
  notificationRecipients(db: Db, accountIds: readonly number[]): Promise<Map<number, NotificationRecipient>>;
  /** The ids of the open accounts of a municipality's people. */
  openAccountsOfMunicipality(db: Db, municipalityId: number): Promise<number[]>;
}
