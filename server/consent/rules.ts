// Photo consent's rules: what a child's answers add up to, and what a guardian's or a staff member's form may say.
import type { ConsentAnswer } from '../../db/schema.ts';
import { addMonths, isDate } from '../kernel/dates.ts';
import type { FieldErrors, Parsed } from '../kernel/forms.ts';

/**
 * Where a child stands: 'yes' when every current guardian's latest answer is yes; 'no' when one of them said no (the
 * stricter answer holds); 'unanswered' when nobody said no but someone has not answered (no answer is no consent);
 * 'protected' for a child with protected identity, who never appears in what the whole group sees.
 */
export type ConsentStatus = 'yes' | 'no' | 'unanswered' | 'protected';

export function consentStatus(child: { protectedIdentity: boolean; guardianIds: readonly number[] },
  answers: ReadonlyMap<number, ConsentAnswer>): ConsentStatus {
  if (child.protectedIdentity) return 'protected';
  const current = child.guardianIds.map((id) => answers.get(id));
  if (current.includes('no')) return 'no';
  if (current.length === 0 || current.includes(undefined)) return 'unanswered';
  return 'yes';
}

/** May the child appear in a group post: the one question the documentation asks. */
export const hasGroupConsent = (status: ConsentStatus): boolean => status === 'yes';

function parseAnswer(raw: string): ConsentAnswer | undefined {
  return raw === 'yes' || raw === 'no' ? raw : undefined;
}

/** A guardian's own answer: yes or no. */
export function parseGuardianAnswer(form: (name: string) => string): Parsed<{ answer: ConsentAnswer }> {
  const answer = parseAnswer(form('answer'));
  if (!answer) return { ok: false, errors: { answer: { key: 'consent.errors.answerMissing' } } };
  return { ok: true, value: { answer } };
}

/** How far back a paper answer may be dated: a paper from the last two years (a form signed at enrolment). */
export const PAPER_MONTHS_BACK = 24;

export interface PaperAnswer { guardianId: number; answer: ConsentAnswer; answeredOn: string }

/**
 * A guardian's answer on paper, entered by staff (the fields guardian, paper_answer, answered_on): whose answer (one
 * of the child's current guardians), yes or no, and the day written on the paper (today or earlier, at most two years
 * back; none given: today).
 */
export function parsePaperAnswer(form: (name: string) => string, context: { today: string; guardianIds: readonly number[] }): Parsed<PaperAnswer> {
  const errors: FieldErrors = {};
  const guardianId = Number(form('guardian'));
  if (!context.guardianIds.includes(guardianId)) errors.guardian = { key: 'consent.errors.guardianMissing' };
  const answer = parseAnswer(form('paper_answer'));
  if (!answer) errors.paper_answer = { key: 'consent.errors.answerMissing' };
  const answeredOn = form('answered_on').trim() || context.today;
  const earliest = addMonths(context.today, -PAPER_MONTHS_BACK);
  if (!isDate(answeredOn)) errors.answered_on = { key: 'consent.errors.dateFormat' };
  else if (answeredOn > context.today) errors.answered_on = { key: 'consent.errors.dateFuture' };
  else if (answeredOn < earliest) errors.answered_on = { key: 'consent.errors.dateTooOld', dates: { date: earliest } };
  if (!answer || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { guardianId, answer, answeredOn } };
}
