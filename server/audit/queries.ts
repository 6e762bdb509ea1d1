// Reading the audit trail: a child's rows, oldest first (for tests; the admins' search is search.ts).
import type { Db } from '../kernel/db.ts';

export interface AuditRow {
  id: number; at: string; accountId: number; personId: number; action: string; childId: number | null; recordId: number | null;
  method: string; outcome: string;
}

/** Every row about the child, in the order they were written. */
export async function auditTrailOfChild(db: Db, childId: number): Promise<AuditRow[]> {
  const rows = await db.selectFrom('audit_trail').selectAll().where('child_id', '=', childId).orderBy('at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id, at: r.at, accountId: r.account_id, personId: r.person_id, action: r.action, childId: r.child_id, recordId: r.record_id,
    method: r.method, outcome: r.outcome,
  }));
}
