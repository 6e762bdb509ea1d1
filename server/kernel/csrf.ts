// Every POST carries a token that only our own pages hand out, so another site cannot submit a form in a user's name.
// A signed-in user's token lives in their session (csrf-sync). A visitor who is not signed in (the login form,
// registering with a key, a forgotten password, the language choice) gets a token that needs no stored session: a
// random value signed with a secret, sent both in the form and in a cookie of its own (csrf-csrf, "double submit").
// So loading a public page writes no session row, and a flood of visitors cannot push anyone's login form out of the
// database.
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { doubleCsrf } from 'csrf-csrf';

export interface CsrfOptions {
  /** The session secret; the signing key of public forms' tokens is derived from it. */
  secret: string;
  /** Set the cookie only over https (behind a TLS-terminating proxy), under the `__Host-` prefix that needs it. */
  secureCookie: boolean;
}

export interface Csrf {
  /** Checks every POST; gives every request `req.csrfToken()` for the forms it renders. */
  protection: RequestHandler;
  /** What `protection` hands on for a missing or wrong token, to be shown as the "reload the page" page. */
  invalidTokenError: unknown;
}

/** The cookie that holds a public form's token; the `__Host-` prefix keeps other sites on the domain from setting it. */
export const csrfCookieName = (secure: boolean): string => (secure ? '__Host-vardag.csrf' : 'vardag.csrf');
/** A form sends its token as `_csrf`; htmx sends it in the `x-csrf-token` header (see views/layout.eta). */
const tokenOf = (req: Request): string | undefined => req.get('x-csrf-token') ?? (req.body as Record<string, string> | undefined)?._csrf;

const signedIn = (req: Request): boolean => req.session?.accountId !== undefined;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfProtection({ secret, secureCookie }: CsrfOptions): Csrf {
  const synced = csrfSync({ size: 32, getTokenFromRequest: tokenOf });
  const cookieName = csrfCookieName(secureCookie);
  const signingKey = crypto.createHmac('sha256', secret).update('vardag: public forms\' CSRF tokens').digest('hex');
  const doubleSubmit = doubleCsrf({
    getSecret: () => signingKey,
    // No session to bind to: what ties the token to this browser is the cookie only this site can set.
    getSessionIdentifier: () => '',
    cookieName,
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure: secureCookie, path: '/' },
    getCsrfTokenFromRequest: tokenOf,
  });

  const protection: RequestHandler = (req, res, next) => {
    // csrf-csrf reads its cookie from `req.cookies`, which cookie-parser would fill; this app has no use for the others.
    const cookie = cookieValue(req.get('cookie'), cookieName);
    req.cookies = cookie ? { ...req.cookies, [cookieName]: cookie } : { ...req.cookies };
    // Which kind of token is decided when a form is rendered: a login in this request makes it the session's.
    let publicToken: string | undefined;
    req.csrfToken = () => {
      if (signedIn(req)) return synced.generateToken(req);
      publicToken ??= doubleSubmit.generateCsrfToken(req, res); // sets the cookie, once per response
      return publicToken;
    };
    if (SAFE_METHODS.has(req.method)) return next();
    const valid = signedIn(req) ? synced.isRequestValid(req) : doubleSubmit.validateRequest(req);
    next(valid ? undefined : synced.invalidCsrfTokenError);
  };
  return { protection, invalidTokenError: synced.invalidCsrfTokenError };
}

/** One cookie's value from a Cookie header (the first, as browsers send the most specific first), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
