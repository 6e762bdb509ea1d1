// Same-day notes: a guardian's "Vi blir sena", "Hämtas tidigare", "Hämtas av någon annan" and "Går hem själv" for
// today, in one tap from the start page's Frånvaro box or on the note page (a plain form, no JavaScript needed; htmx
// swaps the box in place), and taking one back — by the guardian, or by the group's staff from Today.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { loadBox, postedFromBox, type BoxDefinition } from '../kernel/boxes.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, fields, flash, notFound, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary, type ChildSummary } from '../people/queries.ts';
import { cancelNote, dayNoteOptions, writeDayNote, type DayNoteOptions } from './write.ts';
import type { NoteForm } from './rules.ts';

/** `box`: the start page's Frånvaro box, where the notes' forms also stand (server/absence/box.ts, handed over by app.ts). */
interface Deps { db: Db; clock: Clock; box: BoxDefinition<ChildSummary> }

const FORM_FIELDS = ['kind', 'date', 'minutes', 'time', 'pickupPerson', 'pickupName'] as const;

export function dayNoteRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/children/:childId/day-notes', 'child.dayNotes.create', async (req, res, { actor, target }) => {
    renderPage(req, res, await optionsFor(deps, target.id, actor), {}, {});
  });

  routes.post('/children/:childId/day-notes', 'child.dayNotes.create', async (req, res, { actor, target }) => {
    const options = await optionsFor(deps, target.id, actor);
    const form = Object.fromEntries(FORM_FIELDS.map((name) => [name, field(req.body, name)])) as unknown as NoteForm;
    const outcome = await writeDayNote(db, clock, { actor, options, form, siblings: fields(req.body, 'siblings'), by: actor.personId });
    if (!outcome.ok && outcome.error === 'not-found') throw notFound();
    if (!outcome.ok) {
      if (postedFromBox(req, deps.box.key)) return renderBox(req, res, deps, actor, target.id, { errors: outcome.errors });
      return renderPage(req, res, options, outcome.errors, { ...form, siblings: fields(req.body, 'siblings') }, 400);
    }
    if (postedFromBox(req, deps.box.key)) return renderBox(req, res, deps, actor, target.id, { message: 'dayNotes.saved' });
    flash(req, 'dayNotes.saved');
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${target.id}/day-notes`));
  });

  // "Ta tillbaka": the guardian, or the group's staff from Today (they put it away: the note goes from the list).
  routes.post('/day-notes/:dayNoteId/cancel', 'dayNote.cancel', async (req, res, { actor, target }) => {
    const outcome = await cancelNote(db, clock, target.id, actor.personId);
    if (!outcome.ok && outcome.error === 'gone') throw notFound();
    const childId = outcome.note?.childId ?? Number(target.childIds[0]);
    const message = outcome.ok ? 'dayNotes.cancelled' : 'dayNotes.errors.past';
    if (postedFromBox(req, deps.box.key)) return renderBox(req, res, deps, actor, childId, outcome.ok ? { message } : { errors: { form: { key: message } } });
    flash(req, message);
    res.redirect(303, safeReturnPath(field(req.body, 'next') || `/children/${childId}/day-notes`));
  });
}

async function optionsFor({ db, clock }: Deps, childId: number, actor: Actor): Promise<DayNoteOptions> {
  const options = await dayNoteOptions(db, clock, childId, actor);
  if (!options) throw notFound();
  return options;
}

function renderPage(req: Request, res: Response, options: DayNoteOptions, errors: FieldErrors, values: Record<string, unknown>, status = 200): void {
  render(req, res, 'day-notes/page', { ...options, errors, values }, status);
}

/** The Frånvaro box alone (its note forms swap it in place): with the first error, or with what was done. */
async function renderBox(req: Request, res: Response, { db, clock, box: definition }: Deps, viewer: Actor, childId: number, said: { errors?: FieldErrors; message?: string }): Promise<void> {
  const child = await childSummary(db, childId, today(clock));
  if (!child) throw notFound();
  const box = await loadBox(definition, { db, clock, child, viewer });
  if (!box) throw notFound();
  const errors = said.errors ?? {};
  const failed = Object.keys(errors).length > 0;
  render(req, res, 'start/box', { box, child, errors, noteErrors: failed, message: said.message, values: failed ? req.body : {} }, failed ? 400 : 200);
}
