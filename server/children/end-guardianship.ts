// Ending a guardianship on the admin pages: the guardianship goes with its reason in the history, and in the same
// transaction the child leaves the guardian's invitations still open, so nothing sent later names the child to them.
import type { Db } from '../kernel/db.ts';
import { withdrawChildFromInvitations } from '../invitations/queries.ts';
import { endGuardianship, type GuardianshipEndResult } from '../people/guardians.ts';
import type { ChangeAuthor } from '../people/register-changes.ts';
import type { GuardianshipEndInput } from './rules.ts';

export async function endGuardianshipOfChild(db: Db, childId: number, guardianId: number, municipalityId: number, end: GuardianshipEndInput,
  author: ChangeAuthor): Promise<GuardianshipEndResult> {
  return db.transaction().execute(async (trx) => {
    const ended = await endGuardianship(trx, childId, guardianId, municipalityId, end, author);
    if (ended.ok) await withdrawChildFromInvitations(trx, guardianId, childId, author.at);
    return ended;
  });
}
