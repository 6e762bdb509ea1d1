// Photo consent: a guardian gives or withdraws consent for their child to appear in what the whole group sees; the
// group's staff record a guardian's answer on paper; the group's reference list, each child's picture and consent at a
// glance, printable.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type Located, type RouteTable } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childConsentPage, giveAnswer, recordPaperAnswer, referenceList, type AnswerOutcome } from './page.ts';

interface Deps { db: Db; clock: Clock }

export function consentRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/children/:childId/consent', 'child.consent.read', (req, res, { actor, target }) => renderChild(req, res, deps, actor, target));

  routes.post('/children/:childId/consent', 'child.consent.give', async (req, res, { actor, target }) => {
    const outcome = await giveAnswer(db, {
      childId: target.id, guardianId: actor.personId, form: (name) => field(req.body, name), today: today(clock), now: clock.now(),
    });
    if (!outcome.ok) return refused(req, res, deps, actor, target, outcome, { answer: field(req.body, 'answer') });
    flash(req, outcome.changed ? `consent.saved.${field(req.body, 'answer') === 'yes' ? 'yes' : 'no'}` : 'consent.unchanged');
    res.redirect(303, `/children/${target.id}/consent`);
  });

  routes.post('/children/:childId/consent/paper', 'child.consent.record', async (req, res, { actor, target }) => {
    const outcome = await recordPaperAnswer(db, {
      childId: target.id, staffId: actor.personId, form: (name) => field(req.body, name), today: today(clock), now: clock.now(),
    });
    const values = { guardian: field(req.body, 'guardian'), paper_answer: field(req.body, 'paper_answer'), answered_on: field(req.body, 'answered_on') };
    if (!outcome.ok) return refused(req, res, deps, actor, target, outcome, values);
    flash(req, outcome.changed ? 'consent.paper.saved' : 'consent.unchanged');
    res.redirect(303, `/children/${target.id}/consent`);
  });

  // The reference list: on screen with links to each child, on paper (A4) the pictures, names and consent alone.
  routes.get('/groups/:groupId/consent', 'group.consent.read', async (req, res, { target }) => {
    const list = await referenceList(db, target.id, today(clock));
    if (!list) throw notFound();
    render(req, res, 'consent/list', { ...list, day: today(clock) });
  });
}

async function renderChild(req: Request, res: Response, { db, clock }: Deps, actor: Actor, target: Located,
  errors: FieldErrors = {}, values: Record<string, string> = {}, status = 200): Promise<void> {
  const isStaff = allows(actor, 'child.consent.record', target);
  const isGuardian = actor.guardianOf.has(target.id);
  const page = await childConsentPage(db, target.id, { personId: actor.personId, isGuardian, isStaff });
  if (!page) throw notFound();
  render(req, res, 'consent/child', { ...page, isStaff, errors, values: { answered_on: today(clock), ...values } }, status);
}

/** A refused answer: the page again, with the message at its field (a protected identity: at the form, nothing saved). */
function refused(req: Request, res: Response, deps: Deps, actor: Actor, target: Located, outcome: Exclude<AnswerOutcome, { ok: true }>,
  values: Record<string, string>): Promise<void> {
  if (outcome.error === 'gone') throw notFound();
  if (outcome.error === 'protected') return renderChild(req, res, deps, actor, target, { form: { key: 'consent.errors.protected' } }, values, 409);
  return renderChild(req, res, deps, actor, target, outcome.errors, values, 400);
}
