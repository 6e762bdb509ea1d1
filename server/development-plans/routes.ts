// Individual development plans (IUP): the pupil's plan of a term (the current one unless another is asked for) with
// earlier terms' plans listed read-only, and the notes of the pupil's development talks. The teachers of the pupil's
// class and the school's head write the current term's plan until they sign it, and the talks' notes; the guardians and
// the pupil comment. Every request needs a strong login and is audited (the action table and the route table see to
// it: a weak session is sent to BankID and never gets a line of it). Plain forms; a change saved meanwhile is said,
// not overwritten. A pupil's school records follow the pupil: whoever may read the pupil (their guardians, themself,
// the teachers of their school class now and the school's head) reads every plan of theirs, whichever school wrote it,
// and the staff write this term's plan even when an earlier school began it.
import type { Request, Response } from 'express';
import { isTerm, termLabel, termOf } from '../kernel/terms.ts';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, parseId, type Located, type RouteTable } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary } from '../people/queries.ts';
import { heldTalks, heldTalksOfGuardian, saveTalkNote } from '../talks/notes.ts';
import { addPlanComment, planOf, plansOfChild, savePlan, signPlan, type DevelopmentPlan } from './queries.ts';
import {
  COMMENT_MAX_LENGTH, PLAN_FIELD_MAX_LENGTH, PLAN_FIELDS, TALK_NOTE_MAX_LENGTH, parsePlan, parseText, parseVersion, readsAsFamily,
  schoolClasses, staffClasses, writingClass,
} from './rules.ts';

interface Deps { db: Db; clock: Clock }

/** What the plan page shows besides the plan: field errors of one of its forms and what was typed there. */
interface PageState { errors?: FieldErrors; values?: Record<string, string>; status?: number }

export function developmentPlanRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/children/:schoolChildId/plan', 'child.plan.read', async (req, res, { actor, target }) => {
    const asked = typeof req.query.term === 'string' && req.query.term !== '' ? req.query.term : termOf(today(clock));
    if (!isTerm(asked)) throw notFound();
    await renderPlan(req, res, actor, target, asked);
  });

  routes.get('/children/:schoolChildId/plan/edit', 'child.plan.write', async (req, res, { actor, target }) => {
    const term = termOf(today(clock));
    const plan = await planOf(db, target.id, term);
    if (plan?.signedAt) {
      flash(req, 'developmentPlans.alreadySigned');
      return res.redirect(303, `/children/${target.id}/plan`);
    }
    const values: Record<string, string> = plan
      ? { goals: plan.goals, schoolDoes: plan.schoolDoes, pupilDoes: plan.pupilDoes, guardiansDo: plan.guardiansDo, version: String(plan.version) }
      : { version: '' };
    await renderEdit(req, res, target, term, plan, values);
  });

  routes.post('/children/:schoolChildId/plan/edit', 'child.plan.write', async (req, res, { actor, target }) => {
    const term = termOf(today(clock));
    const plan = await planOf(db, target.id, term);
    const typed: Record<string, string> = { version: field(req.body, 'version') };
    for (const name of PLAN_FIELDS) typed[name] = field(req.body, name);
    const parsed = parsePlan((name) => typed[name] ?? '');
    if (!parsed.ok) return renderEdit(req, res, target, term, plan, typed, parsed.errors, 400);
    const groupId = plan?.groupId ?? writingClass(actor, target.groups ?? []);
    if (groupId === undefined) throw notFound();
    const saved = await savePlan(db, {
      childId: target.id, term, groupId, version: parseVersion(typed.version ?? ''), by: actor.personId, at: clock.now(), ...parsed.value,
    });
    if (!saved.ok) {
      // Saved or signed since the form was opened: the saved plan is shown, what was typed stays in the form.
      const now = await planOf(db, target.id, term);
      const key = saved.error === 'signed' ? 'developmentPlans.errors.signedSince' : 'developmentPlans.errors.changedSince';
      return renderEdit(req, res, target, term, now, { ...typed, version: now ? String(now.version) : '' }, { goals: { key } }, 409);
    }
    flash(req, 'developmentPlans.saved');
    res.redirect(303, `/children/${target.id}/plan`);
  });

  routes.post('/children/:schoolChildId/plan/sign', 'child.plan.sign', async (req, res, { actor, target }) => {
    const term = termOf(today(clock));
    const plan = await planOf(db, target.id, term);
    if (!plan) throw notFound();
    const signed = await signPlan(db, plan.id, parseVersion(field(req.body, 'version')), actor.personId, clock.now());
    if (!signed.ok && signed.error === 'stale') {
      return renderPlan(req, res, actor, target, term, { errors: { sign: { key: 'developmentPlans.errors.changedBeforeSigning' } }, status: 409 });
    }
    flash(req, signed.ok ? 'developmentPlans.signed' : 'developmentPlans.alreadySigned');
    res.redirect(303, `/children/${target.id}/plan`);
  });

  routes.post('/children/:schoolChildId/plan/comments', 'child.plan.comment', async (req, res, { actor, target }) => {
    const term = termOf(today(clock));
    const plan = await planOf(db, target.id, term);
    if (!plan) throw notFound();
    const body = field(req.body, 'comment');
    const parsed = parseText(body, 'comment', COMMENT_MAX_LENGTH, 'developmentPlans.errors.commentMissing');
    if (!parsed.ok) return renderPlan(req, res, actor, target, term, { errors: parsed.errors, values: { comment: body }, status: 400 });
    await addPlanComment(db, { planId: plan.id, by: actor.personId, body: parsed.value, at: clock.now() });
    flash(req, 'developmentPlans.commented');
    res.redirect(303, `/children/${target.id}/plan#comments`);
  });

  routes.post('/children/:schoolChildId/talk-notes', 'child.talkNotes.write', async (req, res, { actor, target }) => {
    const bookingId = parseId(field(req.body, 'bookingId'));
    if (bookingId === undefined) throw notFound();
    const name = `note-${bookingId}`;
    const body = field(req.body, 'body');
    const version = field(req.body, 'version');
    const term = termOf(today(clock));
    const parsed = parseText(body, name, TALK_NOTE_MAX_LENGTH, 'talks.notes.errors.empty');
    if (!parsed.ok) return renderPlan(req, res, actor, target, term, { errors: parsed.errors, values: { [name]: body }, status: 400 });
    const saved = await saveTalkNote(db, {
      childId: target.id, bookingId, groupIds: staffClasses(actor, target.groups ?? []).map((g) => g.id), today: today(clock),
      body: parsed.value, version: parseVersion(version), by: actor.personId, at: clock.now(),
    });
    if (!saved.ok && saved.error === 'not-found') throw notFound();
    if (!saved.ok) {
      return renderPlan(req, res, actor, target, term, { errors: { [name]: { key: 'talks.notes.errors.changedSince' } }, values: { [name]: body }, status: 409 });
    }
    flash(req, 'talks.notes.saved');
    res.redirect(303, `/children/${target.id}/plan#talks`);
  });

  async function renderPlan(req: Request, res: Response, actor: Actor, target: Located, term: string, state: PageState = {}): Promise<void> {
    const day = today(clock);
    const current = termOf(day);
    const groups = target.groups ?? [];
    const [child, plans, plan] = await Promise.all([childSummary(db, target.id, day), plansOfChild(db, target.id), planOf(db, target.id, term)]);
    if (!child) throw notFound();
    const held = await heldTalks(db, target.id, schoolClasses(groups).map((g) => g.id), day);
    // A guardian sees the notes for the whole family and for their own home (as written); the pupil and the staff every one.
    const isPupil = actor.isStudent && actor.personId === target.id;
    const guardianship = isPupil ? undefined : actor.guardianOf.get(target.id);
    const talks = guardianship ? heldTalksOfGuardian(held, guardianship) : held;
    const writes = new Set(allows(actor, 'child.talkNotes.write', target) ? staffClasses(actor, groups).map((g) => g.id) : []);
    const isCurrent = term === current;
    render(req, res, 'development-plans/page', {
      child, term, current, isCurrent, plan,
      termName: (t: string) => termLabel(req.t, t),
      earlier: plans.filter((p) => p.term !== term),
      talks: talks.map((t) => ({ ...t, writable: writes.has(t.groupId) })),
      canWrite: isCurrent && allows(actor, 'child.plan.write', target) && !plan?.signedAt,
      canSign: isCurrent && plan !== undefined && !plan.signedAt && allows(actor, 'child.plan.sign', target),
      canComment: isCurrent && plan !== undefined && allows(actor, 'child.plan.comment', target) && readsAsFamily(actor, target.id),
      commentMax: COMMENT_MAX_LENGTH, noteMax: TALK_NOTE_MAX_LENGTH,
      errors: state.errors ?? {}, values: state.values ?? {},
    }, state.status ?? 200);
  }

  async function renderEdit(
    req: Request, res: Response, target: Located, term: string, plan: DevelopmentPlan | undefined, values: Record<string, string>,
    errors: FieldErrors = {}, status = 200,
  ): Promise<void> {
    const child = await childSummary(db, target.id, today(clock));
    if (!child) throw notFound();
    const stale = errors.goals?.key === 'developmentPlans.errors.changedSince';
    render(req, res, 'development-plans/edit', {
      child, term, termName: termLabel(req.t, term), plan: stale ? plan : undefined, values, errors, maxLength: PLAN_FIELD_MAX_LENGTH,
      fields: PLAN_FIELDS,
    }, status);
  }
}
