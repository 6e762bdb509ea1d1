// Unit settings (unit head, admin) and the municipality's terms of use (admin). Plain forms, each change logged. A
// unit's settings are an overview (each section's current values) and a page per section, short on a phone: a save
// on one page cannot drop what was typed on another.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { isDate } from '../kernel/dates.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, fields, flash, notFound, parseId, type Located, type RouteTable, type SignedInAccount } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { findUnit } from '../people/queries.ts';
import { municipalityTerms } from '../people/municipality-terms.ts';
import { removeClosedDay, saveBoxes, saveCareRules, saveDocumentationFeatures, saveInvitationValidity, saveTerms, setHolidayOpen, settingsHistory, groupCutoffs, type Change } from './queries.ts';
import { closeDays, type ChildrenWithTimesBetween } from './close-days.ts';
import { changeOpeningHours, type ScheduleReads } from './opening-hours.ts';
import { parseBoxes, parseCareRules, parseClosedDay, parseInvitationDays, parseOpeningHours, parseTerms } from './rules.ts';
import { readableHistory } from './history.ts';
import { hoursPreview, overview, sectionPage, SECTIONS, type Section } from './pages.ts';

/**
 * `boxes`: the keys of the start page's boxes, which a unit turns on and off; `timesBetween` and `schedule`: schedule's
 * queries (app.ts hands them in: schedule reads settings, so settings may not import schedule).
 */
interface Deps { db: Db; clock: Clock; boxes: readonly string[]; timesBetween: ChildrenWithTimesBetween; schedule: ScheduleReads }

export function settingsRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;
  const form = (req: Request) => (name: string) => field(req.body, name);
  const changeBy = (account: SignedInAccount, municipalityId: number, unitId: number | null): Change =>
    ({ municipalityId, unitId, by: account.id, at: clock.now() });
  const unitChange = (account: SignedInAccount, unit: Located) => changeBy(account, unit.municipalityId, unit.id);
  const page = (req: Request, res: Response, target: Located, section: Section, errors: FieldErrors = {}) =>
    renderSection(req, res, deps, target, section, errors);

  routes.get('/units/:unitId/settings', 'unit.settings.read', async (req, res, { target }) => {
    render(req, res, 'settings/unit', await overview(deps, target.id, req.language, today(clock)));
  });
  for (const section of SECTIONS) {
    routes.get(`/units/:unitId/settings/${section}`, 'unit.settings.read', (req, res, { target }) => page(req, res, target, section));
  }

  routes.post('/units/:unitId/settings/boxes', 'unit.settings.update', async (req, res, { account, target }) => {
    await saveBoxes(db, target.id, parseBoxes(fields(req.body, 'boxes'), deps.boxes), unitChange(account, target));
    savedTo(req, res, target, 'boxes');
  });

  // Notes (Anteckningar) and the child page's guestbook: each on when its box is ticked.
  routes.post('/units/:unitId/settings/documentation', 'unit.settings.update', async (req, res, { account, target }) => {
    const on = (name: string) => field(req.body, name) === 'on';
    await saveDocumentationFeatures(db, target.id, { notes: on('notes'), guestbook: on('guestbook') }, unitChange(account, target));
    savedTo(req, res, target, 'documentation');
  });

  // New hours that leave some child's care times outside them are shown first (`step` absent); "Ändra" (`step=edit`)
  // brings the form back filled in; "Spara och meddela" (`step=confirm`, with the children shown) saves and tells.
  routes.post('/units/:unitId/settings/opening-hours', 'unit.settings.update', async (req, res, { account, target }) => {
    const parsed = parseOpeningHours(form(req));
    if (!parsed.ok) return page(req, res, target, 'opening-hours', parsed.errors);
    const step = field(req.body, 'step');
    if (step === 'edit') return renderSection(req, res, deps, target, 'opening-hours', {}, req.body as Record<string, string>);
    const unit = await findUnit(db, target.id);
    if (!unit) throw notFound();
    const confirmed = step === 'confirm' ? field(req.body, 'children').split(',').map(parseId).filter((n) => n !== undefined) : null;
    const saved = await changeOpeningHours(db, deps.schedule, unit, parsed.value, unitChange(account, target), today(clock), confirmed);
    if (!saved.ok) {
      return render(req, res, 'settings/hours-preview', {
        ...hoursPreview(unit, saved.affected, parsed.value, req.language, today(clock)), values: req.body, changedSince: step === 'confirm',
      });
    }
    if (saved.told.length) flash(req, { key: 'settings.hoursImpact.savedTold', params: { count: saved.told.length } });
    else flash(req, 'settings.saved');
    res.redirect(303, `/units/${target.id}/settings/opening-hours`);
  });

  routes.post('/units/:unitId/settings/care-times', 'unit.settings.update', async (req, res, { account, target }) => {
    const groups = await groupCutoffs(db, target.id);
    const parsed = parseCareRules(form(req), groups.map((g) => g.groupId));
    if (!parsed.ok) return page(req, res, target, 'care-times', parsed.errors);
    await saveCareRules(db, target.id, parsed.value, unitChange(account, target));
    savedTo(req, res, target, 'care-times');
  });

  routes.post('/units/:unitId/closed-days', 'unit.settings.update', async (req, res, { account, target }) => {
    const parsed = parseClosedDay(form(req), today(clock));
    if (!parsed.ok) return page(req, res, target, 'closed-days', parsed.errors);
    const unit = await findUnit(db, target.id);
    if (!unit) throw notFound();
    const added = await closeDays(db, deps.timesBetween, unit, parsed.value, unitChange(account, target), today(clock));
    if (!added.ok) {
      return page(req, res, target, 'closed-days', { date: { key: added.error === 'overlaps' ? 'settings.errors.overlapsClosed' : 'settings.errors.alreadyClosed' } });
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

/** Back to the section's own page, which says the change is saved. */
function savedTo(req: Request, res: Response, unit: Located, section: Section): void {
  flash(req, 'settings.saved');
  res.redirect(303, `/units/${unit.id}/settings/${section}`);
}

/** A section's page; with `errors` (or `typed`, the form brought back to change it) what was typed stays in the form. */
async function renderSection(
  req: Request, res: Response, deps: Deps, target: Located, section: Section, errors: FieldErrors = {}, typed?: Record<string, string>,
): Promise<void> {
  const data = await sectionPage(deps, target.id, section, req.t, req.language, today(deps.clock));
  const submitted = hasErrors(errors) ? (req.body as Record<string, string>) : (typed ?? {});
  // The history's list is a partial the municipality's terms page shows too.
  render(req, res, `settings/${section === 'history' ? 'history-page' : section}`, { ...data, section, errors, values: { ...data.values, ...submitted } }, hasErrors(errors) ? 400 : 200);
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
