// Notes (Anteckningar) about one child for its guardians: the child's notes page (the guardians read, the staff of the
// child's group write, change and remove), where the child's unit has turned notes on; anywhere else the page is not
// found (the locators see to it). Plain forms; a change saved meanwhile by a colleague is said, not overwritten.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type Located, type RouteTable } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary } from '../people/queries.ts';
import { addNote, changeNote, noteById, notesOfChild, removeNote, type Note } from './queries.ts';
import { NOTE_MAX_LENGTH, parseNote, readableUnits, writingUnit } from './rules.ts';

interface Deps { db: Db; clock: Clock }

export function notesRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/children/:childNotesId/notes', 'child.notes.read', async (req, res, { actor, target }) => {
    await renderNotes(req, res, deps, actor, target);
  });

  routes.post('/children/:childNotesId/notes', 'child.notes.create', async (req, res, { actor, target }) => {
    const unitId = writingUnit(actor, target.groups ?? [], new Set(target.unitIds));
    if (unitId === undefined) throw notFound();
    const parsed = parseNote(field(req.body, 'body'));
    if (!parsed.ok) return renderNotes(req, res, deps, actor, target, parsed.errors);
    await addNote(db, { childId: target.id, unitId, body: parsed.value, by: actor.personId, at: clock.now() });
    flash(req, 'notes.saved');
    res.redirect(303, `/children/${target.id}/notes`);
  });

  routes.get('/notes/:noteId/edit', 'note.update', async (req, res, { target }) => {
    const note = await usableNote(db, target);
    renderEdit(req, res, note, { body: note.body, version: String(note.version) });
  });

  routes.post('/notes/:noteId/edit', 'note.update', async (req, res, { actor, target }) => {
    const note = await usableNote(db, target);
    const typed = { body: field(req.body, 'body'), version: field(req.body, 'version') };
    const parsed = parseNote(typed.body);
    if (!parsed.ok) return renderEdit(req, res, note, typed, parsed.errors, 400);
    const version = Number(typed.version); // (a version that is no integer, e.g. 1e309, is one nobody saved: stale)
    if (!Number.isSafeInteger(version) || !(await changeNote(db, note.id, version, { body: parsed.value, by: actor.personId, at: clock.now() }))) {
      // Someone saved the note since this form was opened: their text is shown, what was typed stays in the form.
      return renderEdit(req, res, note, { ...typed, version: String(note.version) }, { body: { key: 'notes.errors.changedSince' } }, 409);
    }
    flash(req, 'notes.changed');
    res.redirect(303, `/children/${note.childId}/notes`);
  });

  routes.post('/notes/:noteId/delete', 'note.delete', async (req, res, { target }) => {
    const note = await usableNote(db, target);
    await removeNote(db, note.id);
    flash(req, 'notes.removed');
    res.redirect(303, `/children/${note.childId}/notes`);
  });

  async function renderNotes(req: Request, res: Response, { db }: Deps, actor: Actor, target: Located, errors: FieldErrors = {}): Promise<void> {
    const groups = target.groups ?? [];
    const enabled = new Set(target.unitIds);
    const units = readableUnits(actor, target.id, groups, enabled);
    if (units.length === 0) throw notFound();
    const [child, notes] = await Promise.all([childSummary(db, target.id, today(clock)), notesOfChild(db, target.id, units)]);
    if (!child) throw notFound();
    const canWrite = allows(actor, 'child.notes.create', target) && writingUnit(actor, groups, enabled) !== undefined;
    const status = Object.keys(errors).length ? 400 : 200;
    render(req, res, 'notes/page', {
      child, notes, canWrite, canChange: allows(actor, 'note.update', target), maxLength: NOTE_MAX_LENGTH,
      errors, values: status === 400 ? { body: field(req.body, 'body') } : {},
    }, status);
  }
}

/** The note of the route (its locator saw that its unit uses notes). */
async function usableNote(db: Db, target: Located): Promise<Note> {
  const note = await noteById(db, target.id);
  if (!note) throw notFound();
  return note;
}

function renderEdit(req: Request, res: Response, note: Note, values: Record<string, string>, errors: FieldErrors = {}, status = 200): void {
  render(req, res, 'notes/edit', { note, values, errors, maxLength: NOTE_MAX_LENGTH }, status);
}
