// Accounts' part of the register extract (the person's logins, addresses, where they are logged in, requests to close)
// and of retention: the sessions of a child's own (student) account once the child has left.
import type { Db } from '../kernel/db.ts';
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';
import { endOtherSessions, sessionsOfAccount } from '../kernel/session-store.ts';
import { mailsToAddresses } from '../mail/personal-data.ts';
import { loginKey } from './passwords.ts';

/** The accounts of a person (a closed one too: it is still kept). */
export async function accountIdsOf(db: Db, personId: number): Promise<number[]> {
  return (await db.selectFrom('accounts').select('id').where('person_id', '=', personId).orderBy('id').execute()).map((a) => a.id);
}

/** The addresses the accounts' mail goes to: each account's own and the extra ones it verified (never one unverified). */
export async function mailAddressesOf(db: Db, accountIds: readonly number[]): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const [own, extra] = await Promise.all([
    db.selectFrom('accounts').select('email').where('id', 'in', accountIds).where('email', 'is not', null).execute(),
    db.selectFrom('account_emails').select('email').where('account_id', 'in', accountIds).where('verified_at', 'is not', null).execute(),
  ]);
  return [...new Set([...own, ...extra].map((r) => r.email ?? '').filter((email) => email !== ''))];
}

export const accountsPersonalData: PersonalDataPart = {
  domain: 'accounts',
  async extract(db, subject) {
    if (subject.accountIds.length === 0) return { sections: [] };
    const accounts = await db.selectFrom('accounts')
      .select(['username', 'display_name', 'email', 'mobile', 'language', 'created_at', 'last_login_at', 'closed_at'])
      .where('id', 'in', subject.accountIds).orderBy('id').execute();
    const emails = await db.selectFrom('account_emails').select(['email', 'created_at', 'verified_at'])
      .where('account_id', 'in', subject.accountIds).orderBy('id').execute();
    const closures = await db.selectFrom('account_closure_requests').select(['requested_at', 'handled_at', 'outcome'])
      .where('account_id', 'in', subject.accountIds).orderBy('id').execute();
    const sessions = (await Promise.all(subject.accountIds.map((id) => sessionsOfAccount(db, id))))
      .flat().map((s) => ({ expires: new Date(s.expires).toISOString() }));
    // The mails sent to the accounts' own addresses (login and verified extra ones), whatever their case: never another's
    const addresses = await mailAddressesOf(db, subject.accountIds);
    const keys = new Set(addresses.map(loginKey));
    const mails = (await mailsToAddresses(db, addresses, subject.municipalityId)).filter((m) => keys.has(loginKey(m.recipient)))
      .map((m) => ({ created_at: m.created_at, recipient: m.recipient, subject: m.subject, mail_status: m.mail_status, sent_at: m.sent_at }));
    return {
      sections: [
        { title: 'personalData.sections.accounts', childId: null,
          columns: ['username', 'display_name', 'email', 'mobile', 'language', 'created_at', 'last_login_at', 'closed_at'], rows: accounts },
        { title: 'personalData.sections.emails', childId: null, columns: ['email', 'created_at', 'verified_at'], rows: emails },
        { title: 'personalData.sections.sessions', childId: null, columns: ['expires'], rows: sessions },
        { title: 'personalData.sections.closureRequests', childId: null, columns: ['requested_at', 'handled_at', 'outcome'], rows: closures },
        { title: 'personalData.sections.mails', childId: null, columns: ['created_at', 'recipient', 'subject', 'mail_status', 'sent_at'], rows: mails },
      ],
    };
  },
  retention: [{
    kind: 'sessions', defaultMonths: 1,
    async remove(trx: Db, childIds) {
      let removed = 0;
      for (const ids of slices(childIds)) {
        const accounts = await trx.selectFrom('accounts').select('id').where('person_id', 'in', ids).execute();
        for (const account of accounts) {
          removed += (await sessionsOfAccount(trx, account.id)).length;
          await endOtherSessions(trx, account.id);
        }
      }
      return removed;
    },
  }],
};
