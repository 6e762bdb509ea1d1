// The envelope's page: the threads the account has received, newest first, with how many are unread.
import type { Db } from '../kernel/db.ts';
import type { RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { inbox } from './queries.ts';

export function messageRoutes(routes: RouteTable, { db }: { db: Db }): void {
  routes.get('/messages', 'messages.read', async (req, res, { account }) => {
    render(req, res, 'messages/page', { threads: await inbox(db, account.id) });
  });
}
