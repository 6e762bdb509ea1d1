// Student accounts made by school staff (seed 001): a pupil from årskurs 3 gets a one-time letter with a key, the way a
// guardian without e-mail gets a paper invitation — the invitation is of the pupil themself (its "guardian" is the pupil,
// and it covers the pupil), so the pupil registers at /register_invite with the invitations' own registration, and the
// key's life (expiry, one use, a reprint revoking the old key, revoking) is the invitations' (server/invitations/).
import type { Db } from '../kernel/db.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { createInvitation, issueKey, openInvitationsFor } from '../invitations/queries.ts';
import { childrenInGroup, personForAccount } from '../people/queries.ts';
import { mayHaveStudentAccount, studentAccountState, type StudentAccountState } from './rules.ts';

export interface PupilAccount { id: number; firstName: string; lastName: string; state: StudentAccountState }

/** Where one pupil's account stands: an open account, an open letter (invitation of the pupil), or none yet. */
export async function pupilAccount(db: Db, pupilId: number, today: string, now: Date): Promise<PupilAccount | undefined> {
  const person = await personForAccount(db, pupilId);
  if (!person) return undefined;
  const [accounts, open] = await Promise.all([openAccountsOf(db, [pupilId]), openInvitationsFor(db, pupilId, now)]);
  return {
    id: person.id, firstName: person.firstName, lastName: person.lastName,
    state: studentAccountState({ eligible: mayHaveStudentAccount(person.birthDate, today), hasAccount: accounts.length > 0, openInvitation: open.has(pupilId) }),
  };
}

/** The pupils of a class with where each one's account stands, by name. */
export async function pupilAccountsOfGroup(db: Db, groupId: number, today: string, now: Date): Promise<PupilAccount[]> {
  const pupils = await childrenInGroup(db, groupId, today);
  const [accounts, invitations] = await Promise.all([
    openAccountsOf(db, pupils.map((p) => p.id)),
    Promise.all(pupils.map(async (p) => (await openInvitationsFor(db, p.id, now)).has(p.id))),
  ]);
  return pupils.map((p, i) => ({
    id: p.id, firstName: p.firstName, lastName: p.lastName,
    state: studentAccountState({
      eligible: mayHaveStudentAccount(p.birthDate, today), hasAccount: accounts.some((a) => a.personId === p.id), openInvitation: invitations[i],
    }),
  }));
}

export type LetterOutcome = { ok: true; invitationId: number; key: string } | { ok: false; error: 'too-young' | 'has-account' };

/**
 * A new letter for the pupil, in one transaction: the pupil's open invitation gets a new paper key (the old key stops
 * working), or a new invitation of the pupil is made first. Refused for a pupil below årskurs 3 or with an account.
 */
export async function makeStudentLetter(db: Db, input: { pupilId: number; municipalityId: number; by: number; today: string; now: Date }): Promise<LetterOutcome> {
  return db.transaction().execute(async (trx): Promise<LetterOutcome> => {
    const pupil = await pupilAccount(trx, input.pupilId, input.today, input.now);
    if (!pupil || pupil.state === 'too-young') return { ok: false, error: 'too-young' };
    if (pupil.state === 'has-account') return { ok: false, error: 'has-account' };
    const open = (await openInvitationsFor(trx, input.pupilId, input.now)).get(input.pupilId);
    const invitationId = open?.id ?? await createInvitation(trx, {
      guardianId: input.pupilId, childId: input.pupilId, municipalityId: input.municipalityId, email: null, language: 'sv',
      sendOn: input.today, by: input.by, now: input.now,
    });
    const key = await issueKey(trx, invitationId, 'paper', input.now);
    return { ok: true, invitationId, key };
  });
}
