// Logging in with the PIN of a trusted device: the device's token (from its cookie) and the PIN together open a weak
// session for the device's account. Each attempt is counted on the device before the PIN is checked, and against the
// address in the login limits (login-limits.ts); the fifth wrong PIN in a row forgets the device.
import type { Clock } from '../kernel/clock.ts';
import { today } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { loadActor } from '../people/relations.ts';
import type { LoginLimits } from './login-limits.ts';
import { HashingBusy, verifyPassword } from './passwords.ts';
import { beginPinAttempt, forgetDevice, pinAccepted, takeBackPinAttempt } from './pin-queries.ts';
import { deviceExpired, isPin, MAX_PIN_FAILURES, pinAllowed, pinSecret } from './pin-rules.ts';
import { findSignedInAccount } from './queries.ts';
import { hashToken } from './tokens.ts';

export type PinUnlock =
  | { ok: true; accountId: number; deviceId: number }
  /** Not four digits: not a guess, nothing counted. */
  | { ok: false; error: 'format' }
  /** This browser is no (longer a) trusted device: no cookie, an unknown token, a device forgotten or unused too long. */
  | { ok: false; error: 'no-device' }
  | { ok: false; error: 'wrong'; triesLeft: number }
  /** The last try was wrong: the device is forgotten now. */
  | { ok: false; error: 'forgotten' }
  | { ok: false; error: 'limited' | 'busy'; retryAfter: number };

export async function unlockWithPin(
  db: Db, clock: Clock, limits: LoginLimits, attempt: { address: string; token: string | undefined; pin: string },
): Promise<PinUnlock> {
  if (!isPin(attempt.pin)) return { ok: false, error: 'format' };
  if (!attempt.token) return { ok: false, error: 'no-device' };
  // Per address: the PINs of many devices tried from one place count together (the device's own count is per device).
  const begun = await limits.begin({ address: attempt.address });
  if (!begun.ok) return { ok: false, error: 'limited', retryAfter: begun.retryAfter };
  const device = await beginPinAttempt(db, hashToken(attempt.token));
  if (!device) return { ok: false, error: 'no-device' };
  const now = clock.now();
  const account = await findSignedInAccount(db, device.accountId); // (none: the account was closed)
  if (!account || deviceExpired(device.lastUsedAt ?? device.createdAt, now)) {
    await forgetDevice(db, device.id);
    return { ok: false, error: 'no-device' };
  }
  let right: boolean;
  try {
    right = await verifyPassword(device.pinHash, pinSecret(attempt.token, attempt.pin));
  } catch (err) {
    if (!(err instanceof HashingBusy)) throw err;
    await takeBackPinAttempt(db, device.id); // nothing was checked: not a try
    await begun.succeeded();
    return { ok: false, error: 'busy', retryAfter: err.retryAfter };
  }
  if (!right) {
    if (device.failures < MAX_PIN_FAILURES) return { ok: false, error: 'wrong', triesLeft: MAX_PIN_FAILURES - device.failures };
    await forgetDevice(db, device.id);
    return { ok: false, error: 'forgotten' };
  }
  // A guardian who has since become staff (or an administrator) logs in with a password from now on.
  const actor = await loadActor(db, { id: account.id, person_id: account.personId }, 'password', today(clock));
  if (!pinAllowed(actor)) {
    await forgetDevice(db, device.id);
    await begun.succeeded();
    return { ok: false, error: 'no-device' };
  }
  await pinAccepted(db, device.id, now);
  await begun.succeeded();
  return { ok: true, accountId: account.id, deviceId: device.id };
}
