// The audit trail searched by a municipality's admins: the rows about the municipality's children, and the rows of its
// own people that name no child (a group's printed list), newest first, a page at a time or all of them for the CSV.
// Read only: nothing here changes a row.
import type { Db, OuterQuery } from '../kernel/db.ts';
import { personName } from '../people/queries.ts';
import { peopleNamed, peopleOfMunicipality } from '../people/audit-scope.ts';

export interface AuditSearch {
  municipalityId: number;
  /** Words of the child's name, of the name of who did it; an action; instants from (inclusive) and to (exclusive). */
  child: string; person: string; action: string; from: string | null; to: string | null;
}

export interface AuditHit {
  id: number; at: string; accountId: number; personId: number; personName: string | null; action: string;
  childId: number | null; childName: string | null; recordId: number | null; method: string; outcome: string;
}

export const PAGE_SIZE = 50;

function matching(db: Db, s: AuditSearch) {
  const m = s.municipalityId;
  let q = db.selectFrom('audit_trail').where((eb) => eb.or([
    eb('audit_trail.child_id', 'in', peopleOfMunicipality(eb, m)),
    eb.and([eb('audit_trail.child_id', 'is', null), eb('audit_trail.person_id', 'in', peopleOfMunicipality(eb, m))]),
  ]));
  if (s.child) q = q.where((eb) => eb('audit_trail.child_id', 'in', peopleNamed(eb, m, s.child)));
  if (s.person) q = q.where((eb) => eb('audit_trail.person_id', 'in', peopleNamed(eb, m, s.person)));
  if (s.action) q = q.where('audit_trail.action', '=', s.action);
  if (s.from) q = q.where('audit_trail.at', '>=', s.from);
  if (s.to) q = q.where('audit_trail.at', '<', s.to);
  return q;
}

const hitColumns = (eb: OuterQuery) => [
  'audit_trail.id', 'audit_trail.at', 'audit_trail.account_id', 'audit_trail.person_id', 'audit_trail.action', 'audit_trail.child_id',
  'audit_trail.record_id', 'audit_trail.method', 'audit_trail.outcome',
  personName(eb, 'audit_trail.person_id').as('person_name'), personName(eb, 'audit_trail.child_id').as('child_name'),
] as const;

type HitRow = {
  id: number; at: string; account_id: number; person_id: number; action: string; child_id: number | null; record_id: number | null;
  method: string; outcome: string; person_name: string | null; child_name: string | null;
};

function toHit(r: HitRow): AuditHit {
  return { id: r.id, at: r.at, accountId: r.account_id, personId: r.person_id, personName: r.person_name, action: r.action,
    childId: r.child_id, childName: r.child_name, recordId: r.record_id, method: r.method, outcome: r.outcome };
}

/** One page of the rows found (1 is the newest), and how many were found in all. */
export async function searchAuditTrail(db: Db, s: AuditSearch, page: number): Promise<{ hits: AuditHit[]; total: number }> {
  const [rows, count] = await Promise.all([
    matching(db, s).select(hitColumns).orderBy('audit_trail.at', 'desc').orderBy('audit_trail.id', 'desc')
      .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE).execute(),
    matching(db, s).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { hits: (rows as HitRow[]).map(toHit), total: Number(count.n) };
}

/** Every row found, oldest first, a batch at a time (for the CSV: a long trail is never held in memory whole). */
export async function* everyAuditHit(db: Db, s: AuditSearch, batch = 1000): AsyncGenerator<AuditHit[]> {
  let query = matching(db, s);
  for (;;) {
    const rows = await query.select(hitColumns).orderBy('audit_trail.at').orderBy('audit_trail.id').limit(batch).execute();
    if (rows.length === 0) return;
    yield (rows as HitRow[]).map(toHit);
    const { at, id } = rows[rows.length - 1];
    query = matching(db, s).where((eb) => eb.or([
      eb('audit_trail.at', '>', at), eb.and([eb('audit_trail.at', '=', at), eb('audit_trail.id', '>', id)]),
    ]));
  }
}
