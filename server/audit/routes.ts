// The audit trail for a municipality's admins (/admin/audit): searched by the child's name, the name of who read or
// changed, the action and the days, a page of 50 at a time, and exported whole as CSV. Nothing here edits the trail:
// there is no route that could. Taking the CSV is itself recorded (its action is audited).
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { notFound, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { administeredMunicipality, type AdministeredMunicipality } from '../people/audit-scope.ts';
import { AUDITED_ACTIONS, csvCell, FORM_FIELDS, parseAuditSearch, parsePage, type AuditForm } from './rules.ts';
import { everyAuditHit, PAGE_SIZE, searchAuditTrail } from './search.ts';

interface Deps { db: Db; clock: Clock }

const CSV_COLUMNS = ['at', 'accountId', 'personId', 'personName', 'action', 'childId', 'childName', 'recordId', 'method', 'outcome'] as const;

export function auditRoutes(routes: RouteTable, { db, clock }: Deps): void {
  const municipalityOf = async (req: Request, adminOf: ReadonlySet<number>) => {
    const m = await administeredMunicipality(db, adminOf, query(req, 'municipality'));
    if (!m) throw notFound();
    return m;
  };

  routes.get('/admin/audit', 'municipality.audit.read', async (req, res, { actor }) => {
    const municipality = await municipalityOf(req, actor.adminOf);
    const form = formOf(req);
    const parsed = parseAuditSearch(form, municipality.chosen.id);
    if (!parsed.ok) return page(req, res, municipality, form, { errors: parsed.errors }, 400);
    const current = parsePage(req.query.page);
    const found = await searchAuditTrail(db, parsed.value, current);
    page(req, res, municipality, form, { ...found, page: current, pages: Math.max(1, Math.ceil(found.total / PAGE_SIZE)) });
  });

  routes.get('/admin/audit/export', 'municipality.audit.export', async (req, res, { actor }) => {
    const municipality = await municipalityOf(req, actor.adminOf);
    const parsed = parseAuditSearch(formOf(req), municipality.chosen.id);
    if (!parsed.ok) return page(req, res, municipality, formOf(req), { errors: parsed.errors }, 400);
    res.type('text/csv; charset=utf-8').attachment(`granskningslogg-${today(clock)}.csv`);
    // A byte order mark, so that a spreadsheet reads å, ä and ö as UTF-8; `;` as Swedish spreadsheets expect.
    res.write(`\uFEFF${CSV_COLUMNS.join(';')}\r\n`);
    for await (const hits of everyAuditHit(db, parsed.value)) {
      res.write(hits.map((h) => `${CSV_COLUMNS.map((c) => csvCell(h[c])).join(';')}\r\n`).join(''));
    }
    res.end();
  });
}

function query(req: Request, name: string): string {
  const value = req.query[name];
  return typeof value === 'string' ? value : '';
}

function formOf(req: Request): AuditForm {
  return Object.fromEntries(FORM_FIELDS.map((f) => [f, query(req, f)])) as unknown as AuditForm;
}

function page(req: Request, res: Response, municipality: AdministeredMunicipality, form: AuditForm, data: Record<string, unknown>, status = 200): void {
  const search = new URLSearchParams({ municipality: String(municipality.chosen.id), ...form });
  render(req, res, 'audit/page', { ...municipality, values: form, actions: AUDITED_ACTIONS, search: search.toString(),
    hits: [], total: 0, page: 1, pages: 1, ...data }, status);
}
