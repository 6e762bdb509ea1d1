// The registry import's pages (/admin/import): a municipality's admin uploads the registry's CSV export, sees exactly
// what it would change and who it would reach, and approves it; nothing is applied before a clean preview is approved.
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import { stockholmDate, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, parseId, type Located, type RouteTable } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { registryMailer } from '../invitations/registry-invitations.ts';
import { municipalityTerms } from '../people/municipality-terms.ts';
import { recentImports, storedImport, storeImportFile } from '../people/registry-sync.ts';
import { applyImport, previewImport, type Preview } from './import.ts';
import { COLUMNS, decodeFile, ENCODING_NAMES, REQUIRED_COLUMNS, type ColumnMapping, type Encoding } from './layout.ts';
import { massEndText, problemText, reachCsv } from './report.ts';
import { pageOf, planCounts, previewPaging, reachByHow } from './rules.ts';
import { uploadedFile } from './upload.ts';

interface Deps { db: Db; clock: Clock; config: Config }

/** How many rows of each of the preview's lists one page shows (a first import of a large municipality lists tens of thousands). */
export const PREVIEW_PAGE_SIZE = 100;

export function registryImportRoutes(routes: RouteTable, { db, clock, config }: Deps): void {
  const mail = registryMailer(config);

  const indexPage = async (req: Request, res: Response, actor: Actor, errors: FieldErrors = {}) => {
    const municipalityIds = [...actor.adminOf].sort((a, b) => a - b);
    const municipalities = await Promise.all(municipalityIds.map(async (id) => ({ id, name: (await municipalityTerms(db, id))?.name ?? '' })));
    const imports = (await Promise.all(municipalityIds.map((id) => recentImports(db, id)))).flat().sort((a, b) => b.id - a.id)
      .map((i) => ({ ...i, appliedOn: i.appliedAt ? stockholmDate(new Date(i.appliedAt)) : null }));
    const values = { municipality: field(req.body, 'municipality'), text: field(req.body, 'text') };
    render(req, res, 'registry-import/index', { municipalities, imports, columns: COLUMNS, required: REQUIRED_COLUMNS, errors, values },
      Object.keys(errors).length ? 400 : 200);
  };

  routes.get('/admin/import', 'registryImport.create', (req, res, { actor }) => indexPage(req, res, actor));

  routes.post('/admin/import', 'registryImport.create', async (req, res, { actor }) => {
    const municipality = chosenMunicipality(field(req.body, 'municipality'), actor.adminOf);
    const file = uploadedFile(req);
    const pasted = field(req.body, 'text');
    const errors: FieldErrors = {};
    if (municipality === undefined) errors.municipality = { key: 'registryImport.errors.municipality' };
    if (!file && pasted.trim() === '') errors.file = { key: 'registryImport.errors.noFile' };
    if (municipality === undefined || (!file && pasted.trim() === '')) return indexPage(req, res, actor, errors);
    const decoded = file ? decodeFile(file.bytes) : { text: pasted, encoding: 'utf-8' as const };
    const id = await storeImportFile(db, {
      municipalityId: municipality, fileName: (file?.name ?? '').slice(0, 200), encoding: decoded.encoding,
      content: decoded.text.replaceAll('\u0000', ''), by: actor.personId, at: clock.now(),
    });
    res.redirect(303, `/admin/import/${id}`);
  });

  routes.get('/admin/import/:registryImportId', 'registryImport.read', async (req, res, { target }) => {
    const stored = await storedImport(db, target.id);
    if (!stored) throw notFound();
    if (stored.appliedAt) {
      const counts = JSON.parse(stored.summary ?? '{}') as Record<string, number>;
      return render(req, res, 'registry-import/applied', { appliedOn: stockholmDate(new Date(stored.appliedAt)), counts });
    }
    const mapping = mappingFrom(req.query as Record<string, unknown>);
    const preview = await previewImport(db, { municipalityId: stored.municipalityId, text: stored.content, encoding: stored.encoding as Encoding, mapping, today: today(clock) });
    renderPreview(req, res, target, stored.fileName, preview, mapping);
  });

  // Who the import's invitations reach, whole, for the admin's own checking (the page shows it a page at a time).
  routes.get('/admin/import/:registryImportId/reached.csv', 'registryImport.export', async (req, res, { target }) => {
    const stored = await storedImport(db, target.id);
    if (!stored || stored.appliedAt) throw notFound();
    const mapping = mappingFrom(req.query as Record<string, unknown>);
    const preview = await previewImport(db, { municipalityId: stored.municipalityId, text: stored.content, encoding: stored.encoding as Encoding, mapping, today: today(clock) });
    if (!preview.plan) throw notFound();
    res.type('text/csv; charset=utf-8').attachment(`inbjudningar-import-${target.id}.csv`).send(reachCsv(preview.plan.reach));
  });

  routes.post('/admin/import/:registryImportId/apply', 'registryImport.apply', async (req, res, { actor, account, target }) => {
    const stored = await storedImport(db, target.id);
    if (!stored) throw notFound();
    const mapping = mappingFrom(req.body as Record<string, unknown>);
    if (stored.appliedAt) {
      flash(req, 'registryImport.appliedAlready');
      return res.redirect(303, `/admin/import/${target.id}`);
    }
    const outcome = await applyImport(db, {
      municipalityId: stored.municipalityId, text: stored.content, encoding: stored.encoding as Encoding, mapping, today: today(clock), now: clock.now(),
      approvedDigest: field(req.body, 'digest'), allowMassEnd: field(req.body, 'confirm_mass_end') === 'yes',
      by: { personId: actor.personId, accountId: account.id }, source: 'import', importId: target.id, mail,
    });
    if (outcome.ok) {
      flash(req, 'registryImport.applied');
      return res.redirect(303, `/admin/import/${target.id}`);
    }
    if (outcome.error === 'applied-already') {
      flash(req, 'registryImport.appliedAlready');
      return res.redirect(303, `/admin/import/${target.id}`);
    }
    const plan = 'plan' in outcome ? outcome.plan : undefined;
    const errors: FieldErrors = outcome.error === 'mass-end' ? { confirm_mass_end: { key: 'registryImport.errors.massEnd' } }
      : { form: { key: outcome.error === 'changed-since-preview' ? 'registryImport.errors.changed' : 'registryImport.errors.notClean' } };
    renderPreview(req, res, target, stored.fileName, { file: outcome.file, plan }, mapping, errors);
  });
}

function renderPreview(req: Request, res: Response, target: Located, fileName: string, preview: Preview, mapping: ColumnMapping, errors: FieldErrors = {}): void {
  const counts = preview.plan ? planCounts(preview.plan) : undefined;
  const t = req.t;
  const mappingQuery = new URLSearchParams(Object.entries(mapping).map(([column, name]) => [`map_${column}`, name ?? ''])).toString();
  render(req, res, 'registry-import/preview', {
    id: target.id, fileName, file: preview.file, plan: preview.plan, counts, mapping, columns: COLUMNS, required: REQUIRED_COLUMNS, errors,
    problem: preview.file.problem ? problemText(t, preview.file.problem) : null, encodingName: ENCODING_NAMES[preview.file.encoding],
    massEnd: preview.plan?.massEnd ? massEndText(t, preview.plan.massEnd) : null,
    paging: previewPaging(req.query as Record<string, unknown>), size: PREVIEW_PAGE_SIZE, mappingQuery,
    reachBy: preview.plan ? reachByHow(preview.plan.reach) : {}, pageOf,
  }, Object.keys(errors).length ? 400 : 200);
}

/** The municipality the upload is for: the one the admin chose, or their only one. */
export function chosenMunicipality(raw: string, adminOf: ReadonlySet<number>): number | undefined {
  if (raw === '' && adminOf.size === 1) return [...adminOf][0];
  const id = parseId(raw);
  return id !== undefined && adminOf.has(id) ? id : undefined;
}

/** The column mapping of a form or query: `map_<column>` names the file's column for ours. */
export function mappingFrom(values: Record<string, unknown> | undefined): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const column of COLUMNS) {
    const value = values?.[`map_${column}`];
    if (typeof value === 'string' && value.trim() !== '') mapping[column] = value.trim().slice(0, 100);
  }
  return mapping;
}
