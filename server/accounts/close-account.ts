// Asking to close an account, and the requests as those who handle them see them: the head of a unit where the
// holder's children are, or (for staff and administrators) the municipality's administrator.
import { stockholmDate } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { Location } from '../kernel/policy.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify } from '../notifications/queries.ts';
import { childrenOfGuardian, municipalityAdminPersons, unitHeadPersons } from '../people/queries.ts';
import { locateAccountHolder } from '../people/relations.ts';
import { openClosureRequestsIn, requestClosure, type ClosureRequest } from './closure-queries.ts';
import { openAccountsOf } from './queries.ts';

/** To whoever handles a request to close an account; its text is `notifications.kinds.closureRequested`. */
export const closureRequestedNotification = defineNotificationKind({ key: 'closureRequested', topic: null });

/** The holder asks to close their account; a new request is told to whoever handles it. Asking again changes nothing. */
export async function askToClose(db: Db, account: { id: number; personId: number; displayName: string }, today: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const request = await requestClosure(trx, account.id, now);
    if (!request.created) return;
    const location = await locateAccountHolder(trx, account.personId, today);
    if (location) await notifyHandlers(trx, location, account.displayName, now);
  });
}

/**
 * A bell notification to whoever handles the request: the heads of the units where the holder's children are, each
 * with the list of their unit; when there is no such unit (staff, administrators), the municipality's administrators.
 */
async function notifyHandlers(db: Db, at: Location, name: string, now: Date): Promise<void> {
  const notified = new Set<number>();
  const accountsOf = async (personIds: number[]) => (await openAccountsOf(db, personIds)).map((a) => a.id);
  for (const unitId of at.unitIds) {
    const heads = (await accountsOf(await unitHeadPersons(db, [unitId], stockholmDate(now)))).filter((id) => !notified.has(id));
    for (const id of heads) notified.add(id);
    await notify(db, { accountIds: heads, kind: closureRequestedNotification, params: { name }, url: `/units/${unitId}/closure-requests`, at: now });
  }
  if (at.unitIds.length === 0) {
    const admins = await accountsOf(await municipalityAdminPersons(db, at.municipalityId));
    const url = `/municipalities/${at.municipalityId}/closure-requests`;
    await notify(db, { accountIds: admins, kind: closureRequestedNotification, params: { name }, url, at: now });
  }
}

export interface ListedRequest extends ClosureRequest { children: { firstName: string; groupName: string; unitName: string }[] }

/** The municipality's open requests that sit where `keep` says, each with the holder's children (in one unit, or all). */
export async function closureRequestsWhere(
  db: Db, today: string, municipalityId: number, keep: (at: Location) => boolean, unitId?: number,
): Promise<ListedRequest[]> {
  const listed: ListedRequest[] = [];
  for (const request of await openClosureRequestsIn(db, municipalityId)) {
    const at = await locateAccountHolder(db, request.personId, today);
    if (!at || !keep(at)) continue;
    const children = (await childrenOfGuardian(db, request.personId, today)).filter((c) => unitId === undefined || c.unitId === unitId);
    listed.push({ ...request, children: children.map((c) => ({ firstName: c.firstName, groupName: c.groupName, unitName: c.unitName })) });
  }
  return listed;
}
