// The municipality's statements about Vardag, linked from every page's footer: how personal data is handled (the
// data protection notice) and how accessible the service is (the accessibility statement). Public: anyone may read
// them. Each municipality's admins write them on /admin/statements; the accessibility statement adds how the project
// itself tested Vardag (test-results.json).
import type { Request, Response } from 'express';
import type { Clock } from '../kernel/clock.ts';
import { today } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import type { PersonalDataRegistry } from '../kernel/personal-data.ts';
import { field, flash, notFound, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { administeredMunicipality } from '../people/audit-scope.ts';
import { adminPage, publicMunicipality, publicPage, savePart, type SavePart } from './pages.ts';
import { parseAccessibility, parsePrivacy, parseVersion } from './rules.ts';

/** `personalData`: what each domain keeps of a child who left and for how long (the notice lists it under retention). */
interface Deps { db: Db; clock: Clock; personalData: PersonalDataRegistry }

export function aboutRoutes(routes: RouteTable, { db, clock, personalData }: Deps): void {
  for (const page of ['privacy', 'accessibility'] as const) {
    routes.publicGet(`/${page}`, async (req, res) => {
      const municipality = await publicMunicipality(db, req);
      if (!municipality) throw notFound();
      render(req, res, `about/${page}`, { ...(await publicPage(db, personalData, municipality.chosen)), all: municipality.all });
    });
  }

  routes.get('/admin/statements', 'municipality.statements.update', async (req, res, { actor }) => {
    const municipality = await administeredMunicipality(db, actor.adminOf, typeof req.query.municipality === 'string' ? req.query.municipality : '');
    if (!municipality) throw notFound();
    render(req, res, 'about/admin', await adminPage(db, municipality));
  });

  for (const part of ['privacy', 'accessibility'] as const) {
    routes.post(`/admin/statements/${part}`, 'municipality.statements.update', async (req, res, { actor, account }) => {
      const municipality = await administeredMunicipality(db, actor.adminOf, field(req.body, 'municipality'));
      if (!municipality) throw notFound();
      const form = (name: string) => field(req.body, name);
      const parsed = part === 'privacy' ? parsePrivacy(form) : parseAccessibility(form, today(clock));
      const refused = (errors: FieldErrors) => refuse(req, res, db, municipality, errors);
      if (!parsed.ok) return refused(parsed.errors);
      const save = { part, value: parsed.value } as SavePart;
      const saved = await savePart(db, municipality.chosen.id, parseVersion(form('version')), save, account.id, clock.now());
      if (!saved.ok) return refused({ form: { key: 'about.errors.changedMeanwhile' } });
      flash(req, `about.admin.saved.${part}`);
      res.redirect(303, `/admin/statements?municipality=${municipality.chosen.id}#${part}`);
    });
  }
}

/** The admin's page again, with what was typed in the form sent and the message at its field. */
async function refuse(req: Request, res: Response, db: Db, municipality: Parameters<typeof adminPage>[1], errors: FieldErrors): Promise<void> {
  const typed = Object.fromEntries(Object.keys(req.body ?? {}).filter((k) => k !== '_csrf' && k !== 'version').map((k) => [k, field(req.body, k)]));
  render(req, res, 'about/admin', await adminPage(db, municipality, typed, errors), 400);
}
