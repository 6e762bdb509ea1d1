// Requests to close an account. The person asks in their settings; the head of a unit where their children are (for
// staff and administrators: the municipality's administrator) closes it. Guardianships and the person stay: only the
// login goes.
import type { Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { endOtherSessions } from '../kernel/session-store.ts';
import { personMunicipality, personName } from '../people/queries.ts';
import { locateAccountHolder } from '../people/relations.ts';
import { removeDevicesOf } from '../push/queries.ts';

/** A request to close an account sits where its holder is (see locateAccountHolder in people/relations.ts). */
async function locateClosureRequest(db: Db, requestId: number, today: string): Promise<Location | null> {
  const row = await db.selectFrom('account_closure_requests').innerJoin('accounts', 'accounts.id', 'account_closure_requests.account_id')
    .select('accounts.person_id').where('account_closure_requests.id', '=', requestId).executeTakeFirst();
  return row ? locateAccountHolder(db, row.person_id, today) : null;
}

/** The records of this module that routes name by id. */
export const accountLocators = { closureRequest: locateClosureRequest } satisfies Partial<Locators>;

export async function openClosureRequest(db: Db, accountId: number): Promise<{ id: number; requestedAt: string } | undefined> {
  const row = await db.selectFrom('account_closure_requests').select(['id', 'requested_at'])
    .where('account_id', '=', accountId).where('handled_at', 'is', null).executeTakeFirst();
  return row && { id: row.id, requestedAt: row.requested_at };
}

/** Asks to close the account; asking again while a request is open changes nothing. Returns the open request's id. */
export async function requestClosure(db: Db, accountId: number, now: Date): Promise<{ id: number; created: boolean }> {
  const inserted = await db.insertInto('account_closure_requests')
    .values({ account_id: accountId, requested_at: now.toISOString(), handled_at: null, handled_by: null, outcome: null })
    .onConflict((oc) => oc.column('account_id').where('handled_at', 'is', null).doNothing())
    .returning('id').executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const open = await openClosureRequest(db, accountId);
  if (!open) throw new Error(`account ${accountId}: the open closure request was not found`);
  return { id: open.id, created: false };
}

export async function withdrawClosure(db: Db, accountId: number, now: Date): Promise<boolean> {
  const result = await db.updateTable('account_closure_requests').set({ handled_at: now.toISOString(), handled_by: accountId, outcome: 'withdrawn' })
    .where('account_id', '=', accountId).where('handled_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface ClosureRequest {
  id: number; accountId: number; personId: number; name: string; username: string; requestedAt: string;
}

/** The open requests of accounts whose person belongs to the municipality, oldest first. */
export async function openClosureRequestsIn(db: Db, municipalityId: number): Promise<ClosureRequest[]> {
  const rows = await db.selectFrom('account_closure_requests')
    .innerJoin('accounts', 'accounts.id', 'account_closure_requests.account_id')
    .select(['account_closure_requests.id', 'account_closure_requests.account_id', 'account_closure_requests.requested_at',
      'accounts.person_id', 'accounts.username'])
    .select((eb) => personName(eb, 'accounts.person_id').as('name'))
    .where((eb) => eb(personMunicipality(eb, 'accounts.person_id'), '=', municipalityId))
    .where('account_closure_requests.handled_at', 'is', null).where('accounts.closed_at', 'is', null)
    .orderBy('account_closure_requests.requested_at').execute();
  return rows.map((r) => ({
    id: r.id, accountId: r.account_id, personId: r.person_id, name: r.name ?? '', username: r.username, requestedAt: r.requested_at,
  }));
}

/**
 * What another domain removes of an account when it is closed, in the closing transaction. app.ts hands the list in
 * (server/main wiring), so accounts imports no domain that itself reads accounts.
 */
export type AccountCleanup = (trx: Db, accountId: number) => Promise<void>;

export type CloseAccount = { ok: true; name: string } | { ok: false; error: 'already-handled' };

/**
 * Closes the account of an open request: closed_at set, every session ended, its push devices removed (push's own
 * query), what other domains keep for it removed (`cleanups`, e.g. the calendar subscription), the request marked
 * handled. A request withdrawn or handled by someone else meanwhile is left as it is ('already-handled').
 */
export async function closeAccount(db: Db, requestId: number, by: number, now: Date, cleanups: readonly AccountCleanup[] = []): Promise<CloseAccount> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx): Promise<CloseAccount> => {
    const request = await trx.selectFrom('account_closure_requests').innerJoin('accounts', 'accounts.id', 'account_closure_requests.account_id')
      .select(['account_closure_requests.account_id', 'account_closure_requests.handled_at'])
      .select((eb) => personName(eb, 'accounts.person_id').as('name'))
      .where('account_closure_requests.id', '=', requestId).executeTakeFirstOrThrow();
    if (request.handled_at) return { ok: false, error: 'already-handled' };
    const handled = await trx.updateTable('account_closure_requests').set({ handled_at: at, handled_by: by, outcome: 'closed' })
      .where('id', '=', requestId).where('handled_at', 'is', null).executeTakeFirst();
    if (Number(handled.numUpdatedRows) !== 1) return { ok: false, error: 'already-handled' };
    await trx.updateTable('accounts').set({ closed_at: at }).where('id', '=', request.account_id).where('closed_at', 'is', null).execute();
    await endOtherSessions(trx, request.account_id);
    await removeDevicesOf(trx, request.account_id); // (its phones get no push any more)
    for (const cleanup of cleanups) await cleanup(trx, request.account_id);
    return { ok: true, name: request.name ?? '' };
  });
}
