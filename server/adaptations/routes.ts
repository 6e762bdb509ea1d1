// Extra adaptations (extra anpassningar, "Övrig bedömning" in seed 001): a pupil's page of what the school does for them
// (current and ended), read by the pupil's guardians, the pupil, the teachers of the pupil's class and the school's head;
// written, changed and ended by those teachers and the head. Every request needs a strong login for the pupil's
// municipality and is in the audit trail (the action table and the route table see to both). Plain forms; a change
// saved meanwhile by a colleague is said, not overwritten; an ended adaptation is kept read-only.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type Located, type RouteTable } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary } from '../people/queries.ts';
import { addAdaptation, adaptationById, adaptationsOfChild, changeAdaptation, endAdaptation, type Adaptation } from './queries.ts';
import { DECIDED_BY_MAX_LENGTH, WHAT_MAX_LENGTH, parseAdaptation, reviewOverdue, writingGroup, type AdaptationForm } from './rules.ts';

interface Deps { db: Db; clock: Clock }

const LIMITS = { whatMax: WHAT_MAX_LENGTH, decidedByMax: DECIDED_BY_MAX_LENGTH };

const typedForm = (body: unknown): AdaptationForm => ({
  what: field(body, 'what'), decidedBy: field(body, 'decidedBy'), decidedOn: field(body, 'decidedOn'), reviewBy: field(body, 'reviewBy'),
});

export function adaptationRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/children/:schoolChildId/adaptations', 'child.adaptations.read', async (req, res, { actor, target }) => {
    const day = today(clock);
    const [child, adaptations] = await Promise.all([childSummary(db, target.id, day), adaptationsOfChild(db, target.id)]);
    if (!child) throw notFound();
    const staff = allows(actor, 'adaptation.update', target);
    const shown = adaptations.map((a) => ({ ...a, overdue: staff && reviewOverdue(a, day) }));
    render(req, res, 'adaptations/page', {
      child,
      current: shown.filter((a) => a.endedOn === null),
      ended: shown.filter((a) => a.endedOn !== null),
      canWrite: canWrite(actor, target),
      canChange: staff,
    });
  });

  routes.get('/children/:schoolChildId/adaptations/new', 'child.adaptations.create', async (req, res, { actor, target }) => {
    if (!canWrite(actor, target)) throw notFound();
    await renderNew(req, res, target.id, { what: '', decidedBy: '', decidedOn: today(clock), reviewBy: '' });
  });

  routes.post('/children/:schoolChildId/adaptations', 'child.adaptations.create', async (req, res, { actor, target }) => {
    const groupId = writingGroup(actor, target.groups ?? []);
    if (groupId === undefined) throw notFound();
    const typed = typedForm(req.body);
    const parsed = parseAdaptation(typed);
    if (!parsed.ok) return renderNew(req, res, target.id, typed, parsed.errors);
    await addAdaptation(db, { childId: target.id, groupId, ...parsed.value }, actor.personId, clock.now());
    flash(req, 'adaptations.saved');
    res.redirect(303, `/children/${target.id}/adaptations`);
  });

  routes.get('/adaptations/:adaptationId/edit', 'adaptation.update', async (req, res, { target }) => {
    const adaptation = await adaptationOf(db, target);
    if (adaptation.endedOn !== null) return renderEnded(req, res, adaptation, 200);
    renderEdit(req, res, adaptation, formOf(adaptation));
  });

  routes.post('/adaptations/:adaptationId/edit', 'adaptation.update', async (req, res, { actor, target }) => {
    const adaptation = await adaptationOf(db, target);
    if (adaptation.endedOn !== null) return renderEnded(req, res, adaptation, 409);
    const typed = { ...typedForm(req.body), version: field(req.body, 'version') };
    const parsed = parseAdaptation(typed);
    if (!parsed.ok) return renderEdit(req, res, adaptation, typed, parsed.errors, 400);
    const version = Number(typed.version); // (a version that is no integer is one nobody saved: stale)
    if (!Number.isSafeInteger(version) || !(await changeAdaptation(db, adaptation.id, version, { ...parsed.value, by: actor.personId, at: clock.now() }))) {
      return staleOrEnded(req, res, adaptation.id, typed);
    }
    flash(req, 'adaptations.changed');
    res.redirect(303, `/children/${adaptation.childId}/adaptations`);
  });

  routes.post('/adaptations/:adaptationId/end', 'adaptation.end', async (req, res, { actor, target }) => {
    const adaptation = await adaptationOf(db, target);
    if (adaptation.endedOn !== null) return renderEnded(req, res, adaptation, 409);
    const version = Number(field(req.body, 'version'));
    if (!Number.isSafeInteger(version) || !(await endAdaptation(db, adaptation.id, version, { day: today(clock), by: actor.personId, at: clock.now() }))) {
      return staleOrEnded(req, res, adaptation.id, undefined);
    }
    flash(req, 'adaptations.ended');
    res.redirect(303, `/children/${adaptation.childId}/adaptations`);
  });

  async function renderNew(req: Request, res: Response, childId: number, values: AdaptationForm, errors: FieldErrors = {}): Promise<void> {
    const child = await childSummary(db, childId, today(clock));
    if (!child) throw notFound();
    render(req, res, 'adaptations/new', { child, values, errors, ...LIMITS }, Object.keys(errors).length ? 400 : 200);
  }

  /**
   * Someone saved or ended the adaptation since the form was opened: what they saved is shown (or that it ended), and
   * what was typed stays in the form, with the version now stored.
   */
  async function staleOrEnded(req: Request, res: Response, adaptationId: number, typed: AdaptationForm | undefined): Promise<void> {
    const now = await adaptationById(db, adaptationId);
    if (!now) throw notFound();
    if (now.endedOn !== null) return renderEnded(req, res, now, 409);
    renderEdit(req, res, now, { ...(typed ?? formOf(now)), version: String(now.version) }, { form: { key: 'adaptations.errors.changedSince' } }, 409, true);
  }
}

/** Whether the user writes new adaptations for the pupil: allowed, and teaching in (or heading) one of its school classes. */
function canWrite(actor: Actor, target: Located): boolean {
  return allows(actor, 'child.adaptations.create', target) && writingGroup(actor, target.groups ?? []) !== undefined;
}

/** The adaptation of the route (its locator found its child where the policy allowed the user). */
async function adaptationOf(db: Db, target: Located): Promise<Adaptation> {
  const adaptation = await adaptationById(db, target.id);
  if (!adaptation) throw notFound();
  return adaptation;
}

function formOf(a: Adaptation): AdaptationForm & { version: string } {
  return { what: a.what, decidedBy: a.decidedBy, decidedOn: a.decidedOn, reviewBy: a.reviewBy, version: String(a.version) };
}

function renderEdit(
  req: Request, res: Response, adaptation: Adaptation, values: AdaptationForm & { version: string }, errors: FieldErrors = {}, status = 200,
  changedSince = false,
): void {
  render(req, res, 'adaptations/edit', { adaptation, values, errors, changedSince, ended: false, ...LIMITS }, status);
}

/** An ended adaptation is kept as it was: the edit page says so and offers no form. */
function renderEnded(req: Request, res: Response, adaptation: Adaptation, status: number): void {
  render(req, res, 'adaptations/edit', { adaptation, values: formOf(adaptation), errors: {}, changedSince: false, ended: true, ...LIMITS }, status);
}
