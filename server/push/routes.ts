// "Enheter" (/settings/devices): the devices that get this account's push notifications. A device is added by the
// page's script (static/js/push.js: the browser's permission, then its subscription posted here with the CSRF header);
// removing one, and a test push to all of them, are plain forms that work without JavaScript.
import type { Request, Response } from 'express';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { queuePush } from './outbox.ts';
import { devicesOf, pushKeys, removeDevice, saveSubscription } from './queries.ts';
import { checkSubscription } from './rules.ts';
import { LOOPBACK_PUSH_ALLOWED } from './sender.ts';

interface Deps { db: Db; clock: Clock; loopbackHttp?: boolean }

export function pushRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;
  const loopbackHttp = deps.loopbackHttp ?? LOOPBACK_PUSH_ALLOWED;

  routes.get('/settings/devices', 'account.devices.read', (req, res, { account }) => devicesPage(req, res, deps, account.id));

  // Posted by the page's script (a subscription needs JavaScript), which asks for JSON: the error in the reader's words,
  // or where to go. Posted as a plain form it answers as every form does (303, or the page with the error).
  routes.post('/settings/devices', 'account.devices.subscribe', async (req, res, { account }) => {
    const json = req.accepts(['html', 'json']) === 'json';
    const checked = checkSubscription(
      { endpoint: field(req.body, 'endpoint'), p256dh: field(req.body, 'p256dh'), auth: field(req.body, 'auth') }, req.get('user-agent'), loopbackHttp,
    );
    const id = checked.ok ? await saveSubscription(db, account.id, checked.subscription, clock.now()) : undefined;
    if (id === undefined) {
      const error = `push.devices.errors.${checked.ok ? 'invalid' : checked.error}`;
      if (json) res.status(400).json({ error: req.t(error) });
      else await devicesPage(req, res, deps, account.id, { form: { key: error } }, 400);
      return;
    }
    flash(req, 'push.devices.addedFlash');
    if (json) res.status(201).json({ id, next: '/settings/devices' });
    else res.redirect(303, '/settings/devices');
  });

  routes.post('/settings/devices/:pushSubscriptionId/remove', 'pushSubscription.remove', async (req, res, { account, target }) => {
    if (!(await removeDevice(db, account.id, target.id))) throw notFound();
    flash(req, 'push.devices.removed');
    res.redirect(303, '/settings/devices');
  });

  routes.post('/settings/devices/test', 'account.devices.test', async (req, res, { account }) => {
    const at = clock.now();
    const queued = await queuePush(db, {
      accountId: account.id, title: req.t('push.test.title'), body: req.t('push.test.body'), url: '/settings/devices',
      deliveryKey: `push-test:${account.id}:${at.getTime()}`, at,
    });
    flash(req, queued ? { key: 'push.test.sent', params: { count: queued } } : 'push.devices.none');
    res.redirect(303, '/settings/devices');
  });
}

async function devicesPage(req: Request, res: Response, { db }: Deps, accountId: number, errors: FieldErrors = {}, status = 200): Promise<void> {
  const [devices, keys] = await Promise.all([devicesOf(db, accountId), pushKeys(db)]);
  render(req, res, 'push/devices', { title: req.t('push.devices.title'), devices, publicKey: keys.publicKey, errors }, status);
}
