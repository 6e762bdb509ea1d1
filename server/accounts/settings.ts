// "Mina inställningar" (seeds 000 #5, 003, 004): username, password, e-mail addresses, mobile number, language,
// notification choices, where the account is logged in, and a request to close the account. Each part is its own
// plain form that posts, saves and comes back to /settings; on an error the page is shown again with the message at
// the field and what was typed (never a password).
import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { field, flash, notFound, parseId, type RouteTable } from '../kernel/http.ts';
import { LANGUAGES } from '../kernel/i18n.ts';
import { endOtherSessions } from '../kernel/session-store.ts';
import { render } from '../kernel/views.ts';
import type { NotificationChannel } from '../../db/schema.ts';
import { openClosureRequest } from './closure-queries.ts';
import { queueVerifyEmailMail } from './mails.ts';
import { hashPassword, MAX_PASSWORD, verifyPassword, type HashingOptions } from './passwords.ts';
import { formatMobile, isEmail, MIN_PASSWORD, parseMobile, passwordProblem, usernameProblem } from './rules.ts';
import {
  addEmail, changePassword, changeUsername, endSession, extraEmails, makeLoginEmail, markVerified, NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS, notificationChoices, ownAccount, passwordHashOf, removeEmail, saveNotificationChoices, sessionsOf, setMobile,
  VERIFY_LINK_HOURS, verifyLink, type NotificationKind,
} from './settings-queries.ts';

interface Deps { db: Db; clock: Clock; config: Config; hashing?: HashingOptions }

type Errors = Record<string, string>;

const FIFTEEN_MINUTES = 15 * 60_000;

export function settingsPageRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;
  const me = (req: Request) => req.account!.id;
  const saved = (req: Request, res: Response, key: string, section: string) => {
    flash(req, `accountSettings.saved.${key}`);
    res.redirect(303, `/settings#${section}`);
  };
  // Guessing the current password from a session left open is as slow as guessing it at the login.
  const limitPasswordTries = rateLimit({
    windowMs: FIFTEEN_MINUTES, limit: config.loginLimitPerAccount, standardHeaders: 'draft-8', legacyHeaders: false,
    skipSuccessfulRequests: true, keyGenerator: (req) => `settings-password:${req.account?.id ?? 0}`,
    handler: (req, res, next) => void renderSettings(req, res, deps, { current_password: 'accountSettings.errors.tooManyTries' }, 429).catch(next),
  });

  routes.get('/settings', 'account.settings.read', (req, res) => renderSettings(req, res, deps));

  routes.post('/settings/username', 'account.settings.update', async (req, res) => {
    const username = field(req.body, 'username');
    const problem = usernameProblem(username);
    if (problem) return renderSettings(req, res, deps, { username: problem });
    if (!(await changeUsername(db, me(req), username))) return renderSettings(req, res, deps, { username: 'accountSettings.errors.usernameTaken' });
    saved(req, res, 'username', 'username-section');
  });

  routes.post('/settings/password', 'account.settings.update', limitPasswordTries, async (req, res) => {
    const current = field(req.body, 'current_password');
    const next = field(req.body, 'new_password');
    const errors: Errors = {};
    if (!current) errors.current_password = 'accountSettings.errors.currentMissing';
    else if (current.length > MAX_PASSWORD || !(await verifyPassword(await passwordHashOf(db, me(req)), current.trim()))) {
      errors.current_password = 'accountSettings.errors.currentWrong';
    }
    const problem = passwordProblem(next);
    if (problem) errors.new_password = problem;
    if (Object.keys(errors).length) return renderSettings(req, res, deps, errors);
    await changePassword(db, me(req), await hashPassword(next, deps.hashing), req.sessionID, clock.now());
    saved(req, res, 'password', 'password-section');
  });

  routes.post('/settings/emails', 'account.settings.update', async (req, res) => {
    const email = field(req.body, 'email').trim();
    if (!email) return renderSettings(req, res, deps, { email: 'accountSettings.errors.emailMissing' });
    if (!isEmail(email)) return renderSettings(req, res, deps, { email: 'accountSettings.errors.emailInvalid' });
    const account = (await ownAccount(db, me(req)))!;
    const now = clock.now();
    const added = await db.transaction().execute(async (trx) => {
      const result = await addEmail(trx, account, email, now);
      if (result.ok) await queueVerifyEmailMail(trx, config.publicUrl, email, account, result.token, now);
      return result;
    });
    if (!added.ok) {
      return renderSettings(req, res, deps, { email: added.error === 'is-login' ? 'accountSettings.errors.emailIsLogin' : 'accountSettings.errors.emailAlreadyVerified' });
    }
    saved(req, res, 'emailAdded', 'email-section');
  });

  routes.post('/settings/emails/:emailId/remove', 'account.settings.update', async (req, res) => {
    const id = parseId(req.params.emailId);
    if (id === undefined || !(await removeEmail(db, me(req), id))) throw notFound();
    saved(req, res, 'emailRemoved', 'email-section');
  });

  routes.post('/settings/emails/:emailId/make-login', 'account.settings.update', async (req, res) => {
    const id = parseId(req.params.emailId);
    if (id === undefined) throw notFound();
    const result = await makeLoginEmail(db, (await ownAccount(db, me(req)))!, id, clock.now());
    if (!result.ok && result.error === 'not-found') throw notFound();
    if (!result.ok) {
      return renderSettings(req, res, deps, { email: result.error === 'taken' ? 'accountSettings.errors.emailTaken' : 'accountSettings.errors.emailNotVerified' });
    }
    saved(req, res, 'loginEmail', 'email-section');
  });

  routes.post('/settings/mobile', 'account.settings.update', async (req, res) => {
    const parsed = parseMobile(field(req.body, 'mobile'));
    if (!parsed.ok) return renderSettings(req, res, deps, { mobile: parsed.error });
    await setMobile(db, me(req), parsed.value);
    saved(req, res, 'mobile', 'mobile-section');
  });

  routes.post('/settings/notifications', 'account.settings.update', async (req, res) => {
    const errors: Errors = {};
    const choices = {} as Record<NotificationKind, NotificationChannel>;
    for (const kind of NOTIFICATION_KINDS) {
      const value = field(req.body, `notify_${kind}`);
      if ((NOTIFICATION_CHANNELS as readonly string[]).includes(value)) choices[kind] = value as NotificationChannel;
      else errors[`notify_${kind}`] = 'accountSettings.errors.channelMissing';
    }
    if (Object.keys(errors).length) return renderSettings(req, res, deps, errors);
    await saveNotificationChoices(db, me(req), choices);
    saved(req, res, 'notifications', 'notifications-section');
  });

  routes.post('/settings/sessions/end', 'account.settings.update', async (req, res) => {
    const ended = await endSession(db, me(req), field(req.body, 'session'), req.sessionID);
    saved(req, res, ended ? 'sessionEnded' : 'sessionGone', 'sessions-section');
  });

  routes.post('/settings/sessions/end-others', 'account.settings.update', async (req, res) => {
    await endOtherSessions(db, me(req), req.sessionID);
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
const TYPED_FIELDS = ['username', 'email', 'mobile', 'confirm_close', ...NOTIFICATION_KINDS.map((k) => `notify_${k}`)];

export async function renderSettings(req: Request, res: Response, { db, clock }: Deps, errors: Errors = {}, status?: number): Promise<void> {
  const account = await ownAccount(db, req.account!.id);
  if (!account) throw notFound();
  const [emails, choices, sessions, closure] = await Promise.all([
    extraEmails(db, account.id), notificationChoices(db, account.id), sessionsOf(db, account.id, req.sessionID, clock.now()),
    openClosureRequest(db, account.id),
  ]);
  const stored: Record<string, string> = { username: account.username, mobile: account.mobile ? formatMobile(account.mobile) : '' };
  for (const kind of NOTIFICATION_KINDS) stored[`notify_${kind}`] = choices[kind];
  const typed: Record<string, string> = {};
  if (Object.keys(errors).length) for (const name of TYPED_FIELDS) if (name in (req.body ?? {})) typed[name] = field(req.body, name);
  render(req, res, 'accounts/settings', {
    title: req.t('accountSettings.title'),
    settings: account, emails, closure, languages: LANGUAGES, kinds: NOTIFICATION_KINDS, channels: NOTIFICATION_CHANNELS,
    sessions: sessions.map((session) => ({ ...session, device: describeAgent(session.agent) })),
    minLength: MIN_PASSWORD, verifyHours: VERIFY_LINK_HOURS, hasVerifiedEmail: account.email !== null || emails.some((e) => e.verified),
    errors, values: { ...stored, ...typed },
  }, status ?? (Object.keys(errors).length ? 400 : 200));
}

/** "Firefox", "Android" from a User-Agent header: enough for a person to tell their phone from their computer. */
export function describeAgent(agent: string | undefined): { browser?: string; os?: string } {
  if (!agent) return {};
  const browser = /Edg(e|A|iOS)?\//.test(agent) ? 'Edge' : /OPR\/|Opera/.test(agent) ? 'Opera'
    : /SamsungBrowser\//.test(agent) ? 'Samsung Internet' : /Firefox\/|FxiOS\//.test(agent) ? 'Firefox'
    : /Chrome\/|CriOS\/|Chromium\//.test(agent) ? 'Chrome' : /Safari\//.test(agent) ? 'Safari' : undefined;
  const os = /iPhone/.test(agent) ? 'iPhone' : /iPad/.test(agent) ? 'iPad' : /Android/.test(agent) ? 'Android'
    : /Windows/.test(agent) ? 'Windows' : /Mac OS X|Macintosh/.test(agent) ? 'macOS' : /CrOS/.test(agent) ? 'ChromeOS'
    : /Linux/.test(agent) ? 'Linux' : undefined;
  return { browser, os };
}
