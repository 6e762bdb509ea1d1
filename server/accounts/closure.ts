// Closing an account (seed 004: "close the account at any time"). The person asks in their settings; the head of a
// unit where their children are gets a notification and closes it from the unit's list. Staff and administrators
// are closed by their municipality's administrator, who also sees every request of the municipality.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../kernel/db.ts';
import { field, flash, notFound, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { notify } from '../notifications/queries.ts';
import { childrenOfGuardian, municipalityAdminPersons, unitHeadPersons } from '../people/queries.ts';
import { locateAccountHolder } from '../people/relations.ts';
import {
  accountIdsOfPersons, closeAccount, openClosureRequestsIn, requestClosure, withdrawClosure, type ClosureRequest,
} from './closure-queries.ts';
import type { HashingOptions } from './passwords.ts';
import { renderSettings } from './settings.ts';

interface Deps { db: Db; clock: Clock; config: Config; hashing?: HashingOptions }

export function closureRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.post('/settings/close', 'account.closure.request', async (req, res) => {
    if (field(req.body, 'confirm_close') !== 'yes') return renderSettings(req, res, deps, { confirm_close: 'accountSettings.errors.confirmClose' });
    const account = req.account!;
    const now = clock.now();
    const request = await requestClosure(db, account.id, now);
    if (request.created) {
      const location = await locateAccountHolder(db, account.personId, today(clock));
      if (location) await notifyHandlers(db, location, account.displayName, now);
    }
    flash(req, 'accountSettings.saved.closeRequested');
    res.redirect(303, '/settings#close-section');
  });

  routes.post('/settings/close/withdraw', 'account.closure.request', async (req, res) => {
    await withdrawClosure(db, req.account!.id, clock.now());
    flash(req, 'accountSettings.saved.closeWithdrawn');
    res.redirect(303, '/settings#close-section');
  });

  routes.get('/units/:unitId/closure-requests', 'unit.closureRequests.read', async (req, res) => {
    const unitId = req.targetId!;
    const unit = await db.selectFrom('units').select('name').where('id', '=', unitId).executeTakeFirst();
    if (!unit) throw notFound();
    const requests = await requestsWhere(db, clock, req.target!.municipalityId, (at) => at.unitIds.includes(unitId), unitId);
    renderList(req, res, unit.name, requests);
  });

  routes.get('/municipalities/:municipalityId/closure-requests', 'municipality.closureRequests.read', async (req, res) => {
    const municipality = await db.selectFrom('municipalities').select('name').where('id', '=', req.targetId!).executeTakeFirst();
    if (!municipality) throw notFound();
    renderList(req, res, municipality.name, await requestsWhere(db, clock, req.targetId!, () => true));
  });

  routes.post('/closure-requests/:closureRequestId/close', 'account.closure.handle', async (req, res) => {
    const result = await closeAccount(db, req.targetId!, req.account!.id, clock.now());
    flash(req, result.ok ? 'closure.closed' : 'closure.alreadyHandled');
    res.redirect(303, safeReturnPath(field(req.body, 'next')));
  });
}

interface ListedRequest extends ClosureRequest { children: { firstName: string; groupName: string; unitName: string }[] }

/** The municipality's open requests that sit where `keep` says, each with the holder's children (in one unit, or all). */
async function requestsWhere(db: Db, clock: Clock, municipalityId: number, keep: (at: Location) => boolean, unitId?: number): Promise<ListedRequest[]> {
  const day = today(clock);
  const listed: ListedRequest[] = [];
  for (const request of await openClosureRequestsIn(db, municipalityId)) {
    const at = await locateAccountHolder(db, request.personId, day);
    if (!at || !keep(at)) continue;
    const children = (await childrenOfGuardian(db, request.personId, day)).filter((c) => unitId === undefined || c.unitId === unitId);
    listed.push({ ...request, children: children.map((c) => ({ firstName: c.firstName, groupName: c.groupName, unitName: c.unitName })) });
  }
  return listed;
}

function renderList(req: Request, res: Response, place: string, requests: ListedRequest[]): void {
  render(req, res, 'accounts/closure-requests', { place, requests, next: req.originalUrl });
}

/**
 * A bell notification to whoever handles the request: the heads of the units where the holder's children are, each
 * with the list of their unit; when there is no such unit (staff, administrators), the municipality's administrators.
 */
async function notifyHandlers(db: Db, at: Location, name: string, now: Date): Promise<void> {
  const notified = new Set<number>();
  for (const unitId of at.unitIds) {
    const heads = (await accountIdsOfPersons(db, await unitHeadPersons(db, [unitId]))).filter((id) => !notified.has(id));
    heads.forEach((id) => notified.add(id));
    await notify(db, heads, { kind: 'closureRequested', params: { name }, url: `/units/${unitId}/closure-requests` }, now);
  }
  if (at.unitIds.length === 0) {
    const admins = await accountIdsOfPersons(db, await municipalityAdminPersons(db, at.municipalityId));
    await notify(db, admins, { kind: 'closureRequested', params: { name }, url: `/municipalities/${at.municipalityId}/closure-requests` }, now);
  }
}
