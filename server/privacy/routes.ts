// Privacy pages: a municipality's admin sets how long each kind of record of a child who left is kept (and each kind
// kept for a time whoever it is about: uploaded registry files, sent mails), sees who changed the periods when, finds
// a person and downloads their register extract; a signed-in user downloads their own (and their children's) from their settings.
import type { Request, Response } from 'express';
import type { Eta } from 'eta';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type RouteTable } from '../kernel/http.ts';
import { MIN_RETENTION_DAYS, type ExtractPart, type ExtractSubject, type PersonalDataRegistry } from '../kernel/personal-data.ts';
import { isStrongFor } from '../kernel/policy.ts';
import { strongLoginUrl } from '../accounts/step-up.ts';
import { render } from '../kernel/views.ts';
import { municipalityTerms } from '../people/municipality-terms.ts';
import { findPersons, personForExtract } from '../people/personal-data.ts';
import { buildExtract, FLAG_COLUMNS, type ExtractDocument } from './extract.ts';
import { retentionChanges, retentionPeriods, saveRetentionPeriods, type RetentionChange } from './queries.ts';
import { effectiveDays, effectiveMonths } from './retention.ts';
import { daysField, maskedIdentity, monthsField, pageNumber, parseRetentionDays, parseRetentionPeriods } from './rules.ts';

interface Deps { db: Db; clock: Clock; personalData: PersonalDataRegistry }

export function privacyRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock, personalData } = deps;

  routes.get('/municipalities/:municipalityId/privacy', 'municipality.privacy.read', (req, res, { target }) => privacyPage(req, res, deps, target.id));

  routes.post('/municipalities/:municipalityId/privacy/retention', 'municipality.retention.update', async (req, res, { account, target }) => {
    const value = (name: string) => field(req.body, name);
    const months = parseRetentionPeriods(personalData.rules(), personalData.minimumMonths(), value);
    const days = parseRetentionDays(personalData.timedRules(), value);
    if (!months.ok || !days.ok) {
      return privacyPage(req, res, deps, target.id, { ...(months.ok ? {} : months.errors), ...(days.ok ? {} : days.errors) });
    }
    const defaults = new Map([...personalData.defaults()].map(([kind, period]) => [kind, period.length]));
    await saveRetentionPeriods(db, target.id, { months: months.value, days: days.value, defaults }, account.personId, clock.now());
    flash(req, 'personalData.retention.saved');
    res.redirect(303, `/municipalities/${target.id}/privacy#retention`);
  });

  routes.get('/admin/people/:personId/extract', 'person.extract.read', async (req, res, { target }) => {
    const [person, subject] = await Promise.all([personForExtract(db, target.id), personalData.subjectOf(db, target.id)]);
    if (!person || !subject) throw notFound();
    const part = await personalData.extract(db, subject); // (never the records that need a strong login: not the admin's to read)
    render(req, res, 'privacy/person', {
      contents: extractContents(part, subject.childIds), withheld: part.withheld,
      person: { id: person.id, name: `${person.first_name} ${person.last_name}`, birthDate: person.birth_date,
        identity: maskedIdentity(person.identity_number), protectedIdentity: person.protected_identity === 1 },
      municipalityId: target.municipalityId,
    });
  });

  routes.get('/admin/people/:personId/extract/download', 'person.extract.read', (req, res, { target }) => sendExtract(req, res, deps, target.id));

  // A pupil's school records (assessment, IUP, adaptations) need a strong login: on a weak session the page says they
  // are left out and gives the way to BankID (the step-up returns here).
  routes.get('/settings/extract', 'account.extract.read', async (req, res, { actor, account }) => {
    const subject = await personalData.subjectOf(db, account.personId);
    const weak = subject !== null && subject.childIds.length > 0 && !isStrongFor(actor, subject);
    render(req, res, 'privacy/own', { stepUpUrl: weak ? strongLoginUrl('/settings/extract', subject.municipalityId) : null });
  });

  routes.get('/settings/extract/download', 'account.extract.read', (req, res, { actor, account }) => sendExtract(req, res, deps, account.personId,
    (subject) => isStrongFor(actor, subject)));
}

async function privacyPage(req: Request, res: Response, { db, personalData }: Deps, municipalityId: number, errors: FieldErrors = {}): Promise<void> {
  const municipality = await municipalityTerms(db, municipalityId);
  if (!municipality) throw notFound();
  const [periods, dayPeriods, changes] = await Promise.all([
    retentionPeriods(db, municipalityId), retentionPeriods(db, municipalityId, 'days'), retentionChanges(db, municipalityId),
  ]);
  const kinds = personalData.rules().map((rule) => ({
    kind: rule.kind, field: monthsField(rule.kind), defaultMonths: rule.defaultMonths, months: effectiveMonths(personalData, rule, periods),
  }));
  const timedKinds = personalData.timedRules().map((rule) => ({
    kind: rule.kind, field: daysField(rule.kind), defaultDays: rule.defaultDays, days: effectiveDays(rule, dayPeriods),
  }));
  const submitted = Object.keys(errors).length > 0;
  const values = Object.fromEntries([
    ...kinds.map((k) => [k.field, submitted ? field(req.body, k.field) : String(k.months)]),
    ...timedKinds.map((k) => [k.field, submitted ? field(req.body, k.field) : String(k.days)]),
  ]);
  const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 100) : '';
  const page = pageNumber(req.query.page);
  const found = q ? await findPersons(db, municipalityId, q, page) : { persons: [], more: false };
  render(req, res, 'privacy/admin', {
    municipality: { id: municipality.id, name: municipality.name }, kinds, timedKinds, values, errors, minimum: personalData.minimumMonths(),
    minimumDays: MIN_RETENTION_DAYS, changes: shownChanges(personalData, changes), q, page, persons: found.persons, more: found.more,
  }, submitted ? 400 : 200);
}

/** The changes of kinds the registry still declares, each with the kind's default (what a change from no period of its own was from). */
function shownChanges(registry: PersonalDataRegistry, changes: readonly RetentionChange[]) {
  const defaults = registry.defaults();
  return changes.filter((c) => defaults.get(c.kind)?.unit === c.unit).map((c) => ({ ...c, defaultLength: defaults.get(c.kind)?.length }));
}

/** What an extract holds, for the page before it is downloaded: per child (null: the person's own), how many rows of each section. */
function extractContents(part: ExtractPart, childIds: readonly number[]) {
  const named = (childId: number) => {
    const row = part.sections.find((s) => s.title === 'personalData.sections.person' && s.childId === childId)?.rows[0];
    return row ? `${String(row.first_name)} ${String(row.last_name)}` : '';
  };
  return [null, ...childIds].map((childId) => ({
    child: childId === null ? null : named(childId),
    sections: part.sections.filter((s) => s.childId === childId).map((s) => ({ title: s.title, rows: s.rows.length })),
    files: [...(part.files ?? []), ...(part.stored ?? [])].filter((f) => f.childId === childId).length,
  }));
}

/** `strong`: whether the records that need a strong login go in (the person themself, strong for their municipality). */
async function sendExtract(req: Request, res: Response, { db, clock, personalData }: Deps, personId: number,
  strong: (subject: ExtractSubject) => boolean = () => false): Promise<void> {
  const eta = res.app.locals.eta as Eta;
  const html = (document: ExtractDocument) => eta.render('privacy/document', {
    t: req.t, lang: req.language.code, dir: req.language.dir, document, flags: FLAG_COLUMNS,
  });
  const extract = await buildExtract(db, personalData, personId, clock.now(), html, strong);
  if (!extract) throw notFound();
  res.set('Content-Disposition', `attachment; filename="registerutdrag-${today(clock)}.zip"`);
  res.type('application/zip');
  await extract.write(res);
}
