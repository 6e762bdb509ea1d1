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

const adaptationChild = prepared((db: Db, adaptationId: number) => db.selectFrom('extra_adaptations').select('child_id').where('id', '=', adaptationId));

async function locateAdaptation(db: Db, adaptationId: number, today: string): Promise<Location | null> {
  const [row] = await adaptationChild(db, adaptationId);
  return row ? locateChild(db, row.child_id, today) : null;
}

/** The records of this module that routes name by id. */
export const adaptationLocators = { adaptation: locateAdaptation } satisfies Partial<Locators>;
