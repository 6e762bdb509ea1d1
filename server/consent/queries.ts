// Photo consent: each guardian's yes or no to the child appearing in what is published to the whole group (group
// documentation, the blog). An answer is never changed: a new one is a new row, so who answered what and when stays;
// a guardian's current answer is their latest. A child has consent only when every current guardian's current answer
// is yes (no answer is no consent; the stricter answer holds) and the child's identity is not protected.
import type { ConsentAnswer, ConsentSource } from '../../db/schema.ts';
import { jsonValues } from '../../db/sql.ts';
import { prepared, type Db } from '../kernel/db.ts';
import { guardiansOfChildren } from '../people/queries.ts';
import { childRecord } from '../people/placements.ts';
import { consentStatus, hasGroupConsent } from './rules.ts';

export interface CurrentAnswer { childId: number; guardianId: number; answer: ConsentAnswer; source: ConsentSource; answeredOn: string; recordedBy: number; recordedAt: string }

/** Each guardian's latest answer about each of the children (a JSON list of ids, so the statement keeps one shape). */
const latestAnswers = prepared((db: Db, childIdsJson: string) => db.selectFrom('photo_consents as pc')
  .select(['pc.child_id', 'pc.guardian_id', 'pc.answer', 'pc.source', 'pc.answered_on', 'pc.recorded_by', 'pc.recorded_at'])
  .where('pc.child_id', 'in', jsonValues(db, childIdsJson))
  .where('pc.id', '=', (eb) => eb.selectFrom('photo_consents as later').select((l) => l.fn.max('later.id').as('id'))
    .whereRef('later.child_id', '=', 'pc.child_id').whereRef('later.guardian_id', '=', 'pc.guardian_id')));

/** The current answer of each guardian who ever answered about the children (also of one who is no longer guardian). */
export async function currentAnswers(db: Db, childIds: readonly number[]): Promise<CurrentAnswer[]> {
  if (childIds.length === 0) return [];
  const rows = await latestAnswers(db, JSON.stringify([...new Set(childIds)]));
  return rows.map((r) => ({
    childId: r.child_id, guardianId: r.guardian_id, answer: r.answer, source: r.source, answeredOn: r.answered_on,
    recordedBy: r.recorded_by, recordedAt: r.recorded_at,
  }));
}

/**
 * Those of the children who may appear in what is published to their whole group: every current guardian's current
 * answer is yes (a child without a guardian has nobody's yes), and the child's identity is not protected. Used by the
 * documentation's publishing rules and by who may see a photo: a withdrawal counts from the next call.
 */
export async function childrenWithGroupConsent(db: Db, childIds: readonly number[]): Promise<ReadonlySet<number>> {
  const answers = answersByChild(await currentAnswers(db, childIds));
  // Only a child with someone's yes can have everyone's: the others need no more questions.
  const candidates = [...answers.keys()].filter((id) => [...(answers.get(id)?.values() ?? [])].includes('yes'));
  if (candidates.length === 0) return new Set();
  const guardians = await guardiansOfChildren(db, candidates);
  const everyYes = candidates.filter((id) => hasGroupConsent(consentStatus(
    { protectedIdentity: false, guardianIds: (guardians.get(id) ?? []).map((g) => g.id) }, answers.get(id) ?? new Map())));
  const protectedOnes = await protectedChildren(db, everyYes);
  return new Set(everyYes.filter((id) => !protectedOnes.has(id)));
}

/** Each child's guardians' current answers, by guardian. */
export function answersByChild(answers: readonly CurrentAnswer[]): Map<number, Map<number, ConsentAnswer>> {
  const byChild = new Map<number, Map<number, ConsentAnswer>>();
  for (const a of answers) {
    const of = byChild.get(a.childId) ?? new Map<number, ConsentAnswer>();
    of.set(a.guardianId, a.answer);
    byChild.set(a.childId, of);
  }
  return byChild;
}

/**
 * Those of the children whose identity is protected (skyddad identitet): never consented, never named in the group.
 * Asks the register child by child (the people module has no list query for it yet); only children who already have
 * every guardian's yes come here, a few at a time.
 */
export async function protectedChildren(db: Db, childIds: readonly number[]): Promise<ReadonlySet<number>> {
  const records = await Promise.all([...new Set(childIds)].map((id) => childRecord(db, id)));
  return new Set(records.flatMap((r) => (r?.protectedIdentity ? [r.id] : [])));
}

export interface NewAnswer {
  childId: number; guardianId: number; answer: ConsentAnswer; source: ConsentSource; answeredOn: string; recordedBy: number; at: Date;
}

/**
 * Stores an answer as the guardian's current one. An answer equal to the current one stores nothing (a double click,
 * a form sent twice); two different answers at the same moment are both kept, the later row being current.
 */
export async function recordAnswer(db: Db, a: NewAnswer): Promise<{ changed: boolean }> {
  const [current] = (await currentAnswers(db, [a.childId])).filter((c) => c.guardianId === a.guardianId);
  if (current && current.answer === a.answer && current.source === a.source && current.answeredOn === a.answeredOn) return { changed: false };
  await db.insertInto('photo_consents').values({
    child_id: a.childId, guardian_id: a.guardianId, answer: a.answer, source: a.source, answered_on: a.answeredOn,
    recorded_by: a.recordedBy, recorded_at: a.at.toISOString(),
  }).execute();
  return { changed: true };
}

export interface AnswerHistoryRow {
  id: number; guardianId: number; answer: ConsentAnswer; source: ConsentSource; answeredOn: string; recordedBy: number; recordedAt: string;
}

/** Every answer ever given about the child, newest first. */
export async function answerHistory(db: Db, childId: number, limit = 200): Promise<AnswerHistoryRow[]> {
  const rows = await db.selectFrom('photo_consents')
    .select(['id', 'guardian_id', 'answer', 'source', 'answered_on', 'recorded_by', 'recorded_at'])
    .where('child_id', '=', childId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id, guardianId: r.guardian_id, answer: r.answer, source: r.source, answeredOn: r.answered_on,
    recordedBy: r.recorded_by, recordedAt: r.recorded_at,
  }));
}
