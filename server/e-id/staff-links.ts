// Staff who log in by the municipality's identity provider: an admin links a staff member once to the provider's
// identity (its subject, or the e-mail address it vouches for, as the municipality's e-ID settings say); a login
// by e-ID then finds the staff member through the link. Only this module touches staff_e_id_links.
import { isUniqueViolation } from '../../db/sql.ts';
import { prepared, type Db } from '../kernel/db.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { isMunicipalityStaff, municipalityStaff } from '../people/queries.ts';
import { eIdConfigOf, type StaffMatch } from './settings.ts';

/**
 * An identity the provider vouched for: its issuer, subject and e-mail. An e-mail link matches only when the provider
 * says the address is verified (`emailVerified: true`, from the `email_verified` claim); missing means not verified.
 */
export interface StaffIdentity { issuer: string; subject: string; email?: string | null | undefined; emailVerified?: boolean | undefined }
export interface LinkedStaff { personId: number; accountId: number | null }

/** An e-mail address as links keep it and compare it. */
export const emailKey = (email: string): string => email.trim().toLowerCase();

const bySubject = prepared((db: Db, municipalityId: number, issuer: string, subject: string) => db.selectFrom('staff_e_id_links')
  .select('person_id').where('municipality_id', '=', municipalityId).where('issuer', '=', issuer).where('subject', '=', subject));

const byEmail = prepared((db: Db, municipalityId: number, issuer: string, email: string) => db.selectFrom('staff_e_id_links')
  .select('person_id').where('municipality_id', '=', municipalityId).where('issuer', '=', issuer).where('email', '=', email));

/**
 * The staff member an admin linked to this identity of the municipality's provider (by subject or e-mail, as the
 * municipality's settings say), with their open account if they have one; null when nobody is linked, the identity
 * comes from another issuer than the configured one, the e-mail is not verified, or the municipality has no e-ID.
 */
export async function staffPersonForIdentity(db: Db, municipalityId: number, identity: StaffIdentity): Promise<LinkedStaff | null> {
  const config = await eIdConfigOf(db, municipalityId);
  if (!config || config.issuer !== identity.issuer) return null;
  let rows: { person_id: number }[];
  if (config.staffMatch === 'subject') {
    if (!identity.subject) return null;
    rows = await bySubject(db, municipalityId, identity.issuer, identity.subject);
  } else {
    if (!identity.email || identity.emailVerified !== true) return null;
    rows = await byEmail(db, municipalityId, identity.issuer, emailKey(identity.email));
  }
  const [row] = rows;
  if (!row) return null;
  const [account] = await openAccountsOf(db, [row.person_id]);
  return { personId: row.person_id, accountId: account?.id ?? null };
}

export interface StaffLinkRow { personId: number; name: string; identity: string | null }

/** How many staff the page lists at most (a search by name narrows a large municipality). */
export const STAFF_PAGE_SIZE = 200;

/**
 * The municipality's staff (an assignment in one of its units that has not ended by `today`) and admins, by name,
 * with the identity each is linked to at `issuer` by the `match` in use; `q` narrows by name. One more than
 * STAFF_PAGE_SIZE is read, so the page can say there are more.
 */
export async function staffWithLinks(
  db: Db, municipalityId: number, options: { issuer: string | null; match: StaffMatch; today: string; q: string },
): Promise<StaffLinkRow[]> {
  const staff = await municipalityStaff(db, municipalityId, { today: options.today, q: options.q, limit: STAFF_PAGE_SIZE + 1 });
  const links = staff.length === 0 || options.issuer === null ? [] : await db.selectFrom('staff_e_id_links').select(['person_id', 'subject', 'email'])
    .where('municipality_id', '=', municipalityId).where('issuer', '=', options.issuer).where('person_id', 'in', staff.map((s) => s.id)).execute();
  const identities = new Map(links.map((l) => [l.person_id, options.match === 'email' ? l.email : l.subject]));
  return staff.map((s) => ({ personId: s.id, name: `${s.firstName} ${s.lastName}`, identity: identities.get(s.id) ?? null }));
}

/** Whether the person is one of the municipality's staff or admins today (the only people an admin may link). */
export async function isStaffOfMunicipality(db: Db, municipalityId: number, personId: number, today: string): Promise<boolean> {
  return isMunicipalityStaff(db, municipalityId, personId, today);
}

export type LinkOutcome = 'linked' | 'already-linked' | 'identity-taken';

/**
 * Links the person to the identity (a subject, or an e-mail address in lower case, as `match` says) at the issuer,
 * and keeps the change. A person already linked at this issuer keeps their link ('already-linked': unlink first); an
 * identity another person of the municipality has ('identity-taken') is refused: the unique keys decide, also for two
 * admins at once. The same identity may be linked in another municipality (one person working for two on one broker).
 */
export async function linkStaff(
  db: Db, link: { municipalityId: number; personId: number; issuer: string; match: StaffMatch; identity: string }, by: number, at: Date,
): Promise<LinkOutcome> {
  try {
    await db.transaction().execute(async (trx) => {
      const changedAt = at.toISOString();
      await trx.insertInto('staff_e_id_links').values({
        municipality_id: link.municipalityId, person_id: link.personId, issuer: link.issuer,
        subject: link.match === 'subject' ? link.identity : null, email: link.match === 'email' ? link.identity : null,
        created_by: by, created_at: changedAt,
      }).execute();
      await trx.insertInto('login_settings_changes').values({
        municipality_id: link.municipalityId, setting: 'staffLink', person_id: link.personId, old_value: null, new_value: link.identity,
        changed_by: by, changed_at: changedAt,
      }).execute();
    });
    return 'linked';
  } catch (error) {
    if (isUniqueViolation(error, 'staff_e_id_links.person_id')) return 'already-linked';
    if (isUniqueViolation(error, 'staff_e_id_links.subject') || isUniqueViolation(error, 'staff_e_id_links.email')) return 'identity-taken';
    throw error;
  }
}

/** Removes the person's link at the issuer (keeping the change); false when there was none. */
export async function unlinkStaff(db: Db, link: { municipalityId: number; personId: number; issuer: string }, by: number, at: Date): Promise<boolean> {
  return retryRaces(() => db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('staff_e_id_links').select(['id', 'subject', 'email'])
      .where('municipality_id', '=', link.municipalityId).where('person_id', '=', link.personId).where('issuer', '=', link.issuer).executeTakeFirst();
    if (!row) return false;
    const removed = await trx.deleteFrom('staff_e_id_links').where('id', '=', row.id).executeTakeFirst();
    if (Number(removed.numDeletedRows) !== 1) throw new RaceLost('the link went meanwhile');
    await trx.insertInto('login_settings_changes').values({
      municipality_id: link.municipalityId, setting: 'staffLink', person_id: link.personId, old_value: row.subject ?? row.email, new_value: null,
      changed_by: by, changed_at: at.toISOString(),
    }).execute();
    return true;
  }));
}
