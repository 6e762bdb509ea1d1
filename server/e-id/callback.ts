// The provider's answer: the login under way is taken from the session (once: a second answer finds none), its state
// compared, the code exchanged and the ID token checked (client.ts), the identity matched in the municipality
// (matching.ts), and then one of: a new session for the matched account (strong when the acr is one of the
// municipality's strong values); a step-up of the signed-in session (the same person only: a new session id, marked
// strong); a guardian without an account sent on to "an account by e-ID"; or a failure, with nothing changed.
import type { Request } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { log } from '../kernel/log.ts';
import { startSession } from '../accounts/sessions.ts';
import { markStrong } from '../accounts/strength.ts';
import { finishAuthorization, providerOf, type VerifiedIdentity } from './client.ts';
import { matchIdentity, stepUpMatch, type StaffLookup } from './matching.ts';
import { failureOfError, isStrongAcr, loggable, loginFresh, providerErrorOf, type EIdFailure } from './rules.ts';
import { eIdConfigOf } from './settings.ts';

/** Where "an account by e-ID" begins (A's page, server/e-id/new-account*.ts). */
export const NEW_ACCOUNT_PATH = '/account/new/e-id';

export type CallbackOutcome = { ok: true; to: string } | { ok: false; failure: EIdFailure; next: string };

export interface CallbackDeps { db: Db; clock: Clock; redirectUri: string; demoIssuer?: string; staff: StaffLookup }

export async function finishCallback(req: Request, deps: CallbackDeps): Promise<CallbackOutcome> {
  const { db, clock } = deps;
  const now = clock.now();
  const pending = req.session.oidc;
  delete req.session.oidc; // single use, whatever happens next
  const next = pending?.next ?? '/';
  const fail = (failure: EIdFailure, reason?: unknown): CallbackOutcome => {
    log.info({ outcome: failure, municipalityId: pending?.municipalityId ?? null, ...(reason ? { reason: loggable(reason) } : {}) }, 'e-ID login failed');
    return { ok: false, failure, next };
  };
  if (!pending || !loginFresh(pending.at, now) || typeof req.query.state !== 'string' || req.query.state !== pending.state) return fail('expired');
  const providerError = providerErrorOf(req.query);
  if (providerError) return fail(providerError);

  const eId = await eIdConfigOf(db, pending.municipalityId);
  if (!eId) return fail('notConfigured');
  let identity: VerifiedIdentity;
  try {
    const provider = await providerOf(eId, deps.demoIssuer);
    const callbackUrl = new URL(deps.redirectUri);
    callbackUrl.search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    identity = await finishAuthorization(provider, callbackUrl, pending, eId.personnummerClaim);
  } catch (err) {
    return fail(failureOfError(err), err);
  }

  const strong = isStrongAcr(identity.acr, eId.strongAcr);
  const acr = identity.acr ?? '';
  const day = today(clock);

  if (req.session.accountId !== undefined) {
    // A step-up: the signed-in account's own person only, and only a strong login; otherwise the session stays as it
    // was. The provider may be another municipality's than the person's (a record's there: the guard sends its id).
    if (!req.account) return fail('expired');
    const same = await stepUpMatch(db, pending.municipalityId, identity, req.account.personId, day, deps.staff);
    if (same !== 'same') return fail(same);
    if (!strong) return fail('weak');
    await renewSessionId(req);
    markStrong(req, now, acr, pending.municipalityId);
    log.info({ outcome: 'step-up', municipalityId: pending.municipalityId, accountId: req.account.id }, 'e-ID login');
    return { ok: true, to: next };
  }

  const match = await matchIdentity(db, pending.municipalityId, identity, day, deps.staff);

  switch (match.kind) {
    case 'account':
      await startSession(req, db, clock, match.accountId);
      if (strong) markStrong(req, now, acr, pending.municipalityId);
      log.info({ outcome: strong ? 'strong' : 'weak', municipalityId: pending.municipalityId, accountId: match.accountId }, 'e-ID login');
      return { ok: true, to: next };
    case 'guardianWithoutAccount':
      // An account made by e-ID stands on that login alone: only a strong e-ID (BankID) may make one.
      if (!strong) return fail('weakForAccount');
      await renewSessionId(req);
      req.session.eIdPending = { municipalityId: pending.municipalityId, personId: match.personId, acr, at: now.toISOString() };
      log.info({ outcome: 'no-account', municipalityId: pending.municipalityId }, 'e-ID login');
      return { ok: true, to: NEW_ACCOUNT_PATH };
    default:
      return fail(match.kind);
  }
}

/** A new session id keeping what the session holds (its language, a kept step-up form, "remember me"): no fixation. */
async function renewSessionId(req: Request): Promise<void> {
  const { cookie: _cookie, ...kept } = req.session as unknown as Record<string, unknown>;
  const maxAge = req.session.cookie.maxAge;
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  Object.assign(req.session, kept);
  if (maxAge) req.session.cookie.maxAge = maxAge;
}
