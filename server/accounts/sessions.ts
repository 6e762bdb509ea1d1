// Checking a password and starting a session: shared by the login form and by "Jag har redan ett konto".
import type { Request } from 'express';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { LoginLimits } from './login-limits.ts';
import { HashingBusy, verifyPassword } from './passwords.ts';
import { findAccountByLogin, recordLogin } from './queries.ts';

export type LoginCheck =
  | { ok: true; account: { id: number; person_id: number } }
  | { ok: false; error: 'wrong' } | { ok: false; error: 'limited' | 'busy'; retryAfter: number };

/**
 * The open account that the username (or e-mail) and password name, spaces around both ignored; every failure counts
 * against the address and the account in the login limits, and an attempt over a limit is refused unchecked.
 * `keyUsable` (linking an invitation key) is checked first; a wrong key is the same failure as a wrong password.
 * 'busy': too many passwords are being checked right now; nothing was checked, so nothing counts as a failure.
 */
export async function checkLogin(
  db: Db, limits: LoginLimits, address: string, login: { username: string; password: string }, dummyHash: string,
  keyUsable?: () => Promise<boolean>,
): Promise<LoginCheck> {
  const account = await findAccountByLogin(db, login.username);
  const begun = await limits.begin({ address, accountId: account?.id });
  if (!begun.ok) return { ok: false, error: 'limited', retryAfter: begun.retryAfter };
  const keyOk = keyUsable ? await keyUsable() : true;
  // Verify against a dummy hash when there is no account (or no usable key), so every refusal takes the same time.
  let matches: boolean;
  try {
    matches = await verifyPassword(keyOk ? account?.password_hash ?? dummyHash : dummyHash, login.password.trim());
  } catch (err) {
    if (!(err instanceof HashingBusy)) throw err;
    await begun.succeeded(); // takes the count back
    return { ok: false, error: 'busy', retryAfter: err.retryAfter };
  }
  if (!keyOk || !account || !matches || account.closed_at) return { ok: false, error: 'wrong' };
  await begun.succeeded();
  return { ok: true, account };
}

/** A new session id for the signed-in user (no fixation), remembered for 30 days only when asked. */
export async function startSession(req: Request, db: Db, clock: Clock, accountId: number, rememberDays?: number): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  req.session.accountId = accountId;
  req.session.loginAt = clock.now().toISOString();
  req.session.agent = req.get('user-agent')?.slice(0, 300); // tells the sessions apart in the settings
  if (rememberDays) req.session.cookie.maxAge = rememberDays * 86_400_000;
  await recordLogin(db, accountId, clock.now());
}
