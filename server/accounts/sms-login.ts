// Logging in with a code SMS:ed to the account's verified mobile number (seed 000: "PIN-kod, BankID och SMS-kod"), where
// the account's municipality has turned it on (its login settings, server/e-id/settings.ts). A person types their
// username, login e-mail address or mobile number; a 6-digit code goes to the account's verified number, lives 10
// minutes, allows 5 tries and is used once. The answer is the same whether or not such an account exists (no account
// enumeration): a request that gets no SMS stores a code nobody has, and the session points at that one the same way.
// What an SMS costs is limited per address and typed name (the routes, visibly) and per account and per number
// (here, silently: saying so would tell who has an account). The login is a weak one, like a password's.
import crypto from 'node:crypto';
import type { Options } from 'express-rate-limit';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { DEFAULT_LANGUAGE, languageByCode, translator } from '../kernel/i18n.ts';
import { DatabaseRateLimitStore } from '../kernel/rate-limits.ts';
import { allMunicipalities } from '../people/audit-scope.ts';
import { queueSms } from '../sms/outbox.ts';
import { parseSwedishMobile } from '../sms/rules.ts';
import { MOBILE_CODE_DIGITS } from './rules.ts';
import {
  smsAccountById, smsAccountByLogin, smsAccountsByMobile, storeSmsLoginCode, useSmsLoginCode, type SmsLoginAccount, type UseSmsLoginCode,
} from './sms-login-queries.ts';

declare module 'express-session' {
  interface SessionData {
    /** An SMS code login under way: the code asked for (its row, never the code), where to go after, when asked. */
    smsLogin?: { codeId: number; next: string; at: string };
  }
}

/** How long a code works: long enough for a slow SMS, short enough for a guessed one to be of no use (issue 24: short-lived). */
/**
 * A municipality's ways to log in (server/e-id/settings.ts keeps them with its e-ID settings on /admin/login): handed in
 * by app.ts, so accounts and e-id do not import each other (e-id signs people in through accounts' sessions).
 */
export type LoginSettingsOf = (municipalityId: number) => Promise<{ strongIdleMinutes: number; smsCodeLogin: boolean }>;

export const SMS_LOGIN_MINUTES = 10;
/** Wrong tries a code allows; then a new one must be asked for. */
export const SMS_LOGIN_TRIES = 5;
/** Login SMS an account gets an hour, and a number (an SMS costs money; a stranger must not text someone all day). */
export const SMS_LOGIN_PER_ACCOUNT = 5;
export const SMS_LOGIN_PER_NUMBER = 5;
const HOUR = 60 * 60_000;

/** A code's hash: SHA-256 of the code row and the code (a code lives 10 minutes and allows 5 tries: no slow hash needed). */
export function hashSmsLoginCode(codeId: number | 'none', code: string): string {
  return crypto.createHash('sha256').update(`sms-login:${codeId}:${code}`).digest('hex');
}

export interface SmsLogin {
  /** Sends a code if `typed` names an account that may get one; the id of the code row the session is to point at. */
  request(typed: string, now: Date): Promise<number>;
  /** Tries a code typed for the code row. */
  use(codeId: number, code: string, now: Date): Promise<UseSmsLoginCode | { ok: false; error: 'off' }>;
}

export function smsLogin(db: Db, clock: Clock, loginSettings: LoginSettingsOf): SmsLogin {
  const perAccount = counter(db, clock, 'sms-login-account');
  const perNumber = counter(db, clock, 'sms-login-number');

  /** Whether one more login SMS to this account and number is within their hourly limits (each counted once asked). */
  const mayText = async (accountIds: number[], mobile: string) => {
    let ok = (await perNumber.increment(mobile)).totalHits <= SMS_LOGIN_PER_NUMBER;
    for (const id of accountIds) ok = (await perAccount.increment(String(id))).totalHits <= SMS_LOGIN_PER_ACCOUNT && ok;
    return ok;
  };

  return {
    async request(typed, now) {
      const expiresAt = new Date(now.getTime() + SMS_LOGIN_MINUTES * 60_000);
      const accounts = await accountsFor(db, typed);
      const allowed: SmsLoginAccount[] = [];
      for (const account of accounts) if ((await loginSettings(account.municipalityId)).smsCodeLogin) allowed.push(account);
      const noCode = () => storeSmsLoginCode(db, null, hashSmsLoginCode('none', crypto.randomBytes(32).toString('hex')), expiresAt, now);
      if (allowed.length === 0) return noCode();
      const mobile = allowed[0].mobile;
      if (!(await mayText(allowed.map((a) => a.id), mobile))) return noCode();
      if (allowed.length > 1) {
        // One number, several accounts (two guardians sharing a phone): a code would not say whose login it is.
        await queueSms(db, { to: mobile, message: translator(languageOf(allowed[0].language))('sms.loginCodeSeveral') }, now);
        return noCode();
      }
      const account = allowed[0];
      const code = String(crypto.randomInt(0, 10 ** MOBILE_CODE_DIGITS)).padStart(MOBILE_CODE_DIGITS, '0');
      return db.transaction().execute(async (trx) => {
        const id = await storeSmsLoginCode(trx, account.id, 'pending', expiresAt, now);
        await trx.updateTable('sms_login_codes').set({ code_hash: hashSmsLoginCode(id, code) }).where('id', '=', id).execute();
        const message = translator(languageOf(account.language))('sms.loginCode', { code, minutes: SMS_LOGIN_MINUTES });
        await queueSms(trx, { to: account.mobile, message }, now);
        return id;
      });
    },

    async use(codeId, code, now) {
      const used = await useSmsLoginCode(db, codeId, hashSmsLoginCode(codeId, code), now, SMS_LOGIN_TRIES);
      if (!used.ok) return used;
      // Used up either way; but an account closed meanwhile, or a municipality that turned SMS login off, lets nobody in.
      const account = await smsAccountById(db, used.accountId);
      if (!account) return { ok: false, error: 'gone' };
      if (!(await loginSettings(account.municipalityId)).smsCodeLogin) return { ok: false, error: 'off' };
      return used;
    },
  };
}

/** The accounts a typed name names: a username or login e-mail address first, else a mobile number however written. */
async function accountsFor(db: Db, typed: string): Promise<SmsLoginAccount[]> {
  const byLogin = await smsAccountByLogin(db, typed);
  if (byLogin) return [byLogin];
  const mobile = parseSwedishMobile(typed);
  return mobile.ok && mobile.value ? smsAccountsByMobile(db, mobile.value) : [];
}

function languageOf(code: string) {
  return languageByCode(code) ?? DEFAULT_LANGUAGE;
}

function counter(db: Db, clock: Clock, name: string): DatabaseRateLimitStore {
  const store = new DatabaseRateLimitStore(db, clock, name);
  store.init({ windowMs: HOUR } as Options);
  return store;
}

/**
 * Whether any municipality of the database lets its people log in with an SMS code: the login page then links to it
 * (the page is the same for everyone, before anyone is known). One primary-key read per municipality.
 */
export async function smsLoginOffered(db: Db, loginSettings: LoginSettingsOf): Promise<boolean> {
  for (const municipality of await allMunicipalities(db)) if ((await loginSettings(municipality.id)).smsCodeLogin) return true;
  return false;
}
