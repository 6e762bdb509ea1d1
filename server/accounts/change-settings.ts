// What a person changes on "Mina inställningar" when more than one step is involved: each change checks what was
// typed, stores it, and says back either that it is done or the errors at their fields.
import type { Db } from '../kernel/db.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import type { LoginLimits } from './login-limits.ts';
import { queueVerifyEmailMail } from './mails.ts';
import { HashingBusy, hashPassword, MAX_PASSWORD, verifyPassword, type HashingOptions } from './passwords.ts';
import { isEmail, passwordProblem } from './rules.ts';
import { addEmail, changePassword, ownAccount, passwordHashOf } from './settings-queries.ts';

export type ChangeOutcome = { ok: true } | { ok: false; errors: FieldErrors; retryAfter?: number };

/**
 * A new password, given the current one: every other session of the account ends (the one in `keepSid` stays).
 * Guessing the current password from a session left open counts in the login limits like guessing it at the login.
 */
export async function changeOwnPassword(
  db: Db, accountId: number, typed: { current: string; next: string },
  keep: { sid: string; now: Date; hashing?: HashingOptions; limits: LoginLimits; address: string },
): Promise<ChangeOutcome> {
  const errors: FieldErrors = {};
  if (!typed.current) errors.current_password = { key: 'accountSettings.errors.currentMissing' };
  else {
    const begun = await keep.limits.begin({ address: keep.address, accountId });
    if (!begun.ok) return { ok: false, errors: { current_password: { key: 'accountSettings.errors.tooManyTries' } }, retryAfter: begun.retryAfter };
    let matches: boolean;
    try {
      matches = typed.current.length <= MAX_PASSWORD && await verifyPassword(await passwordHashOf(db, accountId), typed.current.trim());
    } catch (err) {
      if (err instanceof HashingBusy) await begun.succeeded(); // too busy to check: not counted
      return busyOrThrow(err);
    }
    if (!matches) errors.current_password = { key: 'accountSettings.errors.currentWrong' };
    else await begun.succeeded();
  }
  const problem = passwordProblem(typed.next);
  if (problem) errors.new_password = { key: problem };
  if (hasErrors(errors)) return { ok: false, errors };
  let hash: string;
  try {
    hash = await hashPassword(typed.next, keep.hashing);
  } catch (err) {
    return busyOrThrow(err);
  }
  await changePassword(db, accountId, hash, keep.sid, keep.now);
  return { ok: true };
}

/** Too many passwords are being hashed right now: the form again with "try again in a minute" (429). */
function busyOrThrow(err: unknown): ChangeOutcome {
  if (!(err instanceof HashingBusy)) throw err;
  return { ok: false, errors: { current_password: { key: 'login.errors.busy' } }, retryAfter: err.retryAfter };
}

/** An extra address, not used until the person follows the link mailed to it (a new link for one not yet verified). */
export async function addOwnEmail(db: Db, publicUrl: string, accountId: number, typed: string, now: Date): Promise<ChangeOutcome> {
  const email = typed.trim();
  if (!email) return { ok: false, errors: { email: { key: 'accountSettings.errors.emailMissing' } } };
  if (!isEmail(email)) return { ok: false, errors: { email: { key: 'accountSettings.errors.emailInvalid' } } };
  const account = await ownAccount(db, accountId);
  if (!account) throw new Error(`account ${accountId} was not found`);
  const added = await db.transaction().execute(async (trx) => {
    const result = await addEmail(trx, account, email, now);
    if (result.ok) await queueVerifyEmailMail(trx, publicUrl, email, account, result.token, now);
    return result;
  });
  if (added.ok) return { ok: true };
  return { ok: false, errors: { email: { key: added.error === 'is-login' ? 'accountSettings.errors.emailIsLogin' : 'accountSettings.errors.emailAlreadyVerified' } } };
}
