// The two WebAuthn ceremonies with @simplewebauthn/server: registering a passkey for the signed-in account, and
// logging in with one (a discoverable credential: the browser offers the person's passkeys, no username typed). Each
// starts by giving this browser a challenge, kept in its session and used once: the answer is checked against it and
// it is forgotten whatever the outcome, so an answer cannot be sent twice and a stale page asks for a new one.
import crypto from 'node:crypto';
import type { Request } from 'express';
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { SignedInAccount } from '../kernel/http.ts';
import type { Db } from '../kernel/db.ts';
import { addPasskey, credentialById, credentialsOf, markPasskeyUsed } from './queries.ts';
import { BROWSER_TIMEOUT_MS, challengeFresh, type LoginError, type RegisterError, type RelyingParty } from './rules.ts';

declare module 'express-session' {
  interface SessionData {
    /** A passkey ceremony under way (server/passkeys/): the challenge given to this browser, for what, when; used once. */
    passkey?: { challenge: string; purpose: 'register' | 'login'; at: string; userHandle?: string };
  }
}

/** Takes the session's challenge for `purpose` (it is gone afterwards, whatever comes); undefined when none or stale. */
function takeChallenge(req: Request, purpose: 'register' | 'login', now: Date): { challenge: string; userHandle?: string } | undefined {
  const kept = req.session.passkey;
  delete req.session.passkey;
  if (!kept || kept.purpose !== purpose || !challengeFresh(kept.at, now)) return undefined;
  return kept;
}

/** Forgets a challenge given to this browser (a form refused before its answer was checked: each try asks anew). */
export function forgetChallenge(req: Request): void {
  delete req.session.passkey;
}

/** The browser's answer as posted (a JSON text in the form field `response`); undefined when it is not one. */
export function parseAnswer<T extends { id: string; response: object }>(text: string): T | undefined {
  if (!text || text.length > 50_000) return undefined;
  try {
    const value = JSON.parse(text) as T;
    return value && typeof value === 'object' && typeof value.id === 'string' && value.response && typeof value.response === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Registering

/** Options for the browser to make a passkey for the account: one per authenticator (those it has are excluded). */
export async function registrationOptions(req: Request, db: Db, rp: RelyingParty, account: SignedInAccount, now: Date): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { userHandle, credentials } = await credentialsOf(db, account.id);
  // The WebAuthn user id: random, shared by the account's passkeys (an authenticator keeps one passkey per user id),
  // never the account's number or name.
  const handle = userHandle ?? crypto.randomBytes(32).toString('base64url');
  const options = await generateRegistrationOptions({
    rpName: rp.name, rpID: rp.id, userName: account.username, userDisplayName: account.displayName,
    userID: new Uint8Array(Buffer.from(handle, 'base64url')), timeout: BROWSER_TIMEOUT_MS, attestationType: 'none',
    excludeCredentials: credentials,
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
  });
  req.session.passkey = { challenge: options.challenge, purpose: 'register', at: now.toISOString(), userHandle: handle };
  return options;
}

export type Registered = { ok: true; id: number } | { ok: false; error: RegisterError };

/**
 * Checks the browser's new passkey against this session's challenge and stores it under `name`; `strong`: the session
 * adding it is strong (recorded with the passkey: only such a passkey may later log in strong).
 */
export async function register(
  req: Request, db: Db, rp: RelyingParty, accountId: number, answer: string, name: string, strong: boolean, now: Date,
): Promise<Registered> {
  const kept = takeChallenge(req, 'register', now);
  if (!kept?.userHandle) return { ok: false, error: 'expired' };
  const response = parseAnswer<RegistrationResponseJSON>(answer);
  if (!response) return { ok: false, error: 'failed' };
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response, expectedChallenge: kept.challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true,
    });
  } catch {
    return { ok: false, error: 'failed' };
  }
  if (!verified.verified) return { ok: false, error: 'failed' };
  const { credential } = verified.registrationInfo;
  return addPasskey(db, accountId, {
    credentialId: credential.id, publicKey: Buffer.from(credential.publicKey).toString('base64url'), userHandle: kept.userHandle,
    counter: credential.counter, transports: (credential.transports ?? []).filter((t) => /^[a-z-]{1,20}$/.test(t)).slice(0, 8), name,
    registeredStrong: strong,
  }, now);
}

// ---------------------------------------------------------------------------------------------------------------------
// Logging in

/** Options for the browser to offer the person's passkeys of this site (none named: discoverable credentials). */
export async function loginOptions(req: Request, rp: RelyingParty, now: Date): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', timeout: BROWSER_TIMEOUT_MS });
  req.session.passkey = { challenge: options.challenge, purpose: 'login', at: now.toISOString() };
  return options;
}

/** A login's outcome; `registeredStrong`: the passkey was added from a strong session (it may log in strong). */
export type LoggedIn = { ok: true; accountId: number; registeredStrong: boolean } | { ok: false; error: LoginError; accountId?: number };

/**
 * Checks the browser's answer against this session's challenge and the passkey it names. The account is not checked
 * here (open or closed): the caller does, with its login limits.
 */
export async function verifyLogin(req: Request, db: Db, rp: RelyingParty, answer: string, now: Date): Promise<LoggedIn> {
  const kept = takeChallenge(req, 'login', now);
  if (!kept) return { ok: false, error: 'expired' };
  const response = parseAnswer<AuthenticationResponseJSON>(answer);
  if (!response) return { ok: false, error: 'failed' };
  const stored = await credentialById(db, response.id);
  if (!stored) return { ok: false, error: 'unknown' };
  // A discoverable passkey says whose it is: it must be the user id it was made for.
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== stored.userHandle) return { ok: false, error: 'failed', accountId: stored.accountId };
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response, expectedChallenge: kept.challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true,
      credential: { id: stored.credentialId, publicKey: new Uint8Array(Buffer.from(stored.publicKey, 'base64url')), counter: stored.counter, transports: stored.transports },
    });
  } catch {
    return { ok: false, error: 'failed', accountId: stored.accountId };
  }
  if (!verified.verified) return { ok: false, error: 'failed', accountId: stored.accountId };
  if (!(await markPasskeyUsed(db, stored, verified.authenticationInfo.newCounter, now))) return { ok: false, error: 'failed', accountId: stored.accountId };
  return { ok: true, accountId: stored.accountId, registeredStrong: stored.registeredStrong };
}
