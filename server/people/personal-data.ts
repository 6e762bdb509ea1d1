// The register's part of a person's register extract (their own details, their children's, placements, guardianships,
// assignments, and the register's history of them), the register's side of the registry (whose extract it is, which
// children have left), how long uploaded registry files are kept, the search for a person an administrator takes an
// extract of, the locator of a person, and the logo files the units name (for the retention job's sweep).
import { sql } from 'kysely';
import { foldedContains } from '../../db/sql.ts';
import type { Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { slices, type ExtractSection, type ExtractSubject, type PersonalDataPart, type PersonRegister } from '../kernel/personal-data.ts';

/** A person's municipality: an administrator of it takes the person's extract. */
export async function locatePerson(db: Db, personId: number): Promise<Location | null> {
  const person = await db.selectFrom('persons').select('municipality_id').where('id', '=', personId).executeTakeFirst();
  return person ? { municipalityId: person.municipality_id, unitIds: [], groupIds: [], childIds: [] } : null;
}

export const personLocators = { person: (db, id) => locatePerson(db, id) } satisfies Partial<Locators>;

export const personRegister: PersonRegister = {
  async subjectOf(db, personId) {
    const person = await db.selectFrom('persons').select(['id', 'municipality_id']).where('id', '=', personId).executeTakeFirst();
    if (!person) return null;
    const [children, placed] = await Promise.all([
      db.selectFrom('guardianships').select('child_id').where('guardian_id', '=', personId).orderBy('child_id').execute(),
      db.selectFrom('placements').select('id').where('child_id', '=', personId).executeTakeFirst(),
    ]);
    const childIds = [...new Set([...(placed ? [personId] : []), ...children.map((c) => c.child_id)])];
    return { personId, municipalityId: person.municipality_id, childIds };
  },

  async municipalities(db) {
    return (await db.selectFrom('municipalities').select('id').orderBy('id').execute()).map((m) => m.id);
  },

  async childrenWhoLeftBefore(db, municipalityId, day) {
    const rows = await db.selectFrom('persons')
      .select('persons.id')
      .where('persons.municipality_id', '=', municipalityId)
      .where((eb) => eb.exists(eb.selectFrom('placements').select('placements.id').whereRef('placements.child_id', '=', 'persons.id')))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('placements').select('placements.id').whereRef('placements.child_id', '=', 'persons.id')
        .where((p) => p.or([p('placements.end_date', 'is', null), p('placements.end_date', '>=', day)])))))
      .orderBy('persons.id').execute();
    return rows.map((r) => r.id);
  },
};

export interface PersonFound { id: number; firstName: string; lastName: string; birthDate: string | null; protectedIdentity: boolean }

/** The municipality's persons whose "First Last" holds `q` (in any case, å, ä and ö included, accents or not), 50 a page. */
export async function findPersons(db: Db, municipalityId: number, q: string, page: number, size = 50): Promise<{ persons: PersonFound[]; more: boolean }> {
  const name = sql<string>`persons.first_name || ' ' || persons.last_name`;
  const rows = await db.selectFrom('persons')
    .select(['id', 'first_name', 'last_name', 'birth_date', 'protected_identity'])
    .where('municipality_id', '=', municipalityId)
    .where(foldedContains(name, q))
    .orderBy('last_name').orderBy('first_name').orderBy('id')
    .limit(size + 1).offset((page - 1) * size).execute();
  return {
    persons: rows.slice(0, size).map((r) => ({
      id: r.id, firstName: r.first_name, lastName: r.last_name, birthDate: r.birth_date, protectedIdentity: r.protected_identity === 1,
    })),
    more: rows.length > size,
  };
}

/** A person's name, birth date and identity number, for the heading of their extract. */
export async function personForExtract(db: Db, personId: number) {
  return db.selectFrom('persons').select(['id', 'first_name', 'last_name', 'birth_date', 'identity_number', 'protected_identity'])
    .where('id', '=', personId).executeTakeFirst();
}

const DETAILS = ['first_name', 'last_name', 'identity_number', 'identity_kind', 'birth_date', 'protected_identity', 'street_address',
  'postal_code', 'city', 'email', 'phone', 'created_at'] as const;

async function extract(db: Db, subject: ExtractSubject): Promise<{ sections: ExtractSection[] }> {
  const ids = [subject.personId, ...subject.childIds.filter((id) => id !== subject.personId)];
  const persons = await db.selectFrom('persons').select(['id', ...DETAILS]).where('id', 'in', ids).execute();
  // A protected address is shown to nobody, in an extract neither (not even to the person themself: a ZIP may be
  // forwarded or left on a shared computer); the extract says the identity is protected.
  const details = (id: number) => persons.filter((p) => p.id === id).map(({ id: _id, ...row }) => (row.protected_identity === 1
    ? { ...row, street_address: null, postal_code: null, city: null } : row));
  const placements = await db.selectFrom('placements')
    .innerJoin('groups', 'groups.id', 'placements.group_id').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['placements.id', 'placements.child_id', 'units.name as unit', 'groups.name as group', 'placements.start_date',
      'placements.end_date', 'placements.hour_limit'])
    .where('placements.child_id', 'in', subject.childIds.length ? subject.childIds : [0])
    .orderBy('placements.start_date').orderBy('placements.id').execute();
  const guardianships = await db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.child_id')
    .select(['guardianships.id', 'persons.first_name', 'persons.last_name', 'guardianships.other_household'])
    .where('guardianships.guardian_id', '=', subject.personId).orderBy('guardianships.id').execute();
  const assignments = await db.selectFrom('staff_assignments').innerJoin('units', 'units.id', 'staff_assignments.unit_id')
    .leftJoin('groups', 'groups.id', 'staff_assignments.group_id')
    .select(['staff_assignments.id', 'units.name as unit', 'groups.name as group', 'staff_assignments.role'])
    .where('staff_assignments.person_id', '=', subject.personId).orderBy('staff_assignments.id').execute();
  // The register's history of the person, their children, the children's placements and the person's own guardianships:
  // never of another guardian's guardianship of the same child.
  const placementIds = placements.map((p) => p.id);
  const guardianshipIds = guardianships.map((g) => g.id);
  const changes = await db.selectFrom('register_changes')
    .select(['entity', 'entity_id', 'change', 'field', 'old_value', 'new_value', 'source', 'changed_at'])
    .where((eb) => eb.or([
      eb.and([eb('entity', '=', 'person'), eb('entity_id', 'in', ids)]),
      eb.and([eb('entity', '=', 'placement'), eb('entity_id', 'in', placementIds.length ? placementIds : [0])]),
      eb.and([eb('entity', '=', 'guardianship'), eb('entity_id', 'in', guardianshipIds.length ? guardianshipIds : [0])]),
    ]))
    .orderBy('id').execute();
  const childOfPlacement = new Map(placements.map((p) => [p.id, p.child_id]));
  const changesOf = (childId: number | null) => changes.filter((c) => {
    if (c.entity === 'person') return c.entity_id === (childId ?? subject.personId);
    if (c.entity === 'placement') return childOfPlacement.get(c.entity_id) === childId;
    return childId === null;
  }).map(({ entity_id: _id, ...row }) => row);
  const changeColumns = ['changed_at', 'entity', 'change', 'field', 'old_value', 'new_value', 'source'];

  const sections: ExtractSection[] = [
    { title: 'personalData.sections.person', childId: null, columns: DETAILS, rows: details(subject.personId) },
    { title: 'personalData.sections.guardianships', childId: null, columns: ['first_name', 'last_name', 'other_household'],
      rows: guardianships.map(({ id: _id, ...row }) => row) },
    { title: 'personalData.sections.assignments', childId: null, columns: ['unit', 'group', 'role'], rows: assignments.map(({ id: _id, ...row }) => row) },
    { title: 'personalData.sections.registerChanges', childId: null, columns: changeColumns, rows: changesOf(null) },
  ];
  for (const childId of subject.childIds) {
    if (childId !== subject.personId) sections.push({ title: 'personalData.sections.person', childId, columns: DETAILS, rows: details(childId) });
    sections.push(
      { title: 'personalData.sections.placements', childId, columns: ['unit', 'group', 'start_date', 'end_date', 'hour_limit'],
        rows: placements.filter((p) => p.child_id === childId).map(({ id: _id, child_id: _child, ...row }) => row) },
      { title: 'personalData.sections.registerChanges', childId, columns: changeColumns, rows: changesOf(childId) },
    );
  }
  return { sections };
}

/** The register's history of the children: the child's own, their placements' and their guardianships'. */
async function removeRegisterChanges(trx: Db, childIds: readonly number[]): Promise<number> {
  let removed = 0;
  for (const ids of slices(childIds)) {
    const placements = trx.selectFrom('placements').select('id').where('child_id', 'in', ids);
    const guardianships = trx.selectFrom('guardianships').select('id').where('child_id', 'in', ids);
    const result = await trx.deleteFrom('register_changes').where((eb) => eb.or([
      eb.and([eb('entity', '=', 'person'), eb('entity_id', 'in', ids)]),
      eb.and([eb('entity', '=', 'placement'), eb('entity_id', 'in', placements)]),
      eb.and([eb('entity', '=', 'guardianship'), eb('entity_id', 'in', guardianships)]),
    ])).executeTakeFirst();
    removed += Number(result.numDeletedRows);
  }
  return removed;
}

/**
 * The registry files uploaded for import: one never approved (it holds the personnummer, names and addresses of the
 * whole file) goes whole once its period from the upload has passed; of one applied (emptied when applied) only the
 * summary is kept: whatever of the file is left goes once the period from its approval has passed.
 */
async function removeRegistryFiles(trx: Db, municipalityId: number | null, before: Date): Promise<number> {
  if (municipalityId === null) return 0;
  const at = before.toISOString();
  const unapproved = await trx.deleteFrom('registry_imports').where('municipality_id', '=', municipalityId)
    .where('applied_at', 'is', null).where('uploaded_at', '<', at).executeTakeFirst();
  const applied = await trx.updateTable('registry_imports').set({ content: '' }).where('municipality_id', '=', municipalityId)
    .where('applied_at', '<', at).where('content', '<>', '').executeTakeFirst();
  return Number(unapproved.numDeletedRows) + Number(applied.numUpdatedRows);
}

export const peoplePersonalData: PersonalDataPart = {
  domain: 'people',
  extract,
  retention: [{ kind: 'registerChanges', defaultMonths: 24, remove: removeRegisterChanges }],
  timedRetention: [{ kind: 'registryImports', defaultDays: 30, remove: removeRegistryFiles }],
};

/** The logo files the units name, for the sweep of the files no unit names (server/privacy/jobs.ts). */
export async function unitLogoFiles(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('units').select('logo_file').where('logo_file', 'is not', null).execute();
  return new Set(rows.map((r) => r.logo_file ?? ''));
}
