// The child's history page for staff: the latest changes to care times, absence and arrivals, who made them and when.
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { notFound, type RouteTable } from '../kernel/http.ts';
import { allows } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary } from '../people/queries.ts';
import { careHistory } from './queries.ts';
import { historyLine } from './presenter.ts';

interface Deps { db: Db; clock: Clock }

/** How many of the latest changes the page lists. */
const HISTORY_LINES = 300;

export function historyRoutes(routes: RouteTable, { db, clock }: Deps): void {
  routes.get('/children/:childId/history', 'child.history.read', async (req, res, { actor, target }) => {
    const child = await childSummary(db, target.id, today(clock));
    if (!child) throw notFound();
    // the pickup list's changes name the person only to a reader of the list (the group's staff, not the head or admin)
    const pickupDetails = allows(actor, 'child.pickup.read', target);
    const entries = (await careHistory(db, child.id, HISTORY_LINES)).map((e) => historyLine(req.t, e, { pickupDetails }));
    render(req, res, 'history/page', { child, entries });
  });
}
