// Invitations of guardians: who will be reached, keys, the state of each invitation, and using a key.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { locateChild } from '../people/relations.ts';
import { stockholmDate } from '../kernel/clock.ts';
import { loginKey } from '../accounts/passwords.ts';
import { formatKey, hashKey, newKey } from './keys.ts';
import { invitationState, type InvitationState, type KeyProblem } from './rules.ts';

type Trx = Kysely<Database>;

export interface GuardianToInvite {
  personId: number; name: string; email: string | null; protectedIdentity: boolean; otherHousehold: boolean;
  hasAccount: boolean; pending: { id: number; state: InvitationState } | undefined;
}

/** The child's legal guardians as the sender will reach them: registry e-mail, household, account, open invitation. */
export async function guardiansToInvite(db: Db, childId: number, now: Date): Promise<GuardianToInvite[]> {
  const rows = await db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
    .leftJoin('accounts', (join) => join.onRef('accounts.person_id', '=', 'persons.id').on('accounts.closed_at', 'is', null))
    .select(['persons.id', 'persons.first_name', 'persons.last_name', 'persons.email', 'persons.protected_identity',
      'guardianships.other_household', 'accounts.id as account_id'])
    .where('guardianships.child_id', '=', childId).orderBy('guardianships.other_household').orderBy('persons.id').execute();
  const open = await openInvitationsFor(db, childId, now);
  return rows.map((r) => ({
    personId: r.id, name: `${r.first_name} ${r.last_name}`, email: r.email, protectedIdentity: r.protected_identity === 1,
    otherHousehold: r.other_household === 1, hasAccount: r.account_id !== null, pending: open.get(r.id),
  }));
}

async function openInvitationsFor(db: Db, childId: number, now: Date): Promise<Map<number, { id: number; state: InvitationState }>> {
  const invitations = await listInvitations(db, (q) => q.where('invitations.id', 'in',
    db.selectFrom('invitation_children').select('invitation_id').where('child_id', '=', childId)), now);
  const open = invitations.filter((i) => i.state === 'waiting' || i.state === 'sent' || i.state === 'opened');
  return new Map(open.map((i) => [i.guardianId, { id: i.id, state: i.state }]));
}

export interface InvitationRow {
  id: number; guardianId: number; guardianName: string; email: string | null; sendOn: string; createdAt: string;
  children: string[]; state: InvitationState; delivery: 'email' | 'paper' | undefined; expiresAt: string | undefined;
}

type InvitationQuery = ReturnType<typeof invitationBase>;
function invitationBase(db: Db) {
  return db.selectFrom('invitations').innerJoin('persons', 'persons.id', 'invitations.guardian_id')
    .select(['invitations.id', 'invitations.guardian_id', 'invitations.email', 'invitations.send_on', 'invitations.created_at',
      'invitations.revoked_at', 'invitations.used_at', 'persons.first_name', 'persons.last_name']);
}

async function listInvitations(db: Db, filter: (q: InvitationQuery) => InvitationQuery, now: Date): Promise<InvitationRow[]> {
  const rows = await filter(invitationBase(db)).orderBy('invitations.id', 'desc').execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [children, keys] = await Promise.all([
    db.selectFrom('invitation_children').innerJoin('persons', 'persons.id', 'invitation_children.child_id')
      .select(['invitation_children.invitation_id', 'persons.first_name']).where('invitation_children.invitation_id', 'in', ids).execute(),
    db.selectFrom('invitation_keys').select(['invitation_id', 'delivery', 'expires_at', 'opened_at', 'id'])
      .where('invitation_id', 'in', ids).orderBy('id').execute(),
  ]);
  const latestKey = new Map(keys.map((k) => [k.invitation_id, k]));
  return rows.map((r) => {
    const key = latestKey.get(r.id);
    return {
      id: r.id, guardianId: r.guardian_id, guardianName: `${r.first_name} ${r.last_name}`, email: r.email, sendOn: r.send_on,
      createdAt: r.created_at, children: children.filter((c) => c.invitation_id === r.id).map((c) => c.first_name),
      state: invitationState({ revokedAt: r.revoked_at, usedAt: r.used_at, latestKey: key && { expiresAt: key.expires_at, openedAt: key.opened_at } }, now),
      delivery: key?.delivery, expiresAt: key?.expires_at,
    };
  });
}

/** Every invitation that covers a child of the group, newest first. */
export async function invitationsOfGroup(db: Db, groupId: number, today: string, now: Date): Promise<InvitationRow[]> {
  const childIds = db.selectFrom('placements').select('child_id').where('group_id', '=', groupId)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', today)]));
  return listInvitations(db, (q) => q.where('invitations.id', 'in',
    db.selectFrom('invitation_children').select('invitation_id').where('child_id', 'in', childIds)), now);
}

export async function invitationById(db: Db, id: number, now: Date): Promise<InvitationRow | undefined> {
  return (await listInvitations(db, (q) => q.where('invitations.id', '=', id), now))[0];
}

/** An invitation sits where its children are: staff of their groups, their unit heads and admins manage it. */
async function locateInvitation(db: Db, invitationId: number, today: string): Promise<Location | null> {
  const children = await db.selectFrom('invitation_children').select('child_id').where('invitation_id', '=', invitationId).execute();
  const locations = (await Promise.all(children.map((c) => locateChild(db, c.child_id, today)))).filter((l): l is Location => l !== null);
  if (locations.length === 0) return null;
  return {
    municipalityId: locations[0].municipalityId,
    unitIds: locations.flatMap((l) => l.unitIds), groupIds: locations.flatMap((l) => l.groupIds), childIds: locations.flatMap((l) => l.childIds),
  };
}

/** The records of this module that routes name by id. */
export const invitationLocators = { invitation: locateInvitation } satisfies Partial<Locators>;

export interface NewInvitation { guardianId: number; email: string | null; language: string; sendOn: string }

export type InviteOutcome =
  | { kind: 'notified'; guardianId: number }
  | { kind: 'held'; guardianId: number; invitationId: number; sendOn: string }
  | { kind: 'sent'; guardianId: number; invitationId: number; key: string }
  | { kind: 'paper'; guardianId: number; invitationId: number };

export interface InvitationMailer { (trx: Trx, invitationId: number, key: string, now: Date): Promise<void> }

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
      const account = await trx.selectFrom('accounts').select('id').where('person_id', '=', g.guardianId).where('closed_at', 'is', null).executeTakeFirst();
      if (account) {
        await notifyNewChild(trx, account.id, input.childId, input.now);
        outcomes.push({ kind: 'notified', guardianId: g.guardianId });
        continue;
      }
      await trx.updateTable('invitations').set({ revoked_at: input.now.toISOString() })
        .where('guardian_id', '=', g.guardianId).where('revoked_at', 'is', null).where('used_at', 'is', null)
        .where('id', 'in', trx.selectFrom('invitation_children').select('invitation_id').where('child_id', '=', input.childId)).execute();
      const { id } = await trx.insertInto('invitations').values({
        municipality_id: input.municipalityId, guardian_id: g.guardianId, email: g.email, language: g.language, send_on: g.sendOn,
        created_by: input.by, created_at: input.now.toISOString(),
      }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('invitation_children').values({ invitation_id: id, child_id: input.childId }).execute();
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

async function notifyNewChild(trx: Trx, accountId: number, childId: number, now: Date): Promise<void> {
  const child = await trx.selectFrom('persons').select('first_name').where('id', '=', childId).executeTakeFirstOrThrow();
  await trx.insertInto('notifications').values({
    account_id: accountId, child_id: childId, kind: 'childAdded', params: JSON.stringify({ child: child.first_name }),
    url: `/children/${childId}`, created_at: now.toISOString(), read_at: null,
  }).execute();
}

/** A new key for an invitation; every earlier key of it stops working. Returns the key, which is never stored. */
export async function issueKey(trx: Trx, invitationId: number, delivery: 'email' | 'paper', now: Date): Promise<string> {
  await trx.updateTable('invitation_keys').set({ revoked_at: now.toISOString() })
    .where('invitation_id', '=', invitationId).where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
  const { invitation_valid_days: days } = await trx.selectFrom('invitations')
    .innerJoin('municipalities', 'municipalities.id', 'invitations.municipality_id')
    .select('municipalities.invitation_valid_days').where('invitations.id', '=', invitationId).executeTakeFirstOrThrow();
  const key = newKey();
  await trx.insertInto('invitation_keys').values({
    invitation_id: invitationId, key_hash: hashKey(key), delivery, created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + days * 86_400_000).toISOString(),
  }).execute();
  return key;
}

/** Resend or reprint: a new key (the old one is revoked); a resend mails it. */
export async function reissue(db: Db, invitationId: number, delivery: 'email' | 'paper', now: Date, mail: InvitationMailer): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const key = await issueKey(trx, invitationId, delivery, now);
    if (delivery === 'email') await mail(trx, invitationId, key, now);
    return key;
  });
}

export async function revokeInvitation(db: Db, invitationId: number, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('invitations').set({ revoked_at: now.toISOString() }).where('id', '=', invitationId).where('used_at', 'is', null).execute();
    await trx.updateTable('invitation_keys').set({ revoked_at: now.toISOString() })
      .where('invitation_id', '=', invitationId).where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
  });
}

/** Held invitations whose day has come: each gets a key and a mail. Returns how many went out. */
export async function sendDueInvitations(db: Db, now: Date, today: string, mail: InvitationMailer): Promise<number> {
  const due = await db.selectFrom('invitations').select(['id', 'guardian_id'])
    .where('send_on', '<=', today).where('revoked_at', 'is', null).where('used_at', 'is', null).where('email', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('invitation_keys').select('id').whereRef('invitation_keys.invitation_id', '=', 'invitations.id'))))
    .execute();
  for (const invitation of due) await reissue(db, invitation.id, 'email', now, mail);
  return due.length;
}

export interface InvitationForMail {
  email: string; language: string; guardianName: string; children: string[]; unitName: string; municipalityName: string;
}

export async function invitationForMail(trx: Trx, invitationId: number, now: Date): Promise<InvitationForMail | undefined> {
  const row = await trx.selectFrom('invitations').innerJoin('persons', 'persons.id', 'invitations.guardian_id')
    .innerJoin('municipalities', 'municipalities.id', 'invitations.municipality_id')
    .select(['invitations.email', 'invitations.language', 'persons.first_name', 'municipalities.name'])
    .where('invitations.id', '=', invitationId).executeTakeFirst();
  if (!row?.email) return undefined;
  const children = await trx.selectFrom('invitation_children').innerJoin('persons', 'persons.id', 'invitation_children.child_id')
    .innerJoin('placements', 'placements.child_id', 'persons.id').innerJoin('groups', 'groups.id', 'placements.group_id')
    .innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['persons.first_name', 'units.name']).where('invitation_children.invitation_id', '=', invitationId)
    .where((eb) => eb.or([eb('placements.end_date', 'is', null), eb('placements.end_date', '>=', stockholmDate(now))]))
    .orderBy('placements.start_date').execute();
  return {
    email: row.email, language: row.language, guardianName: row.first_name, municipalityName: row.name,
    children: [...new Set(children.map((c) => c.first_name))], unitName: children[0]?.name ?? row.name,
  };
}

export type KeyLookup =
  | { ok: true; keyId: number; invitationId: number; guardianId: number; delivery: 'email' | 'paper'; email: string | null; municipalityId: number }
  | { ok: false; problem: KeyProblem };

/** What a typed key is: usable, or unknown, used, expired or revoked. */
export async function lookUpKey(db: Trx, key: string, now: Date): Promise<KeyLookup> {
  const row = await db.selectFrom('invitation_keys').innerJoin('invitations', 'invitations.id', 'invitation_keys.invitation_id')
    .select(['invitation_keys.id', 'invitation_keys.invitation_id', 'invitation_keys.delivery', 'invitation_keys.expires_at',
      'invitation_keys.used_at', 'invitation_keys.revoked_at', 'invitations.guardian_id', 'invitations.email',
      'invitations.municipality_id', 'invitations.revoked_at as invitation_revoked', 'invitations.used_at as invitation_used'])
    .where('invitation_keys.key_hash', '=', hashKey(key)).executeTakeFirst();
  if (!row) return { ok: false, problem: 'unknown' };
  if (row.used_at || row.invitation_used) return { ok: false, problem: 'used' };
  if (row.revoked_at || row.invitation_revoked) return { ok: false, problem: 'revoked' };
  if (row.expires_at <= now.toISOString()) return { ok: false, problem: 'expired' };
  return {
    ok: true, keyId: row.id, invitationId: row.invitation_id, guardianId: row.guardian_id, delivery: row.delivery,
    email: row.email, municipalityId: row.municipality_id,
  };
}

export async function markOpened(db: Db, keyId: number, now: Date): Promise<void> {
  await db.updateTable('invitation_keys').set({ opened_at: now.toISOString() }).where('id', '=', keyId).where('opened_at', 'is', null).execute();
}

/** Uses up a key and its invitation; false when another request used it first (a double submit). */
async function useKey(trx: Trx, lookup: { keyId: number; invitationId: number }, accountId: number, now: Date): Promise<boolean> {
  const used = await trx.updateTable('invitation_keys').set({ used_at: now.toISOString() })
    .where('id', '=', lookup.keyId).where('used_at', 'is', null).executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) return false;
  await trx.updateTable('invitations').set({ used_at: now.toISOString(), used_by_account: accountId }).where('id', '=', lookup.invitationId).execute();
  return true;
}

export interface Registration { key: string; username: string; email: string | null; displayName: string; passwordHash: string; language: string }
export type RegistrationResult =
  | { ok: true; accountId: number; sharedEmail: boolean }
  | { ok: false; error: KeyProblem | 'username-taken' | 'email-taken' | 'already-has-account' };

/** Creates the account of the invited guardian, in one transaction: all of it happens, or none. */
export async function registerWithKey(db: Db, r: Registration, now: Date): Promise<RegistrationResult> {
  return db.transaction().execute(async (trx): Promise<RegistrationResult> => {
    const lookup = await lookUpKey(trx, r.key, now);
    if (!lookup.ok) return { ok: false, error: lookup.problem };
    if (await loginTaken(trx, r.username)) return { ok: false, error: 'username-taken' };
    // Two guardians may share one address (a household's): the invitation went to it, so the second account gets it
    // as a verified address for mail and password resets, and logs in by username.
    const shared = r.email !== null && await loginTaken(trx, r.email);
    if (shared && (!lookup.email || loginKey(lookup.email) !== loginKey(r.email!))) return { ok: false, error: 'email-taken' };
    const existing = await trx.selectFrom('accounts').select('id').where('person_id', '=', lookup.guardianId).executeTakeFirst();
    if (existing) return { ok: false, error: 'already-has-account' };
    const loginEmail = shared ? null : r.email;
    const { id } = await trx.insertInto('accounts').values({
      person_id: lookup.guardianId, username: r.username.trim(), username_key: loginKey(r.username),
      email: loginEmail, email_key: loginEmail ? loginKey(loginEmail) : null, password_hash: r.passwordHash, language: r.language,
      display_name: r.displayName, created_at: now.toISOString(),
    }).returning('id').executeTakeFirstOrThrow();
    if (shared) {
      await trx.insertInto('account_emails').values({ account_id: id, email: r.email!.trim(), email_key: loginKey(r.email!),
        created_at: now.toISOString(), verified_at: now.toISOString(), token_hash: null, token_expires_at: null }).execute();
    }
    if (!(await useKey(trx, lookup, id, now))) throw new KeyRaceLost();
    return { ok: true, accountId: id, sharedEmail: shared };
  }).catch((err: unknown) => {
    if (err instanceof KeyRaceLost) return { ok: false, error: 'used' } as const;
    throw err;
  });
}

class KeyRaceLost extends Error {}

/** Whether a username or e-mail is someone's login already (both are matched against both, ignoring case). */
export async function loginTaken(db: Trx, name: string): Promise<boolean> {
  const key = loginKey(name);
  const row = await db.selectFrom('accounts').select('id')
    .where((eb) => eb.or([eb('username_key', '=', key), eb('email_key', '=', key)])).executeTakeFirst();
  return row !== undefined;
}

/**
 * Whether an account's person may take over the invited guardian's role: the same human recorded twice (a teacher
 * whose own child starts): no guardian role and no placement of their own, the same municipality, the same name, and
 * no personnummer that says otherwise. Anyone else who got hold of a key (the staff who printed it) is refused.
 */
async function samePersonWithoutGuardianRole(trx: Trx, personId: number, guardianId: number): Promise<boolean> {
  const [person, guardian, guardianRole, placement] = await Promise.all([
    trx.selectFrom('persons').select(['municipality_id', 'first_name', 'last_name', 'identity_number']).where('id', '=', personId).executeTakeFirst(),
    trx.selectFrom('persons').select(['municipality_id', 'first_name', 'last_name', 'identity_number']).where('id', '=', guardianId).executeTakeFirst(),
    trx.selectFrom('guardianships').select('id').where('guardian_id', '=', personId).executeTakeFirst(),
    trx.selectFrom('placements').select('id').where('child_id', '=', personId).executeTakeFirst(),
  ]);
  if (!person || !guardian || guardianRole || placement) return false;
  const name = (p: { first_name: string; last_name: string }) => loginKey(`${p.first_name} ${p.last_name}`).replace(/\s+/g, ' ');
  return person.municipality_id === guardian.municipality_id && name(person) === name(guardian)
    && (!person.identity_number || !guardian.identity_number || person.identity_number === guardian.identity_number);
}

export type LinkResult = { ok: true; children: number[] } | { ok: false; error: KeyProblem | 'not-your-invitation' };

/**
 * Links a key to an existing account (seed 003, alternatives 1 and 2). The key belongs to one guardian: it attaches only
 * to that guardian's own account, or to an account whose person is no guardian yet (a teacher whose own child starts),
 * who then becomes guardian of exactly the children the invitation covers.
 */
export async function linkKeyToAccount(db: Db, key: string, account: { id: number; personId: number }, now: Date): Promise<LinkResult> {
  return db.transaction().execute(async (trx): Promise<LinkResult> => {
    const lookup = await lookUpKey(trx, key, now);
    if (!lookup.ok) return { ok: false, error: lookup.problem };
    const children = (await trx.selectFrom('invitation_children').select('child_id').where('invitation_id', '=', lookup.invitationId).execute())
      .map((c) => c.child_id);
    if (account.personId !== lookup.guardianId) {
      if (!(await samePersonWithoutGuardianRole(trx, account.personId, lookup.guardianId))) return { ok: false, error: 'not-your-invitation' };
      for (const childId of children) {
        const registry = await trx.selectFrom('guardianships').select('other_household')
          .where('guardian_id', '=', lookup.guardianId).where('child_id', '=', childId).executeTakeFirst();
        await trx.insertInto('guardianships').values({ guardian_id: account.personId, child_id: childId, other_household: registry?.other_household ?? 0 })
          .onConflict((oc) => oc.columns(['guardian_id', 'child_id']).doNothing()).execute();
      }
    }
    if (!(await useKey(trx, lookup, account.id, now))) throw new KeyRaceLost();
    return { ok: true, children };
  }).catch((err: unknown) => {
    if (err instanceof KeyRaceLost) return { ok: false, error: 'used' } as const;
    throw err;
  });
}

export { formatKey };
