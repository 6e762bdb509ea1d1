// The audit trail: who read or changed which child's documentation, notes, comments or contact details, and when —
// one row for each allowed request of an action marked `audited` in the action table, written by the route table
// (server/kernel/http.ts) through this one module, so a domain built later is audited without code of its own.
// A municipality's admins search it and export it (search.ts, routes.ts); nothing edits a row; retention removes the
// rows about a child who left (personal-data.ts).
import type { Clock } from '../kernel/clock.ts';
import { preparedQuery, type Db, type Execute } from '../kernel/db.ts';
import type { AuditEntry, AuditOutcome, AuditTrail } from '../kernel/http.ts';

const insertRow = preparedQuery((db: Db, at: string, accountId: number, personId: number, action: string, childId: number | null,
  recordId: number | null, method: string, outcome: string) => db.insertInto('audit_trail').values({
  at, account_id: accountId, person_id: personId, action, child_id: childId, record_id: recordId, method, outcome,
}));

/** The trail the route table records in: each row at the app clock's now, on the given transaction or on its own. */
export function auditTrail(db: Db, clock: Clock): AuditTrail {
  return {
    async record(e: AuditEntry, outcome: AuditOutcome, execute?: Execute): Promise<void> {
      const query = insertRow(db, clock.now().toISOString(), e.accountId, e.personId, e.action, e.childId, e.recordId, e.method, outcome);
      await (execute ? execute(query) : db.executeQuery(query));
    },
  };
}
