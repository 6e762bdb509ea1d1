// "Glömt lösenord?": a link by e-mail to choose a new password. The answer to a request is the same
// whether or not the account exists; a link works once, for an hour.
import type { Request, Response } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { DatabaseRateLimitStore } from '../kernel/rate-limits.ts';
import { field, flash, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { mailResetLinks } from './mails.ts';
import { HashingBusy, hashPassword, loginKey, MAX_LOGIN_NAME, type HashingOptions } from './passwords.ts';
import { RESET_LINK_MINUTES, resetLink, resetPassword } from './reset-queries.ts';
import { MIN_PASSWORD, passwordProblem } from './rules.ts';

interface Deps { db: Db; clock: Clock; config: Config; hashing?: HashingOptions }

const HOUR = 60 * 60_000;

export function passwordResetRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;
  const tooMany = (req: Request, res: Response) => renderForgot(req, res, { form: { key: 'password.forgot.errors.tooMany' } }, 429);
  // Counted in the database: every process sees the same count.
  const limitPerAddress = rateLimit({
    windowMs: HOUR, limit: config.resetLimitPerAddress, standardHeaders: 'draft-8', legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''), handler: tooMany, store: new DatabaseRateLimitStore(db, clock, 'reset-address'),
  });
  const limitPerAccount = rateLimit({
    windowMs: HOUR, limit: config.resetLimitPerAccount, standardHeaders: 'draft-8', legacyHeaders: false,
    keyGenerator: (req) => loginKey(field(req.body, 'name')), handler: tooMany, store: new DatabaseRateLimitStore(db, clock, 'reset-account'),
  });

  routes.publicGet('/password/forgot', (req, res) => renderForgot(req, res, {}));

  routes.publicPost('/password/forgot', limitPerAddress, limitPerAccount, async (req, res) => {
    const name = field(req.body, 'name');
    if (!name.trim()) return renderForgot(req, res, { name: { key: 'password.forgot.errors.nameMissing' } }, 400);
    if (name.length > MAX_LOGIN_NAME) return renderForgot(req, res, { name: { key: 'password.forgot.errors.nameTooLong' } }, 400);
    await mailResetLinks(db, config.publicUrl, name, clock.now());
    // The same page whether an account was found, had no address, or does not exist.
    render(req, res, 'accounts/forgot-sent', { minutes: RESET_LINK_MINUTES });
  });

  routes.publicGet('/password/reset/:token', async (req, res) => {
    const link = await resetLink(db, String(req.params.token), clock.now());
    if (link.state !== 'valid') return renderBadLink(req, res, link.state);
    renderReset(req, res, link.username, {});
  });

  routes.publicPost('/password/reset/:token', async (req, res) => {
    const link = await resetLink(db, String(req.params.token), clock.now());
    if (link.state !== 'valid') return renderBadLink(req, res, link.state);
    const password = field(req.body, 'password');
    const problem = passwordProblem(password);
    if (problem) return renderReset(req, res, link.username, { password: { key: problem } }, 400);
    let hash: string;
    try {
      hash = await hashPassword(password, deps.hashing);
    } catch (err) {
      if (!(err instanceof HashingBusy)) throw err;
      res.set('Retry-After', String(err.retryAfter)); // the link still works in a minute
      return renderReset(req, res, link.username, { password: { key: 'login.errors.busy' } }, 429);
    }
    const changed = await resetPassword(db, link, hash, clock.now());
    if (!changed) return renderBadLink(req, res, 'used'); // the other tab was quicker
    // This browser starts afresh too: whoever was logged in here, the next step is to log in with the new password.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    flash(req, 'password.reset.done');
    res.redirect(303, '/login');
  });
}

function renderForgot(req: Request, res: Response, errors: FieldErrors, status = 200): void {
  render(req, res, 'accounts/forgot', { errors, values: { name: field(req.body, 'name') } }, status);
}

function renderReset(req: Request, res: Response, username: string, errors: FieldErrors, status = 200): void {
  render(req, res, 'accounts/reset', { errors, username, token: String(req.params.token), minLength: MIN_PASSWORD }, status);
}

/** Unknown: 404, like any address that leads nowhere. Used or expired: 410, the link existed but is gone. */
function renderBadLink(req: Request, res: Response, state: 'unknown' | 'used' | 'expired'): void {
  render(req, res, 'accounts/reset-link', { state, minutes: RESET_LINK_MINUTES }, state === 'unknown' ? 404 : 410);
}
