// How strong a session's login is. A password (or PIN, SMS code, weak passkey) session is 'password'; an e-ID login
// whose acr the municipality counts as strong makes it 'strong' for as long as it is used: each request the person
// makes refreshes when it was last seen, and after the municipality's idle minutes without one it lapses back to weak —
// the session stays signed in (seed 000: a BankID web session lasts 20 minutes while the app stays logged in). A page
// polling by itself (htmx `hx-trigger="every 30s"`, the "Idag" list) is not the person: a poll keeps the login strong
// no longer, so a screen left open on a table lapses like any other.
import type { Request } from 'express';
import type { AuthLevel } from '../kernel/policy.ts';

/** Idle minutes before a strong login lapses when the municipality has not set its own (issue 24: 20 minutes). */
export const DEFAULT_STRONG_IDLE_MINUTES = 20;

/** How far the last-seen mark may lag behind the requests before it is written again. */
const REFRESH_MS = 60_000;

/** The header a polling element names itself in (`hx-headers='{"X-Vardag-Poll":"<its id>"}'` beside its hx-trigger). */
export const POLL_HEADER = 'X-Vardag-Poll';

/**
 * Whether the request is a page polling by itself: an htmx GET whose triggering element (htmx's HX-Trigger, the
 * element's id) is the one that names itself in X-Vardag-Poll. htmx merges hx-headers from every ancestor, so a button
 * inside the polled list sends the header too — but with its own id (or none) as HX-Trigger: a person's click, counted.
 * A POST is never a poll.
 */
export function isPoll(req: Pick<Request, 'method' | 'headers'>): boolean {
  const headers = req.headers ?? {};
  const poll = headers[POLL_HEADER.toLowerCase()];
  return req.method === 'GET' && headers['hx-request'] === 'true' && typeof poll === 'string' && poll !== ''
    && headers['hx-trigger'] === poll;
}

/**
 * Marks the session as strongly logged in now for `municipalityId`'s records (after the e-ID callback checked the acr
 * against that municipality's; a passkey where the person's municipality counts passkeys as strong). A session strong
 * for another municipality stays so for it too: this request has already dropped a lapsed one (authLevelOf).
 */
export function markStrong(req: Request, at: Date, acr: string, municipalityId: number): void {
  const now = at.toISOString();
  const municipalityIds = [...new Set([...(req.session.strong?.municipalityIds ?? []), municipalityId])];
  req.session.strong = { at: now, seenAt: now, acr, municipalityIds };
}

/** The municipalities the session's strong login counts for (after authLevelOf: none once it lapsed). */
export function strongMunicipalities(req: Request): number[] {
  return req.session?.strong?.municipalityIds ?? [];
}

/** Forgets a strong login (the weak session stays). */
export function dropStrong(req: Request): void {
  delete req.session.strong;
}

/**
 * 'strong' while the strong login was last seen within `idleMinutes` (and this request, unless it is a poll (isPoll),
 * refreshes when it was seen); a lapsed strong login is dropped from the session, which stays signed in and weak. A
 * seenAt in the future (a clock set back) counts as seen now, never as strong for longer than the idle minutes from now.
 */
export function authLevelOf(req: Request, now: Date, idleMinutes: number): AuthLevel {
  const strong = req.session?.strong;
  if (!strong) return 'password';
  const seen = Date.parse(strong.seenAt);
  const idleMs = Math.max(0, idleMinutes) * 60_000;
  if (!Number.isFinite(seen) || now.getTime() - Math.min(seen, now.getTime()) >= idleMs) {
    delete req.session.strong;
    return 'password';
  }
  // Like the session store's touch: write only when the mark moved by a minute, so not every request saves the session
  // (the lapse may come up to a minute early, never late).
  // A mark from the future is brought back to now (also by a poll: else polls would keep it strong until then).
  if (seen > now.getTime() || (!isPoll(req) && now.getTime() - seen >= REFRESH_MS)) strong.seenAt = now.toISOString();
  return 'strong';
}

/** Whether the session holds a strong login that has not lapsed, without refreshing it (for a page that only shows it). */
export function isStrongAt(req: Request, now: Date, idleMinutes: number): boolean {
  const strong = req.session?.strong;
  if (!strong) return false;
  const seen = Date.parse(strong.seenAt);
  return Number.isFinite(seen) && now.getTime() - Math.min(seen, now.getTime()) < Math.max(0, idleMinutes) * 60_000;
}
