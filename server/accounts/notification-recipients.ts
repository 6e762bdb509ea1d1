// Who a notification mail goes to, for server/notifications (which may not read accounts): each open account's address
// (the login address, else its first verified extra one), language and municipality, and a municipality's open accounts.
// Notifications declares what it needs (RecipientDirectory); server/app.ts hands this implementation in.
import type { Db } from '../kernel/db.ts';
import type { NotificationRecipient, RecipientDirectory } from '../notifications/recipients.ts';
import { personMunicipality } from '../people/queries.ts';

/** The open accounts among these ids, with where to mail them; a closed account is left out. */
export async function notificationRecipients(db: Db, accountIds: readonly number[]): Promise<Map<number, NotificationRecipient>> {
  const found = new Map<number, NotificationRecipient>();
  for (let i = 0; i < accountIds.length; i += 500) {
    const ids = accountIds.slice(i, i + 500);
    const rows = await db.selectFrom('accounts')
      .select((eb) => ['accounts.id', 'accounts.email', 'accounts.language', personMunicipality(eb, 'accounts.person_id').as('municipality_id'),
        eb.selectFrom('account_emails').select('account_emails.email').whereRef('account_emails.account_id', '=', 'accounts.id')
          .where('account_emails.verified_at', 'is not', null).orderBy('account_emails.id').limit(1).as('extra_email')])
      .where('accounts.id', 'in', ids).where('accounts.closed_at', 'is', null).execute();
    for (const r of rows) {
      found.set(r.id, { accountId: r.id, email: r.email ?? r.extra_email ?? null, language: r.language, municipalityId: Number(r.municipality_id) });
    }
  }
  return found;
}

/** The ids of the open accounts of a municipality's people. */
export async function openAccountsOfMunicipality(db: Db, municipalityId: number): Promise<number[]> {
  const rows = await db.selectFrom('accounts').select('accounts.id')
    .where((eb) => eb(personMunicipality(eb, 'accounts.person_id'), '=', municipalityId)).where('accounts.closed_at', 'is', null)
    .execute();
  return rows.map((r) => r.id);
}

/** Accounts' side of what notifications needs of them (server/notifications/recipients.ts). */
export const accountRecipientDirectory: RecipientDirectory = { notificationRecipients, openAccountsOfMunicipality };
