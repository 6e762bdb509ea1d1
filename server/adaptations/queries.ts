// Extra adaptations (extra anpassningar): the SQL of the extra_adaptations table, and its locator: an adaptation sits
// where its child is (the actions count the child's school classes only).
import { prepared, type Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { locateChild } from '../people/relations.ts';

export interface Adaptation {
  id: number; childId: number; groupId: number; what: string; decidedBy: string; decidedOn: string; reviewBy: string;
  endedOn: string | null; version: number; updatedAt: string;
}

const adaptationList = (db: Db) => db.selectFrom('extra_adaptations')
  .select(['id', 'child_id', 'group_id', 'what', 'decided_by', 'decided_on', 'review_by', 'ended_on', 'version', 'updated_at']);

type AdaptationRow = Awaited<ReturnType<ReturnType<typeof adaptationList>['execute']>>[number];

function toAdaptation(r: AdaptationRow): Adaptation {
  return {
    id: r.id, childId: r.child_id, groupId: r.group_id, what: r.what, decidedBy: r.decided_by, decidedOn: r.decided_on,
    reviewBy: r.review_by, endedOn: r.ended_on, version: r.version, updatedAt: r.updated_at,
  };
}

/** All the child's adaptations, current (not ended) first, each part newest decision first. */
export async function adaptationsOfChild(db: Db, childId: number): Promise<Adaptation[]> {
  const rows = await adaptationList(db).where('child_id', '=', childId)
    .orderBy('decided_on', 'desc').orderBy('id', 'desc').execute();
  const all = rows.map(toAdaptation);
  return [...all.filter((a) => a.endedOn === null), ...all.filter((a) => a.endedOn !== null)];
}

export async function adaptationById(db: Db, adaptationId: number): Promise<Adaptation | undefined> {
  const row = await adaptationList(db).where('id', '=', adaptationId).executeTakeFirst();
  return row && toAdaptation(row);
}

export interface NewAdaptation { childId: number; groupId: number; what: string; decidedBy: string; decidedOn: string; reviewBy: string }

export async function addAdaptation(db: Db, adaptation: NewAdaptation, by: number, at: Date): Promise<number> {
  const when = at.toISOString();
  const { id } = await db.insertInto('extra_adaptations').values({
    child_id: adaptation.childId, group_id: adaptation.groupId, what: adaptation.what, decided_by: adaptation.decidedBy,
    decided_on: adaptation.decidedOn, review_by: adaptation.reviewBy, created_at: when, created_by: by, updated_at: when, updated_by: by,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/**
 * Saves the adaptation's new text and days unless it ended or someone saved it since `version` was read: false then,
 * and nothing changes.
 */
export async function changeAdaptation(
  db: Db, adaptationId: number, version: number, change: { what: string; decidedBy: string; decidedOn: string; reviewBy: string; by: number; at: Date },
): Promise<boolean> {
  const saved = await db.updateTable('extra_adaptations')
    .set((eb) => ({
      what: change.what, decided_by: change.decidedBy, decided_on: change.decidedOn, review_by: change.reviewBy,
      updated_at: change.at.toISOString(), updated_by: change.by, version: eb('version', '+', 1),
    }))
    .where('id', '=', adaptationId).where('version', '=', version).where('ended_on', 'is', null).executeTakeFirst();
  return Number(saved.numUpdatedRows) === 1;
}

/** Ends the adaptation on `day` unless it already ended or someone saved it since `version` was read (false then). */
export async function endAdaptation(db: Db, adaptationId: number, version: number, end: { day: string; by: number; at: Date }): Promise<boolean> {
  const saved = await db.updateTable('extra_adaptations')
    .set((eb) => ({ ended_on: end.day, updated_at: end.at.toISOString(), updated_by: end.by, version: eb('version', '+', 1) }))
    .where('id', '=', adaptationId).where('version', '=', version).where('ended_on', 'is', null).executeTakeFirst();
  return Number(saved.numUpdatedRows) === 1;
}

/** The children's adaptations as the register extract shows them, oldest decision first. */
export async function adaptationsForExtract(db: Db, childIds: readonly number[]): Promise<Adaptation[]> {
  if (childIds.length === 0) return [];
  const rows = await adaptationList(db).where('child_id', 'in', childIds).orderBy('decided_on').orderBy('id').execute();
  return rows.map(toAdaptation);
}

/** Removes every adaptation of the children (retention, in the caller's transaction); how many rows went. */
export async function removeAdaptationsOf(trx: Db, childIds: readonly number[]): Promise<number> {
  if (childIds.length === 0) return 0;
  return Number((await trx.deleteFrom('extra_adaptations').where('child_id', 'in', childIds).executeTakeFirst()).numDeletedRows);
}

const adaptationChild = prepared((db: Db, adaptationId: number) => db.selectFrom('extra_adaptations').select('child_id').where('id', '=', adaptationId));

async function locateAdaptation(db: Db, adaptationId: number, today: string): Promise<Location | null> {
  const [row] = await adaptationChild(db, adaptationId);
  return row ? locateChild(db, row.child_id, today) : null;
}

/** The records of this module that routes name by id. */
export const adaptationLocators = { adaptation: locateAdaptation } satisfies Partial<Locators>;
