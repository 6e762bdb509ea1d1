// Extra adaptations (extra anpassningar): the SQL of the extra_adaptations table, and its locator: an adaptation sits
// where its child is (the actions count the child's school classes only).
import { prepared, type Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { locateChild } from '../people/relations.ts';

const adaptationChild = prepared((db: Db, adaptationId: number) => db.selectFrom('extra_adaptations').select('child_id').where('id', '=', adaptationId));

async function locateAdaptation(db: Db, adaptationId: number, today: string): Promise<Location | null> {
  const [row] = await adaptationChild(db, adaptationId);
  return row ? locateChild(db, row.child_id, today) : null;
}

/** The records of this module that routes name by id. */
export const adaptationLocators = { adaptation: locateAdaptation } satisfies Partial<Locators>;
