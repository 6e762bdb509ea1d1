// A person's own mobile number ("Mina inställningar"): a new number gets an SMS with a 6-digit code and becomes the
// number Vardag texts only when that code is typed in on the settings page. Until then SMS keep going to the number
// verified before (if any, else to the register's). A code expires after 15 minutes, is used once, and allows 5 wrong
// tries; how many codes an account and a number get is limited by the routes (settings-routes.ts).
import crypto from 'node:crypto';
import type { FieldErrors } from '../kernel/forms.ts';
import type { Db } from '../kernel/db.ts';
import { DEFAULT_LANGUAGE, languageByCode, translator } from '../kernel/i18n.ts';
import { queueSms } from '../sms/outbox.ts';
import { MOBILE_CODE_DIGITS, parseMobile, parseMobileCode } from './rules.ts';
import {
  ownAccount, pendingMobile, removeMobile, renewMobileCode, storeMobileCode, useMobileCode, type MobileCode,
} from './settings-queries.ts';

export const MOBILE_CODE_MINUTES = 15;
export const MOBILE_CODE_TRIES = 5;

export type MobileOutcome<T extends string> = { ok: true; done: T } | { ok: false; errors: FieldErrors };

/** A code's hash: SHA-256 is enough for a code that lives 15 minutes and allows 5 tries; the account id salts it. */
export function hashMobileCode(accountId: number, code: string): string {
  return crypto.createHash('sha256').update(`${accountId}:${code}`).digest('hex');
}

function newCode(accountId: number, now: Date): { code: string; stored: MobileCode } {
  const code = String(crypto.randomInt(0, 10 ** MOBILE_CODE_DIGITS)).padStart(MOBILE_CODE_DIGITS, '0');
  return { code, stored: { hash: hashMobileCode(accountId, code), expiresAt: new Date(now.getTime() + MOBILE_CODE_MINUTES * 60_000) } };
}

function codeMessage(language: string, code: string): string {
  const t = translator(languageByCode(language) ?? DEFAULT_LANGUAGE);
  return t('sms.mobileCode', { code, minutes: MOBILE_CODE_MINUTES });
}

/**
 * What was typed in the mobile number field: a new number gets a code (it waits until the code is typed in), an
 * empty field removes the account's numbers, verified and waiting alike.
 */
export async function changeOwnMobile(db: Db, accountId: number, typed: string, now: Date): Promise<MobileOutcome<'code-sent' | 'removed'>> {
  const parsed = parseMobile(typed);
  if (!parsed.ok) return { ok: false, errors: { mobile: { key: parsed.error } } };
  if (parsed.value === null) {
    await removeMobile(db, accountId);
    return { ok: true, done: 'removed' };
  }
  const mobile = parsed.value;
  const account = await ownAccount(db, accountId);
  if (!account) throw new Error(`account ${accountId} was not found`);
  if (account.mobile === mobile) return { ok: false, errors: { mobile: { key: 'accountSettings.errors.mobileAlreadyYours' } } };
  const { code, stored } = newCode(accountId, now);
  await db.transaction().execute(async (trx) => {
    await storeMobileCode(trx, accountId, mobile, stored, now);
    await queueSms(trx, { to: mobile, message: codeMessage(account.language, code) }, now);
  });
  return { ok: true, done: 'code-sent' };
}

/** A new code for the number waiting (also the first one for a number stored before numbers were verified). */
export async function resendMobileCode(db: Db, accountId: number, now: Date): Promise<MobileOutcome<'code-sent'>> {
  const nothing = { ok: false as const, errors: { mobile: { key: 'accountSettings.errors.mobileNothingPending' } } };
  const [account, pending] = await Promise.all([ownAccount(db, accountId), pendingMobile(db, accountId, now)]);
  if (!account) throw new Error(`account ${accountId} was not found`);
  if (!pending) return nothing;
  const { code, stored } = newCode(accountId, now);
  const renewed = await db.transaction().execute(async (trx) => {
    if (!(await renewMobileCode(trx, accountId, pending.mobile, stored))) return false;
    await queueSms(trx, { to: pending.mobile, message: codeMessage(account.language, code) }, now);
    return true;
  });
  return renewed ? { ok: true, done: 'code-sent' } : nothing;
}

/** The code typed in: the right one makes the number waiting the account's own, the one SMS go to. */
export async function confirmMobileCode(db: Db, accountId: number, typed: string, now: Date): Promise<MobileOutcome<'verified'>> {
  const parsed = parseMobileCode(typed);
  if (!parsed.ok) return { ok: false, errors: { code: { key: parsed.error } } };
  const used = await useMobileCode(db, accountId, hashMobileCode(accountId, parsed.value), now, MOBILE_CODE_TRIES);
  if (used.ok) return { ok: true, done: 'verified' };
  switch (used.error) {
    case 'wrong':
      return { ok: false, errors: { code: used.triesLeft > 0
        ? { key: 'accountSettings.errors.codeWrong', params: { left: used.triesLeft } }
        : { key: 'accountSettings.errors.codeTooManyTries' } } };
    case 'too-many-tries': return { ok: false, errors: { code: { key: 'accountSettings.errors.codeTooManyTries' } } };
    case 'expired': return { ok: false, errors: { code: { key: 'accountSettings.errors.codeExpired' } } };
    case 'no-code': return { ok: false, errors: { code: { key: 'accountSettings.errors.codeNotSent' } } };
    case 'nothing-pending': return { ok: false, errors: { mobile: { key: 'accountSettings.errors.mobileNothingPending' } } };
  }
}
