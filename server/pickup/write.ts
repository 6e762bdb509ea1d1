// The pickup domain's changes, each in one transaction with its line in the child's history (the pickup list, emergency
// contacts and walking home; never a ban: bans are the audit trail's, and a guardian reads the history's extract).
// Each returns a typed outcome the route maps to a page.
import type { Db } from '../kernel/db.ts';
import { recordHistory } from '../history/queries.ts';
import {
  addPickupBan, addPickupPerson, changePickupPerson, endPickupBan, pickupPersonById, removePickupPerson, setWalkHome,
  type NewPickupPerson, type PickupPerson,
} from './queries.ts';
import { historyValue, type PickupPersonInput } from './rules.ts';

/** Who changes, as the tables keep it: the person (pickup tables) and the account (the history). */
export interface Writer { personId: number; accountId: number; at: Date; day: string }

export async function addPerson(db: Db, person: NewPickupPerson, by: Writer): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await addPickupPerson(trx, person, by.personId, by.at);
    await recordHistory(trx, { childId: person.childId, date: by.day, what: 'pickup', old: null, new: historyValue(person), by: by.accountId, at: by.at });
    return id;
  });
}

export type ChangeOutcome = { ok: true } | { ok: false; error: 'stale' | 'removed'; now?: PickupPerson };

/** Saves the new name, relation and phone at the version read; someone's save since (or a removal) is said, not overwritten. */
export async function changePerson(
  db: Db, before: PickupPerson, version: number, input: Omit<PickupPersonInput, 'kind'>, by: Writer,
): Promise<ChangeOutcome> {
  return db.transaction().execute(async (trx) => {
    const saved = Number.isSafeInteger(version) && await changePickupPerson(trx, before.id, version, { ...input, by: by.personId, at: by.at });
    if (!saved) return staleOrRemoved(trx, before.id);
    await recordHistory(trx, {
      childId: before.childId, date: by.day, what: 'pickup', old: historyValue(before), new: historyValue({ ...before, ...input }), by: by.accountId, at: by.at,
    });
    return { ok: true };
  });
}

export async function removePerson(db: Db, before: PickupPerson, version: number, by: Writer): Promise<ChangeOutcome> {
  return db.transaction().execute(async (trx) => {
    const removed = Number.isSafeInteger(version) && await removePickupPerson(trx, before.id, version, by.personId, by.at);
    if (!removed) return staleOrRemoved(trx, before.id);
    await recordHistory(trx, { childId: before.childId, date: by.day, what: 'pickup', old: historyValue(before), new: null, by: by.accountId, at: by.at });
    return { ok: true };
  });
}

async function staleOrRemoved(db: Db, id: number): Promise<ChangeOutcome> {
  const now = await pickupPersonById(db, id);
  return now ? { ok: false, error: 'stale', now } : { ok: false, error: 'removed' };
}

/** A guardian's yes or no to walking home alone; a change is kept in the history (the same answer again changes nothing). */
export async function answerWalkHome(db: Db, childId: number, allowed: boolean, by: Writer): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const changed = await setWalkHome(trx, childId, allowed, by.personId, by.at);
    if (changed) {
      await recordHistory(trx, { childId, date: by.day, what: 'walkHome', old: { allowed: !allowed }, new: { allowed }, by: by.accountId, at: by.at });
    }
    return changed;
  });
}

export async function recordBan(db: Db, ban: { childId: number; unitId: number; name: string; reason: string }, by: Writer): Promise<number> {
  return addPickupBan(db, ban, by.personId, by.at);
}

export async function endBan(db: Db, banId: number, by: Writer): Promise<boolean> {
  return endPickupBan(db, banId, by.personId, by.at);
}
