// Who an e-ID identity is in a municipality: a staff member an admin linked to it (E2's staff links, by the
// provider's subject or e-mail), else the person with its personnummer — a guardian (a guardianship names them) with
// their open account, or without one (on to "an account by e-ID"), or a protected identity without an account (seed
// 004: the preschool/school helps them). Reads only; nothing is created here.
import type { Db } from '../kernel/db.ts';
import { personnummerFromClaim } from './rules.ts';
import { staffPersonForIdentity } from './staff-links.ts';
import type { VerifiedIdentity } from './client.ts';

export type Match =
  | { kind: 'account'; accountId: number; personId: number }
  | { kind: 'guardianWithoutAccount'; personId: number }
  | { kind: 'protected' } | { kind: 'unknown' } | { kind: 'staffNotLinked' } | { kind: 'noAccount' };

/** How a staff member's identity is found when the provider is the demo's own (its subjects name the person). */
export type StaffLookup = (db: Db, municipalityId: number, identity: VerifiedIdentity) => Promise<{ personId: number; accountId: number | null } | null>;

export const linkedStaff: StaffLookup = (db, municipalityId, identity) =>
  staffPersonForIdentity(db, municipalityId, { issuer: identity.issuer, subject: identity.subject, email: identity.email });

export async function matchIdentity(db: Db, municipalityId: number, identity: VerifiedIdentity, staff: StaffLookup = linkedStaff): Promise<Match> {
  const linked = await staff(db, municipalityId, identity);
  if (linked) return linked.accountId === null ? { kind: 'noAccount' } : { kind: 'account', accountId: linked.accountId, personId: linked.personId };
  const number = personnummerFromClaim(identity.personnummerClaim);
  if (!number) return { kind: 'protected' }; // no (Swedish) personnummer: seed 004 sends them to the preschool/school
  const person = await db.selectFrom('persons').select(['id', 'protected_identity'])
    .where('municipality_id', '=', municipalityId).where('identity_number', '=', number).executeTakeFirst();
  if (!person) return { kind: 'unknown' };
  const guardian = await db.selectFrom('guardianships').select('id').where('guardian_id', '=', person.id).limit(1).executeTakeFirst();
  if (!guardian) {
    const works = await db.selectFrom('staff_assignments').select('id').where('person_id', '=', person.id).limit(1).executeTakeFirst()
      ?? await db.selectFrom('municipality_admins').select('person_id as id').where('person_id', '=', person.id).limit(1).executeTakeFirst();
    return works ? { kind: 'staffNotLinked' } : { kind: 'unknown' };
  }
  const account = await db.selectFrom('accounts').select('id').where('person_id', '=', person.id).where('closed_at', 'is', null)
    .orderBy('id').limit(1).executeTakeFirst();
  if (account) return { kind: 'account', accountId: account.id, personId: person.id };
  // A protected identity gets no account by e-ID: the preschool/school makes it with them (seed 004).
  if (person.protected_identity === 1) return { kind: 'protected' };
  return { kind: 'guardianWithoutAccount', personId: person.id };
}
