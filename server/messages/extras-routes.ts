// The routes of messages' extras: an attachment sent to the accounts that see its message, a message retracted by its
// sender, and a staff member's out-of-office at /settings/out-of-office.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, parseId, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { sendAttachment } from './attachments.ts';
import { OUT_OF_OFFICE_MAX_LENGTH, isOn, outOfOfficeOf, parseOutOfOffice, removeOutOfOffice, saveOutOfOffice } from './out-of-office.ts';
import { RETRACT_WINDOW_MS, retractMessage } from './retract.ts';

interface Deps { db: Db; clock: Clock; dataDir: string }

export function messageExtrasRoutes(routes: RouteTable, { db, clock, dataDir }: Deps): void {
  routes.get('/messages/attachments/:messageAttachmentId', 'messageAttachment.read', async (_req, res, { target }) => {
    await sendAttachment(res, dataDir, db, target.id);
  });

  routes.post('/messages/:messageThreadId/messages/:messageId/retract', 'messageThread.retract', async (req, res, { account, target }) => {
    const messageId = parseId(req.params.messageId);
    if (messageId === undefined) throw notFound();
    const outcome = await retractMessage(db, { threadId: target.id, messageId, accountId: account.id, at: clock.now() });
    if (!outcome.ok && outcome.error === 'not-found') throw notFound();
    flash(req, outcome.ok ? 'messages.retract.done' : { key: 'messages.retract.tooLate', params: { minutes: RETRACT_WINDOW_MS / 60_000 } });
    res.redirect(303, `/messages/${target.id}`);
  });

  routes.get('/settings/out-of-office', 'account.outOfOffice.read', async (req, res, { account }) => {
    const current = await outOfOfficeOf(db, account.id);
    const day = today(clock);
    const values = current ? { firstDay: current.firstDay, lastDay: current.lastDay, body: current.body } : { firstDay: day, lastDay: day, body: '' };
    renderPage(req, res, { current, values });
  });

  routes.post('/settings/out-of-office', 'account.outOfOffice.update', async (req, res, { account }) => {
    const values = { firstDay: field(req.body, 'firstDay'), lastDay: field(req.body, 'lastDay'), body: field(req.body, 'body') };
    const parsed = parseOutOfOffice(values, today(clock));
    if (!parsed.ok) return renderPage(req, res, { current: await outOfOfficeOf(db, account.id), values, errors: parsed.errors }, 400);
    await saveOutOfOffice(db, account.id, parsed.value, clock.now());
    flash(req, 'messages.outOfOffice.saved');
    res.redirect(303, '/settings/out-of-office');
  });

  routes.post('/settings/out-of-office/remove', 'account.outOfOffice.update', async (req, res, { account }) => {
    if (await removeOutOfOffice(db, account.id)) flash(req, 'messages.outOfOffice.removed');
    res.redirect(303, '/settings/out-of-office');
  });

  function renderPage(req: Request, res: Response, page: { current: Awaited<ReturnType<typeof outOfOfficeOf>>; values: Record<string, string>; errors?: FieldErrors }, status = 200): void {
    const day = today(clock);
    render(req, res, 'messages/out-of-office', {
      current: page.current, on: isOn(page.current, day), upcoming: page.current !== undefined && page.current.firstDay > day,
      values: page.values, errors: page.errors ?? {}, maxLength: OUT_OF_OFFICE_MAX_LENGTH,
    }, status);
  }
}
