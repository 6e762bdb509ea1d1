// Passkeys' pure rules: where this installation's passkeys belong (the relying party, from PUBLIC_URL), how long a
// challenge may be answered, what a passkey may be named, and how a login with one comes out.
import { deviceLabel } from '../push/rules.ts';

/** The relying party: passkeys are bound to PUBLIC_URL's host name, and a browser's answer must come from its origin. */
export interface RelyingParty { id: string; origin: string; name: string }

export function relyingPartyOf(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin, name: 'Vardag' };
}

/**
 * A challenge is answered within this long (the browser's own timeout is a minute; a person choosing among their
 * passkeys, or reaching for a security key, needs some of that). Older: the page asks for a new one.
 */
export const CHALLENGE_MS = 5 * 60_000;

/** The browser waits this long for the person (WebAuthn's `timeout`). */
export const BROWSER_TIMEOUT_MS = 60_000;

export const MAX_NAME = 60;

/** A passkey's name as the person typed it, trimmed; an empty name becomes the device's ("Chrome på Android"). */
export function checkName(raw: string, userAgent: string | undefined): { ok: true; name: string } | { ok: false; error: 'tooLong' } {
  const name = raw.replace(/\s+/g, ' ').trim();
  if (name.length > MAX_NAME) return { ok: false, error: 'tooLong' };
  return { ok: true, name: name || deviceLabel(userAgent) };
}

/** Whether a challenge kept in the session may still be answered. */
export function challengeFresh(at: string, now: Date): boolean {
  const made = Date.parse(at);
  return Number.isFinite(made) && made <= now.getTime() && now.getTime() - made < CHALLENGE_MS;
}

/**
 * Why a passkey login failed, each said in the person's words: 'expired' (no challenge of this browser, or an old
 * one: try again), 'unknown' (no such passkey here, or it was removed), 'failed' (the answer did not verify, the
 * account is closed, or the same answer was used twice).
 */
export type LoginError = 'expired' | 'unknown' | 'failed';

/** Why a registration failed: 'expired' as above, 'failed' (did not verify), 'taken' (already registered), 'too-many'. */
export type RegisterError = 'expired' | 'failed' | 'taken' | 'too-many' | 'tooLong';
