// Which units use notes: each unit's own choice (its settings, off until the head turns notes on).
import type { Db } from '../kernel/db.ts';
import { documentationFeatures } from '../settings/queries.ts';

export async function unitsUsingNotes(db: Db, unitIds: readonly number[]): Promise<ReadonlySet<number>> {
  const unique = [...new Set(unitIds)];
  const features = await Promise.all(unique.map((id) => documentationFeatures(db, id)));
  return new Set(unique.filter((_, i) => features[i].notes));
}
