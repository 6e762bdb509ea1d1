// Closing an account, which a person may ask for at any time. The person asks in their settings; the head of a
// unit where their children are gets a notification and closes it from the unit's list. Staff and administrators
// are closed by their municipality's administrator, who also sees every request of the municipality.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../kernel/db.ts';
import { field, flash, notFound, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { municipalityTerms } from '../people/municipality-terms.ts';
import { findUnit } from '../people/queries.ts';
import { closeAccount, withdrawClosure, type AccountCleanup } from './closure-queries.ts';
import { askToClose, closureRequestsWhere, type ListedRequest } from './close-account.ts';
import type { HashingOptions } from './passwords.ts';
import { renderSettings } from './settings-routes.ts';

interface Deps { db: Db; clock: Clock; config: Config; hashing?: HashingOptions; accountCleanups?: readonly AccountCleanup[] }

export function closureRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.post('/settings/close', 'account.closure.request', async (req, res, { account }) => {
    if (field(req.body, 'confirm_close') !== 'yes') {
      return renderSettings(req, res, deps, account.id, { confirm_close: { key: 'accountSettings.errors.confirmClose' } });
    }
    await askToClose(db, account, today(clock), clock.now());
    flash(req, 'accountSettings.saved.closeRequested');
    res.redirect(303, '/settings#close-section');
  });

  routes.post('/settings/close/withdraw', 'account.closure.request', async (req, res, { account }) => {
    await withdrawClosure(db, account.id, clock.now());
    flash(req, 'accountSettings.saved.closeWithdrawn');
    res.redirect(303, '/settings#close-section');
  });

  routes.get('/units/:unitId/closure-requests', 'unit.closureRequests.read', async (req, res, { target }) => {
    const unit = await findUnit(db, target.id);
    if (!unit) throw notFound();
    renderList(req, res, unit.name, await closureRequestsWhere(db, today(clock), target.municipalityId, (at) => at.unitIds.includes(target.id), target.id));
  });

  routes.get('/municipalities/:municipalityId/closure-requests', 'municipality.closureRequests.read', async (req, res, { target }) => {
    const municipality = await municipalityTerms(db, target.id);
    if (!municipality) throw notFound();
    renderList(req, res, municipality.name, await closureRequestsWhere(db, today(clock), target.id, () => true));
  });

  routes.post('/closure-requests/:closureRequestId/close', 'account.closure.handle', async (req, res, { account, target }) => {
    const result = await closeAccount(db, target.id, account.id, clock.now(), deps.accountCleanups);
    flash(req, result.ok ? 'closure.closed' : 'closure.alreadyHandled');
    res.redirect(303, safeReturnPath(field(req.body, 'next')));
  });
}

function renderList(req: Request, res: Response, place: string, requests: ListedRequest[]): void {
  render(req, res, 'accounts/closure-requests', { place, requests, next: req.originalUrl });
}
