// The bell's page: the account's latest notifications (messages aside: the envelope has them), each a link that marks
// it read and leads on, and "mark all as read".
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { notFound, parseId, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { latestNotifications, markAllRead, openNotification } from './queries.ts';
import { readableParams } from './texts.ts';

/** Notifications per page of the bell. */
export const BELL_PAGE = 50;

export function notificationRoutes(routes: RouteTable, { db, clock }: { db: Db; clock: Clock }): void {
  routes.get('/notifications', 'notifications.read', async (req, res, { account }) => {
    const page = Math.max(1, Math.min(100, Number.parseInt(String(req.query.page ?? '1'), 10) || 1));
    const found = await latestNotifications(db, account.id, BELL_PAGE + 1, (page - 1) * BELL_PAGE);
    render(req, res, 'notifications/page', {
      notifications: found.slice(0, BELL_PAGE).map((n) => ({ ...n, params: readableParams(n.params, req.language, n.createdAt) })),
      page, more: found.length > BELL_PAGE,
    });
  });

  // Opening one: marks it read and goes where it leads (a notification of someone else's is not found).
  routes.get('/notifications/:notificationId', 'notifications.read', async (req, res, { account }) => {
    const id = parseId(req.params.notificationId);
    const url = id === undefined ? undefined : await openNotification(db, account.id, id, clock.now());
    if (url === undefined) throw notFound();
    res.redirect(303, safeReturnPath(url));
  });

  routes.post('/notifications/read', 'notifications.read', async (_req, res, { account }) => {
    await markAllRead(db, account.id, clock.now());
    res.redirect(303, '/notifications');
  });
}
