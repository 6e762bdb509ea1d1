// Telling the guardians that school staff marked a child's absence as unreported (ogiltig frånvaro): a notification in
// Vardag every time, and at most one SMS per child and day to each guardian's mobile number, sent after a few minutes
// in which the mark can be undone (the notification and the SMS taken back with it).
import { stockholmDate } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { DEFAULT_LANGUAGE, formatDate, languageByCode, translator } from '../kernel/i18n.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { accountsRefusingSms, notify } from '../notifications/queries.ts';
import { guardiansOfChild } from '../people/queries.ts';
import { queueSms } from '../sms/outbox.ts';
import { isE164, swedishMobile } from '../sms/rules.ts';

/** The notification; its text is `notifications.kinds.unreportedAbsence` (`_lessons` for a time span). */
export const unreportedAbsenceNotification = defineNotificationKind({ key: 'unreportedAbsence', topic: 'absence' });

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
  /** The SMS wait until then (the mark's undo window). */
  smsAfter?: Date;
}

export interface NoticeResult {
  /** The accounts that got a notification. */
  notifiedAccounts: number[];
  /** The SMS queued now, by outbox id (none for a number that already got one about this child and day). */
  smsIds: number[];
}

interface Recipient { language: string | null; mobile: string | undefined; phone: string | undefined; smsOff: boolean }

/**
 * Writes a notification to every open account of the child's legal guardians (each time it is called) and queues an
 * SMS to each guardian's mobile number unless one about this child and day went to that number already: the
 * account's own mobile number when it has one (always one its holder verified by a code: a number not yet verified is
 * not the account's), else the person's phone when that is a Swedish mobile number. The SMS
 * is in the account's language (Swedish without an account). Pass the transaction of the change that causes it.
 */
export async function notifyUnreportedAbsence(db: Db, n: UnreportedAbsenceNotice): Promise<NoticeResult> {
  const { notified, recipients } = await noticeRecipients(db, n.childId);

  const lessons = n.from !== undefined && n.to !== undefined;
  const params: Record<string, string> = n.from !== undefined && n.to !== undefined
    ? { child: n.childFirstName, date: n.date, from: n.from, to: n.to, context: 'lessons' }
    : { child: n.childFirstName, date: n.date };
  await notify(db, { accountIds: notified, kind: unreportedAbsenceNotification, childId: n.childId, params, url: `/children/${n.childId}`, at: n.now });

  const smsIds: number[] = [];
  const variant = `${n.date === stockholmDate(n.now) ? 'today' : 'day'}${lessons ? 'Lessons' : ''}`;
  for (const recipient of recipients) {
    const mobile = recipient.mobile ?? recipient.phone;
    if (!mobile) continue;
    const language = languageByCode(recipient.language) ?? DEFAULT_LANGUAGE;
    const date = formatDate(n.date, language); // "tisdag 24 november", as a person reads it
    const message = translator(language)(`sms.unreportedAbsence.${variant}`, { child: n.childFirstName, date, from: n.from, to: n.to, school: n.schoolName });
    const id = await queueSms(db, { to: mobile, message, childId: n.childId, day: n.date, sendAfter: n.smsAfter }, n.now);
    if (id !== undefined) smsIds.push(id);
  }
  return { notifiedAccounts: notified, smsIds };
}

/**
 * Who hears of a mark: the open accounts of the child's guardians (notified), and one SMS recipient per guardian, none
 * for a guardian who turned the absence SMS off (for this child or all) on an account of theirs.
 */
async function noticeRecipients(db: Db, childId: number) {
  const guardians = (await guardiansOfChild(db, childId)).sort((a, b) => a.id - b.id);
  const accounts = await openAccountsOf(db, guardians.map((g) => g.id));
  const accountsOf = (personId: number) => accounts.filter((a) => a.personId === personId);
  const notified = guardians.flatMap((g) => accountsOf(g.id).map((a) => a.id));
  const refusing = await accountsRefusingSms(db, notified, 'absence', childId);
  const smsOff = (personId: number) => accountsOf(personId).some((a) => refusing.has(a.id));
  // One recipient per guardian: the first open account with a mobile number of its own, else the register's phone.
  const recipients: Recipient[] = guardians.map((g) => {
    const own = accountsOf(g.id).find((a) => a.mobile && isE164(a.mobile));
    const first = accountsOf(g.id)[0];
    if (smsOff(g.id)) return { language: null, mobile: undefined, phone: undefined, smsOff: true };
    return { language: (own ?? first)?.language ?? null, mobile: own?.mobile ?? undefined, phone: swedishMobile(g.phone), smsOff: false };
  });
  return { guardians, accountsOf, notified, recipients };
}

/**
 * How a guardian will hear of a mark: by SMS (and a notification if they have an account), only a notification (no
 * mobile number, or SMS turned off by the guardian), or not at all.
 */
export interface GuardianTold { name: string; by: 'sms' | 'notification' | 'smsOff' | 'nobody' }

/** What the confirmation before a mark says: who of the guardians is told, and how. */
export async function whoIsTold(db: Db, childId: number): Promise<GuardianTold[]> {
  const { guardians, accountsOf, recipients } = await noticeRecipients(db, childId);
  return guardians.map((g, i) => ({
    name: `${g.firstName} ${g.lastName}`,
    by: recipients[i].smsOff ? 'smsOff' : recipients[i].mobile ?? recipients[i].phone ? 'sms' : accountsOf(g.id).length ? 'notification' : 'nobody',
  }));
}
