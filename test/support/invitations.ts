// Invitation keys for tests of registration: guardians of demo children who have no account yet, and a fresh paper
// key for one of them (made as the teacher "pedagog" would, through the invitations module).
import { createInvitation, issueKey } from '../../server/invitations/queries.ts';
import type { TestApp } from './app.ts';

export interface GuardianWithoutAccount { guardian_id: number; child_id: number; municipality_id: number }

/** Guardians of demo children who have no account yet, with a child each, in a fixed order. */
export async function guardiansWithoutAccount(t: TestApp): Promise<GuardianWithoutAccount[]> {
  return t.db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
    .select(['guardianships.guardian_id', 'guardianships.child_id', 'persons.municipality_id'])
    .where((eb) => eb.not(eb.exists(eb.selectFrom('accounts').select('accounts.id').whereRef('accounts.person_id', '=', 'guardianships.guardian_id'))))
    .orderBy('guardianships.guardian_id').execute();
}

/** A fresh paper key for the guardian, printed by the teacher "pedagog", the invitation in `language`. */
export async function paperKey(t: TestApp, guardian: GuardianWithoutAccount, language = 'sv'): Promise<string> {
  const by = await t.db.selectFrom('accounts').select('id').where('username', '=', 'pedagog').executeTakeFirstOrThrow();
  return t.db.transaction().execute(async (trx) => {
    const id = await createInvitation(trx, {
      guardianId: guardian.guardian_id, childId: guardian.child_id, municipalityId: guardian.municipality_id, by: by.id,
      email: null, language, sendOn: '2026-11-24', now: t.clock.now(),
    });
    return issueKey(trx, id, 'paper', t.clock.now());
  });
}
