// The registry import's two steps: the preview (read the file, compare it with the register, show exactly what would
// change and who would be reached) and the approval (compare again, in one transaction: if the register changed since
// the preview, nothing is applied and the new preview is shown; else every change, its history and the invitations are
// written together, or none of them).
import { openAccountsOf } from '../accounts/queries.ts';
import type { Db } from '../kernel/db.ts';
import { inviteFromRegistry, type RegistryInviteOutcome, type RegistryMailer } from '../invitations/registry-invitations.ts';
import { withdrawChildFromInvitations } from '../invitations/queries.ts';
import type { ChangeAuthor, RegisterChange } from '../people/register-changes.ts';
import {
  insertAssignments, insertGuardianships, insertPersons, insertPlacements, markImportApplied, namesOf, registerSnapshot, removeGuardianships,
  RegisterMoved, removePlacements, setAssignmentEnd, setOtherHousehold, setPlacementEnd, updatePerson, type PersonColumns, type RegisterSnapshot,
} from '../people/registry-sync.ts';
import { unitRules } from '../settings/queries.ts';
import { isUniqueViolation } from '../../db/sql.ts';
import { readRegistryFile, type ColumnMapping, type Encoding, type ReadFile } from './layout.ts';
import { changesNothing, planCounts, planImport, type ImportPlan } from './rules.ts';

export interface Preview { file: ReadFile; plan: ImportPlan | undefined }

/** What the file would do to the municipality's register now; no plan when the file as a whole cannot be read. */
export async function previewImport(db: Db, input: { municipalityId: number; text: string; encoding: Encoding; mapping?: ColumnMapping; today: string }): Promise<Preview> {
  const file = readRegistryFile(input.text, input.encoding, input.mapping);
  if (file.problem) return { file, plan: undefined };
  const register = await registerSnapshot(db, input.municipalityId);
  return { file, plan: await planFor(db, file, register, input.today) };
}

async function planFor(db: Db, file: ReadFile, register: RegisterSnapshot, today: string): Promise<ImportPlan> {
  const personIds = [...register.persons.values()].map((p) => p.id);
  const withAccount = new Set<number>();
  for (let i = 0; i < personIds.length; i += 500) for (const a of await openAccountsOf(db, personIds.slice(i, i + 500))) withAccount.add(a.personId);
  const inviteDays = new Map<number, number>();
  for (const unit of register.units) inviteDays.set(unit.id, (await unitRules(db, unit.id)).inviteDaysBefore);
  // Names of the register's people the file may leave out (an ended placement's child, a removed guardian).
  const byId = new Map([...register.persons.values()].map((p) => [p.id, `${p.firstName} ${p.lastName}`]));
  const missing = [...new Set([...register.placements.map((p) => p.childId), ...register.guardianships.flatMap((g) => [g.guardianId, g.childId])])]
    .filter((id) => !byId.has(id));
  for (const [id, name] of await namesOf(db, missing)) byId.set(id, name);
  return planImport(file, register, {
    today, withAccount, inviteDaysBefore: (unitId) => inviteDays.get(unitId) ?? 0, nameOf: (id) => byId.get(id) ?? '',
  });
}

export type ApplyOutcome =
  | { ok: true; file: ReadFile; plan: ImportPlan; invited: RegistryInviteOutcome[] }
  | { ok: false; error: 'unreadable'; file: ReadFile }
  | { ok: false; error: 'refused-rows' | 'changed-since-preview' | 'mass-end'; file: ReadFile; plan: ImportPlan }
  | { ok: false; error: 'applied-already' };

export interface ApplyInput {
  municipalityId: number; text: string; encoding: Encoding; mapping?: ColumnMapping; today: string; now: Date;
  /** The digest of the plan the person approved (the preview's); none from the CLI, which prints and applies in one go. */
  approvedDigest?: string;
  /** The person confirmed that the plan's many ended placements or guardianships are meant (the preview's tick, `--allow-mass-end`). */
  allowMassEnd?: boolean;
  /** The approving person and their account (an invitation names the account that made it). */
  by: { personId: number; accountId: number };
  source: 'admin' | 'import';
  /** The stored upload this applies, marked applied (and its file emptied) in the same transaction. */
  importId?: number;
  mail: RegistryMailer;
}

/**
 * Applies the file in one transaction, if it still does what was approved, no row of it is refused, and a large share
 * of ended placements or guardianships was confirmed. Two imports that add the same person at the same moment
 * (PostgreSQL): the one that loses meets the unique personnummer, nothing of it is applied, and its new preview is
 * shown; so too when an assignment it ends was ended on the staff pages meanwhile.
 */
export async function applyImport(db: Db, input: ApplyInput): Promise<ApplyOutcome> {
  const file = readRegistryFile(input.text, input.encoding, input.mapping);
  if (file.problem) return { ok: false, error: 'unreadable', file };
  try {
    return await applyFile(db, file, input);
  } catch (error) {
    if (!isUniqueViolation(error) && !(error instanceof RegisterMoved)) throw error;
    const plan = await planFor(db, file, await registerSnapshot(db, input.municipalityId), input.today);
    return { ok: false, error: 'changed-since-preview', file, plan };
  }
}

async function applyFile(db: Db, file: ReadFile, input: ApplyInput): Promise<ApplyOutcome> {
  return db.transaction().execute(async (trx): Promise<ApplyOutcome> => {
    const register = await registerSnapshot(trx, input.municipalityId);
    const plan = await planFor(trx, file, register, input.today);
    if (plan.refused.length > 0) return { ok: false, error: 'refused-rows', file, plan };
    if (input.approvedDigest !== undefined && input.approvedDigest !== plan.digest) return { ok: false, error: 'changed-since-preview', file, plan };
    if (plan.massEnd && !input.allowMassEnd) return { ok: false, error: 'mass-end', file, plan };
    if (input.importId !== undefined && !(await markImportApplied(trx, input.importId, input.by.personId, input.now, JSON.stringify(planCounts(plan))))) {
      return { ok: false, error: 'applied-already' };
    }
    if (changesNothing(plan)) return { ok: true, file, plan, invited: [] };
    const author: ChangeAuthor = { source: input.source, personId: input.by.personId, at: input.now };
    const invited = await writePlan(trx, input, plan, register, author);
    return { ok: true, file, plan, invited };
  });
}

async function writePlan(trx: Db, input: ApplyInput, plan: ImportPlan, register: RegisterSnapshot, author: ChangeAuthor): Promise<RegistryInviteOutcome[]> {
  const m = input.municipalityId;
  const created = await insertPersons(trx, m, plan.newPersons.map((n) => ({
    identity: n.person.identity, firstName: n.person.firstName, lastName: n.person.lastName, protectedIdentity: n.person.protectedIdentity ?? false,
    street: n.person.street ?? null, postalCode: n.person.postalCode ?? null, city: n.person.city ?? null, email: n.person.email ?? null, phone: n.person.phone ?? null,
  })), author);
  const idOf = (number: string): number => {
    const id = created.get(number) ?? register.persons.get(number)?.id;
    if (id === undefined) throw new Error('registry import: a person of the plan is not in the register');
    return id;
  };

  for (const change of plan.changedPersons) {
    const set: PersonColumns = {};
    const history: RegisterChange[] = [];
    for (const f of change.fields) {
      const value = f.field === 'protected_identity' ? Number(f.newValue) : f.newValue;
      Object.assign(set, { [f.field]: value });
      history.push({ entity: 'person', entityId: change.personId, change: 'changed', field: f.field, oldValue: f.oldValue, newValue: f.newValue });
    }
    await updatePerson(trx, m, change.personId, set, history, author);
  }

  await insertPlacements(trx, m, plan.newPlacements.map((p) => ({ childId: idOf(p.child), groupId: p.groupId, startDate: p.startDate, endDate: p.endDate })), author);
  for (const p of plan.changedPlacements) await setPlacementEnd(trx, m, { id: p.placementId, oldEnd: p.oldEnd, newEnd: p.newEnd }, false, author);
  for (const p of plan.endedPlacements) await setPlacementEnd(trx, m, { id: p.placementId, oldEnd: p.oldEnd, newEnd: p.newEnd }, true, author);
  await removePlacements(trx, m, plan.removedPlacements.map((p) => p.placementId), author);

  await removeGuardianships(trx, m, plan.removedGuardianships.map((g) => g.id), author);
  // A guardian no longer the child's: the child leaves their open invitations, so no later mail or key names the child
  for (const g of plan.removedGuardianships) await withdrawChildFromInvitations(trx, g.guardianId, g.childId, input.now);
  for (const g of plan.changedGuardianships) await setOtherHousehold(trx, m, g.id, g.otherHousehold, author);
  await insertGuardianships(trx, m, plan.newGuardianships.map((g) => ({ guardianId: idOf(g.guardian), childId: idOf(g.child), otherHousehold: g.otherHousehold })), author);

  await insertAssignments(trx, m, plan.newAssignments.map((a) => ({
    personId: idOf(a.person), unitId: a.unitId, groupId: a.groupId, role: a.role, startDate: a.startDate, endDate: a.endDate,
  })), author);
  for (const a of plan.endedAssignments) await setAssignmentEnd(trx, m, { id: a.assignmentId, oldEnd: a.oldEnd, newEnd: a.newEnd }, author);

  return inviteFromRegistry(trx, {
    municipalityId: m, by: input.by.accountId, now: input.now, today: input.today, mail: input.mail,
    invitations: plan.reach.map((r) => ({
      guardianId: idOf(r.guardian), guardianFirstName: r.firstName, email: r.email, sendOn: r.sendOn, unitName: r.unitName,
      children: r.children.map((c) => ({ id: idOf(c.identity), firstName: c.firstName })),
    })),
  });
}
