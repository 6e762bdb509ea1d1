// Reporting absence (guardians, and staff on their behalf), undoing one's own report of moments ago, cancelling a report
// that has not started, withdrawing today's report before the child comes; school staff marking an absence as
// unreported (after a confirmation) and taking the mark back, and the guardians' answers to it. The start page's box
// posts the same forms: htmx gets the box back.
import type { Request, Response } from 'express';
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { loadBox, postedFromBox } from '../kernel/boxes.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, fields, flash, notFound, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary, firstNameOf } from '../people/queries.ts';
import { absenceBox } from './box.ts';
import { absenceContext, type AbsenceContext } from './context.ts';
import { cancelReport, reportFromForm, undoOwnReport, withdrawReport } from './report.ts';
import { answerMark, markUnreported, unmarkUnreported, type UnreportedOutcome } from './unreported.ts';
import { whoIsTold } from './unreported-notice.ts';
import { UNREPORTED_SMS_DELAY_MINUTES } from './rules.ts';

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

  // "Ångra" right after a report: the absences it made, by id; only the user's own, of the last minutes, count.
  routes.post('/children/:childId/absences/undo', 'child.absence.undoReport', async (req, res, { actor, account, target }) => {
    const undone = await undoOwnReport(db, clock, { actor, childId: target.id, ids: fields(req.body, 'absence'), by: account.id });
    const message = undone.length ? 'absence.undo.done' : 'absence.undo.tooLate';
    if (postedFromBox(req, absenceBox.key)) return renderBox(req, res, deps, target.id, { message });
    flash(req, message);
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${target.id}/absence`));
  });

  // "Ta tillbaka": today's report, while the child has not been checked in.
  routes.post('/absences/:absenceId/withdraw', 'absence.withdraw', async (req, res, { actor, account, target }) => {
    const outcome = await withdrawReport(db, clock, target.id, account.id);
    if (!outcome.ok && outcome.error === 'gone') throw notFound();
    const childId = outcome.absence?.childId ?? 0;
    if (!outcome.ok) {
      const error = { key: outcome.error === 'checked-in' ? 'absence.withdraw.checkedIn' : 'absence.withdraw.past', params: { name: outcome.absence?.childName ?? '' } };
      if (postedFromBox(req, absenceBox.key)) return renderBox(req, res, deps, childId, { errors: { form: error } });
      return renderPage(req, res, await contextFor(deps, childId, actor), { form: error }, { when: 'range', from: '', to: '' }, 409);
    }
    if (postedFromBox(req, absenceBox.key)) return renderBox(req, res, deps, childId, { message: 'absence.withdraw.done' });
    flash(req, 'absence.withdraw.done');
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${childId}/absence`));
  });

  // A guardian's answer to the school about a mark of unreported absence.
  routes.post('/absences/:absenceId/answer', 'absence.answer', async (req, res, { actor, account, target }) => {
    const outcome = await answerMark(db, clock, target.id, field(req.body, 'answer'), account.id);
    if (!outcome.ok && outcome.error === 'gone') throw notFound();
    const childId = Number(target.childIds[0]);
    if (!outcome.ok) {
      const errors = { [`answer-${target.id}`]: outcome.errors.answer };
      if (postedFromBox(req, absenceBox.key)) return renderBox(req, res, deps, childId, { errors });
      return renderPage(req, res, await contextFor(deps, childId, actor), errors, { [`answer-${target.id}`]: field(req.body, 'answer') }, 400);
    }
    if (postedFromBox(req, absenceBox.key)) return renderBox(req, res, deps, childId, { message: 'absence.answer.saved' });
    flash(req, 'absence.answer.saved');
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${childId}/absence`));
  });

  routes.post('/absences/:absenceId/cancel', 'absence.cancel', async (req, res, { account, target }) => {
    const absence = await cancelReport(db, clock, target.id, account.id);
    if (!absence) throw notFound();
    if (postedFromBox(req, absenceBox.key)) return renderBox(req, res, deps, absence.childId, { message: 'absence.cancelled' });
    flash(req, 'absence.cancelled');
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${absence.childId}/absence`));
  });

  // From Today's button (today, the whole day): first the confirmation, the same form, saying who will be told; the
  // form posts `confirmed` and marks. Something wrong: the form again with the message at its field.
  routes.post('/children/:childId/absences/unreported', 'child.absence.markUnreported', async (req, res, { account, target }) => {
    const confirmed = field(req.body, 'confirmed') === 'yes';
    const outcome = await markUnreported(db, clock, { childId: target.id, form: (name) => field(req.body, name), by: account.id, confirmed });
    if (!outcome.ok && outcome.error === 'not-in-school') throw notFound();
    if (!outcome.ok && outcome.error === 'unconfirmed') {
      return renderUnreportedForm(req, res, db, target.id, {}, { date: outcome.date, from: outcome.from ?? '', to: outcome.to ?? '' });
    }
    if (!outcome.ok) return renderUnreportedForm(req, res, db, target.id, unreportedErrors(outcome));
    flash(req, { key: 'unreportedAbsence.markedUndo', params: { name: outcome.childFirstName, time: stockholmTime(outcome.smsAfter) } });
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/groups/${outcome.groupId}/today`));
  });

  // Staff take a mark back: undone before its SMS went, cancelled (and said so) after.
  routes.post('/absences/:absenceId/unreported/cancel', 'absence.unreported.cancel', async (req, res, { account, target }) => {
    const outcome = await unmarkUnreported(db, clock, target.id, account.id);
    if (!outcome.ok) throw notFound();
    flash(req, { key: outcome.smsWent ? 'unreportedAbsence.cancelledAfterSms' : 'unreportedAbsence.undone', params: { name: outcome.absence.childName } });
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${outcome.absence.childId}/info`));
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

function unreportedErrors(outcome: Exclude<UnreportedOutcome, { ok: true } | { error: 'not-in-school' | 'unconfirmed' }>): FieldErrors {
  switch (outcome.error) {
    case 'invalid': return outcome.errors;
    case 'not-placed': return { date: { key: 'unreportedAbsence.errors.notPlaced' } };
    case 'closed': return { date: { key: 'unreportedAbsence.errors.closed' } };
    case 'already-reported': return { date: { key: 'unreportedAbsence.errors.alreadyReported' } };
  }
}

/**
 * The form: the confirmation (filled in with the day and time asked, saying who will be told and how) or, with what
 * was wrong, the form again (the Today page's button has no room for errors).
 */
async function renderUnreportedForm(
  req: Request, res: Response, db: Db, childId: number, errors: FieldErrors, confirm?: { date: string; from: string; to: string },
): Promise<void> {
  const child = { id: childId, firstName: (await firstNameOf(db, childId)) ?? '' };
  const values = { date: field(req.body, 'date'), from: field(req.body, 'from'), to: field(req.body, 'to'), ...confirm, next: field(req.body, 'next') };
  const told = await whoIsTold(db, childId);
  const title = req.t(hasErrors(errors) ? 'unreportedAbsence.title' : 'unreportedAbsence.confirmTitle', { name: child.firstName });
  render(req, res, 'absence/mark-unreported', {
    title, child, errors, values, told, delayMinutes: UNREPORTED_SMS_DELAY_MINUTES, back: safeReturnPath(values.next || `/children/${childId}/info`),
  }, hasErrors(errors) ? 400 : 200);
}
