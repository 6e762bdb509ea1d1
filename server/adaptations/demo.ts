// (being built: issue 25)
import type { Db } from '../kernel/db.ts';
import type { SchoolDemo } from '../assessment/terms.ts';

export async function seedDemoAdaptations(_db: Db, _demo: SchoolDemo): Promise<void> {
}
