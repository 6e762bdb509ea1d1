// "PIN-kod" (seed 000): a guardian who has just logged in chooses a 4-digit PIN for the browser in hand
// (`/settings/pin`); on that browser the login page then offers the PIN, which opens a weak session there only (a
// strong action still asks for BankID). The browsers with a PIN are listed there and removed one by one.
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { deviceLabel } from '../push/rules.ts';
import { addressOf, loginLimits } from './login-limits.ts';
import { HashingBusy, hashPassword, type HashingOptions } from './passwords.ts';
import { clearDeviceCookie, deviceToken, hasDeviceToken, setDeviceCookie } from './pin-device.ts';
import { unlockWithPin } from './pin-login.ts';
import { deviceOfToken, removeTrustedDevice, trustDevice, trustedDevicesOf } from './pin-queries.ts';
import { FRESH_LOGIN_MINUTES, freshLogin, MAX_PIN_FAILURES, newPinProblem, normalisePin, pinAllowed, pinSecret } from './pin-rules.ts';
import { startSession } from './sessions.ts';
import { hashToken, newToken } from './tokens.ts';

declare module 'express-session' {
  interface SessionData {
    /** The trusted device whose PIN opened this session (server/accounts/pin*.ts): such a session chooses no new PIN. */
    pinDeviceId?: number;
  }
}

interface Deps { db: Db; clock: Clock; config: Config; hashing?: HashingOptions }

export function pinRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, config } = deps;
  const limits = loginLimits(db, clock, config);
  const toLogin = (res: Response, next: string) => res.redirect(303, next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`);

  routes.publicGet('/login/pin', (req, res) => {
    const next = safeReturnPath(req.query.next);
    if (req.actor) return res.redirect(303, '/');
    if (!hasDeviceToken(req)) return toLogin(res, next);
    renderPinLogin(req, res, next, {});
  });

  routes.publicPost('/login/pin', async (req, res) => {
    const next = safeReturnPath(field(req.body, 'next'));
    if (req.actor) return res.redirect(303, '/');
    const pin = normalisePin(field(req.body, 'pin'));
    if (!pin) return renderPinLogin(req, res, next, { pin: { key: 'pin.errors.missing' } }, 400);
    const token = deviceToken(req);
    const result = await unlockWithPin(db, clock, limits, { address: addressOf(req), token, pin });
    if (result.ok) {
      await startSession(req, db, clock, result.accountId);
      req.session.pinDeviceId = result.deviceId;
      if (token) setDeviceCookie(res, config.publicUrl, token); // (kept as long again from now)
      return res.redirect(303, next);
    }
    switch (result.error) {
      case 'format':
        return renderPinLogin(req, res, next, { pin: { key: 'pin.errors.format' } }, 400);
      case 'wrong':
        return renderPinLogin(req, res, next, { pin: { key: 'pin.errors.wrong', params: { count: result.triesLeft } } }, 401);
      case 'limited':
      case 'busy':
        res.set('Retry-After', String(result.retryAfter));
        return renderPinLogin(req, res, next, { pin: { key: result.error === 'busy' ? 'login.errors.busy' : 'login.errors.tooMany' } }, 429);
      case 'no-device':
      case 'forgotten':
        // The password is the way in now; this browser stops offering the PIN.
        clearDeviceCookie(res, config.publicUrl);
        flash(req, result.error === 'forgotten' ? { key: 'pin.errors.forgotten', params: { count: MAX_PIN_FAILURES } } : 'pin.errors.noDevice');
        return toLogin(res, next);
    }
  });

  routes.get('/settings/pin', 'account.pin.read', (req, res, { actor, account }) => settingsPage(req, res, deps, actor, account.id, {}));

  routes.post('/settings/pin', 'account.pin.set', async (req, res, { actor, account }) => {
    const now = clock.now();
    if (!pinAllowed(actor)) return settingsPage(req, res, deps, actor, account.id, { form: { key: 'pin.settings.notForStaff' } }, 403);
    if (!freshLogin(req.session.loginAt, req.session.pinDeviceId !== undefined, now)) {
      return settingsPage(req, res, deps, actor, account.id, { form: { key: 'pin.settings.notFresh', params: { minutes: FRESH_LOGIN_MINUTES } } }, 403);
    }
    const pin = normalisePin(field(req.body, 'pin'));
    const problem = newPinProblem(pin, normalisePin(field(req.body, 'repeat')));
    if (problem) return settingsPage(req, res, deps, actor, account.id, { [problem.field]: { key: problem.key } }, 400);
    const { token, hash } = newToken();
    let pinHash: string;
    try {
      pinHash = await hashPassword(pinSecret(token, pin), deps.hashing);
    } catch (err) {
      if (!(err instanceof HashingBusy)) throw err;
      res.set('Retry-After', String(err.retryAfter));
      return settingsPage(req, res, deps, actor, account.id, { pin: { key: 'login.errors.busy' } }, 429);
    }
    // A browser holds one PIN: the one it had (this account's, or someone else's on a shared tablet) is replaced.
    const previous = deviceToken(req);
    await trustDevice(db, { accountId: account.id, tokenHash: hash, pinHash, label: deviceLabel(req.get('user-agent')) },
      previous && hashToken(previous), now);
    setDeviceCookie(res, config.publicUrl, token);
    flash(req, 'pin.settings.saved');
    res.redirect(303, '/settings/pin');
  });

  routes.post('/settings/pin/:trustedDeviceId/remove', 'trustedDevice.remove', async (req, res, { account, target }) => {
    const removed = await removeTrustedDevice(db, account.id, target.id);
    if (!removed) throw notFound(); // (removed a moment ago, in another tab)
    const own = deviceToken(req);
    if (own && hashToken(own) === removed.tokenHash) clearDeviceCookie(res, config.publicUrl);
    flash(req, 'pin.settings.removed');
    res.redirect(303, '/settings/pin');
  });
}

function renderPinLogin(req: Request, res: Response, next: string, errors: FieldErrors, status = 200): void {
  render(req, res, 'pin/login', { title: req.t('pin.login.title'), errors, values: { next } }, status);
}

async function settingsPage(
  req: Request, res: Response, { db, clock }: Deps, actor: Actor, accountId: number, errors: FieldErrors, status = 200,
): Promise<void> {
  const own = deviceToken(req);
  const [devices, thisDevice] = await Promise.all([trustedDevicesOf(db, accountId), own ? deviceOfToken(db, hashToken(own)) : undefined]);
  render(req, res, 'pin/settings', {
    title: req.t('pin.settings.title'), errors, devices,
    allowed: pinAllowed(actor),
    fresh: freshLogin(req.session.loginAt, req.session.pinDeviceId !== undefined, clock.now()),
    freshMinutes: FRESH_LOGIN_MINUTES,
    thisDeviceId: thisDevice?.accountId === accountId ? thisDevice.id : undefined,
  }, status);
}
