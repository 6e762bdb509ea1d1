// (being written: issue 26)
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { RouteTable } from '../kernel/http.ts';

interface Deps { db: Db; clock: Clock }

export function dayNoteRoutes(routes: RouteTable, deps: Deps): void {
  void routes; void deps;
}
