// Telling the guardians that school staff marked a child's absence as unreported (ogiltig frånvaro): a notification in
// Vardag every time, and at most one SMS per child and day to each guardian's mobile number.
import type { Transaction } from 'kysely';
import { stockholmDate } from '../kernel/clock.ts';
import type { Database, Db } from '../kernel/db.ts';
import { DEFAULT_LANGUAGE, languageByCode, translator } from '../kernel/i18n.ts';
import { isE164, queueSms, swedishMobile } from '../sms/outbox.ts';

/** The kind of the notification; its text is `notifications.kinds.unreportedAbsence` (`_lessons` for a time span). */
export const UNREPORTED_ABSENCE_NOTIFICATION = 'unreportedAbsence';

export interface UnreportedAbsenceNotice {
  childId: number;
  /** The day of the absence, YYYY-MM-DD. */
  date: string;
  /** The lessons' time span, HH:MM, when not the whole day. */
  from?: string;
  to?: string;
  /** Only the first name goes into a notification or SMS: never a last name, never a personnummer. */
  childFirstName: string;
  schoolName: string;
  now: Date;
}

export interface NoticeResult {
  /** The accounts that got a notification. */
  notifiedAccounts: number[];
  /** The SMS queued now, by outbox id (none for a number that already got one about this child and day). */
  smsIds: number[];
}

interface Recipient { language: string | null; mobile: string | undefined; phone: string | undefined }

/**
 * Writes a notification to every open account of the child's legal guardians (each time it is called) and queues an
 * SMS to each guardian's mobile number unless one about this child and day went to that number already: the
 * account's own mobile number when it has one, else the person's phone when that is a Swedish mobile number. The SMS
 * is in the account's language (Swedish without an account). Pass the transaction of the change that causes it.
 */
export async function notifyUnreportedAbsence(db: Db | Transaction<Database>, n: UnreportedAbsenceNotice): Promise<NoticeResult> {
  const rows = await db.selectFrom('guardianships')
    .innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
    .leftJoin('accounts', (join) => join.onRef('accounts.person_id', '=', 'persons.id').on('accounts.closed_at', 'is', null))
    .select(['persons.id as person_id', 'persons.phone', 'accounts.id as account_id', 'accounts.language', 'accounts.mobile'])
    .where('guardianships.child_id', '=', n.childId)
    .orderBy('persons.id').orderBy('accounts.id').execute();

  const accounts = [...new Set(rows.flatMap((r) => (r.account_id === null ? [] : [r.account_id])))];
  const lessons = n.from !== undefined && n.to !== undefined;
  const params: Record<string, string> = lessons
    ? { child: n.childFirstName, date: n.date, from: n.from!, to: n.to!, context: 'lessons' }
    : { child: n.childFirstName, date: n.date };
  if (accounts.length) {
    await db.insertInto('notifications').values(accounts.map((accountId) => ({
      account_id: accountId, child_id: n.childId, kind: UNREPORTED_ABSENCE_NOTIFICATION, params: JSON.stringify(params),
      url: `/children/${n.childId}`, created_at: n.now.toISOString(), read_at: null,
    }))).execute();
  }

  // One recipient per guardian: the first open account with a mobile number of its own, else the register's phone.
  const byPerson = new Map<number, Recipient>();
  for (const r of rows) {
    const own = r.mobile && isE164(r.mobile) ? r.mobile : undefined;
    const known = byPerson.get(r.person_id);
    if (!known) byPerson.set(r.person_id, { language: r.language, mobile: own, phone: swedishMobile(r.phone) });
    else if (own && !known.mobile) byPerson.set(r.person_id, { ...known, language: r.language, mobile: own });
  }
  const smsIds: number[] = [];
  const variant = `${n.date === stockholmDate(n.now) ? 'today' : 'day'}${lessons ? 'Lessons' : ''}`;
  for (const recipient of byPerson.values()) {
    const mobile = recipient.mobile ?? recipient.phone;
    if (!mobile) continue;
    const t = translator(languageByCode(recipient.language) ?? DEFAULT_LANGUAGE);
    const message = t(`sms.unreportedAbsence.${variant}`, { child: n.childFirstName, date: n.date, from: n.from, to: n.to, school: n.schoolName });
    const id = await queueSms(db, { to: mobile, message, childId: n.childId, day: n.date }, n.now);
    if (id !== undefined) smsIds.push(id);
  }
  return { notifiedAccounts: accounts, smsIds };
}
