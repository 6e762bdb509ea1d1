// What an import would do: the file's rows compared with the municipality's register. New, changed and ended records,
// the guardianships added, removed or changed, protected identity turned on or off, the rows refused and why, and who
// the invitations would reach. Pure: the same plan is shown in the preview, printed by the CLI, and applied.
import crypto from 'node:crypto';
import type { StaffRole } from '../../db/schema.ts';
import type { FieldError } from '../kernel/forms.ts';
import type { RegisterSnapshot, SnapshotPerson } from '../people/registry-sync.ts';
import { sendOn } from '../invitations/rules.ts';
import { columnKey, maskIdentity, type ChildRow, type GuardianRow, type Identity, type ReadFile, type RefusedRow, type RegistryRow, type StaffRow } from './layout.ts';

/** A person as the file has them, with the row that first named them. */
export interface FilePerson {
  identity: Identity; firstName: string; lastName: string; protectedIdentity?: boolean; street?: string | null; postalCode?: string | null;
  city?: string | null; email?: string | null; phone?: string | null; line: number;
}

export interface PersonField { field: string; oldValue: string | null; newValue: string | null }
export interface PersonChange { identity: string; masked: string; name: string; personId: number; fields: PersonField[] }
export interface NewPerson { person: FilePerson; masked: string; name: string; role: 'child' | 'guardian' | 'staff' }

export interface PlannedPlacement { child: string; childName: string; groupId: number; groupName: string; unitName: string; startDate: string; endDate: string | null }
export interface EndedPlacement { placementId: number; childId: number; childName: string; groupName: string; oldEnd: string | null; newEnd: string | null }

export interface PlannedGuardianship { guardian: string; guardianName: string; child: string; childName: string; otherHousehold: boolean }
export interface RemovedGuardianship { id: number; guardianId: number; childId: number; guardianName: string; childName: string }
export interface ChangedGuardianship { id: number; guardianName: string; childName: string; otherHousehold: boolean }

export interface PlannedAssignment {
  person: string; name: string; unitId: number; unitName: string; groupId: number | null; groupName: string | null; role: StaffRole;
  startDate: string | null; endDate: string | null;
}
/** An assignment whose last day the file sets (or moves). */
export interface EndedAssignment {
  assignmentId: number; name: string; unitName: string; groupName: string | null; role: StaffRole; oldEnd: string | null; newEnd: string;
}

/**
 * An import that would end a large share of the municipality's placements or guardianships: most likely a file cut
 * short (a truncated export). Applying it needs an explicit confirmation, on the page and in the CLI.
 */
export interface MassEnd { placements: number; placementsOf: number; guardianships: number; guardianshipsOf: number }

/** "A large share": more than this many, and more than this part of them. */
export const MASS_END = { atLeast: 5, share: 0.1 } as const;

/** Who an invitation of this import reaches, and how: by mail today, by mail on a later day, on paper, or in Vardag. */
export interface Reach {
  guardian: string; guardianId: number | null; name: string; firstName: string; protectedIdentity: boolean;
  children: { identity: string; name: string; firstName: string }[];
  /** The unit of the first child's placement: it signs the invitation. */
  unitName: string;
  how: 'mail' | 'held' | 'paper' | 'notified'; email: string | null; sendOn: string;
}

export interface ImportPlan {
  newPersons: NewPerson[];
  changedPersons: PersonChange[];
  protectedChanges: { masked: string; name: string; protectedIdentity: boolean }[];
  newPlacements: PlannedPlacement[];
  changedPlacements: EndedPlacement[];
  endedPlacements: EndedPlacement[];
  removedPlacements: EndedPlacement[];
  newGuardianships: PlannedGuardianship[];
  removedGuardianships: RemovedGuardianship[];
  changedGuardianships: ChangedGuardianship[];
  newAssignments: PlannedAssignment[];
  endedAssignments: EndedAssignment[];
  /** Set when the plan ends a large share of the register's placements or guardianships. */
  massEnd: MassEnd | null;
  reach: Reach[];
  refused: RefusedRow[];
  /** What the person approving saw: a digest of every change, checked again when they approve. */
  digest: string;
}

/** What the plan needs besides the file and the register: accounts, the units' invitation days, names of those the file leaves out. */
export interface PlanContext {
  today: string;
  /** Person ids with an open account (they are told in Vardag instead of invited). */
  withAccount: ReadonlySet<number>;
  /** Days before a placement's first day that its unit's invitations go out. */
  inviteDaysBefore: (unitId: number) => number;
  /** Names of persons of the register, by id. */
  nameOf: (personId: number) => string;
}

const nameOf = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName}`;

export function planImport(file: ReadFile, register: RegisterSnapshot, context: PlanContext): ImportPlan {
  const refused: RefusedRow[] = [...file.refused];
  const refuse = (row: RegistryRow, key: string, params?: Record<string, string | number>) => {
    const reason: FieldError = { key: `registryImport.refused.${key}`, ...(params ? { params } : {}) };
    refused.push({ line: row.line, who: maskIdentity(row.identity.number), reason });
  };

  // Each person once: rows that name the same person must agree on who they are.
  const people = new Map<string, FilePerson>();
  const roles = new Map<string, Set<string>>();
  const accepted: RegistryRow[] = [];
  for (const row of file.rows) {
    const known = people.get(row.identity.number);
    if (known && !samePerson(known, row)) {
      refuse(row, 'conflict', { line: known.line });
      continue;
    }
    if (!known) people.set(row.identity.number, { ...personOf(row), line: row.line });
    accepted.push(row);
  }

  // Placements and staff need the unit and group, in this municipality.
  const units = new Map<string, RegisterSnapshot['units'][number]>();
  for (const u of register.units) if (!units.has(columnKey(u.name))) units.set(columnKey(u.name), u);
  const groups = new Map<string, RegisterSnapshot['groups'][number]>();
  for (const g of register.groups) if (!groups.has(`${g.unitId} ${columnKey(g.name)}`)) groups.set(`${g.unitId} ${columnKey(g.name)}`, g);
  const unitNamed = (name: string) => units.get(columnKey(name));
  // A closed unit or an ended group takes no one new (its people already there stay as the file says).
  const closedUnits = new Set(register.units.filter((u) => u.closed === true).map((u) => u.id));
  const endedGroups = new Set(register.groups.filter((g) => g.ended === true).map((g) => g.id));
  const notAdmitting = (row: RegistryRow & { unitId: number; groupId: number | null; unitName: string; groupName: string | null }): boolean => {
    if (closedUnits.has(row.unitId)) refuse(row, 'unitClosed', { unit: row.unitName });
    else if (row.groupId !== null && endedGroups.has(row.groupId)) refuse(row, 'groupEnded', { unit: row.unitName, group: row.groupName ?? '' });
    else return false;
    return true;
  };
  const groupNamed = (unitId: number, name: string) => groups.get(`${unitId} ${columnKey(name)}`);
  const placementAt = new Map(register.placements.map((p) => [`${p.childId} ${p.groupId} ${p.startDate}`, p]));
  const children = new Map<string, (ChildRow & { groupId: number; unitId: number; groupName: string; unitName: string })[]>();
  const guardianRows: GuardianRow[] = [];
  const staffRows: (StaffRow & { unitId: number; groupId: number | null; unitName: string; groupName: string | null })[] = [];
  for (const row of accepted) {
    if (row.kind === 'guardian') { guardianRows.push(row); continue; }
    const unit = unitNamed(row.unit);
    if (!unit) { refuse(row, 'unknownUnit', { unit: row.unit }); continue; }
    if (row.kind === 'child') {
      const group = groupNamed(unit.id, row.group);
      if (!group) { refuse(row, 'unknownGroup', { unit: unit.name, group: row.group }); continue; }
      const list = children.get(row.identity.number) ?? [];
      if (list.some((p) => p.groupId === group.id && p.startDate === row.startDate)) { refuse(row, 'duplicatePlacement'); continue; }
      const placed = { ...row, groupId: group.id, unitId: unit.id, groupName: group.name, unitName: unit.name };
      // refused here, before the guardians are read, so a child who cannot be placed brings no guardian and no invitation
      const knownId = register.persons.get(row.identity.number)?.id;
      if (!(knownId !== undefined && placementAt.has(`${knownId} ${group.id} ${row.startDate}`)) && notAdmitting(placed)) continue;
      children.set(row.identity.number, [...list, placed]);
      continue;
    }
    const group = row.group === null ? undefined : groupNamed(unit.id, row.group);
    if (row.group !== null && !group) { refuse(row, 'unknownGroup', { unit: unit.name, group: row.group }); continue; }
    staffRows.push({ ...row, unitId: unit.id, groupId: group?.id ?? null, unitName: unit.name, groupName: group?.name ?? null });
  }
  const guardians: GuardianRow[] = [];
  for (const row of guardianRows) {
    if (!children.has(row.child.number)) refuse(row, 'childNotInFile', { child: maskIdentity(row.child.number) });
    else guardians.push(row);
  }
  for (const row of [...guardians, ...staffRows]) roles.set(row.identity.number, (roles.get(row.identity.number) ?? new Set()).add(row.kind));
  for (const number of children.keys()) roles.set(number, (roles.get(number) ?? new Set()).add('child'));

  // Persons: new ones, and changes of the known ones (only the columns the file has).
  const newPersons: NewPerson[] = [];
  const changedPersons: PersonChange[] = [];
  const protectedChanges: ImportPlan['protectedChanges'] = [];
  for (const [number, person] of people) {
    const role = roles.get(number);
    if (!role) continue; // every row of theirs was refused
    const known = register.persons.get(number);
    if (!known) {
      newPersons.push({ person, masked: maskIdentity(number), name: nameOf(person), role: role.has('child') ? 'child' : role.has('guardian') ? 'guardian' : 'staff' });
      continue;
    }
    const fields = personFields(known, person);
    if (fields.length > 0) changedPersons.push({ identity: number, masked: maskIdentity(number), name: nameOf(person), personId: known.id, fields });
    if (person.protectedIdentity !== undefined && person.protectedIdentity !== known.protectedIdentity) {
      protectedChanges.push({ masked: maskIdentity(number), name: nameOf(person), protectedIdentity: person.protectedIdentity });
    }
  }
  const personName = (number: string) => { const p = people.get(number); return p ? nameOf(p) : ''; };
  const idOf = (number: string) => register.persons.get(number)?.id;
  const groupNames = new Map(register.groups.map((g) => [g.id, g.name]));
  const groupName = (id: number) => groupNames.get(id) ?? '';

  // Placements: each child's placements in the file against those in the municipality's groups.
  const newPlacements: PlannedPlacement[] = [];
  const changedPlacements: EndedPlacement[] = [];
  const endedPlacements: EndedPlacement[] = [];
  const removedPlacements: EndedPlacement[] = [];
  const inFile = new Set<number>();
  for (const [number, rows] of children) {
    const childId = idOf(number);
    for (const row of rows) {
      const existing = childId === undefined ? undefined : placementAt.get(`${childId} ${row.groupId} ${row.startDate}`);
      if (!existing) {
        newPlacements.push({ child: number, childName: personName(number), groupId: row.groupId, groupName: row.groupName, unitName: row.unitName, startDate: row.startDate, endDate: row.endDate });
        continue;
      }
      inFile.add(existing.id);
      if (existing.endDate !== row.endDate) {
        changedPlacements.push({ placementId: existing.id, childId: existing.childId, childName: personName(number), groupName: row.groupName, oldEnd: existing.endDate, newEnd: row.endDate });
      }
    }
  }
  // A placement the file no longer has ends today (its guardians keep the group's content until tomorrow); one that had
  // not started is removed. Placements that ended before today are history and stay as they are. A file without any
  // child (staff only) says nothing about placements: it ends none.
  for (const p of children.size === 0 ? [] : register.placements) {
    if (inFile.has(p.id) || (p.endDate !== null && p.endDate < context.today)) continue;
    const ended = { placementId: p.id, childId: p.childId, childName: context.nameOf(p.childId), groupName: groupName(p.groupId), oldEnd: p.endDate, newEnd: context.today };
    if (p.startDate > context.today) removedPlacements.push({ ...ended, newEnd: null });
    else if (p.endDate !== context.today) endedPlacements.push(ended);
  }

  // Guardianships: the file is the whole truth about the guardians of each child it has.
  const newGuardianships: PlannedGuardianship[] = [];
  const changedGuardianships: ChangedGuardianship[] = [];
  const kept = new Set<number>();
  const wanted = new Map<string, GuardianRow>();
  const guardianshipOf = new Map(register.guardianships.map((g) => [`${g.guardianId} ${g.childId}`, g]));
  for (const row of guardians) {
    const key = `${row.identity.number} ${row.child.number}`;
    const earlier = wanted.get(key);
    if (earlier) { refuse(row, 'duplicateGuardianship', { line: earlier.line }); continue; }
    wanted.set(key, row);
    const guardianId = idOf(row.identity.number);
    const childId = idOf(row.child.number);
    const existing = guardianId === undefined || childId === undefined ? undefined : guardianshipOf.get(`${guardianId} ${childId}`);
    if (!existing) {
      newGuardianships.push({ guardian: row.identity.number, guardianName: personName(row.identity.number), child: row.child.number, childName: personName(row.child.number), otherHousehold: row.otherHousehold });
      continue;
    }
    kept.add(existing.id);
    if (existing.otherHousehold !== row.otherHousehold) {
      changedGuardianships.push({ id: existing.id, guardianName: personName(row.identity.number), childName: personName(row.child.number), otherHousehold: row.otherHousehold });
    }
  }
  const childIdsInFile = new Set([...children.keys()].map(idOf).filter((id): id is number => id !== undefined));
  const removedGuardianships = register.guardianships.filter((g) => childIdsInFile.has(g.childId) && !kept.has(g.id)).map((g) => ({
    id: g.id, guardianId: g.guardianId, childId: g.childId, guardianName: context.nameOf(g.guardianId), childName: context.nameOf(g.childId),
  }));

  // Staff: assignments the register does not have yet, and the last day the file gives an assignment it has. A staff
  // member the file leaves out keeps theirs, and an empty last day leaves the register's as it is: ending an
  // assignment otherwise is done on the staff pages.
  const newAssignments: PlannedAssignment[] = [];
  const endedAssignments: EndedAssignment[] = [];
  const staffSeen = new Map<string, number>();
  for (const row of staffRows) {
    const key = `${row.identity.number} ${row.unitId} ${row.groupId ?? ''} ${row.role} ${row.startDate ?? ''}`; // another first day: another period
    const earlier = staffSeen.get(key);
    if (earlier !== undefined) { refuse(row, 'duplicateAssignment', { line: earlier }); continue; }
    staffSeen.set(key, row.line);
    const personId = idOf(row.identity.number);
    const same = personId === undefined ? [] : register.assignments.filter((a) => a.personId === personId && a.unitId === row.unitId && a.groupId === row.groupId && a.role === row.role);
    const existing = assignmentOfRow(same, row, context.today);
    if (!existing && notAdmitting(row)) continue;
    if (!existing) {
      newAssignments.push({
        person: row.identity.number, name: personName(row.identity.number), unitId: row.unitId, unitName: row.unitName, groupId: row.groupId,
        groupName: row.groupName, role: row.role, startDate: row.startDate, endDate: row.endDate,
      });
      continue;
    }
    if (row.endDate === null || row.endDate === existing.endDate) continue;
    if (existing.startDate !== null && row.endDate < existing.startDate) { refuse(row, 'endBeforeStart'); continue; }
    endedAssignments.push({
      assignmentId: existing.id, name: personName(row.identity.number), unitName: row.unitName, groupName: row.groupName, role: row.role,
      oldEnd: existing.endDate, newEnd: row.endDate,
    });
  }

  const reach = whoIsReached(newGuardianships, children, people, register, context);
  refused.sort((a, b) => a.line - b.line);
  const plan = {
    newPersons, changedPersons, protectedChanges, newPlacements, changedPlacements, endedPlacements, removedPlacements,
    newGuardianships, removedGuardianships, changedGuardianships, newAssignments, endedAssignments,
    massEnd: massEndOf(endedPlacements.length + removedPlacements.length, removedGuardianships.length, register, context.today), reach, refused,
  };
  return { ...plan, digest: crypto.createHash('sha256').update(JSON.stringify(plan)).digest('hex') };
}

/**
 * The assignment of the register a staff row speaks of (same person, unit, group and role): the one that starts on the
 * row's first day; else, for a row with a first day, one that had not ended before it (a later first day after the
 * last one ended is a new assignment); else the one still running, or the latest.
 */
export function assignmentOfRow(
  same: readonly RegisterSnapshot['assignments'][number][], row: { startDate: string | null }, today: string,
): RegisterSnapshot['assignments'][number] | undefined {
  if (row.startDate !== null) {
    const start = row.startDate;
    const exact = same.find((a) => a.startDate === start);
    if (exact) return exact;
    return same.filter((a) => a.endDate === null || a.endDate >= start).at(-1);
  }
  return same.filter((a) => a.endDate === null || a.endDate >= today).at(-1) ?? same.at(-1);
}

/** Whether ending this many of the register's placements and guardianships is a large share of them (MASS_END). */
export function massEndOf(placements: number, guardianships: number, register: Pick<RegisterSnapshot, 'placements' | 'guardianships'>, today: string): MassEnd | null {
  const placementsOf = register.placements.filter((p) => p.endDate === null || p.endDate >= today).length;
  const guardianshipsOf = register.guardianships.length;
  const large = (n: number, of: number) => n > MASS_END.atLeast && n > of * MASS_END.share;
  return large(placements, placementsOf) || large(guardianships, guardianshipsOf) ? { placements, placementsOf, guardianships, guardianshipsOf } : null;
}

/**
 * The invitations the import sends: each guardian linked to a child they were not linked to before, for the children
 * whose placement has not ended, once per guardian. One with an account is told in Vardag; one without gets an
 * invitation by mail (today, or the unit's number of days before the first placement day) or, without an e-mail
 * address, on paper for staff to print.
 */
function whoIsReached(
  added: readonly PlannedGuardianship[], children: Map<string, (ChildRow & { unitId: number; unitName: string })[]>, people: Map<string, FilePerson>,
  register: RegisterSnapshot, context: PlanContext,
): Reach[] {
  const byGuardian = new Map<string, Reach>();
  for (const link of added) {
    const placements = (children.get(link.child) ?? []).filter((p) => p.endDate === null || p.endDate >= context.today);
    if (placements.length === 0) continue;
    const guardian = people.get(link.guardian);
    if (!guardian) continue;
    const known = register.persons.get(link.guardian);
    const day = placements.map((p) => sendOn(p.startDate, context.inviteDaysBefore(p.unitId), context.today)).sort()[0];
    const email = guardian.email === undefined ? (known?.email ?? null) : guardian.email;
    const entry = byGuardian.get(link.guardian) ?? {
      guardian: link.guardian, guardianId: known?.id ?? null, name: nameOf(guardian), firstName: guardian.firstName,
      protectedIdentity: guardian.protectedIdentity ?? known?.protectedIdentity ?? false, children: [], unitName: placements[0].unitName,
      how: 'paper', email, sendOn: day,
    };
    entry.children.push({ identity: link.child, name: link.childName, firstName: people.get(link.child)?.firstName ?? '' });
    if (day < entry.sendOn) entry.sendOn = day;
    byGuardian.set(link.guardian, entry);
  }
  const reach = [...byGuardian.values()];
  for (const r of reach) {
    r.how = r.guardianId !== null && context.withAccount.has(r.guardianId) ? 'notified' : !r.email ? 'paper' : r.sendOn > context.today ? 'held' : 'mail';
  }
  return reach.sort((a, b) => a.name.localeCompare(b.name, 'sv') || a.guardian.localeCompare(b.guardian));
}

function personOf(row: RegistryRow): Omit<FilePerson, 'line'> {
  const { identity, firstName, lastName, protectedIdentity, street, postalCode, city, email, phone } = row;
  return { identity, firstName, lastName, protectedIdentity, street, postalCode, city, email, phone };
}

/** Two rows name the same person alike (a column one of them lacks is no disagreement). */
function samePerson(a: FilePerson, b: RegistryRow): boolean {
  const agree = <T>(x: T | undefined, y: T | undefined) => x === undefined || y === undefined || x === y;
  return a.firstName === b.firstName && a.lastName === b.lastName && agree(a.protectedIdentity, b.protectedIdentity)
    && agree(a.street, b.street) && agree(a.postalCode, b.postalCode) && agree(a.city, b.city) && agree(a.email, b.email) && agree(a.phone, b.phone);
}

/** The columns of `persons` that differ between the register and the file (a column the file lacks is left alone). */
function personFields(known: SnapshotPerson, person: FilePerson): PersonField[] {
  const pairs: [string, string | null, string | null | undefined][] = [
    ['first_name', known.firstName, person.firstName], ['last_name', known.lastName, person.lastName],
    ['protected_identity', known.protectedIdentity ? '1' : '0', person.protectedIdentity === undefined ? undefined : person.protectedIdentity ? '1' : '0'],
    ['street_address', known.street, person.street], ['postal_code', known.postalCode, person.postalCode], ['city', known.city, person.city],
    ['email', known.email, person.email], ['phone', known.phone, person.phone],
  ];
  return pairs.filter(([, old, value]) => value !== undefined && (old ?? null) !== (value ?? null))
    .map(([field, oldValue, newValue]) => ({ field, oldValue, newValue: newValue ?? null }));
}

/** Whether the plan changes anything at all (a re-import of the same file does not). */
export function changesNothing(plan: ImportPlan): boolean {
  return plan.newPersons.length + plan.changedPersons.length + plan.newPlacements.length + plan.changedPlacements.length
    + plan.endedPlacements.length + plan.removedPlacements.length + plan.newGuardianships.length + plan.removedGuardianships.length
    + plan.changedGuardianships.length + plan.newAssignments.length + plan.endedAssignments.length === 0;
}

/** The counts of a plan, for the summary line, the CLI and the list of imports. */
export function planCounts(plan: ImportPlan): Record<string, number> {
  return {
    newPersons: plan.newPersons.length, changedPersons: plan.changedPersons.length, protectedChanges: plan.protectedChanges.length,
    newPlacements: plan.newPlacements.length, changedPlacements: plan.changedPlacements.length, endedPlacements: plan.endedPlacements.length,
    removedPlacements: plan.removedPlacements.length, newGuardianships: plan.newGuardianships.length,
    removedGuardianships: plan.removedGuardianships.length, changedGuardianships: plan.changedGuardianships.length,
    newAssignments: plan.newAssignments.length, endedAssignments: plan.endedAssignments.length, reached: plan.reach.length, refused: plan.refused.length,
  };
}

/** The preview's lists, each paged on its own: the ids its page and its links name. */
export const PREVIEW_LISTS = [
  'refused', 'reach', 'protected', 'newPersons', 'changedPersons', 'newPlacements', 'changedPlacements', 'endedPlacements', 'removedPlacements',
  'newGuardianships', 'removedGuardianships', 'changedGuardianships', 'newAssignments', 'endedAssignments',
] as const;
export type PreviewList = (typeof PREVIEW_LISTS)[number];
const HOWS: readonly Reach['how'][] = ['mail', 'held', 'paper', 'notified'];

/** Which list of the preview is paged, to which page, and (the list of who is reached) for which way of reaching them. */
export interface PreviewPaging { list: PreviewList | ''; page: number; how: Reach['how'] | '' }

/** The paging of a preview's query (`?list=reach&page=3&how=paper`); anything unknown is the first page of every list. */
export function previewPaging(query: Record<string, unknown>): PreviewPaging {
  const list = PREVIEW_LISTS.find((l) => l === query.list) ?? '';
  const page = typeof query.page === 'string' && /^[1-9]\d{0,5}$/.test(query.page) ? Number(query.page) : 1;
  const how = HOWS.find((h) => h === query.how) ?? '';
  return { list, page: list ? page : 1, how: list === 'reach' ? how : '' };
}

/** One page of a list: its items, and which page of how many (a page past the last shows the last). */
export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; page: number; pages: number; total: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(1, page), pages);
  return { items: items.slice((current - 1) * size, current * size), page: current, pages, total: items.length };
}

/** How many of those reached are reached each way (the preview's groups of the list). */
export function reachByHow(reach: readonly Reach[]): Record<Reach['how'], number> {
  const counts: Record<Reach['how'], number> = { mail: 0, held: 0, paper: 0, notified: 0 };
  for (const r of reach) counts[r.how] += 1;
  return counts;
}
