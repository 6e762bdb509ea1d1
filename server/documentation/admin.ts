// The municipality's documentation settings page for its admins (/admin/documentation): how large and long one
// uploaded photo, video or sound may be, how many days a child's portfolio can still be downloaded after the last
// placement ended, and whether documentation needs a strong login; every change listed with who and when.
import type { Request, Response } from 'express';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { administeredMunicipality, type AdministeredMunicipality } from '../people/audit-scope.ts';
import { NUMBER_FIELDS, formValues, parseDocumentationSettings, STRONG_LOGIN_FIELD } from './admin-rules.ts';
import { documentationSettings, documentationSettingsChanges, saveDocumentationSettings } from './settings.ts';

/**
 * `eIdAvailable`: whether the municipality has a strong login method, its e-ID broker (BankID, Freja eID; app.ts asks
 * server/e-id/settings.ts, which asks this domain's settings in turn: handed in, so the two do not import each other).
 */
interface Deps { db: Db; clock: Clock; eIdAvailable: (municipalityId: number) => Promise<boolean> }

export function documentationAdminRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/admin/documentation', 'municipality.documentation.update', async (req, res, { actor }) => {
    const municipality = await administeredMunicipality(db, actor.adminOf, typeof req.query.municipality === 'string' ? req.query.municipality : '');
    if (!municipality) throw notFound();
    await settingsPage(req, res, deps, municipality);
  });

  routes.post('/admin/documentation', 'municipality.documentation.update', async (req, res, { actor, account }) => {
    const municipality = await administeredMunicipality(db, actor.adminOf, field(req.body, 'municipality'));
    if (!municipality) throw notFound();
    const parsed = parseDocumentationSettings((name) => field(req.body, name), await deps.eIdAvailable(municipality.chosen.id));
    if (!parsed.ok) return settingsPage(req, res, deps, municipality, parsed.errors);
    const changed = await saveDocumentationSettings(db, municipality.chosen.id, parsed.value, account.personId, clock.now());
    flash(req, changed.length > 0 ? 'documentation.admin.saved' : 'documentation.admin.unchanged');
    res.redirect(303, `/admin/documentation?municipality=${municipality.chosen.id}`);
  });
}

async function settingsPage(
  req: Request, res: Response, { db, eIdAvailable }: Deps, municipality: AdministeredMunicipality, errors: FieldErrors = {},
): Promise<void> {
  const [settings, changes, available] = await Promise.all([
    documentationSettings(db, municipality.chosen.id), documentationSettingsChanges(db, municipality.chosen.id),
    eIdAvailable(municipality.chosen.id),
  ]);
  const submitted = Object.keys(errors).length > 0;
  const values = submitted
    ? Object.fromEntries(Object.values(NUMBER_FIELDS).map(({ field: name }) => [name, field(req.body, name)]))
    : formValues(settings);
  const strongLogin = submitted ? field(req.body, STRONG_LOGIN_FIELD) === 'yes' : settings.strongLogin;
  render(req, res, 'documentation/admin', {
    chosen: municipality.chosen, mine: municipality.mine, fields: NUMBER_FIELDS, values, errors, strongLogin,
    strongLoginOn: settings.strongLogin, strongLoginAvailable: available, changes,
  }, submitted ? 400 : 200);
}
