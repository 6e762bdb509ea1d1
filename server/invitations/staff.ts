// Inviting a staff member: an invitation of the person that covers no child, its key mailed to the address the admin
// or unit head gave. The key makes the person's account (the registration page is the guardians'), and the account
// works as staff through the person's assignments. A new invitation revokes the person's earlier staff ones, and one
// not used yet follows the person's address when an admin or unit head changes it.
import type { Config } from '../config.ts';
import type { Db } from '../kernel/db.ts';
import { stockholmDate } from '../kernel/clock.ts';
import { DEFAULT_LANGUAGE, formatDate } from '../kernel/i18n.ts';
import { composeMail } from '../mail/compose.ts';
import { queueMail } from '../mail/outbox.ts';
import { municipalityTerms } from '../people/municipality-terms.ts';
import { formatKey } from './keys.ts';
import { issueKey } from './queries.ts';
import { invitationState, type InvitationState } from './rules.ts';

/** The invitations of a person that cover no child: the staff invitations. */
function staffInvitationsOf(db: Db, personId: number) {
  return db.selectFrom('invitations').where('invitations.guardian_id', '=', personId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('invitation_children').select('invitation_children.child_id')
      .whereRef('invitation_children.invitation_id', '=', 'invitations.id'))));
}

export interface StaffInvitation { id: number; email: string | null; state: InvitationState; expiresAt: string | undefined }

/** The person's newest staff invitation and what it is now; undefined when none was made. */
export async function latestStaffInvitation(db: Db, personId: number, now: Date): Promise<StaffInvitation | undefined> {
  const row = await staffInvitationsOf(db, personId).select(['invitations.id', 'invitations.email', 'invitations.revoked_at', 'invitations.used_at'])
    .orderBy('invitations.id', 'desc').executeTakeFirst();
  if (!row) return undefined;
  const key = await db.selectFrom('invitation_keys').select(['expires_at', 'opened_at']).where('invitation_id', '=', row.id)
    .orderBy('id', 'desc').executeTakeFirst();
  const latestKey = key && { expiresAt: key.expires_at, openedAt: key.opened_at };
  return { id: row.id, email: row.email, state: invitationState({ revokedAt: row.revoked_at, usedAt: row.used_at, latestKey }, now), expiresAt: key?.expires_at };
}

export interface StaffInvitationInput {
  personId: number; name: string; email: string; municipalityId: number; unitName: string; by: number; now: Date;
}

/**
 * A new staff invitation with a key, mailed, in the caller's transaction; the person's open staff invitations (and
 * their keys) are revoked first. Returns the invitation's id.
 */
export async function inviteStaffMember(trx: Db, input: StaffInvitationInput, config: Pick<Config, 'publicUrl'>): Promise<number> {
  const at = input.now.toISOString();
  await revokeStaffInvitations(trx, input.personId, input.now);
  const { id } = await trx.insertInto('invitations').values({
    municipality_id: input.municipalityId, guardian_id: input.personId, email: input.email, language: DEFAULT_LANGUAGE.code,
    send_on: stockholmDate(input.now), created_by: input.by, created_at: at,
  }).returning('id').executeTakeFirstOrThrow();
  const key = await issueKey(trx, id, 'email', input.now);
  const expires = (await trx.selectFrom('invitation_keys').select('expires_at').where('invitation_id', '=', id).executeTakeFirstOrThrow()).expires_at;
  const municipality = (await municipalityTerms(trx, input.municipalityId))?.name ?? '';
  const mail = composeMail('staff-invitation', DEFAULT_LANGUAGE, {
    name: input.name, unit: input.unitName, municipality, key: formatKey(key),
    registerUrl: `${config.publicUrl}/register_invite/${key}`, linkUrl: `${config.publicUrl}/register_invite/${key}/link`,
    expires: formatDate(stockholmDate(new Date(expires)), DEFAULT_LANGUAGE, { day: 'numeric', month: 'long', year: 'numeric' }),
  });
  await queueMail(trx, { to: input.email, ...mail }, input.now, { municipalityId: input.municipalityId });
  return id;
}

/** Revokes the person's staff invitations not used yet, and their keys, in the caller's transaction. */
export async function revokeStaffInvitations(trx: Db, personId: number, now: Date): Promise<void> {
  const at = now.toISOString();
  const open = staffInvitationsOf(trx, personId).select('invitations.id').where('invitations.revoked_at', 'is', null).where('invitations.used_at', 'is', null);
  await trx.updateTable('invitation_keys').set({ revoked_at: at })
    .where('invitation_id', 'in', open).where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
  await trx.updateTable('invitations').set({ revoked_at: at })
    .where('id', 'in', staffInvitationsOf(trx, personId).select('invitations.id')).where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
}

/** What became of a staff member's invitation when their e-mail address changed. */
export type FollowedInvitation = 'none' | 'resent' | 'revoked' | 'left';

/**
 * A staff member's address changed: an invitation still waiting to be used (not expired) follows it — a new one, with
 * a new key, goes to the new address and the key mailed to the old one stops working; with no address left it is
 * revoked. An expired one is left (the page says where it went and offers a new one); none made: nothing to do.
 */
export async function followNewEmail(trx: Db, input: Omit<StaffInvitationInput, 'email'> & { email: string | null }, config: Pick<Config, 'publicUrl'>): Promise<FollowedInvitation> {
  const latest = await latestStaffInvitation(trx, input.personId, input.now);
  if (!latest || latest.state === 'used' || latest.state === 'revoked') return 'none';
  if (latest.state === 'expired') return 'left';
  if (input.email === null) {
    await revokeStaffInvitations(trx, input.personId, input.now);
    return 'revoked';
  }
  await inviteStaffMember(trx, { ...input, email: input.email }, config);
  return 'resent';
}
