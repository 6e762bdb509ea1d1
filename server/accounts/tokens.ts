// Single-use tokens sent by e-mail (a forgotten password, an address to verify): 32 random bytes, written base64url
// in the link. Only the SHA-256 of a token is stored, so a copy of the database opens no account.
import crypto from 'node:crypto';

export interface NewToken { token: string; hash: string }

export function newToken(): NewToken {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Whether text from a URL can be one of our tokens at all (43 base64url characters), before any lookup. */
export function looksLikeToken(text: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}
