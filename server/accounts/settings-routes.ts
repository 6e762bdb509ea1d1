// "Mina inställningar": username, password, e-mail addresses, mobile number (verified by a code SMS:ed to it),
// language, a link to the notification choices (server/notifications/settings-routes.ts), where the account is logged in, and a request to close the account. Each part is
// its own plain form that posts, saves and comes back to /settings; on an error the page is shown again with the
// message at the field and what was typed (never a password).
import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { DatabaseRateLimitStore } from '../kernel/rate-limits.ts';
import { field, flash, notFound, parseId, type RouteTable } from '../kernel/http.ts';
import { LANGUAGES } from '../kernel/i18n.ts';
import { endOtherSessions } from '../kernel/session-store.ts';
import { render } from '../kernel/views.ts';
import { openClosureRequest } from './closure-queries.ts';
import { addressOf, loginLimits } from './login-limits.ts';
import { addOwnEmail, changeOwnPassword } from './change-settings.ts';
import { loginKey, type HashingOptions } from './passwords.ts';
import { formatMobile, MIN_PASSWORD, MOBILE_CODE_DIGITS, parseMobile, usernameProblem } from './rules.ts';
import {
  cancelPendingMobile, changeUsername, endSession, extraEmails, makeLoginEmail, markVerified, ownAccount, pendingMobile, removeEmail,
  sessionsOf, VERIFY_LINK_HOURS, verifyLink,
} from './settings-queries.ts';
import { changeOwnMobile, confirmMobileCode, MOBILE_CODE_MINUTES, resendMobileCode } from './verify-mobile.ts';

const HOUR = 60 * 60_000;

interface Deps { db: Db; clock: Clock; config: Config; hashing?: HashingOptions }

export function settingsPageRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;
  const saved = (req: Request, res: Response, key: string, section: string) => {
    flash(req, `accountSettings.saved.${key}`);
    res.redirect(303, `/settings#${section}`);
  };
  const settingsPage = (req: Request, res: Response, accountId: number, errors: FieldErrors = {}) => renderSettings(req, res, deps, accountId, errors);
  const limits = loginLimits(db, clock, config);
  // Verification mails, like "Glömt lösenord?" links: so many an hour per account and per address they go to, counted
  // in the database (every process sees the same count). Only a request that queued a mail counts (a refused or
  // invalid one answers 4xx and takes its count back).
  const tooManyMails = (req: Request, res: Response) => {
    if (!req.account) throw notFound();
    return renderSettings(req, res, deps, req.account.id, { email: { key: 'accountSettings.errors.tooManyMails' } }, 429);
  };
  const mailLimit = (name: string, limit: number, key: (req: Request) => string) => rateLimit({
    windowMs: HOUR, limit, standardHeaders: 'draft-8', legacyHeaders: false, skipFailedRequests: true, keyGenerator: key, handler: tooManyMails,
    store: new DatabaseRateLimitStore(db, clock, name),
  });
  const verifyMailsPerAccount = mailLimit('verify-mail-account', config.verifyMailLimitPerAccount, (req) => `${req.account?.id ?? ''}`);
  const verifyMailsPerAddress = mailLimit('verify-mail-address', config.verifyMailLimitPerAddress, (req) => loginKey(field(req.body, 'email')));
  // SMS with a code to verify a mobile number, the same way: per account, and per number they go to (the one typed,
  // or for a new code the one waiting). Removing a number and a number that is refused cost nothing.
  const tooManyCodes = (req: Request, res: Response) => {
    if (!req.account) throw notFound();
    const at = req.path.endsWith('/resend') ? 'resend' : 'mobile';
    return renderSettings(req, res, deps, req.account.id, { [at]: { key: 'accountSettings.errors.tooManyCodes' } }, 429);
  };
  const codeNumber = async (req: Request): Promise<string | undefined> => {
    if (req.path.endsWith('/resend')) return req.account ? (await pendingMobile(db, req.account.id, clock.now()))?.mobile : undefined;
    const parsed = parseMobile(field(req.body, 'mobile'));
    return parsed.ok ? parsed.value ?? undefined : undefined;
  };
  const codeLimit = (name: string, limit: number, key: (req: Request) => Promise<string>) => rateLimit({
    windowMs: HOUR, limit, standardHeaders: 'draft-8', legacyHeaders: false, skipFailedRequests: true, keyGenerator: key, handler: tooManyCodes,
    skip: async (req) => (await codeNumber(req)) === undefined, store: new DatabaseRateLimitStore(db, clock, name),
  });
  const codesPerAccount = codeLimit('verify-sms-account', config.verifySmsLimitPerAccount, async (req) => `${req.account?.id ?? ''}`);
  const codesPerNumber = codeLimit('verify-sms-number', config.verifySmsLimitPerNumber, async (req) => (await codeNumber(req)) ?? '');

  routes.get('/settings', 'account.settings.read', (req, res, { account }) => settingsPage(req, res, account.id));

  routes.post('/settings/username', 'account.settings.update', async (req, res, { account }) => {
    const username = field(req.body, 'username');
    const problem = usernameProblem(username);
    if (problem) return settingsPage(req, res, account.id, { username: { key: problem } });
    if (!(await changeUsername(db, account.id, username))) return settingsPage(req, res, account.id, { username: { key: 'accountSettings.errors.usernameTaken' } });
    saved(req, res, 'username', 'username-section');
  });

  routes.post('/settings/password', 'account.settings.update', async (req, res, { account }) => {
    const typed = { current: field(req.body, 'current_password'), next: field(req.body, 'new_password') };
    const changed = await changeOwnPassword(db, account.id, typed, { sid: req.sessionID, now: clock.now(), hashing: deps.hashing, limits, address: addressOf(req) });
    if (!changed.ok && changed.retryAfter !== undefined) {
      res.set('Retry-After', String(changed.retryAfter));
      return renderSettings(req, res, deps, account.id, changed.errors, 429);
    }
    if (!changed.ok) return settingsPage(req, res, account.id, changed.errors);
    saved(req, res, 'password', 'password-section');
  });

  routes.post('/settings/emails', 'account.settings.update', verifyMailsPerAccount, verifyMailsPerAddress, async (req, res, { account }) => {
    const added = await addOwnEmail(db, config.publicUrl, account.id, field(req.body, 'email'), clock.now());
    if (!added.ok) return settingsPage(req, res, account.id, added.errors);
    saved(req, res, 'emailAdded', 'email-section');
  });

  routes.post('/settings/emails/:emailId/remove', 'account.settings.update', async (req, res, { account }) => {
    const id = parseId(req.params.emailId);
    if (id === undefined || !(await removeEmail(db, account.id, id))) throw notFound();
    saved(req, res, 'emailRemoved', 'email-section');
  });

  routes.post('/settings/emails/:emailId/make-login', 'account.settings.update', async (req, res, { account }) => {
    const id = parseId(req.params.emailId);
    const own = await ownAccount(db, account.id);
    if (id === undefined || !own) throw notFound();
    const result = await makeLoginEmail(db, own, id, clock.now());
    if (!result.ok && result.error === 'not-found') throw notFound();
    if (!result.ok) {
      return settingsPage(req, res, account.id, { email: { key: result.error === 'taken' ? 'accountSettings.errors.emailTaken' : 'accountSettings.errors.emailNotVerified' } });
    }
    saved(req, res, 'loginEmail', 'email-section');
  });

  routes.post('/settings/mobile', 'account.settings.update', codesPerAccount, codesPerNumber, async (req, res, { account }) => {
    const changed = await changeOwnMobile(db, account.id, field(req.body, 'mobile'), clock.now());
    if (!changed.ok) return settingsPage(req, res, account.id, changed.errors);
    saved(req, res, changed.done === 'removed' ? 'mobileRemoved' : 'mobileCodeSent', 'mobile-section');
  });

  routes.post('/settings/mobile/resend', 'account.settings.update', codesPerAccount, codesPerNumber, async (req, res, { account }) => {
    const sent = await resendMobileCode(db, account.id, clock.now());
    if (!sent.ok) return settingsPage(req, res, account.id, sent.errors);
    saved(req, res, 'mobileCodeSent', 'mobile-section');
  });

  routes.post('/settings/mobile/verify', 'account.settings.update', async (req, res, { account }) => {
    const confirmed = await confirmMobileCode(db, account.id, field(req.body, 'code'), clock.now());
    if (!confirmed.ok) return settingsPage(req, res, account.id, confirmed.errors);
    saved(req, res, 'mobileVerified', 'mobile-section');
  });

  routes.post('/settings/mobile/cancel', 'account.settings.update', async (req, res, { account }) => {
    await cancelPendingMobile(db, account.id);
    saved(req, res, 'mobileCancelled', 'mobile-section');
  });

  routes.post('/settings/sessions/end', 'account.settings.update', async (req, res, { account }) => {
    const ended = await endSession(db, account.id, field(req.body, 'session'), req.sessionID);
    saved(req, res, ended ? 'sessionEnded' : 'sessionGone', 'sessions-section');
  });

  routes.post('/settings/sessions/end-others', 'account.settings.update', async (req, res, { account }) => {
    await endOtherSessions(db, account.id, req.sessionID);
    saved(req, res, 'otherSessionsEnded', 'sessions-section');
  });

  // The link in the verification mail works without logging in: having the mail is what it proves. The GET only
  // shows a button, so a mail scanner that opens links does not verify anything.
  routes.publicGet('/email/verify/:token', async (req, res) => {
    const link = await verifyLink(db, String(req.params.token), clock.now());
    renderVerify(req, res, link.state === 'valid' ? 'confirm' : link.state, 'email' in link ? link.email : undefined);
  });

  routes.publicPost('/email/verify/:token', async (req, res) => {
    const link = await verifyLink(db, String(req.params.token), clock.now());
    if (link.state !== 'valid') return renderVerify(req, res, link.state, 'email' in link ? link.email : undefined);
    await markVerified(db, link.id, clock.now());
    renderVerify(req, res, 'done', link.email);
  });
}

function renderVerify(req: Request, res: Response, state: 'confirm' | 'done' | 'verified' | 'unknown' | 'expired', email: string | undefined): void {
  const status = state === 'unknown' ? 404 : state === 'expired' ? 410 : 200;
  render(req, res, 'accounts/verify-email', { state, email, token: String(req.params.token), hours: VERIFY_LINK_HOURS }, status);
}

/** Sections of the page and the form fields each holds, so a failed form is refilled with what was typed. */
const TYPED_FIELDS = ['username', 'email', 'mobile', 'code', 'confirm_close'];

export async function renderSettings(
  req: Request, res: Response, { db, clock }: Pick<Deps, 'db' | 'clock'>, accountId: number, errors: FieldErrors = {}, status?: number,
): Promise<void> {
  const account = await ownAccount(db, accountId);
  if (!account) throw notFound();
  const [emails, sessions, closure, pending] = await Promise.all([
    extraEmails(db, account.id), sessionsOf(db, account.id, req.sessionID, clock.now()),
    openClosureRequest(db, account.id), pendingMobile(db, account.id, clock.now()),
  ]);
  const mobile = {
    verified: account.mobile ? formatMobile(account.mobile) : undefined,
    pending: pending && { number: formatMobile(pending.mobile), codeSent: pending.codeSent, expired: pending.expired },
    minutes: MOBILE_CODE_MINUTES, digits: MOBILE_CODE_DIGITS,
  };
  const stored: Record<string, string> = { username: account.username, mobile: account.mobile ? formatMobile(account.mobile) : '' };
  const typed: Record<string, string> = {};
  if (hasErrors(errors)) for (const name of TYPED_FIELDS) if (name in (req.body ?? {})) typed[name] = field(req.body, name);
  render(req, res, 'accounts/settings', {
    title: req.t('accountSettings.title'),
    settings: account, emails, closure, mobile, languages: LANGUAGES,
    sessions: sessions.map((session) => ({ ...session, device: describeAgent(session.agent) })),
    minLength: MIN_PASSWORD, verifyHours: VERIFY_LINK_HOURS, hasVerifiedEmail: account.email !== null || emails.some((e) => e.verified),
    errors, values: { ...stored, ...typed },
  }, status ?? (hasErrors(errors) ? 400 : 200));
}

/** "Firefox", "Android" from a User-Agent header: enough for a person to tell their phone from their computer. */
function describeAgent(agent: string | undefined): { browser?: string; os?: string } {
  if (!agent) return {};
  const browser = /Edg(e|A|iOS)?\//.test(agent) ? 'Edge' : /OPR\/|Opera/.test(agent) ? 'Opera'
    : /SamsungBrowser\//.test(agent) ? 'Samsung Internet' : /Firefox\/|FxiOS\//.test(agent) ? 'Firefox'
    : /Chrome\/|CriOS\/|Chromium\//.test(agent) ? 'Chrome' : /Safari\//.test(agent) ? 'Safari' : undefined;
  const os = /iPhone/.test(agent) ? 'iPhone' : /iPad/.test(agent) ? 'iPad' : /Android/.test(agent) ? 'Android'
    : /Windows/.test(agent) ? 'Windows' : /Mac OS X|Macintosh/.test(agent) ? 'macOS' : /CrOS/.test(agent) ? 'ChromeOS'
    : /Linux/.test(agent) ? 'Linux' : undefined;
  return { browser, os };
}
