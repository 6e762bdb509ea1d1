// Inviting a child's legal guardians: who will be reached (the registry's guardians, their address, whether they
// have an account already), and the invitations themselves, in one transaction.
import type { Db } from '../kernel/db.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify } from '../notifications/queries.ts';
import { childProfile, firstNameOf, guardiansOfChild, unitContactsOfChildren, type UnitContact } from '../people/queries.ts';
import { unitRules } from '../settings/queries.ts';
import { createInvitation, invitationChildren, issueKey, openInvitationsFor, type InvitationMailer, type NewInvitation } from './queries.ts';
import { sendOn, type InvitationState } from './rules.ts';

/** To a guardian who has an account already: the child now shows on it. Its text is `notifications.kinds.childAdded`. */
export const childAddedNotification = defineNotificationKind({ key: 'childAdded', topic: null });

export interface GuardianToInvite {
  personId: number; name: string; email: string | null; protectedIdentity: boolean; otherHousehold: boolean;
  hasAccount: boolean; pending: { id: number; state: InvitationState } | undefined;
}

/** The child's legal guardians as the sender will reach them: registry e-mail, household, account, open invitation. */
async function guardiansToInvite(db: Db, childId: number, now: Date): Promise<GuardianToInvite[]> {
  const guardians = await guardiansOfChild(db, childId);
  const [accounts, open] = await Promise.all([openAccountsOf(db, guardians.map((g) => g.id)), openInvitationsFor(db, childId, now)]);
  return guardians.map((g) => ({
    personId: g.id, name: `${g.firstName} ${g.lastName}`, email: g.email, protectedIdentity: g.protectedIdentity,
    otherHousehold: g.otherHousehold, hasAccount: accounts.some((a) => a.personId === g.id), pending: open.get(g.id),
  }));
}

export interface InvitationChoice {
  child: { id: number; name: string; firstName: string };
  groupId: number; placementStart: string; sendOn: string; daysBefore: number; today: string;
  guardians: GuardianToInvite[];
}

/**
 * What staff choose from: the child, the day invitations go out (the unit's number of days before the first placement
 * day), and the guardians. Undefined for a child without a current or coming placement.
 */
export async function invitationChoice(db: Db, childId: number, today: string, now: Date): Promise<InvitationChoice | undefined> {
  const profile = await childProfile(db, childId, today);
  const first = profile?.placements[0];
  if (!profile || !first) return undefined;
  const rules = await unitRules(db, first.unitId);
  return {
    child: { id: profile.child.id, name: `${profile.child.firstName} ${profile.child.lastName}`, firstName: profile.child.firstName },
    groupId: first.groupId, placementStart: first.startDate, sendOn: sendOn(first.startDate, rules.inviteDaysBefore, today),
    daysBefore: rules.inviteDaysBefore, today, guardians: await guardiansToInvite(db, profile.child.id, now),
  };
}

export type InviteOutcome =
  | { kind: 'notified'; guardianId: number }
  | { kind: 'held'; guardianId: number; invitationId: number; sendOn: string }
  | { kind: 'sent'; guardianId: number; invitationId: number; key: string }
  | { kind: 'paper'; guardianId: number; invitationId: number };

/**
 * Invites a child's chosen guardians, in one transaction. A guardian who already has an account gets the child as a
 * notification instead; an invitation for a later placement is held until its day; one without e-mail waits for print.
 */
export async function inviteGuardians(db: Db, input: {
  childId: number; municipalityId: number; by: number; now: Date; today: string; guardians: NewInvitation[]; mail: InvitationMailer;
}): Promise<InviteOutcome[]> {
  return db.transaction().execute(async (trx) => {
    const outcomes: InviteOutcome[] = [];
    for (const g of input.guardians) {
      const [account] = await openAccountsOf(trx, [g.guardianId]);
      if (account) {
        await notify(trx, {
          accountIds: [account.id], kind: childAddedNotification, childId: input.childId,
          params: { child: (await firstNameOf(trx, input.childId)) ?? '' }, url: `/children/${input.childId}`, at: input.now,
        });
        outcomes.push({ kind: 'notified', guardianId: g.guardianId });
        continue;
      }
      const id = await createInvitation(trx, { ...g, childId: input.childId, municipalityId: input.municipalityId, by: input.by, now: input.now });
      if (g.sendOn > input.today) outcomes.push({ kind: 'held', guardianId: g.guardianId, invitationId: id, sendOn: g.sendOn });
      else if (!g.email) outcomes.push({ kind: 'paper', guardianId: g.guardianId, invitationId: id });
      else {
        const key = await issueKey(trx, id, 'email', input.now);
        await input.mail(trx, id, key, input.now);
        outcomes.push({ kind: 'sent', guardianId: g.guardianId, invitationId: id, key });
      }
    }
    return outcomes;
  });
}

/** Who a paper invitation comes from: the children's municipality and units, with the units' contact details. */
export async function invitationSenders(db: Db, invitationId: number, today: string): Promise<{ municipality: string; units: UnitContact[] }> {
  const units = await unitContactsOfChildren(db, await invitationChildren(db, invitationId), today);
  return { municipality: [...new Set(units.map((u) => u.municipalityName))].join(', '), units };
}
