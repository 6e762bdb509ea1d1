// Unit settings (unit head, admin) and the municipality's terms of use (admin). Plain forms, each change logged.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { field, fields, flash, notFound, parseId, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { addClosedDay, closedDays, enabledBoxes, groupCutoffs, openingHours, removeClosedDay, saveBoxes, saveCareRules, saveInvitationValidity, saveOpeningHours, saveTerms, settingsHistory, termsOfUse, unitRules, type Change } from './queries.ts';
import { parseBoxes, parseCareRules, parseClosedDay, parseInvitationDays, parseOpeningHours, parseTerms, type FieldErrors } from './rules.ts';
import { WEEKDAYS } from '../kernel/dates.ts';

/** `boxes`: the keys of the start page's boxes, which a unit turns on and off. */
interface Deps { db: Db; clock: Clock; boxes: readonly string[] }

export function settingsRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;
  const form = (req: Request) => (name: string) => field(req.body, name);

  routes.get('/units/:unitId/settings', 'unit.settings.read', (req, res) => renderUnitSettings(req, res, deps));

  routes.post('/units/:unitId/settings/boxes', 'unit.settings.update', async (req, res) => {
    await saveBoxes(db, unitOf(req), parseBoxes(fields(req.body, 'boxes'), deps.boxes), changeBy(req, clock));
    savedTo(req, res, 'boxes');
  });

  routes.post('/units/:unitId/settings/opening-hours', 'unit.settings.update', async (req, res) => {
    const parsed = parseOpeningHours(form(req));
    if (!parsed.ok) return renderUnitSettings(req, res, deps, parsed.errors);
    await saveOpeningHours(db, unitOf(req), parsed.value, changeBy(req, clock));
    savedTo(req, res, 'opening-hours');
  });

  routes.post('/units/:unitId/settings/care-times', 'unit.settings.update', async (req, res) => {
    const groups = await groupCutoffs(db, unitOf(req));
    const parsed = parseCareRules(form(req), groups.map((g) => g.groupId));
    if (!parsed.ok) return renderUnitSettings(req, res, deps, parsed.errors);
    await saveCareRules(db, unitOf(req), parsed.value, changeBy(req, clock));
    savedTo(req, res, 'care-times');
  });

  routes.post('/units/:unitId/closed-days', 'unit.settings.update', async (req, res) => {
    const parsed = parseClosedDay(form(req), today(clock));
    if (!parsed.ok) return renderUnitSettings(req, res, deps, parsed.errors);
    const added = await addClosedDay(db, unitOf(req), parsed.value, changeBy(req, clock));
    if (!added.ok) return renderUnitSettings(req, res, deps, { date: 'settings.errors.alreadyClosed' });
    savedTo(req, res, 'closed-days');
  });

  routes.post('/units/:unitId/closed-days/:closedDayId/delete', 'unit.settings.update', async (req, res) => {
    const id = parseId(req.params.closedDayId);
    if (id === undefined || !(await removeClosedDay(db, unitOf(req), id, changeBy(req, clock)))) throw notFound();
    savedTo(req, res, 'closed-days');
  });

  routes.get('/municipalities/:municipalityId/terms', 'municipality.terms.update', (req, res) => renderTerms(req, res, deps));

  routes.post('/municipalities/:municipalityId/terms', 'municipality.terms.update', async (req, res) => {
    const parsed = parseTerms(field(req.body, 'terms'));
    const days = parseInvitationDays(field(req.body, 'invitation_valid_days'));
    const errors = { ...(parsed.ok ? {} : parsed.errors), ...(days.ok ? {} : days.errors) };
    if (!parsed.ok || !days.ok) return renderTerms(req, res, deps, errors);
    const change = { ...changeBy(req, clock), unitId: null };
    await saveTerms(db, req.targetId!, parsed.value, change);
    if (days.value !== undefined) await saveInvitationValidity(db, req.targetId!, days.value, change);
    flash(req, 'settings.saved');
    res.redirect(303, `/municipalities/${req.targetId}/terms`);
  });
}

function unitOf(req: Request): number {
  if (req.targetId === undefined) throw notFound();
  return req.targetId;
}

function changeBy(req: Request, clock: Clock): Change {
  return { municipalityId: req.target!.municipalityId, unitId: req.targetId ?? null, by: req.account!.id, at: clock.now() };
}

function savedTo(req: Request, res: Response, section: string): void {
  flash(req, 'settings.saved');
  res.redirect(303, `/units/${unitOf(req)}/settings#${section}`);
}

async function renderUnitSettings(req: Request, res: Response, { db, clock, boxes: boxKeys }: Deps, errors: FieldErrors = {}): Promise<void> {
  const unitId = unitOf(req);
  const unit = await db.selectFrom('units').select(['id', 'name', 'kind']).where('id', '=', unitId).executeTakeFirst();
  if (!unit) throw notFound();
  const [boxes, hours, rules, cutoffs, closed, history] = await Promise.all([
    enabledBoxes(db, unitId, boxKeys), openingHours(db, unitId), unitRules(db, unitId), groupCutoffs(db, unitId),
    closedDays(db, unitId, today(clock)), settingsHistory(db, { unitId }),
  ]);
  const stored: Record<string, string> = {
    lock_days: String(rules.lockDays), plan_ahead_months: String(rules.planAheadMonths), invite_days_before: String(rules.inviteDaysBefore),
  };
  for (const day of WEEKDAYS) {
    stored[`opens_${day}`] = hours[day]?.opens ?? '';
    stored[`closes_${day}`] = hours[day]?.closes ?? '';
  }
  for (const g of cutoffs) stored[`cutoff_${g.groupId}`] = g.cutoff ?? '';
  const typed = Object.keys(errors).length ? (req.body as Record<string, string>) : {};
  render(req, res, 'settings/unit', {
    unit, boxes, allBoxes: boxKeys, weekdays: WEEKDAYS, cutoffs, closed, history, errors,
    values: { ...stored, ...typed },
  }, Object.keys(errors).length ? 400 : 200);
}

async function renderTerms(req: Request, res: Response, { db }: Deps, errors: FieldErrors = {}): Promise<void> {
  const municipalityId = req.targetId!;
  const municipality = await db.selectFrom('municipalities').select(['id', 'name', 'invitation_valid_days']).where('id', '=', municipalityId).executeTakeFirstOrThrow();
  const submitted = Object.keys(errors).length > 0;
  const terms = submitted ? field(req.body, 'terms') : ((await termsOfUse(db, municipalityId)) ?? '');
  const days = submitted ? field(req.body, 'invitation_valid_days') : String(municipality.invitation_valid_days);
  const history = await settingsHistory(db, { municipalityId }, 10);
  render(req, res, 'settings/terms', { municipality, values: { terms, invitation_valid_days: days }, errors, history }, submitted ? 400 : 200);
}
