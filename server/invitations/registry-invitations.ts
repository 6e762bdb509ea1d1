// The invitations an approved registry import sends, in the import's transaction: one invitation per guardian for all
// the children the import newly linked them to (a parent of two new siblings gets one mail), or a notification when
// the guardian already has an account. The same rules as staff inviting by hand (invite.ts): an earlier open invitation
// of the guardian for one of the children is revoked, held until the unit's day before the first placement day, on
// paper without an e-mail address. Written in slices (an import invites thousands at once), each mail composed as
// mail.ts composes every invitation mail.
import type { Config } from '../config.ts';
import type { Db } from '../kernel/db.ts';
import { notify } from '../notifications/queries.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { queueMail } from '../mail/outbox.ts';
import { municipalityTerms } from '../people/municipality-terms.ts';
import { childAddedNotification } from './invite.ts';
import { hashKey, newKey } from './keys.ts';
import { invitationMail } from './mail.ts';
import type { InvitationForMail } from './queries.ts';

export interface RegistryInvitation {
  guardianId: number; guardianFirstName: string; email: string | null; sendOn: string;
  children: { id: number; firstName: string }[];
  /** The unit of the first child's placement, which signs the mail. */
  unitName: string;
}

export type RegistryInviteOutcome = 'notified' | 'mail' | 'held' | 'paper';

/** Queues one invitation mail with its key, in the import's transaction. */
export type RegistryMailer = (trx: Db, invitation: InvitationForMail, key: string, now: Date) => Promise<void>;

export function registryMailer(config: Pick<Config, 'publicUrl'>): RegistryMailer {
  return async (trx, invitation, key, now) => {
    await queueMail(trx, invitationMail(config, invitation, key), now, { municipalityId: invitation.municipalityId });
  };
}

const SLICE = 200;

/** Invites (or tells) each guardian; `by` is the approving person's account. Returns what happened to each, in order. */
export async function inviteFromRegistry(trx: Db, input: {
  municipalityId: number; by: number; now: Date; today: string; invitations: readonly RegistryInvitation[]; mail: RegistryMailer;
}): Promise<RegistryInviteOutcome[]> {
  const { now } = input;
  const accounts = new Map<number, number>();
  const ids = input.invitations.map((i) => i.guardianId);
  for (let i = 0; i < ids.length; i += 500) {
    for (const a of await openAccountsOf(trx, ids.slice(i, i + 500))) if (!accounts.has(a.personId)) accounts.set(a.personId, a.id);
  }
  const outcomes = input.invitations.map((i): RegistryInviteOutcome =>
    (accounts.has(i.guardianId) ? 'notified' : !i.email ? 'paper' : i.sendOn > input.today ? 'held' : 'mail'));

  const told = input.invitations.filter((_, n) => outcomes[n] === 'notified');
  for (const invitation of told) {
    for (const child of invitation.children) {
      await notify(trx, {
        accountIds: [accounts.get(invitation.guardianId) ?? 0], kind: childAddedNotification, childId: child.id,
        params: { child: child.firstName }, url: `/children/${child.id}`, at: now,
      });
    }
  }

  const invited = input.invitations.map((invitation, n) => ({ invitation, outcome: outcomes[n] })).filter((i) => i.outcome !== 'notified');
  if (invited.length === 0) return outcomes;
  const municipality = await municipalityTerms(trx, input.municipalityId);
  if (!municipality) throw new Error(`registry invitations: municipality ${input.municipalityId} was not found`);
  const expiresAt = new Date(now.getTime() + municipality.invitationValidDays * 86_400_000).toISOString();
  for (let s = 0; s < invited.length; s += SLICE) {
    const slice = invited.slice(s, s + SLICE);
    await revokeEarlier(trx, slice.map((i) => i.invitation), now);
    const rows = await trx.insertInto('invitations').values(slice.map(({ invitation }) => ({
      municipality_id: input.municipalityId, guardian_id: invitation.guardianId, email: invitation.email, language: 'sv',
      send_on: invitation.sendOn, created_by: input.by, created_at: now.toISOString(),
    }))).returning(['id', 'guardian_id']).execute();
    const idOf = new Map(rows.map((r) => [r.guardian_id, r.id]));
    const invitationId = (guardianId: number) => {
      const id = idOf.get(guardianId);
      if (id === undefined) throw new Error('registry invitations: an invitation was not stored');
      return id;
    };
    await trx.insertInto('invitation_children')
      .values(slice.flatMap(({ invitation }) => invitation.children.map((c) => ({ invitation_id: invitationId(invitation.guardianId), child_id: c.id }))))
      .execute();
    const mailed = slice.filter((i) => i.outcome === 'mail').map(({ invitation }) => ({ invitation, id: invitationId(invitation.guardianId), key: newKey() }));
    if (mailed.length === 0) continue;
    await trx.insertInto('invitation_keys').values(mailed.map((m) => ({
      invitation_id: m.id, key_hash: hashKey(m.key), delivery: 'email' as const, created_at: now.toISOString(), expires_at: expiresAt,
    }))).execute();
    for (const m of mailed) {
      await input.mail(trx, {
        email: m.invitation.email ?? '', language: 'sv', guardianName: m.invitation.guardianFirstName,
        children: [...new Set(m.invitation.children.map((c) => c.firstName))], unitName: m.invitation.unitName || municipality.name,
        municipalityName: municipality.name, municipalityId: input.municipalityId, expiresAt,
      }, m.key, now);
    }
  }
  return outcomes;
}

/** The guardians' earlier invitations that are still open and cover one of the children: the new one is the one that counts. */
async function revokeEarlier(trx: Db, invitations: readonly RegistryInvitation[], now: Date): Promise<void> {
  const wanted = new Set(invitations.flatMap((i) => i.children.map((c) => `${i.guardianId} ${c.id}`)));
  const open = await trx.selectFrom('invitations').innerJoin('invitation_children', 'invitation_children.invitation_id', 'invitations.id')
    .select(['invitations.id', 'invitations.guardian_id', 'invitation_children.child_id'])
    .where('invitations.guardian_id', 'in', invitations.map((i) => i.guardianId))
    .where('invitations.revoked_at', 'is', null).where('invitations.used_at', 'is', null).execute();
  const revoke = [...new Set(open.filter((o) => wanted.has(`${o.guardian_id} ${o.child_id}`)).map((o) => o.id))];
  if (revoke.length > 0) await trx.updateTable('invitations').set({ revoked_at: now.toISOString() }).where('id', 'in', revoke).execute();
}
