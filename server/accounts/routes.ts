// Logging in and out and choosing a language; the account's other pages (a forgotten password, "Mina inställningar",
// closing an account) add their routes from here.
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import { languageByCode, rememberLanguage } from '../kernel/i18n.ts';
import { render } from '../kernel/views.ts';
import { MAX_LOGIN_NAME, MAX_PASSWORD } from './passwords.ts';
import { addressOf, loginLimits } from './login-limits.ts';
import { checkLogin, startSession } from './sessions.ts';
import { setLanguage } from './queries.ts';
import type { HashingOptions } from './passwords.ts';
import { closureRoutes } from './closure-routes.ts';
import type { AccountCleanup } from './closure-queries.ts';
import { passwordResetRoutes } from './password-reset.ts';
import { smsLoginOffered, type LoginSettingsOf } from './sms-login.ts';
import { smsLoginRoutes } from './sms-login-routes.ts';
import { settingsPageRoutes } from './settings-routes.ts';
import { hasDeviceToken } from './pin-device.ts';
import { pinRoutes } from './pin-routes.ts';

export interface AccountsDeps {
  db: Db; clock: Clock; config: Config; dummyHash: string; hashing?: HashingOptions;
  /** What other domains remove when an account is closed (closure-queries.ts AccountCleanup). */
  accountCleanups?: readonly AccountCleanup[];
  /** The municipality's ways to log in, and whether any municipality has e-ID ("Logga in med BankID"): from app.ts. */
  loginSettings: LoginSettingsOf;
  eIdOffered: () => Promise<boolean>;
}

export function accountRoutes(routes: RouteTable, deps: AccountsDeps): void {
  const { db, clock, config } = deps;
  const limits = loginLimits(db, clock, config);

  routes.publicGet('/login', async (req, res) => {
    if (req.actor) return res.redirect(303, '/');
    res.locals.smsLoginOffered = await smsLoginOffered(db, deps.loginSettings); // (a link to "Logga in med SMS-kod", sms-login-routes.ts)
    res.locals.eIdOffered = await deps.eIdOffered(); // ("Logga in med BankID", server/e-id/routes.ts)
    renderLogin(req, res, {});
  });

  routes.publicPost('/login', async (req, res) => {
    res.locals.smsLoginOffered = await smsLoginOffered(db, deps.loginSettings);
    res.locals.eIdOffered = await deps.eIdOffered();
    const username = field(req.body, 'username');
    const password = field(req.body, 'password');
    const errors = validateLogin(username, password);
    if (hasErrors(errors)) return renderLogin(req, res, errors, 400);
    const checked = await checkLogin(db, limits, addressOf(req), { username, password }, deps.dummyHash);
    if (!checked.ok && checked.error !== 'wrong') {
      res.set('Retry-After', String(checked.retryAfter));
      return renderLogin(req, res, { form: { key: checked.error === 'busy' ? 'login.errors.busy' : 'login.errors.tooMany' } }, 429);
    }
    if (!checked.ok) return renderLogin(req, res, { form: { key: 'login.errors.wrong' } }, 401);
    await startSession(req, db, clock, checked.account.id, field(req.body, 'remember') === 'yes' ? config.rememberMeDays : undefined);
    res.redirect(303, safeReturnPath(field(req.body, 'next')));
  });

  routes.post('/logout', 'session.end', async (req, res) => {
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    // The browser drops what it cached of the session's pages ("cache") and the service worker with its offline pages
    // and its push subscription ("storage"), so the next person on a shared phone gets none of this account's pushes;
    // the next page registers a fresh worker.
    res.set('Clear-Site-Data', '"cache", "storage"').clearCookie(SESSION_COOKIE).redirect(303, '/login');
  });

  routes.publicPost('/language', async (req, res) => {
    const language = languageByCode(field(req.body, 'language'));
    if (language) {
      req.session.language = language.code;
      rememberLanguage(req, res, language); // the login page speaks it next time too
      if (req.account) await setLanguage(db, req.account.id, language.code);
    }
    res.redirect(303, safeReturnPath(field(req.body, 'next')));
  });

  passwordResetRoutes(routes, deps);
  smsLoginRoutes(routes, deps);
  pinRoutes(routes, deps);
  settingsPageRoutes(routes, deps);
  closureRoutes(routes, deps);
}

export const SESSION_COOKIE = 'vardag.sid';

function validateLogin(username: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (!username.trim()) errors.username = { key: 'login.errors.usernameMissing' };
  else if (username.length > MAX_LOGIN_NAME) errors.username = { key: 'login.errors.usernameTooLong' };
  if (!password.trim()) errors.password = { key: 'login.errors.passwordMissing' };
  else if (password.length > MAX_PASSWORD) errors.password = { key: 'login.errors.passwordTooLong' };
  return errors;
}

function renderLogin(req: Request, res: Response, errors: FieldErrors, status = 200): void {
  const next = safeReturnPath(req.method === 'GET' ? req.query.next : field(req.body, 'next'));
  render(req, res, 'accounts/login', {
    errors,
    values: { username: field(req.body, 'username'), remember: field(req.body, 'remember') === 'yes', next },
    smsLogin: res.locals.smsLoginOffered === true,
    eIdLogin: res.locals.eIdOffered === true,
    pinDevice: hasDeviceToken(req), // (this browser has a PIN: its form first, pin-routes.ts)
  }, status);
}
