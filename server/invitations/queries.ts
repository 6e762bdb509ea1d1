// Invitations of guardians: the state of each invitation, its keys, and what a key is when someone types it. The use
// cases that reach other modules (inviting, using a key) are in invite.ts and use-key.ts.
import type { Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { municipalityTerms } from '../people/municipality-terms.ts';
import { childrenInGroup, personFirstName, personName, placementsOfChildren } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import { stockholmDate } from '../kernel/clock.ts';
import { lockedRows } from '../../db/sql.ts';
import { hashKey, newKey } from './keys.ts';
import { invitationState, type InvitationState, type KeyProblem } from './rules.ts';

/** The open invitations (waiting, sent or opened) that cover the child, by guardian. */
export async function openInvitationsFor(db: Db, childId: number, now: Date): Promise<Map<number, { id: number; state: InvitationState }>> {
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
  return db.selectFrom('invitations')
    .select(['invitations.id', 'invitations.guardian_id', 'invitations.email', 'invitations.send_on', 'invitations.created_at',
      'invitations.revoked_at', 'invitations.used_at'])
    .select((eb) => personName(eb, 'invitations.guardian_id').as('guardian_name'));
}

async function listInvitations(db: Db, filter: (q: InvitationQuery) => InvitationQuery, now: Date): Promise<InvitationRow[]> {
  const rows = await filter(invitationBase(db)).orderBy('invitations.id', 'desc').execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [children, keys] = await Promise.all([
    db.selectFrom('invitation_children')
      .select((eb) => ['invitation_children.invitation_id', personFirstName(eb, 'invitation_children.child_id').as('first_name')])
      .where('invitation_children.invitation_id', 'in', ids).execute(),
    db.selectFrom('invitation_keys').select(['invitation_id', 'delivery', 'expires_at', 'opened_at', 'id'])
      .where('invitation_id', 'in', ids).orderBy('id').execute(),
  ]);
  const latestKey = new Map(keys.map((k) => [k.invitation_id, k]));
  return rows.map((r) => {
    const key = latestKey.get(r.id);
    return {
      id: r.id, guardianId: r.guardian_id, guardianName: r.guardian_name ?? '', email: r.email, sendOn: r.send_on,
      createdAt: r.created_at, children: children.filter((c) => c.invitation_id === r.id).map((c) => c.first_name ?? ''),
      state: invitationState({ revokedAt: r.revoked_at, usedAt: r.used_at, latestKey: key && { expiresAt: key.expires_at, openedAt: key.opened_at } }, now),
      delivery: key?.delivery, expiresAt: key?.expires_at,
    };
  });
}

/** Every invitation that covers a child of the group, newest first. */
export async function invitationsOfGroup(db: Db, groupId: number, today: string, now: Date): Promise<InvitationRow[]> {
  const childIds = (await childrenInGroup(db, groupId, today)).map((c) => c.id);
  if (childIds.length === 0) return [];
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

/** Mails a new key of an invitation, in the transaction that made the key. */
export type InvitationMailer = (trx: Db, invitationId: number, key: string, now: Date) => Promise<void>;

export interface NewInvitation { guardianId: number; email: string | null; language: string; sendOn: string }

/**
 * A new invitation of one guardian for the child, made by `by`. The guardian's earlier invitations for the child that
 * are still open are revoked: the newest one is the one that counts. Returns the new invitation's id.
 */
export async function createInvitation(trx: Db, i: NewInvitation & { childId: number; municipalityId: number; by: number; now: Date }): Promise<number> {
  await trx.updateTable('invitations').set({ revoked_at: i.now.toISOString() })
    .where('guardian_id', '=', i.guardianId).where('revoked_at', 'is', null).where('used_at', 'is', null)
    .where('id', 'in', trx.selectFrom('invitation_children').select('invitation_id').where('child_id', '=', i.childId)).execute();
  const { id } = await trx.insertInto('invitations').values({
    municipality_id: i.municipalityId, guardian_id: i.guardianId, email: i.email, language: i.language, send_on: i.sendOn,
    created_by: i.by, created_at: i.now.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('invitation_children').values({ invitation_id: id, child_id: i.childId }).execute();
  return id;
}

/**
 * Takes the child out of the guardian's open invitations, in the caller's transaction (the guardianship ended): one that
 * then covers no child is revoked with its keys, so no mail names the child to them and no key makes them its guardian.
 */
export async function withdrawChildFromInvitations(trx: Db, guardianId: number, childId: number, now: Date): Promise<void> {
  const open = await trx.selectFrom('invitations').select('id').where('guardian_id', '=', guardianId)
    .where('revoked_at', 'is', null).where('used_at', 'is', null)
    .where('id', 'in', trx.selectFrom('invitation_children').select('invitation_id').where('child_id', '=', childId)).execute();
  if (open.length === 0) return;
  const ids = open.map((o) => o.id);
  await trx.deleteFrom('invitation_children').where('child_id', '=', childId).where('invitation_id', 'in', ids).execute();
  const empty = trx.selectFrom('invitations').select('invitations.id').where('invitations.id', 'in', ids)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('invitation_children').select('invitation_children.child_id')
      .whereRef('invitation_children.invitation_id', '=', 'invitations.id'))));
  const at = now.toISOString();
  await trx.updateTable('invitation_keys').set({ revoked_at: at }).where('invitation_id', 'in', empty)
    .where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
  await trx.updateTable('invitations').set({ revoked_at: at }).where('id', 'in', empty).execute();
}

/** A new key for an invitation; every earlier key of it stops working. Returns the key, which is never stored. */
export async function issueKey(trx: Db, invitationId: number, delivery: 'email' | 'paper', now: Date): Promise<string> {
  await trx.updateTable('invitation_keys').set({ revoked_at: now.toISOString() })
    .where('invitation_id', '=', invitationId).where('revoked_at', 'is', null).where('used_at', 'is', null).execute();
  const invitation = await trx.selectFrom('invitations').select('municipality_id').where('id', '=', invitationId).executeTakeFirstOrThrow();
  const municipality = await municipalityTerms(trx, invitation.municipality_id);
  if (!municipality) throw new Error(`invitation ${invitationId}: its municipality was not found`);
  const days = municipality.invitationValidDays;
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
  municipalityId: number;
  /** When the newest key stops working. */
  expiresAt: string;
}

export async function invitationForMail(trx: Db, invitationId: number, now: Date): Promise<InvitationForMail | undefined> {
  const row = await trx.selectFrom('invitations')
    .select((eb) => ['invitations.email', 'invitations.language', 'invitations.municipality_id', personFirstName(eb, 'invitations.guardian_id').as('first_name')])
    .where('invitations.id', '=', invitationId).executeTakeFirst();
  if (!row?.email) return undefined;
  const [childIds, key, municipality] = await Promise.all([
    invitationChildren(trx, invitationId),
    trx.selectFrom('invitation_keys').select('expires_at').where('invitation_id', '=', invitationId).orderBy('id', 'desc').executeTakeFirstOrThrow(),
    municipalityTerms(trx, row.municipality_id),
  ]);
  const children = await placementsOfChildren(trx, childIds, stockholmDate(now));
  const municipalityName = municipality?.name ?? '';
  return {
    email: row.email, language: row.language, guardianName: row.first_name ?? '', municipalityName, municipalityId: row.municipality_id,
    children: [...new Set(children.map((c) => c.firstName))], unitName: children[0]?.unitName ?? municipalityName, expiresAt: key.expires_at,
  };
}

/** The children an invitation covers. */
export async function invitationChildren(db: Db, invitationId: number): Promise<number[]> {
  const rows = await db.selectFrom('invitation_children').select('child_id').where('invitation_id', '=', invitationId).execute();
  return rows.map((r) => r.child_id);
}

export type KeyLookup =
  | { ok: true; keyId: number; invitationId: number; guardianId: number; delivery: 'email' | 'paper'; email: string | null; municipalityId: number; language: string }
  | { ok: false; problem: KeyProblem };

/**
 * What a typed key is: usable, or unknown, used, expired or revoked. `lock`, in the transaction that uses the key: the
 * key stays locked until it ends, so a second use of it at the same moment waits, and then finds the key used.
 */
export async function lookUpKey(db: Db, key: string, now: Date, { lock = false } = {}): Promise<KeyLookup> {
  const query = db.selectFrom('invitation_keys').innerJoin('invitations', 'invitations.id', 'invitation_keys.invitation_id')
    .select(['invitation_keys.id', 'invitation_keys.invitation_id', 'invitation_keys.delivery', 'invitation_keys.expires_at',
      'invitation_keys.used_at', 'invitation_keys.revoked_at', 'invitations.guardian_id', 'invitations.email',
      'invitations.municipality_id', 'invitations.language', 'invitations.revoked_at as invitation_revoked', 'invitations.used_at as invitation_used'])
    .where('invitation_keys.key_hash', '=', hashKey(key));
  const row = await (lock ? lockedRows(db, query) : query).executeTakeFirst();
  if (!row) return { ok: false, problem: 'unknown' };
  if (row.used_at || row.invitation_used) return { ok: false, problem: 'used' };
  if (row.revoked_at || row.invitation_revoked) return { ok: false, problem: 'revoked' };
  if (row.expires_at <= now.toISOString()) return { ok: false, problem: 'expired' };
  return {
    ok: true, keyId: row.id, invitationId: row.invitation_id, guardianId: row.guardian_id, delivery: row.delivery,
    email: row.email, municipalityId: row.municipality_id, language: row.language,
  };
}

export async function markOpened(db: Db, keyId: number, now: Date): Promise<void> {
  await db.updateTable('invitation_keys').set({ opened_at: now.toISOString() }).where('id', '=', keyId).where('opened_at', 'is', null).execute();
}

/** Uses up a key and its invitation; false when another request used it first (a double submit). */
export async function useKey(trx: Db, lookup: { keyId: number; invitationId: number }, accountId: number, now: Date): Promise<boolean> {
  const used = await trx.updateTable('invitation_keys').set({ used_at: now.toISOString() })
    .where('id', '=', lookup.keyId).where('used_at', 'is', null).executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) return false;
  await trx.updateTable('invitations').set({ used_at: now.toISOString(), used_by_account: accountId }).where('id', '=', lookup.invitationId).execute();
  return true;
}

/** The account that used the key, when it is a used key (whose form may arrive twice: a double submit). */
export async function keyUsedBy(db: Db, key: string): Promise<number | undefined> {
  const row = await db.selectFrom('invitation_keys').innerJoin('invitations', 'invitations.id', 'invitation_keys.invitation_id')
    .select('invitations.used_by_account').where('invitation_keys.key_hash', '=', hashKey(key))
    .where('invitation_keys.used_at', 'is not', null).executeTakeFirst();
  return row?.used_by_account ?? undefined;
}
