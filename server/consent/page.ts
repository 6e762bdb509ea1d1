// What the consent pages show: one child's consent (a guardian's own answer; for staff each guardian's answer and the
// history), and the group's reference list; and the two ways an answer is given (a guardian in Vardag, staff from paper).
import type { ConsentAnswer, ConsentSource } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { childRecord, personNames } from '../people/placements.ts';
import { childrenInGroup, groupWithUnit, guardiansOfChildren, type GroupWithUnit } from '../people/queries.ts';
import { answerHistory, answersByChild, currentAnswers, recordAnswer } from './queries.ts';
import { consentStatus, parseGuardianAnswer, parsePaperAnswer, type ConsentStatus } from './rules.ts';
import { childrenWithPicture } from '../child-page/queries.ts';

export interface ShownAnswer { answer: ConsentAnswer; source: ConsentSource; answeredOn: string; recordedBy: string; recordedAt: string }

export interface GuardianConsent { id: number; name: string; current: ShownAnswer | undefined }

export interface HistoryEntry extends ShownAnswer { guardian: string }

export interface ChildConsentPage {
  child: { id: number; firstName: string; lastName: string; protectedIdentity: boolean };
  status: ConsentStatus;
  /** The viewer's own current answer, when the viewer is a guardian of the child. */
  mine: ShownAnswer | undefined;
  isGuardian: boolean;
  /** Each guardian's answer and every answer ever given: for staff only (a guardian sees their own, not the other home's). */
  guardians: GuardianConsent[];
  history: HistoryEntry[];
}

/** The child's consent as the viewer may see it; undefined when the child is not in the register. */
export async function childConsentPage(db: Db, childId: number, viewer: { personId: number; isGuardian: boolean; isStaff: boolean }): Promise<ChildConsentPage | undefined> {
  const child = await childRecord(db, childId);
  if (!child) return undefined;
  const [answers, history] = await Promise.all([currentAnswers(db, [childId]), viewer.isStaff || viewer.isGuardian ? answerHistory(db, childId) : []]);
  const names = await personNames(db, [...new Set([...history.flatMap((h) => [h.guardianId, h.recordedBy]), ...answers.map((a) => a.recordedBy)])]);
  const shown = (a: { answer: ConsentAnswer; source: ConsentSource; answeredOn: string; recordedBy: number; recordedAt: string }): ShownAnswer => ({
    answer: a.answer, source: a.source, answeredOn: a.answeredOn, recordedBy: names.get(a.recordedBy) ?? '', recordedAt: a.recordedAt,
  });
  const byGuardian = new Map(answers.map((a) => [a.guardianId, a]));
  const status = consentStatus({ protectedIdentity: child.protectedIdentity, guardianIds: child.guardians.map((g) => g.id) },
    new Map(answers.map((a) => [a.guardianId, a.answer])));
  const own = byGuardian.get(viewer.personId);
  const visibleHistory = viewer.isStaff ? history : history.filter((h) => h.guardianId === viewer.personId);
  return {
    child: { id: child.id, firstName: child.firstName, lastName: child.lastName, protectedIdentity: child.protectedIdentity },
    status,
    mine: viewer.isGuardian && own ? shown(own) : undefined,
    isGuardian: viewer.isGuardian,
    guardians: viewer.isStaff ? child.guardians.map((g) => {
      const a = byGuardian.get(g.id);
      return { id: g.id, name: `${g.firstName} ${g.lastName}`, current: a && shown(a) };
    }) : [],
    history: visibleHistory.map((h) => ({ ...shown(h), guardian: names.get(h.guardianId) ?? '' })),
  };
}

export type AnswerOutcome = { ok: true; changed: boolean } | { ok: false; error: 'protected' } | { ok: false; error: 'gone' } | { ok: false; error: 'invalid'; errors: FieldErrors };

/** A guardian gives or withdraws their own consent. */
export async function giveAnswer(db: Db, input: { childId: number; guardianId: number; form: (name: string) => string; today: string; now: Date }): Promise<AnswerOutcome> {
  const child = await childRecord(db, input.childId);
  // (the policy let a guardian of the child through; a guardianship ended since is not found)
  if (!child?.guardians.some((g) => g.id === input.guardianId)) return { ok: false, error: 'gone' };
  if (child.protectedIdentity) return { ok: false, error: 'protected' };
  const parsed = parseGuardianAnswer(input.form);
  if (!parsed.ok) return { ok: false, error: 'invalid', errors: parsed.errors };
  const { changed } = await recordAnswer(db, {
    childId: input.childId, guardianId: input.guardianId, answer: parsed.value.answer, source: 'guardian', answeredOn: input.today,
    recordedBy: input.guardianId, at: input.now,
  });
  return { ok: true, changed };
}

/** Staff enter a guardian's answer from paper: whose, which, and the day on the paper. */
export async function recordPaperAnswer(db: Db, input: { childId: number; staffId: number; form: (name: string) => string; today: string; now: Date }): Promise<AnswerOutcome> {
  const child = await childRecord(db, input.childId);
  if (!child) return { ok: false, error: 'gone' };
  if (child.protectedIdentity) return { ok: false, error: 'protected' };
  const parsed = parsePaperAnswer(input.form, { today: input.today, guardianIds: child.guardians.map((g) => g.id) });
  if (!parsed.ok) return { ok: false, error: 'invalid', errors: parsed.errors };
  const { changed } = await recordAnswer(db, {
    childId: input.childId, guardianId: parsed.value.guardianId, answer: parsed.value.answer, source: 'paper',
    answeredOn: parsed.value.answeredOn, recordedBy: input.staffId, at: input.now,
  });
  return { ok: true, changed };
}

export interface ListedChild {
  id: number; firstName: string; lastName: string; status: ConsentStatus; hasPicture: boolean;
  /** How many of the child's guardians answered yes, of how many. */
  yes: number; guardians: number;
}

export interface ReferenceList {
  group: GroupWithUnit;
  children: ListedChild[];
  counts: Record<ConsentStatus, number>;
}

/** The group's reference list: each child placed in it now, with picture and consent, by first name. */
export async function referenceList(db: Db, groupId: number, today: string): Promise<ReferenceList | undefined> {
  const group = await groupWithUnit(db, groupId);
  if (!group) return undefined;
  const placed = await childrenInGroup(db, groupId, today);
  const ids = placed.map((c) => c.id);
  const [answers, guardians, pictures] = await Promise.all([
    currentAnswers(db, ids).then(answersByChild), guardiansOfChildren(db, ids), childrenWithPicture(db, ids),
  ]);
  const counts: Record<ConsentStatus, number> = { yes: 0, no: 0, unanswered: 0, protected: 0 };
  const children = placed.map((c): ListedChild => {
    const guardianIds = (guardians.get(c.id) ?? []).map((g) => g.id);
    const of = answers.get(c.id) ?? new Map<number, ConsentAnswer>();
    const status = consentStatus({ protectedIdentity: c.protectedIdentity, guardianIds }, of);
    counts[status] += 1;
    return {
      id: c.id, firstName: c.firstName, lastName: c.lastName, status, hasPicture: pictures.has(c.id),
      yes: guardianIds.filter((id) => of.get(id) === 'yes').length, guardians: guardianIds.length,
    };
  });
  return { group, children, counts };
}
