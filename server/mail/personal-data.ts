// The mail outbox's part of retention, and its answer to the register extract (the accounts module's part lists the
// mails sent to the addresses of the person's accounts: subject, when, whether it went; never the body, gone once
// sent, nor a mail to anyone else's address). Retention: a mail sent or given up is removed after the municipality's
// period (a mail about no municipality, such as a test mail, after the default).
import { sql } from 'kysely';
import type { Db } from '../kernel/db.ts';
import type { PersonalDataPart } from '../kernel/personal-data.ts';

/** Days a mail sent or given up is kept, unless the municipality set another period. */
export const KEEP_SENT_MAIL_DAYS = 90;

export type MailStatus = 'sent' | 'failed' | 'waiting';

export interface MailToAddress { recipient: string; subject: string; created_at: string; sent_at: string | null; mail_status: MailStatus }

/**
 * The mails of the municipality (or about none) to any of the addresses, as typed or in ASCII lower case (lower() folds
 * only ASCII on SQLite): the caller, who knows how its addresses compare, keeps those that are really theirs. The
 * accounts module asks this for a person's extract (it knows the person's addresses; mail knows no accounts).
 */
export async function mailsToAddresses(db: Db, addresses: readonly string[], municipalityId: number): Promise<MailToAddress[]> {
  if (addresses.length === 0) return [];
  const rows = await db.selectFrom('mail_outbox')
    .select(['recipient', 'subject', 'created_at', 'sent_at', 'failed_at'])
    .where((eb) => eb.or([eb('recipient', 'in', addresses), eb(sql<string>`lower(recipient)`, 'in', addresses.map((a) => a.toLowerCase()))]))
    .where((eb) => eb.or([eb('municipality_id', '=', municipalityId), eb('municipality_id', 'is', null)]))
    .orderBy('created_at').orderBy('id').execute();
  return rows.map((m) => ({
    recipient: m.recipient, subject: m.subject, created_at: m.created_at, sent_at: m.sent_at,
    mail_status: m.sent_at ? 'sent' : m.failed_at ? 'failed' : 'waiting',
  }));
}

/** The mails of the municipality (null: about none) sent or given up before `before`. */
async function removeMail(trx: Db, municipalityId: number | null, before: Date): Promise<number> {
  const at = before.toISOString();
  const result = await trx.deleteFrom('mail_outbox')
    .where((eb) => (municipalityId === null ? eb('municipality_id', 'is', null) : eb('municipality_id', '=', municipalityId)))
    .where((eb) => eb.or([eb('sent_at', '<', at), eb('failed_at', '<', at)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export const mailPersonalData: PersonalDataPart = {
  domain: 'mail',
  timedRetention: [{ kind: 'mails', defaultDays: KEEP_SENT_MAIL_DAYS, remove: removeMail }],
};
