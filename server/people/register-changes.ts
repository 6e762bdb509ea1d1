// The register's history: every change an administrator or an approved registry import makes to areas, units, groups,
// persons, placements, guardianships and staff assignments, with who and when. Written in the same transaction as the
// change itself (so a change is never stored without its history, nor the other way round), read on each record's
// admin page ("Historik") and by the municipality's admins. One writer: the functions here.
import type { RegisterChangeKind, RegisterChangeSource, RegisterEntity } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';

/** Who made a change: an administrator on the admin pages, or the person who approved an import (none for a scheduled import). */
export interface ChangeAuthor { source: RegisterChangeSource; personId: number | null; at: Date }

export interface RegisterChange {
  entity: RegisterEntity;
  entityId: number;
  change: RegisterChangeKind;
  /** The field changed (for `changed`), e.g. 'name', 'end_date'; none for a record created, ended or removed as a whole. */
  field?: string;
  oldValue?: string | number | null;
  newValue?: string | number | null;
}

/** Records the changes in the caller's transaction. */
export async function recordRegisterChanges(trx: Db, municipalityId: number, author: ChangeAuthor, changes: readonly RegisterChange[]): Promise<void> {
  if (changes.length === 0) return;
  const text = (v: string | number | null | undefined) => (v === undefined || v === null ? null : String(v));
  const at = author.at.toISOString();
  // In slices: a large import records thousands of changes, and a statement has a limit on its parameters.
  for (let i = 0; i < changes.length; i += 500) {
    await trx.insertInto('register_changes').values(changes.slice(i, i + 500).map((c) => ({
      municipality_id: municipalityId, entity: c.entity, entity_id: c.entityId, change: c.change, field: c.field ?? null,
      old_value: text(c.oldValue), new_value: text(c.newValue), source: author.source, changed_by: author.personId, changed_at: at,
    }))).execute();
  }
}

/**
 * The changes of each field that differs between `before` and `after` (compared as text; undefined in `after` means
 * not given, so not changed), ready for `recordRegisterChanges`.
 */
export function fieldChanges<T extends Record<string, string | number | null>>(
  entity: RegisterEntity, entityId: number, before: T, after: Partial<T>,
): RegisterChange[] {
  const changes: RegisterChange[] = [];
  for (const field of Object.keys(after) as (keyof T & string)[]) {
    const oldValue = before[field] ?? null;
    const newValue = after[field] ?? null;
    if (after[field] === undefined || String(oldValue) === String(newValue)) continue;
    changes.push({ entity, entityId, change: 'changed', field, oldValue, newValue });
  }
  return changes;
}

export interface RegisterChangeRow {
  id: number; entity: RegisterEntity; entityId: number; change: RegisterChangeKind; field: string | null;
  oldValue: string | null; newValue: string | null; source: RegisterChangeSource; changedBy: number | null;
  changedByName: string | null; changedAt: string;
}

/** The history of one record, newest first (with the name of whoever changed it, if that person is still in the register). */
export async function changesOf(db: Db, entity: RegisterEntity, entityId: number, limit = 200): Promise<RegisterChangeRow[]> {
  const rows = await db.selectFrom('register_changes as c')
    .leftJoin('persons as p', 'p.id', 'c.changed_by')
    .select(['c.id', 'c.entity', 'c.entity_id', 'c.change', 'c.field', 'c.old_value', 'c.new_value', 'c.source', 'c.changed_by',
      'c.changed_at', 'p.first_name', 'p.last_name'])
    .where('c.entity', '=', entity).where('c.entity_id', '=', entityId)
    .orderBy('c.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id, entity: r.entity, entityId: r.entity_id, change: r.change, field: r.field, oldValue: r.old_value, newValue: r.new_value,
    source: r.source, changedBy: r.changed_by, changedByName: r.first_name === null ? null : `${r.first_name} ${r.last_name}`, changedAt: r.changed_at,
  }));
}
