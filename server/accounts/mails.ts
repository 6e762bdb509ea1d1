// The account's own mails: a link to choose a new password, and a link to verify an added address. Each is written
// in the account's language and names the person by first name only (never a personnummer).
import type { Db } from '../kernel/db.ts';
import { DEFAULT_LANGUAGE, languageByCode } from '../kernel/i18n.ts';
import { composeMail } from '../mail/compose.ts';
import { queueMail } from '../mail/outbox.ts';
import { municipalityTerms } from '../people/municipality-terms.ts';
import { accountsToReset, createResetToken, RESET_LINK_MINUTES, type ResetRecipient } from './reset-queries.ts';
import { VERIFY_LINK_HOURS } from './settings-queries.ts';
import { log } from '../kernel/log.ts';

/** A new link to each account the name leads to (see accountsToReset), mailed to each of its addresses. */
export async function mailResetLinks(db: Db, publicUrl: string, name: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const account of await accountsToReset(trx, name)) {
      const token = await createResetToken(trx, account.accountId, now);
      try {
        await queuePasswordResetMail(trx, publicUrl, account, token, now);
      } catch (err) {
        // A mail that cannot be composed (it would show a personnummer) is not sent; the answer stays the same.
        log.error({ err, accountId: account.accountId }, 'A password reset mail was not sent');
      }
    }
  });
}

/** One mail per address, so no recipient sees the others. */
async function queuePasswordResetMail(db: Db, publicUrl: string, account: ResetRecipient, token: string, now: Date): Promise<void> {
  const mail = composeMail('password-reset', languageByCode(account.language) ?? DEFAULT_LANGUAGE, {
    name: account.firstName, username: account.username, url: `${publicUrl}/password/reset/${token}`, minutes: RESET_LINK_MINUTES,
    municipality: await municipalityName(db, account.municipalityId),
  });
  for (const to of account.addresses) await queueMail(db, { to, ...mail }, now, { municipalityId: account.municipalityId });
}

export async function queueVerifyEmailMail(
  db: Db, publicUrl: string, to: string, account: { firstName: string; language: string; municipalityId: number | null }, token: string, now: Date,
): Promise<void> {
  const mail = composeMail('verify-email', languageByCode(account.language) ?? DEFAULT_LANGUAGE, {
    name: account.firstName, email: to, url: `${publicUrl}/email/verify/${token}`, hours: VERIFY_LINK_HOURS,
    municipality: await municipalityName(db, account.municipalityId),
  });
  await queueMail(db, { to, ...mail }, now, { municipalityId: account.municipalityId });
}

/** The municipality that signs the account's mails (its person's). */
async function municipalityName(db: Db, municipalityId: number | null): Promise<string | undefined> {
  return municipalityId === null ? undefined : (await municipalityTerms(db, municipalityId))?.name;
}
