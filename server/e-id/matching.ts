// Who an e-ID identity is in a municipality: a staff member an admin linked to it (E2's staff links, by the
// provider's subject or e-mail), else the person with its personnummer — a guardian (a guardianship names them) with
// their open account, or without one (on to "an account by e-ID"), or a protected identity without an account (seed
// 004: the preschool/school helps them). A person with a staff role (an assignment not ended, or a municipality's
// admin) signs in by e-ID through a staff link only, also when they are a guardian too: a staff account opens more
// than a guardian's, and only an admin's link says which identity is theirs. Reads only; nothing is created here.
// The tables are the people and accounts modules': read through their queries.
import type { Db } from '../kernel/db.ts';
import { openAccountOfPerson } from '../accounts/queries.ts';
import { hasStaffRole, identityNumberOf, personByIdentityNumber } from '../people/queries.ts';
import { personnummerFromClaim, type EIdFailure } from './rules.ts';
import { staffPersonForIdentity } from './staff-links.ts';
import type { VerifiedIdentity } from './client.ts';

export type Match =
  | { kind: 'account'; accountId: number; personId: number }
  | { kind: 'guardianWithoutAccount'; personId: number }
  | { kind: 'protected' } | { kind: 'unknown' } | { kind: 'staffNotLinked' } | { kind: 'noAccount' };

/** How a staff member's identity is found when the provider is the demo's own (its subjects name the person). */
export type StaffLookup = (db: Db, municipalityId: number, identity: VerifiedIdentity) => Promise<{ personId: number; accountId: number | null } | null>;

/** A staff member by an admin's link; an e-mail counts only when the provider says it verified it. */
export const linkedStaff: StaffLookup = (db, municipalityId, identity) => staffPersonForIdentity(db, municipalityId, {
  issuer: identity.issuer, subject: identity.subject, email: identity.email, emailVerified: identity.emailVerified,
});

export async function matchIdentity(
  db: Db, municipalityId: number, identity: VerifiedIdentity, today: string, staff: StaffLookup = linkedStaff,
): Promise<Match> {
  const linked = await staff(db, municipalityId, identity);
  if (linked) return linked.accountId === null ? { kind: 'noAccount' } : { kind: 'account', accountId: linked.accountId, personId: linked.personId };
  const number = personnummerFromClaim(identity.personnummerClaim);
  if (!number) return { kind: 'protected' }; // no (Swedish) personnummer: seed 004 sends them to the preschool/school
  const person = await personByIdentityNumber(db, municipalityId, number);
  if (!person) return { kind: 'unknown' };
  if (await hasStaffRole(db, person.id, today)) return { kind: 'staffNotLinked' };
  if (!person.guardian) return { kind: 'unknown' };
  const accountId = await openAccountOfPerson(db, person.id);
  if (accountId !== undefined) return { kind: 'account', accountId, personId: person.id };
  // A protected identity gets no account by e-ID: the preschool/school makes it with them (seed 004).
  if (person.protectedIdentity) return { kind: 'protected' };
  return { kind: 'guardianWithoutAccount', personId: person.id };
}

/**
 * A step-up: whether the identity is the signed-in account's own person. Their staff link at this municipality's
 * provider, or their personnummer — unless they have a staff role, then the link only (as a login). The municipality
 * is the one whose provider was used (the record's), which may not be the account's person's.
 */
export async function stepUpMatch(
  db: Db, municipalityId: number, identity: VerifiedIdentity, accountPersonId: number, today: string, staff: StaffLookup = linkedStaff,
): Promise<'same' | EIdFailure> {
  const linked = await staff(db, municipalityId, identity);
  if (linked) return linked.personId === accountPersonId ? 'same' : 'otherPerson';
  const number = personnummerFromClaim(identity.personnummerClaim);
  if (!number) return 'protected';
  if (number !== await identityNumberOf(db, accountPersonId)) {
    return (await personByIdentityNumber(db, municipalityId, number)) ? 'otherPerson' : 'unknown';
  }
  return (await hasStaffRole(db, accountPersonId, today)) ? 'staffNotLinked' : 'same';
}
