// The staff's comment on a child's day ("Utflykt, ta med matsäck"): shown to the guardians on the week page, kept in
// the child's history, and no change of the day's times (so it never conflicts with a guardian's form).
import { today } from '../kernel/clock.ts';
import { mondayOf, mondayOfWeek } from '../kernel/dates.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { carePlacement, saveStaffComment } from './queries.ts';
import { parseStaffComment, type StaffComment } from './rules.ts';
import { loadWeek, type ChildContext, type ScheduleDeps, type WeekPage } from './load.ts';

export type SaveCommentResult =
  | { ok: true; childId: number; date: string }
  | { ok: false; kind: 'not-found' }
  /** Refused: the errors, what was typed, and the week to show it in (the chosen day's, else the form's). */
  | { ok: false; kind: 'invalid'; page: WeekPage; comment: StaffComment; errors: FieldErrors };

export async function saveComment(
  deps: ScheduleDeps, { actor, account, target }: ChildContext, form: { date: string; text: string; week: string },
): Promise<SaveCommentResult> {
  const day = today(deps.clock);
  const placement = await carePlacement(deps.db, target.id, day);
  if (!placement) return { ok: false, kind: 'not-found' };
  const { comment, errors } = parseStaffComment(form, placement, day);
  if (Object.keys(errors).length) {
    const monday = errors.comment_date ? mondayOfWeek(form.week) ?? mondayOf(day) : mondayOf(comment.date);
    const page = await loadWeek(deps, actor, target, monday);
    if (!page) return { ok: false, kind: 'not-found' };
    return { ok: false, kind: 'invalid', page, comment, errors };
  }
  await saveStaffComment(deps.db, { childId: placement.childId, date: comment.date, text: comment.text || null, by: account.id, now: deps.clock.now() });
  return { ok: true, childId: placement.childId, date: comment.date };
}
