// Unit settings (unit head, admin) and the municipality's terms of use (admin). Plain forms, each change logged.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { addMonths, isDate, isoWeekday, WEEKDAYS } from '../kernel/dates.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, fields, flash, notFound, parseId, type Located, type RouteTable, type SignedInAccount } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { findUnit } from '../people/queries.ts';
import { municipalityTerms } from '../people/municipality-terms.ts';
import { closedEntries, enabledBoxes, holidaysOfUnit, groupCutoffs, openingHours, removeClosedDay, saveBoxes, saveCareRules, saveInvitationValidity, saveOpeningHours, saveTerms, setHolidayOpen, settingsHistory, unitRules, type Change } from './queries.ts';
import { childrenWithTimes, closeDays, type ChildrenWithTimesBetween } from './close-days.ts';
import { parseBoxes, parseCareRules, parseClosedDay, parseInvitationDays, parseOpeningHours, parseTerms } from './rules.ts';
import { readableHistory } from './history.ts';

/** `boxes`: the keys of the start page's boxes, which a unit turns on and off. */
interface Deps { db: Db; clock: Clock; boxes: readonly string[]; timesBetween: ChildrenWithTimesBetween }

export function settingsRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;
  const form = (req: Request) => (name: string) => field(req.body, name);
  const changeBy = (account: SignedInAccount, municipalityId: number, unitId: number | null): Change =>
    ({ municipalityId, unitId, by: account.id, at: clock.now() });
  const unitChange = (account: SignedInAccount, unit: Located) => changeBy(account, unit.municipalityId, unit.id);

  routes.get('/units/:unitId/settings', 'unit.settings.read', (req, res, { target }) => renderUnitSettings(req, res, deps, target));

  routes.post('/units/:unitId/settings/boxes', 'unit.settings.update', async (req, res, { account, target }) => {
    await saveBoxes(db, target.id, parseBoxes(fields(req.body, 'boxes'), deps.boxes), unitChange(account, target));
    savedTo(req, res, target, 'boxes');
  });

  routes.post('/units/:unitId/settings/opening-hours', 'unit.settings.update', async (req, res, { account, target }) => {
    const parsed = parseOpeningHours(form(req));
    if (!parsed.ok) return renderUnitSettings(req, res, deps, target, parsed.errors);
    await saveOpeningHours(db, target.id, parsed.value, unitChange(account, target));
    savedTo(req, res, target, 'opening-hours');
  });

  routes.post('/units/:unitId/settings/care-times', 'unit.settings.update', async (req, res, { account, target }) => {
    const groups = await groupCutoffs(db, target.id);
    const parsed = parseCareRules(form(req), groups.map((g) => g.groupId));
    if (!parsed.ok) return renderUnitSettings(req, res, deps, target, parsed.errors);
    await saveCareRules(db, target.id, parsed.value, unitChange(account, target));
    savedTo(req, res, target, 'care-times');
  });

  routes.post('/units/:unitId/closed-days', 'unit.settings.update', async (req, res, { account, target }) => {
    const parsed = parseClosedDay(form(req), today(clock));
    if (!parsed.ok) return renderUnitSettings(req, res, deps, target, parsed.errors);
    const unit = await findUnit(db, target.id);
    if (!unit) throw notFound();
    const added = await closeDays(db, deps.timesBetween, unit, parsed.value, unitChange(account, target), today(clock));
    if (!added.ok) {
      return renderUnitSettings(req, res, deps, target, { date: { key: added.error === 'overlaps' ? 'settings.errors.overlapsClosed' : 'settings.errors.alreadyClosed' } });
    }
    savedTo(req, res, target, 'closed-days');
  });

  routes.post('/units/:unitId/closed-days/:closedDayId/delete', 'unit.settings.update', async (req, res, { account, target }) => {
    const id = parseId(req.params.closedDayId);
    if (id === undefined || !(await removeClosedDay(db, target.id, id, unitChange(account, target)))) throw notFound();
    savedTo(req, res, target, 'closed-days');
  });

  // A public holiday is closed unless the unit says it is open (`open=yes`); `open=no` closes it again.
  routes.post('/units/:unitId/holidays', 'unit.settings.update', async (req, res, { account, target }) => {
    const date = field(req.body, 'date');
    const open = field(req.body, 'open');
    if (!isDate(date) || (open !== 'yes' && open !== 'no') || !(await setHolidayOpen(db, target.id, date, open === 'yes', unitChange(account, target)))) {
      throw notFound();
    }
    savedTo(req, res, target, 'holidays');
  });

  routes.get('/municipalities/:municipalityId/terms', 'municipality.terms.update', (req, res, { target }) => renderTerms(req, res, deps, target));

  routes.post('/municipalities/:municipalityId/terms', 'municipality.terms.update', async (req, res, { account, target }) => {
    const parsed = parseTerms(field(req.body, 'terms'));
    const days = parseInvitationDays(field(req.body, 'invitation_valid_days'));
    const errors = { ...(parsed.ok ? {} : parsed.errors), ...(days.ok ? {} : days.errors) };
    if (!parsed.ok || !days.ok) return renderTerms(req, res, deps, target, errors);
    const change = changeBy(account, target.id, null);
    await saveTerms(db, target.id, parsed.value, change);
    if (days.value !== undefined) await saveInvitationValidity(db, target.id, days.value, change);
    flash(req, 'settings.saved');
    res.redirect(303, `/municipalities/${target.id}/terms`);
  });
}

function savedTo(req: Request, res: Response, unit: Located, section: string): void {
  flash(req, 'settings.saved');
  res.redirect(303, `/units/${unit.id}/settings#${section}`);
}

async function renderUnitSettings(req: Request, res: Response, { db, clock, boxes: boxKeys, timesBetween }: Deps, target: Located, errors: FieldErrors = {}): Promise<void> {
  const unitId = target.id;
  const unit = await findUnit(db, unitId);
  if (!unit) throw notFound();
  const day = today(clock);
  const [boxes, hours, rules, cutoffs, closed, holidays, history] = await Promise.all([
    enabledBoxes(db, unitId, boxKeys), openingHours(db, unitId), unitRules(db, unitId), groupCutoffs(db, unitId),
    closedEntries(db, unitId, day, '9999-12-31'), holidaysOfUnit(db, unitId, day, addMonths(day, 12)), settingsHistory(db, { unitId }),
  ]);
  const affected = await Promise.all(closed.map((c) => childrenWithTimes(db, timesBetween, unitId, c.date, c.lastDate, day)));
  const stored: Record<string, string> = {
    lock_days: String(rules.lockDays), plan_ahead_months: String(rules.planAheadMonths), invite_days_before: String(rules.inviteDaysBefore),
  };
  for (const day of WEEKDAYS) {
    stored[`opens_${day}`] = hours[day]?.opens ?? '';
    stored[`closes_${day}`] = hours[day]?.closes ?? '';
  }
  for (const g of cutoffs) stored[`cutoff_${g.groupId}`] = g.cutoff ?? '';
  const typed = hasErrors(errors) ? (req.body as Record<string, string>) : {};
  render(req, res, 'settings/unit', {
    unit, boxes, allBoxes: boxKeys, weekdays: WEEKDAYS, cutoffs, closed: closed.map((c, i) => ({ ...c, affected: affected[i] })), holidays: holidays.filter((h) => hours[isoWeekday(h.date)]), history: readableHistory(history, req.t, req.language), errors,
    values: { ...stored, ...typed },
  }, hasErrors(errors) ? 400 : 200);
}

async function renderTerms(req: Request, res: Response, { db }: Deps, target: Located, errors: FieldErrors = {}): Promise<void> {
  const municipality = await municipalityTerms(db, target.id);
  if (!municipality) throw notFound();
  const submitted = hasErrors(errors);
  const terms = submitted ? field(req.body, 'terms') : (municipality.termsOfUse ?? '');
  const days = submitted ? field(req.body, 'invitation_valid_days') : String(municipality.invitationValidDays);
  const history = await settingsHistory(db, { municipalityId: target.id }, 10);
  render(req, res, 'settings/terms', { municipality, values: { terms, invitation_valid_days: days }, errors, history: readableHistory(history, req.t, req.language) }, submitted ? 400 : 200);
}
