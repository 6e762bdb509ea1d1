// The bell's page: the account's latest notifications, each a link into Vardag, and "mark all as read".
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { safeReturnPath, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { latestNotifications, markAllRead } from './queries.ts';
import { readableParams } from './texts.ts';

export function notificationRoutes(routes: RouteTable, { db, clock }: { db: Db; clock: Clock }): void {
  routes.get('/notifications', 'notifications.read', async (req, res, { account }) => {
    const notifications = await latestNotifications(db, account.id);
    render(req, res, 'notifications/page', { notifications: notifications.map((n) => ({ ...n, params: readableParams(n.params, req.language, n.createdAt), url: safeReturnPath(n.url) })) });
  });

  routes.post('/notifications/read', 'notifications.read', async (_req, res, { account }) => {
    await markAllRead(db, account.id, clock.now());
    res.redirect(303, '/notifications');
  });
}
