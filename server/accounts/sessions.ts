// Checking a password and starting a session: shared by the login form and by "Jag har redan ett konto".
import type { Request, Response } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { field } from '../kernel/http.ts';
import { loginKey, verifyPassword } from './passwords.ts';
import { findAccountByLogin, recordLogin } from './queries.ts';

/** The open account that the username (or e-mail) and password name; spaces around both are ignored. */
export async function authenticate(db: Db, username: string, password: string, dummyHash: string): Promise<{ id: number; person_id: number } | undefined> {
  const account = await findAccountByLogin(db, username);
  // Verify against a dummy hash when there is no account, so both answers take the same time.
  const matches = await verifyPassword(account?.password_hash ?? dummyHash, password.trim());
  return account && matches && !account.closed_at ? account : undefined;
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

const FIFTEEN_MINUTES = 15 * 60_000;

/** Password guessing limits: per address and per account named in the form field `usernameField`. */
export function passwordAttemptLimits(config: Config, onLimit: (req: Request, res: Response) => void, usernameField = 'username') {
  return [
    rateLimit({
      windowMs: FIFTEEN_MINUTES, limit: config.loginLimitPerAddress, standardHeaders: 'draft-8', legacyHeaders: false,
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''), handler: onLimit,
    }),
    rateLimit({
      windowMs: FIFTEEN_MINUTES, limit: config.loginLimitPerAccount, standardHeaders: 'draft-8', legacyHeaders: false,
      skipSuccessfulRequests: true, keyGenerator: (req) => `account:${loginKey(field(req.body, usernameField))}`, handler: onLimit,
    }),
  ];
}
