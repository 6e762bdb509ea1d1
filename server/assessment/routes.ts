// School assessment (Bedömning): the pupil's page of the term's assessments (the family reads the published ones, the
// pupil's teachers and the school's head also the drafts), the teacher's form for one subject and term, the class's
// overview with publishing, the A4 page staff print for a meeting, and the admin's page of the municipality's matrix.
// Every route but the admin's needs a strong login and is audited (the action table says so); a pupil outside the
// actor's reach is not found. Plain forms; a change a colleague saved meanwhile is said, not overwritten.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type Located, type RouteTable } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary, childrenInGroup, groupPage, type ChildSummary } from '../people/queries.ts';
import { administeredMunicipality, type AdministeredMunicipality } from '../people/audit-scope.ts';
import { planOf } from '../development-plans/queries.ts';
import { adaptationsOfChild } from '../adaptations/queries.ts';
import {
  addAbility, addLevel, addSubject, assessmentOf, assessmentsOfChild, draftsOf, matrixChanges, matrixOf, publishDrafts, removeMatrixEntry,
  saveAssessment, statusesOf, type Matrix, type MatrixChangeResult, type MatrixSubject,
} from './queries.ts';
import {
  COMMENT_MAX_LENGTH, NAME_MAX_LENGTH, isFamily, isMatrixKind, levelField, parseAssessment, parseMatrixName, removedFromMatrix, writingClass,
} from './rules.ts';
import { compareTerms, isTerm, previousTerms, termLabel, termOf } from '../kernel/terms.ts';

interface Deps { db: Db; clock: Clock }

/** How many terms the choosers offer: this one and the three before. */
const TERMS_OFFERED = 4;

export function assessmentRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  /** The term asked for (default the current one); an unknown one is not found. */
  const termAsked = (value: unknown): string => {
    if (value === undefined || value === '') return termOf(today(clock));
    if (typeof value !== 'string' || !isTerm(value)) throw notFound();
    return value;
  };
  /** The terms a chooser offers, newest first, with the one asked for in its place when it is another. */
  const termsOffered = (term: string): string[] => {
    const recent = previousTerms(termOf(today(clock)), TERMS_OFFERED);
    return (recent.includes(term) ? recent : [...recent, term]).sort((a, b) => compareTerms(b, a));
  };
  const childOf = async (target: Located): Promise<ChildSummary> => {
    const child = await childSummary(db, target.id, today(clock));
    if (!child) throw notFound();
    return child;
  };
  /** A term to write in: the current one or an earlier one (a coming term has nothing to assess yet). */
  const writableTerm = (value: unknown): string => {
    const term = termAsked(value);
    if (compareTerms(term, termOf(today(clock))) > 0) throw notFound();
    return term;
  };
  const subjectOf = (matrix: Matrix, value: string): MatrixSubject => {
    const subject = matrix.subjects.find((s) => String(s.id) === value);
    if (!subject) throw notFound();
    return subject;
  };

  // --- the pupil's assessments --------------------------------------------------------------------------------------

  routes.get('/children/:schoolChildId/assessment', 'child.assessment.read', async (req, res, { actor, target }) => {
    const term = termAsked(req.query.term);
    const family = isFamily(actor, target.id);
    const [child, assessments] = await Promise.all([childOf(target), assessmentsOfChild(db, target.id, term, family)]);
    render(req, res, 'assessment/page', {
      child, term, termName: termLabel(req.t, term), terms: termsOffered(term).map((value) => ({ value, label: termLabel(req.t, value) })),
      assessments, family, canWrite: allows(actor, 'child.assessment.write', target) && writingClass(actor, target.groups ?? []) !== undefined,
      canPrint: allows(actor, 'child.assessment.print', target),
      subjects: (await matrixOf(db, target.municipalityId)).subjects,
    });
  });

  routes.get('/children/:schoolChildId/assessment/edit', 'child.assessment.write', async (req, res, { actor, target }) => {
    if (writingClass(actor, target.groups ?? []) === undefined) throw notFound();
    const term = writableTerm(req.query.term);
    const matrix = await matrixOf(db, target.municipalityId);
    const subject = subjectOf(matrix, typeof req.query.subject === 'string' ? req.query.subject : '');
    const [child, saved] = await Promise.all([childOf(target), assessmentOf(db, target.id, subject.id, term)]);
    const values: Record<string, string> = { comment: saved?.comment ?? '', version: String(saved?.version ?? 0) };
    for (const mark of saved?.marks ?? []) values[levelField(mark.abilityId)] = String(mark.levelId);
    renderEdit(req, res, { child, term, matrix, subject, saved, values });
  });

  routes.post('/children/:schoolChildId/assessment/edit', 'child.assessment.write', async (req, res, { actor, target }) => {
    const groupId = writingClass(actor, target.groups ?? []);
    if (groupId === undefined) throw notFound();
    const term = writableTerm(field(req.body, 'term'));
    const matrix = await matrixOf(db, target.municipalityId);
    const subject = subjectOf(matrix, field(req.body, 'subject'));
    const read = (name: string) => field(req.body, name);
    const values: Record<string, string> = { comment: read('comment'), version: read('version') };
    for (const ability of subject.abilities) values[levelField(ability.id)] = read(levelField(ability.id));
    const [child, before] = await Promise.all([childOf(target), assessmentOf(db, target.id, subject.id, term)]);
    // a change of a published assessment publishes it again: every ability needs its level, whatever the button
    const parsed = parseAssessment(read, subject, matrix.levels, before?.status === 'published');
    if (!parsed.ok) return renderEdit(req, res, { child, term, matrix, subject, saved: before, values }, parsed.errors, 400);
    const version = /^\d{1,9}$/.test(values.version) ? Number(values.version) : -1; // anything else is a version nobody saved: stale
    const saved = version < 0 ? 'stale' : await saveAssessment(db, version, {
      childId: target.id, subjectId: subject.id, term, groupId, comment: parsed.value.comment, marks: parsed.value.marks,
      publish: parsed.value.publish, by: actor.personId, at: clock.now(),
    });
    if (saved === 'gone') {
      // The admin removed a level, an ability or the subject since the matrix was read: said at the field, the form kept.
      const fresh = await matrixOf(db, target.municipalityId);
      const current = await assessmentOf(db, target.id, subject.id, term);
      const errors = removedFromMatrix(parsed.value.marks, subject, fresh);
      const shown = fresh.subjects.find((s) => s.id === subject.id);
      return renderEdit(req, res, { child, term, matrix: shown ? fresh : matrix, subject: shown ?? subject, saved: current, values }, errors, 409);
    }
    if (saved === 'stale') {
      // Someone saved it since this form was opened: their assessment is shown, what was typed stays in the form.
      const current = await assessmentOf(db, target.id, subject.id, term);
      return renderEdit(req, res, { child, term, matrix, subject, saved: current, values: { ...values, version: String(current?.version ?? 0) } },
        { form: { key: 'assessment.errors.changedSince' } }, 409);
    }
    flash(req, parsed.value.publish ? 'assessment.published' : 'assessment.saved');
    res.redirect(303, `/children/${target.id}/assessment?term=${term}`);
  });

  routes.get('/children/:schoolChildId/assessment/print', 'child.assessment.print', async (req, res, { target }) => {
    const term = termAsked(req.query.term);
    const [child, assessments, plan, adaptations] = await Promise.all([
      childOf(target), assessmentsOfChild(db, target.id, term), planOf(db, target.id, term), adaptationsOfChild(db, target.id),
    ]);
    render(req, res, 'assessment/print', {
      child, term, termName: termLabel(req.t, term), assessments, plan, adaptations: adaptations.filter((a) => a.endedOn === null),
    });
  });

  // --- the class's overview -----------------------------------------------------------------------------------------

  routes.get('/groups/:schoolClassId/assessment', 'schoolClass.assessment.read', async (req, res, { target }) => {
    const term = termAsked(req.query.term);
    const matrix = await matrixOf(db, target.municipalityId);
    const asked = typeof req.query.subject === 'string' ? req.query.subject : '';
    const subject = asked === '' ? matrix.subjects[0] : subjectOf(matrix, asked);
    const day = today(clock);
    const [group, pupils] = await Promise.all([groupPage(db, target.id, day), childrenInGroup(db, target.id, day)]);
    if (!group) throw notFound();
    const childIds = pupils.map((p) => p.id);
    const [statuses, drafts] = subject
      ? await Promise.all([statusesOf(db, childIds, subject.id, term), draftsOf(db, target.id, childIds, subject.id, term)])
      : [new Map(), { ready: 0, unfinished: 0 }];
    render(req, res, 'assessment/class', {
      group, term, termName: termLabel(req.t, term), terms: termsOffered(term).map((value) => ({ value, label: termLabel(req.t, value) })),
      subjects: matrix.subjects, subject,
      pupils: pupils.map((p) => ({ ...p, status: statuses.get(p.id) ?? 'none' })),
      // exactly what publishing takes (written in this class, every level set) and what it leaves out
      drafts: drafts.ready, unfinished: drafts.unfinished,
    });
  });

  routes.post('/groups/:schoolClassId/assessment/publish', 'schoolClass.assessment.publish', async (req, res, { target }) => {
    const term = termAsked(field(req.body, 'term'));
    const matrix = await matrixOf(db, target.municipalityId);
    const subject = subjectOf(matrix, field(req.body, 'subject'));
    const pupils = await childrenInGroup(db, target.id, today(clock));
    const { published, leftOut } = await publishDrafts(db, target.id, pupils.map((p) => p.id), subject.id, term, clock.now());
    flash(req, leftOut === 0 ? { key: 'assessment.class.publishedCount', params: { count: published } }
      : { key: 'assessment.class.publishedLeftOut', params: { count: leftOut, published } });
    res.redirect(303, `/groups/${target.id}/assessment?term=${term}&subject=${subject.id}`);
  });

  // --- the municipality's matrix ------------------------------------------------------------------------------------

  const municipalityOf = async (actor: Actor, requested: string): Promise<AdministeredMunicipality> => {
    const municipality = await administeredMunicipality(db, actor.adminOf, requested);
    if (!municipality) throw notFound();
    return municipality;
  };
  const back = (municipality: AdministeredMunicipality) => `/admin/assessment?municipality=${municipality.chosen.id}`;
  /** After an addition: the page again, or the form's message at its field (the name taken meanwhile). */
  const answer = async (req: Request, res: Response, municipality: AdministeredMunicipality, result: MatrixChangeResult, form: string, errorField: string): Promise<void> => {
    if (result.ok) {
      flash(req, 'assessment.admin.saved');
      return res.redirect(303, back(municipality));
    }
    if (result.error !== 'taken') throw notFound();
    await adminPage(req, res, municipality, form, { [errorField]: { key: 'assessment.admin.errors.nameTaken', params: { name: field(req.body, 'name').trim() } } });
  };

  routes.get('/admin/assessment', 'municipality.assessment.update', async (req, res, { actor }) => {
    const municipality = await municipalityOf(actor, typeof req.query.municipality === 'string' ? req.query.municipality : '');
    await adminPage(req, res, municipality);
  });

  // a level and a subject are added alike: a name unique in the matrix's list of its kind
  const topLevel = [
    { path: '/admin/assessment/levels', form: 'level', names: (m: Matrix) => m.levels.map((l) => l.name), add: addLevel },
    { path: '/admin/assessment/subjects', form: 'subject', names: (m: Matrix) => m.subjects.map((s) => s.name), add: addSubject },
  ] as const;
  for (const kind of topLevel) {
    routes.post(kind.path, 'municipality.assessment.update', async (req, res, { actor }) => {
      const municipality = await municipalityOf(actor, field(req.body, 'municipality'));
      const parsed = parseMatrixName(field(req.body, 'name'), kind.names(await matrixOf(db, municipality.chosen.id)));
      if (!parsed.ok) return adminPage(req, res, municipality, kind.form, prefixed(kind.form, parsed.errors));
      await answer(req, res, municipality, await kind.add(db, municipality.chosen.id, parsed.value, actor.personId, clock.now()), kind.form, `${kind.form}-name`);
    });
  }

  routes.post('/admin/assessment/abilities', 'municipality.assessment.update', async (req, res, { actor }) => {
    const municipality = await municipalityOf(actor, field(req.body, 'municipality'));
    const matrix = await matrixOf(db, municipality.chosen.id);
    const subject = matrix.subjects.find((s) => String(s.id) === field(req.body, 'subjectId'));
    if (!subject) throw notFound();
    const form = `ability-${subject.id}`;
    const parsed = parseMatrixName(field(req.body, 'name'), subject.abilities.map((a) => a.name));
    if (!parsed.ok) return adminPage(req, res, municipality, form, prefixed(form, parsed.errors));
    await answer(req, res, municipality, await addAbility(db, municipality.chosen.id, subject.id, parsed.value, actor.personId, clock.now()), form, `${form}-name`);
  });

  routes.post('/admin/assessment/remove', 'municipality.assessment.update', async (req, res, { actor }) => {
    const municipality = await municipalityOf(actor, field(req.body, 'municipality'));
    const kind = field(req.body, 'kind');
    const id = /^[1-9][0-9]{0,9}$/.test(field(req.body, 'id')) ? Number(field(req.body, 'id')) : NaN;
    if (!isMatrixKind(kind) || !Number.isSafeInteger(id)) throw notFound();
    const result = await removeMatrixEntry(db, municipality.chosen.id, kind, id, actor.personId, clock.now());
    if (result.ok) {
      flash(req, 'assessment.admin.removed');
      return res.redirect(303, back(municipality));
    }
    if (result.error !== 'in-use') throw notFound();
    await adminPage(req, res, municipality, undefined, { [`remove-${kind}-${id}`]: { key: `assessment.admin.errors.inUse.${kind}` } });
  });

  async function adminPage(req: Request, res: Response, municipality: AdministeredMunicipality, form?: string, errors: FieldErrors = {}): Promise<void> {
    const [matrix, changes] = await Promise.all([matrixOf(db, municipality.chosen.id), matrixChanges(db, municipality.chosen.id)]);
    const submitted = Object.keys(errors).length > 0;
    render(req, res, 'assessment/admin', {
      chosen: municipality.chosen, mine: municipality.mine, matrix, changes: changes.map(describeChange), errors, maxLength: NAME_MAX_LENGTH,
      values: submitted && form ? { [`${form}-name`]: field(req.body, 'name') } : {},
    }, submitted ? 400 : 200);
  }
}

/** A form's errors under the names its fields have on the admin page (each form's `name` field is `<form>-name`). */
function prefixed(form: string, errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([name, error]) => [`${form}-${name}`, error]));
}

/** A stored change ("level added: Uppnår") as its catalogue key and the name it is about. */
function describeChange(change: { change: string; by: string; at: string }): { key: string; name: string; by: string; at: string } {
  const m = /^(level|subject|ability) (added|removed): (.*)$/s.exec(change.change);
  return { key: m ? `assessment.admin.changes.${m[1]}.${m[2]}` : 'assessment.admin.changes.other', name: m ? m[3] : change.change, by: change.by, at: change.at };
}

interface EditPage {
  child: ChildSummary; term: string; matrix: Matrix; subject: MatrixSubject;
  saved: Awaited<ReturnType<typeof assessmentOf>>; values: Record<string, string>;
}

function renderEdit(req: Request, res: Response, page: EditPage, errors: FieldErrors = {}, status = 200): void {
  render(req, res, 'assessment/edit', {
    ...page, termName: termLabel(req.t, page.term), levels: page.matrix.levels, errors, maxLength: COMMENT_MAX_LENGTH,
  }, status);
}
