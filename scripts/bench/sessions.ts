// The bench's sessions, written straight into the sessions table as a login writes them (the bench's server is
// started with BENCH_SESSION_SECRET): the main bench and the messages bench both sign their users in this way.
import crypto from 'node:crypto';
import signature from 'cookie-signature';

export const BENCH_SESSION_SECRET = 'vardag-bench-session-secret-not-for-production';
const SESSION_COOKIE = 'vardag.sid';
const FAR_FUTURE = Date.UTC(2099, 0, 1);

/** A session row as a login writes it, with the CSRF token csrf-sync keeps in the session (`csrfToken`), and its cookie. */
export function sessionRow(accountId: number) {
  const sid = crypto.randomBytes(24).toString('base64url');
  const csrfToken = crypto.randomBytes(32).toString('hex');
  const sess = JSON.stringify({
    cookie: { originalMaxAge: 7_200_000, expires: new Date(FAR_FUTURE).toISOString(), httpOnly: true, path: '/', sameSite: 'lax' },
    accountId, csrfToken,
  });
  const cookie = `${SESSION_COOKIE}=${encodeURIComponent(`s:${signature.sign(sid, BENCH_SESSION_SECRET)}`)}`;
  return { row: { sid, sess, expires: FAR_FUTURE, account_id: accountId }, cookie, csrfToken };
}
