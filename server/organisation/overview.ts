// The admin's overview (/admin): one link per section of the admin pages, each with a line on what it is for. A
// section is listed once its page exists (a route of the app), so each domain's section appears as it is built.
import type { RouteEntry } from '../kernel/http.ts';

/** A section of the admin pages: its page, and its catalogue key (`organisation.sections.<key>.title` and `.hint`). */
export interface AdminSection { key: string; path: string }

const SECTIONS: readonly AdminSection[] = [
  { key: 'areas', path: '/admin/areas' },
  { key: 'units', path: '/admin/units' },
  { key: 'staff', path: '/admin/staff' },
  { key: 'children', path: '/admin/children' },
  { key: 'import', path: '/admin/import' },
  { key: 'statements', path: '/admin/statements' },
  { key: 'documentation', path: '/admin/documentation' },
  { key: 'assessment', path: '/admin/assessment' },
  { key: 'login', path: '/admin/login' },
  { key: 'audit', path: '/admin/audit' },
  { key: 'jobs', path: '/admin/jobs' },
];

/** The sections whose page the app serves. */
export function adminSections(routes: readonly RouteEntry[]): AdminSection[] {
  const served = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.path));
  return SECTIONS.filter((s) => served.has(s.path));
}
