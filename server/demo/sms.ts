// The demo SMS outbox: on a demo database without SMS_GATEWAY_URL every SMS is delivered here instead of being sent,
// so that the flows that send SMS (an unreported absence...) can be tried. Registered only on a demo database (app.ts).
//
// Unlike the demo mailbox, an SMS about a child knows its municipality: an admin sees the SMS about children of their
// own municipality (and any SMS about no child), never another municipality's.
import type { Db } from '../kernel/db.ts';
import type { RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';

const SHOWN = 200;

export function demoSmsRoutes(routes: RouteTable, { db }: { db: Db }): void {
  routes.get('/demo/sms', 'demo.sms.read', async (req, res) => {
    const municipalities = [...req.actor!.adminOf];
    const rows = await db.selectFrom('sms_outbox')
      .leftJoin('persons as child', 'child.id', 'sms_outbox.child_id')
      .select(['sms_outbox.id', 'sms_outbox.recipient', 'sms_outbox.message', 'sms_outbox.sent_at', 'sms_outbox.day',
        'child.first_name', 'child.last_name'])
      .where('sms_outbox.demo_outbox', '=', 1)
      .where((eb) => eb.or([eb('sms_outbox.child_id', 'is', null), eb('child.municipality_id', 'in', municipalities)]))
      .orderBy('sms_outbox.sent_at', 'desc').orderBy('sms_outbox.id', 'desc').limit(SHOWN).execute();
    render(req, res, 'demo/sms', {
      title: req.t('demo.sms.title'),
      messages: rows.map((r) => ({
        id: r.id, to: r.recipient, message: r.message, sentAt: r.sent_at!, day: r.day,
        child: r.first_name === null ? null : `${r.first_name} ${r.last_name}`,
      })),
    });
  });
}
