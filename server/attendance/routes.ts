// The staff's Today for a group (who is expected, away, come and gone), and checking a child in or out in one tap.
import type { Request, Response } from 'express';
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { isDate } from '../kernel/dates.ts';
import { field, HttpError, notFound, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { markAttendance } from './queries.ts';
import { todayPage } from './today.ts';

interface Deps { db: Db; clock: Clock }

export function attendanceRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/groups/:groupId/today', 'group.today.read', (req, res, { target }) => renderToday(req, res, deps, target.id));

  // One tap: arrived or left, now, in the group whose Today it is (the form's `group`: the guard has checked that it is
  // one of the child's and the user's to mark). htmx gets the list back; a plain form goes back to the Today page.
  routes.post('/children/:childId/attendance', 'child.attendance.update', async (req, res, { account, target }) => {
    const event = field(req.body, 'event');
    if (event !== 'arrive' && event !== 'leave') throw new HttpError(400);
    const groupId = target.chosenGroupId;
    const now = clock.now();
    await markAttendance(db, { childId: target.id, groupId, date: today(clock), event, time: stockholmTime(now), by: account.id, now });
    if (req.get('HX-Request')) return renderToday(req, res, deps, groupId);
    res.redirect(303, `/groups/${groupId}/today`);
  });
}

/** The whole page, or for htmx (its refresh every 30 s, a check-in) only the list. */
async function renderToday(req: Request, res: Response, { db, clock }: Deps, groupId: number): Promise<void> {
  const day = today(clock);
  const requested = typeof req.query.date === 'string' && isDate(req.query.date) ? req.query.date : day;
  const page = await todayPage(db, groupId, requested, day);
  if (!page) throw notFound();
  render(req, res, req.get('HX-Request') ? 'attendance/today-list' : 'attendance/today', { ...page });
}
