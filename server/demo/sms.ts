// The demo SMS outbox: on a demo database without SMS_GATEWAY_URL every SMS is delivered here instead of being sent,
// so that the flows that send SMS (an unreported absence...) can be tried. Registered only on a demo database (app.ts).
//
// Unlike the demo mailbox, an SMS about a child knows its municipality: an admin sees the SMS about children of their
// own municipality (and any SMS about no child), never another municipality's.
import type { Db } from '../kernel/db.ts';
import type { RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { demoSmsOutbox } from '../sms/outbox.ts';

const SHOWN = 200;

export function demoSmsRoutes(routes: RouteTable, { db }: { db: Db }): void {
  routes.get('/demo/sms', 'demo.sms.read', async (req, res, { actor }) => {
    const messages = await demoSmsOutbox(db, [...actor.adminOf], SHOWN);
    render(req, res, 'demo/sms', { title: req.t('demo.sms.title'), messages });
  });
}
