// Passkeys: "Passkeys" in the settings (/settings/passkeys: register one under a name, list them, remove one) and
// "Logga in med passkey" on the login page. Both ceremonies need the page's script (static/js/passkeys.js with the
// @simplewebauthn/browser build served from our own origin): it asks for options (a challenge kept in the session),
// lets the browser make or use the passkey, and posts the answer with the page's CSRF token, asking for JSON. Without
// JavaScript the login page shows no passkey button and the settings page says that adding one needs it; removing one
// is a plain form. Adding one needs a fresh login (within FRESH_LOGIN_MINUTES of it, not a PIN's) or a strong one: a
// session left open, or a stolen session cookie, cannot mint a lasting way in. A passkey login is weak unless the
// account's municipality counts passkeys as strong (its login settings, server/e-id/settings.ts) AND the passkey was
// added from a strong session (recorded with it): a weak way in (a password, a PIN, an SMS code) never makes itself a
// strong one, also when an admin turns the setting on later.
import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { DatabaseRateLimitStore } from '../kernel/rate-limits.ts';
import { render } from '../kernel/views.ts';
import { addressOf, loginLimits } from '../accounts/login-limits.ts';
import { FRESH_LOGIN_MINUTES, freshLogin } from '../accounts/pin-rules.ts';
import { findSignedInAccount } from '../accounts/queries.ts';
import { startSession } from '../accounts/sessions.ts';
import { markStrong } from '../accounts/strength.ts';
import { eIdConfigOf, loginSettingsOf } from '../e-id/settings.ts';
import { municipalityOfPerson } from '../people/audit-scope.ts';
import { forgetChallenge, loginOptions, register, registrationOptions, verifyLogin } from './ceremonies.ts';
import { passkeysOf, removePasskey } from './queries.ts';
import { checkName, relyingPartyOf } from './rules.ts';

export interface PasskeyDeps { db: Db; clock: Clock; config: Config }

/** The acr a passkey login is marked strong with (where the municipality counts passkeys as strong). */
export const PASSKEY_ACR = 'passkey';

/**
 * Login challenges one address may ask for in a quarter of an hour: each makes a session row (the visitor's session
 * holds the challenge). A login page asks once per try; a school's or a household's network holds several people.
 */
export const LOGIN_OPTIONS_PER_ADDRESS = 60;
const LOGIN_OPTIONS_WINDOW_MS = 15 * 60_000;

export function passkeyRoutes(routes: RouteTable, deps: PasskeyDeps): void {
  const { db, clock, config } = deps;
  const limits = loginLimits(db, clock, config);
  // Read at each request: PUBLIC_URL is the one place the relying party is named (a test sets it once it listens).
  const rp = () => relyingPartyOf(config.publicUrl);
  // Counted before the handler: a refused request changes no session, so no row is written for it.
  const optionsPerAddress = rateLimit({
    windowMs: LOGIN_OPTIONS_WINDOW_MS, limit: LOGIN_OPTIONS_PER_ADDRESS, standardHeaders: 'draft-8', legacyHeaders: false,
    keyGenerator: (req) => addressOf(req), store: new DatabaseRateLimitStore(db, clock, 'passkey-login-options'),
    handler: (req, res) => res.status(429).json({ error: req.t('passkeys.login.errors.tooMany') }),
  });

  routes.get('/settings/passkeys', 'account.passkeys.read', (req, res, { account, actor }) => passkeysPage(req, res, deps, account.id, actor));

  routes.post('/settings/passkeys/options', 'account.passkeys.register', async (req, res, { account, actor }) => {
    if (!mayAdd(req, actor, clock.now())) res.status(403).json({ error: req.t('passkeys.errors.loginAgain') });
    else res.json(await registrationOptions(req, db, rp(), account, clock.now()));
  });

  routes.post('/settings/passkeys', 'account.passkeys.register', async (req, res, { account, actor }) => {
    const json = req.accepts(['html', 'json']) === 'json';
    const named = checkName(field(req.body, 'name'), req.get('user-agent'));
    const now = clock.now();
    const done = !mayAdd(req, actor, now) ? { ok: false as const, error: 'loginAgain' as const }
      : !named.ok ? named
      : await register(req, db, rp(), account.id, field(req.body, 'response'), named.name, actor.authLevel === 'strong', now);
    if (!done.ok) {
      forgetChallenge(req);
      const at = done.error === 'tooLong' ? 'name' : 'form';
      const key = `passkeys.errors.${done.error}`;
      const status = done.error === 'loginAgain' ? 403 : 400;
      if (json) res.status(status).json({ error: req.t(key), field: at });
      else await passkeysPage(req, res, deps, account.id, actor, { [at]: { key } }, status);
      return;
    }
    flash(req, 'passkeys.added');
    if (json) res.status(201).json({ next: '/settings/passkeys' });
    else res.redirect(303, '/settings/passkeys');
  });

  routes.post('/settings/passkeys/:passkeyId/remove', 'passkey.remove', async (req, res, { account, target }) => {
    if (!(await removePasskey(db, account.id, target.id))) throw notFound();
    flash(req, 'passkeys.removed');
    res.redirect(303, '/settings/passkeys');
  });

  // The login page's script asks for a challenge (this makes the visitor's session, which a page view never does), so
  // an address may ask for only so many (a 429 with the message in JSON, which the script shows).
  routes.publicPost('/login/passkey/options', optionsPerAddress, async (req, res) => {
    res.json(await loginOptions(req, rp(), clock.now()));
  });

  // An answer naming a passkey counts against the address (and the passkey's account) in the login limits until it
  // succeeds, as a password does; an answer with no challenge to match, or none at all, checked nothing and counts not.
  routes.publicPost('/login/passkey', async (req, res) => {
    const now = clock.now();
    const refuse = (key: string, status: number) => {
      if (req.accepts(['html', 'json']) === 'json') return res.status(status).json({ error: req.t(key) });
      flash(req, key);
      return res.redirect(303, '/login');
    };
    const checked = await verifyLogin(req, db, rp(), field(req.body, 'response'), now);
    const named = checked.ok || checked.error === 'unknown' || checked.accountId !== undefined;
    const begun = named ? await limits.begin({ address: addressOf(req), accountId: checked.accountId })
      : { ok: true as const, succeeded: async () => {} };
    if (!begun.ok) {
      res.set('Retry-After', String(begun.retryAfter));
      return refuse('login.errors.tooMany', 429);
    }
    const account = checked.ok ? await findSignedInAccount(db, checked.accountId) : undefined;
    if (!checked.ok || !account) return refuse(`passkeys.login.errors.${checked.ok ? 'failed' : checked.error}`, checked.ok || checked.error !== 'expired' ? 401 : 400);
    await begun.succeeded();
    await startSession(req, db, clock, account.id, field(req.body, 'remember') === 'yes' ? config.rememberMeDays : undefined);
    // Strong only with a passkey added from a strong session, where the municipality counts passkeys as strong.
    const strongIn = checked.registeredStrong ? await passkeysStrongIn(db, account.personId) : undefined;
    if (strongIn !== undefined) markStrong(req, now, PASSKEY_ACR, strongIn);
    const next = safeReturnPath(field(req.body, 'next'));
    if (req.accepts(['html', 'json']) === 'json') res.json({ next });
    else res.redirect(303, next);
  });
}

/** The person's municipality, where it counts a passkey login as strong; undefined where a passkey is weak. */
async function passkeysStrongIn(db: Db, personId: number): Promise<number | undefined> {
  const municipalityId = await municipalityOfPerson(db, personId);
  return municipalityId !== undefined && (await loginSettingsOf(db, municipalityId)).passkeysStrong ? municipalityId : undefined;
}

/**
 * Whether this session may add a passkey: a strong one, or a login less than FRESH_LOGIN_MINUTES old that was not a
 * PIN's (pin-rules.ts: a PIN opens its device only, it must not mint a way in elsewhere).
 */
function mayAdd(req: Request, actor: Actor, now: Date): boolean {
  return actor.authLevel === 'strong' || freshLogin(req.session.loginAt, req.session.pinDeviceId !== undefined, now);
}

async function passkeysPage(
  req: Request, res: Response, { db, clock }: PasskeyDeps, accountId: number, actor: Actor, errors: FieldErrors = {}, status = 200,
): Promise<void> {
  const weak = actor.authLevel !== 'strong';
  const municipalityId = weak ? await municipalityOfPerson(db, actor.personId) : undefined;
  const [passkeys, settings, eId] = await Promise.all([
    passkeysOf(db, accountId),
    municipalityId === undefined ? undefined : loginSettingsOf(db, municipalityId),
    municipalityId === undefined ? null : eIdConfigOf(db, municipalityId),
  ]);
  render(req, res, 'passkeys/page', {
    title: req.t('passkeys.title'), passkeys, errors, values: { name: field(req.body, 'name') },
    // Not fresh: log in again first (BankID, where the municipality has it, also does). Where passkeys count as strong,
    // one added from a weak session does not: the page says so, with the way to a strong login.
    mayAdd: mayAdd(req, actor, clock.now()), freshMinutes: FRESH_LOGIN_MINUTES,
    weakNote: Boolean(settings?.passkeysStrong), eIdOffered: eId !== null,
  }, status);
}
