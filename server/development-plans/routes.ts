// (being built: issue 25)
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { RouteTable } from '../kernel/http.ts';

interface Deps { db: Db; clock: Clock }

export function developmentPlanRoutes(_routes: RouteTable, _deps: Deps): void {
}
