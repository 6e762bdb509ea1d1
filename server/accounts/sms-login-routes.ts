// "Logga in med SMS-kod": /login/sms asks for a username, e-mail address or mobile number and sends a code
// (sms-login.ts); /login/sms/code takes the code and starts a weak session. Public pages; the code and the number are
// never in a URL (the session holds which code row is being tried). Limits: SMS asked for per address and per typed
// name (a visible "too many"), code tries counted in the login limits per address and account like passwords.
import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, notFound, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import { DatabaseRateLimitStore } from '../kernel/rate-limits.ts';
import { render } from '../kernel/views.ts';
import { addressOf, loginLimits } from './login-limits.ts';
import { loginKey, MAX_LOGIN_NAME } from './passwords.ts';
import { MOBILE_CODE_DIGITS, parseMobileCode } from './rules.ts';
import { startSession } from './sessions.ts';
import { SMS_LOGIN_MINUTES, smsLogin, smsLoginOffered, type LoginSettingsOf } from './sms-login.ts';
import { smsLoginCodeAccount } from './sms-login-queries.ts';

interface Deps { db: Db; clock: Clock; config: Config; loginSettings: LoginSettingsOf }

const HOUR = 60 * 60_000;
/** Codes asked for an hour from one address (a household's, a school's network: several people) and for one typed name. */
export const SMS_LOGIN_PER_ADDRESS = 20;
export const SMS_LOGIN_PER_NAME = 5;

export function smsLoginRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;
  const sms = smsLogin(db, clock, deps.loginSettings);
  const limits = loginLimits(db, clock, config);
  const tooMany = (req: Request, res: Response) => renderRequest(req, res, { name: { key: 'smsLogin.errors.tooMany' } }, 429);
  const limit = (name: string, max: number, key: (req: Request) => string) => rateLimit({
    windowMs: HOUR, limit: max, standardHeaders: 'draft-8', legacyHeaders: false, skipFailedRequests: true, keyGenerator: key, handler: tooMany,
    store: new DatabaseRateLimitStore(db, clock, name),
  });
  const perAddress = limit('sms-login-address', SMS_LOGIN_PER_ADDRESS, (req) => addressOf(req));
  const perName = limit('sms-login-name', SMS_LOGIN_PER_NAME, (req) => loginKey(field(req.body, 'name')).replace(/[\s\-().]/g, ''));
  /** The code login under way in this session, if it was asked for less than the code's lifetime ago. */
  const underWay = (req: Request) => {
    const pending = req.session.smsLogin;
    if (!pending) return undefined;
    const age = clock.now().getTime() - Date.parse(pending.at);
    return age >= 0 && age < SMS_LOGIN_MINUTES * 60_000 ? pending : undefined;
  };

  routes.publicGet('/login/sms', async (req, res) => {
    if (req.actor) return res.redirect(303, '/');
    if (!(await smsLoginOffered(db, deps.loginSettings))) throw notFound();
    renderRequest(req, res, {});
  });

  routes.publicPost('/login/sms', perAddress, perName, async (req, res) => {
    if (req.actor) return res.redirect(303, '/');
    const name = field(req.body, 'name');
    if (!name.trim()) return renderRequest(req, res, { name: { key: 'smsLogin.errors.nameMissing' } }, 400);
    if (name.length > MAX_LOGIN_NAME) return renderRequest(req, res, { name: { key: 'smsLogin.errors.nameTooLong' } }, 400);
    const codeId = await sms.request(name, clock.now());
    req.session.smsLogin = { codeId, next: safeReturnPath(field(req.body, 'next')), at: clock.now().toISOString() };
    res.redirect(303, '/login/sms/code');
  });

  routes.publicGet('/login/sms/code', (req, res) => {
    if (req.actor) return res.redirect(303, '/');
    if (!underWay(req)) return res.redirect(303, '/login/sms');
    renderCode(req, res, {});
  });

  routes.publicPost('/login/sms/code', async (req, res) => {
    if (req.actor) return res.redirect(303, '/');
    const pending = underWay(req);
    if (!pending) return res.redirect(303, '/login/sms');
    const parsed = parseMobileCode(field(req.body, 'code'));
    if (!parsed.ok) return renderCode(req, res, { code: { key: parsed.error } }, 400);
    const begun = await limits.begin({ address: addressOf(req), accountId: await smsLoginCodeAccount(db, pending.codeId) });
    if (!begun.ok) {
      res.set('Retry-After', String(begun.retryAfter));
      return renderCode(req, res, { code: { key: 'login.errors.tooMany' } }, 429);
    }
    const used = await sms.use(pending.codeId, parsed.value, clock.now());
    if (!used.ok) {
      switch (used.error) {
        case 'wrong':
          return renderCode(req, res, { code: used.triesLeft > 0
            ? { key: 'accountSettings.errors.codeWrong', params: { left: used.triesLeft } }
            : { key: 'smsLogin.errors.tooManyTries' } }, 400);
        case 'too-many-tries': return renderCode(req, res, { code: { key: 'smsLogin.errors.tooManyTries' } }, 400);
        case 'used': return renderCode(req, res, { code: { key: 'smsLogin.errors.used' } }, 400);
        case 'off': return renderCode(req, res, { code: { key: 'smsLogin.errors.off' } }, 400);
        case 'expired': case 'gone': return renderCode(req, res, { code: { key: 'smsLogin.errors.expired' } }, 400);
      }
    }
    await begun.succeeded();
    await startSession(req, db, clock, used.accountId); // a new session id; the code login under way is forgotten with the old one
    res.redirect(303, pending.next);
  });
}

function renderRequest(req: Request, res: Response, errors: FieldErrors, status = 200): void {
  const next = safeReturnPath(req.method === 'GET' ? req.query.next : field(req.body, 'next'));
  render(req, res, 'sms-login/request', { errors, values: { name: field(req.body, 'name'), next } }, status);
}

function renderCode(req: Request, res: Response, errors: FieldErrors, status = 200): void {
  render(req, res, 'sms-login/code', { errors, minutes: SMS_LOGIN_MINUTES, digits: MOBILE_CODE_DIGITS }, status);
}
