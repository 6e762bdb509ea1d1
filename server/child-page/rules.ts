// The rules of the child's own page: what its forms accept, who may write in the guestbook and remove from it, and who
// sees the page's links to change it.
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import type { Actor } from '../kernel/policy.ts';
import type { Located } from '../kernel/http.ts';

/** The presentation's longest text (characters), and a guestbook greeting's. */
export const PRESENTATION_MAX = 2000;
export const GREETING_MAX = 1000;

/** Line breaks as one kind (a browser sends \r\n), trailing spaces gone. */
function tidy(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

/** The presentation and the version of the page the form was read at. */
export function parsePresentation(typed: { presentation: string; version: string }): Parsed<{ presentation: string; version: number }> {
  const presentation = tidy(typed.presentation);
  const version = /^(0|[1-9][0-9]{0,8})$/.test(typed.version) ? Number(typed.version) : undefined;
  const errors: FieldErrors = {};
  if (presentation.length > PRESENTATION_MAX) errors.presentation = { key: 'childPage.errors.presentationTooLong', params: { max: PRESENTATION_MAX } };
  if (version === undefined) errors.form = { key: 'childPage.errors.stale' };
  if (Object.keys(errors).length > 0 || version === undefined) return { ok: false, errors };
  return { ok: true, value: { presentation, version } };
}

/** A guestbook greeting: some text, not too long. */
export function parseGreeting(typed: string): Parsed<string> {
  const body = tidy(typed);
  if (body === '') return { ok: false, errors: { greeting: { key: 'childPage.errors.greetingMissing' } } };
  if (body.length > GREETING_MAX) return { ok: false, errors: { greeting: { key: 'childPage.errors.greetingTooLong', params: { max: GREETING_MAX } } } };
  return { ok: true, value: body };
}

/**
 * Whether the user writes as the group's staff (their greeting is marked so): staff of one of the child's groups, the
 * unit's head or the municipality's admin — unless they are the child's own guardian, who writes from home.
 */
export function writesAsStaff(actor: Actor, child: Located): boolean {
  if (child.childIds.some((id) => actor.guardianOf.has(id)) || (actor.isStudent && child.childIds.includes(actor.personId))) return false;
  return child.groupIds.some((id) => actor.staffGroups.has(id)) || child.unitIds.some((id) => actor.headOf.has(id))
    || actor.adminOf.has(child.municipalityId);
}
