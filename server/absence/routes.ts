// Reporting absence (guardians, and staff on their behalf), cancelling a report that has not started, and school
// staff marking an absence as unreported. The start page's box posts the same forms: htmx gets the box back.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { loadBox, postedFromBox } from '../kernel/boxes.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, fields, flash, notFound, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary, firstNameOf } from '../people/queries.ts';
import { absenceBox } from './box.ts';
import { absenceContext, type AbsenceContext } from './context.ts';
import { cancelReport, reportFromForm } from './report.ts';
import { markUnreported, type UnreportedOutcome } from './unreported.ts';

interface Deps { db: Db; clock: Clock }

export function absenceRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/children/:childId/absence', 'child.absence.report', async (req, res, { actor, target }) => {
    const context = await contextFor(deps, target.id, actor);
    renderPage(req, res, context, {}, { when: 'range', from: context.next ?? context.today, to: '' });
  });

  routes.post('/children/:childId/absences', 'child.absence.report', async (req, res, { actor, account, target }) => {
    const outcome = await reportFromForm(db, clock, {
      actor, childId: target.id, form: (name) => field(req.body, name), siblings: fields(req.body, 'siblings'), by: account.id,
    });
    if (!outcome.ok && outcome.error === 'not-found') throw notFound();
    if (!outcome.ok) {
      if (postedFromBox(req, absenceBox.key)) return renderBox(req, res, deps, target.id, { errors: outcome.errors });
      return renderPage(req, res, await contextFor(deps, target.id, actor), outcome.errors, req.body as Record<string, unknown>, 400);
    }
    if (postedFromBox(req, absenceBox.key)) return renderBox(req, res, deps, target.id, { message: 'absence.reported' });
    flash(req, 'absence.reported');
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${target.id}/absence`));
  });

  routes.post('/absences/:absenceId/cancel', 'absence.cancel', async (req, res, { account, target }) => {
    const absence = await cancelReport(db, clock, target.id, account.id);
    if (!absence) throw notFound();
    if (postedFromBox(req, absenceBox.key)) return renderBox(req, res, deps, absence.childId, { message: 'absence.cancelled' });
    flash(req, 'absence.cancelled');
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${absence.childId}/absence`));
  });

  // From Today's one-tap button (today, the whole day) or the form it leads to when something is wrong.
  routes.post('/children/:childId/absences/unreported', 'child.absence.markUnreported', async (req, res, { account, target }) => {
    const outcome = await markUnreported(db, clock, { childId: target.id, form: (name) => field(req.body, name), by: account.id });
    if (!outcome.ok && outcome.error === 'not-in-school') throw notFound();
    if (!outcome.ok) return renderUnreportedForm(req, res, db, target.id, unreportedErrors(outcome));
    flash(req, 'unreportedAbsence.marked');
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/groups/${outcome.groupId}/today`));
  });
}

async function contextFor({ db, clock }: Deps, childId: number, actor: Actor): Promise<AbsenceContext> {
  const context = await absenceContext(db, clock, childId, actor);
  if (!context) throw notFound();
  return context;
}

function renderPage(req: Request, res: Response, context: AbsenceContext, errors: FieldErrors, values: Record<string, unknown>, status = 200) {
  render(req, res, 'absence/page', { ...context, errors, values: { ...values, siblings: fields(req.body, 'siblings') } }, status);
}

/** The box alone, after a report or a cancel from it: with the first error, or with what was done. */
async function renderBox(req: Request, res: Response, { db, clock }: Deps, childId: number, said: { errors?: FieldErrors; message?: string }) {
  const child = await childSummary(db, childId, today(clock));
  if (!child) throw notFound();
  const box = await loadBox(absenceBox, { db, clock, child });
  if (!box) throw notFound();
  const errors = said.errors ?? {};
  const failed = hasErrors(errors);
  render(req, res, 'start/box', { box, child, errors, message: said.message, values: failed ? req.body : {} }, failed ? 400 : 200);
}

function unreportedErrors(outcome: Exclude<UnreportedOutcome, { ok: true } | { error: 'not-in-school' }>): FieldErrors {
  switch (outcome.error) {
    case 'invalid': return outcome.errors;
    case 'not-placed': return { date: { key: 'unreportedAbsence.errors.notPlaced' } };
    case 'closed': return { date: { key: 'unreportedAbsence.errors.closed' } };
    case 'already-reported': return { date: { key: 'unreportedAbsence.errors.alreadyReported' } };
  }
}

/** The form again, with what was wrong: the Today page's small form has no room for errors. */
async function renderUnreportedForm(req: Request, res: Response, db: Db, childId: number, errors: FieldErrors): Promise<void> {
  const child = { id: childId, firstName: (await firstNameOf(db, childId)) ?? '' };
  const values = { date: field(req.body, 'date'), from: field(req.body, 'from'), to: field(req.body, 'to'), next: field(req.body, 'next') };
  render(req, res, 'absence/mark-unreported', { title: req.t('unreportedAbsence.title', { name: child.firstName }), child, errors, values }, 400);
}
