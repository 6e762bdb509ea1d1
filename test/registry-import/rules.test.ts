// What an import would do, on its own (no database): a registry file's rows compared with a small register. Who is new
// and who changed, placements started, changed, ended and removed, guardianships added, changed and removed, staff
// assignments added and ended, the rows refused and why, who an invitation reaches and how, a file that would end a
// large share of the register, and the preview's paging.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { ChildRow, GuardianRow, Identity, ReadFile, RefusedRow, RegistryRow, StaffRow } from '../../server/registry-import/layout.ts';
import { readIdentity } from '../../server/registry-import/layout.ts';
import type { RegisterSnapshot, SnapshotAssignment, SnapshotPerson } from '../../server/people/registry-sync.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';
import {
  assignmentOfRow, changesNothing, MASS_END, massEndOf, pageOf, planCounts, planImport, PREVIEW_LISTS, previewPaging, reachByHow,
  type ImportPlan, type PlanContext, type Reach,
} from '../../server/registry-import/rules.ts';

const TODAY = '2026-03-10';
const who = (birth: string, serial: number): Identity => {
  const identity = readIdentity(identityNumber(birth, serial));
  if (!identity) throw new Error('not a personnummer');
  return identity;
};
const masked = (identity: Identity) => `${identity.number.slice(2, 8)}-XXXX`;

const ALVA = who('2021-05-14', 101);
const BO = who('2022-01-20', 102);
const CIRI = who('2020-09-09', 103);
const MAJA = who('1988-11-02', 201);
const OLLE = who('1987-04-30', 202);
const PER = who('1990-06-15', 203);
const SVEN = who('1975-02-01', 301);
const TORA = who('1980-12-24', 302);

const child = (line: number, identity: Identity, firstName: string, over: Partial<ChildRow> = {}): ChildRow => ({
  kind: 'child', line, identity, firstName, lastName: 'Berg', unit: 'Solrosen', group: 'Blå', startDate: '2025-08-01', endDate: null, ...over,
});
const guardian = (line: number, identity: Identity, firstName: string, of: Identity, over: Partial<GuardianRow> = {}): GuardianRow => ({
  kind: 'guardian', line, identity, firstName, lastName: 'Berg', child: of, otherHousehold: false, ...over,
});
const staff = (line: number, identity: Identity, firstName: string, over: Partial<StaffRow> = {}): StaffRow => ({
  kind: 'staff', line, identity, firstName, lastName: 'Ek', unit: 'Solrosen', group: null, role: 'staff', startDate: null, endDate: null, ...over,
});
const file = (rows: RegistryRow[], refused: RefusedRow[] = []): ReadFile => ({ encoding: 'utf-8', delimiter: ';', columns: [], rows, refused });

const person = (id: number, identity: Identity, firstName: string, lastName = 'Berg', over: Partial<SnapshotPerson> = {}): SnapshotPerson => ({
  id, identityNumber: identity.number, firstName, lastName, protectedIdentity: false, street: null, postalCode: null, city: null, email: null,
  phone: null, ...over,
});
const UNITS = [{ id: 1, name: 'Solrosen' }, { id: 2, name: 'Åkervägens skola' }, { id: 3, name: 'solrosen ' }];
const GROUPS = [{ id: 10, unitId: 1, name: 'Blå' }, { id: 11, unitId: 1, name: 'Gul' }, { id: 20, unitId: 2, name: 'Klass 1A' }, { id: 12, unitId: 1, name: 'blå' }];
const register = (over: Partial<RegisterSnapshot> = {}): RegisterSnapshot => ({
  persons: new Map(), units: UNITS, groups: GROUPS, placements: [], guardianships: [], assignments: [], ...over,
});
const known = (...persons: SnapshotPerson[]) => new Map(persons.map((p) => [p.identityNumber, p]));
const NAMES = new Map([[100, 'Alva Berg'], [101, 'Bo Berg'], [200, 'Maja Berg'], [201, 'Olle Berg'], [300, 'Sven Ek']]);
const context = (over: Partial<PlanContext> = {}): PlanContext => ({
  today: TODAY, withAccount: new Set(), inviteDaysBefore: (unitId) => (unitId === 1 ? 14 : 30), nameOf: (id) => NAMES.get(id) ?? `#${id}`, ...over,
});
const plan = (rows: RegistryRow[], reg = register(), ctx = context()) => planImport(file(rows), reg, ctx);
const reasons = (p: ImportPlan) => p.refused.map((r) => ({ line: r.line, who: r.who, ...r.reason }));

describe('an import into an empty register', () => {
  const rows = [
    child(2, ALVA, 'Alva', { email: 'ignored-for-children@example.se' }),
    guardian(3, MAJA, 'Maja', ALVA, { email: 'maja@example.se', street: 'Storgatan 1', postalCode: '123 45', city: 'Vardagby', phone: '070-1' }),
    guardian(4, OLLE, 'Olle', ALVA, { otherHousehold: true, protectedIdentity: true }),
    staff(5, SVEN, 'Sven', { role: 'unit_head' }),
  ];
  const p = plan(rows);

  it('adds each person once, as a child, a guardian or staff, with what the file says of them', () => {
    assert.deepEqual(p.newPersons.map((n) => [n.masked, n.name, n.role, n.person.line]), [
      [masked(ALVA), 'Alva Berg', 'child', 2], [masked(MAJA), 'Maja Berg', 'guardian', 3], [masked(OLLE), 'Olle Berg', 'guardian', 4],
      [masked(SVEN), 'Sven Ek', 'staff', 5],
    ]);
    assert.deepEqual(p.newPersons[1].person, {
      identity: MAJA, firstName: 'Maja', lastName: 'Berg', protectedIdentity: undefined, street: 'Storgatan 1', postalCode: '123 45', city: 'Vardagby',
      email: 'maja@example.se', phone: '070-1', line: 3,
    });
    assert.equal(p.newPersons[2].person.protectedIdentity, true);
    assert.deepEqual(p.changedPersons, []);
    assert.deepEqual(p.protectedChanges, []);
  });

  it('places the child in the register’s group of the unit the file names', () => {
    assert.deepEqual(p.newPlacements, [
      { child: ALVA.number, childName: 'Alva Berg', groupId: 10, groupName: 'Blå', unitName: 'Solrosen', startDate: '2025-08-01', endDate: null },
    ]);
    assert.deepEqual([p.changedPlacements, p.endedPlacements, p.removedPlacements], [[], [], []]);
  });

  it('links each guardian, in or out of the child’s household', () => {
    assert.deepEqual(p.newGuardianships, [
      { guardian: MAJA.number, guardianName: 'Maja Berg', child: ALVA.number, childName: 'Alva Berg', otherHousehold: false },
      { guardian: OLLE.number, guardianName: 'Olle Berg', child: ALVA.number, childName: 'Alva Berg', otherHousehold: true },
    ]);
    assert.deepEqual([p.removedGuardianships, p.changedGuardianships], [[], []]);
  });

  it('assigns the staff member to the unit', () => {
    assert.deepEqual(p.newAssignments, [
      { person: SVEN.number, name: 'Sven Ek', unitId: 1, unitName: 'Solrosen', groupId: null, groupName: null, role: 'unit_head', startDate: null, endDate: null },
    ]);
    assert.deepEqual(p.endedAssignments, []);
  });

  it('invites the guardians: by mail today the one with an address, on paper the one without', () => {
    const child = { identity: ALVA.number, name: 'Alva Berg', firstName: 'Alva' };
    assert.deepEqual(p.reach, [
      { guardian: MAJA.number, guardianId: null, name: 'Maja Berg', firstName: 'Maja', protectedIdentity: false, children: [child], unitName: 'Solrosen', how: 'mail', email: 'maja@example.se', sendOn: TODAY },
      { guardian: OLLE.number, guardianId: null, name: 'Olle Berg', firstName: 'Olle', protectedIdentity: true, children: [child], unitName: 'Solrosen', how: 'paper', email: null, sendOn: TODAY },
    ]);
  });

  it('counts what it does, refuses nothing and ends nothing', () => {
    assert.deepEqual(p.refused, []);
    assert.equal(p.massEnd, null);
    assert.equal(changesNothing(p), false);
    assert.deepEqual(planCounts(p), {
      newPersons: 4, changedPersons: 0, protectedChanges: 0, newPlacements: 1, changedPlacements: 0, endedPlacements: 0, removedPlacements: 0,
      newGuardianships: 2, removedGuardianships: 0, changedGuardianships: 0, newAssignments: 1, endedAssignments: 0, reached: 2, refused: 0,
    });
  });

  it('is sealed by a digest of every change: the same for the same plan, another for another', () => {
    const { digest, ...rest } = p;
    assert.equal(digest, crypto.createHash('sha256').update(JSON.stringify(rest)).digest('hex'));
    assert.equal(plan(rows).digest, digest);
    assert.notEqual(plan(rows.slice(0, 3)).digest, digest);
  });
});

describe('the units and groups a file names', () => {
  it('are the register’s, found whatever the case, spaces, hyphens or å/ä/ö, the first of two alike', () => {
    const p = plan([child(2, ALVA, 'Alva', { unit: ' SOLROSEN', group: 'bla' }), staff(3, SVEN, 'Sven', { unit: 'akervagens-skola', group: 'klass 1a' })]);
    assert.deepEqual(p.newPlacements.map((n) => [n.groupId, n.groupName, n.unitName]), [[10, 'Blå', 'Solrosen']]);
    assert.deepEqual(p.newAssignments.map((a) => [a.unitId, a.unitName, a.groupId, a.groupName]), [[2, 'Åkervägens skola', 20, 'Klass 1A']]);
    assert.deepEqual(p.refused, []);
  });

  it('must be the municipality’s: a row naming another unit, or a group not of its unit, is refused and says which', () => {
    const p = plan([
      child(2, ALVA, 'Alva', { unit: 'Månen' }), child(3, BO, 'Bo', { group: 'Klass 1A' }), staff(4, SVEN, 'Sven', { unit: 'Månen' }),
      staff(5, TORA, 'Tora', { group: 'Röd' }),
    ]);
    assert.deepEqual(reasons(p), [
      { line: 2, who: masked(ALVA), key: 'registryImport.refused.unknownUnit', params: { unit: 'Månen' } },
      { line: 3, who: masked(BO), key: 'registryImport.refused.unknownGroup', params: { unit: 'Solrosen', group: 'Klass 1A' } },
      { line: 4, who: masked(SVEN), key: 'registryImport.refused.unknownUnit', params: { unit: 'Månen' } },
      { line: 5, who: masked(TORA), key: 'registryImport.refused.unknownGroup', params: { unit: 'Solrosen', group: 'Röd' } },
    ]);
    assert.deepEqual([p.newPersons, p.newPlacements, p.newAssignments], [[], [], []], 'a person whose every row is refused is not added');
  });
});

describe('a closed unit or an ended group', () => {
  const units = [{ id: 1, name: 'Solrosen', closed: true }, { id: 2, name: 'Åkervägens skola', closed: false }];
  const groups = [{ id: 10, unitId: 1, name: 'Blå' }, { id: 20, unitId: 2, name: 'Klass 1A', ended: true }, { id: 21, unitId: 2, name: 'Klass 2A', ended: false }];
  const persons = known(person(100, ALVA, 'Alva'), person(300, SVEN, 'Sven', 'Ek'));
  const placements = [{ id: 1000, childId: 100, groupId: 10, startDate: '2025-08-01', endDate: null }];
  const assignments: SnapshotAssignment[] = [{ id: 7000, personId: 300, unitId: 1, groupId: null, role: 'staff', startDate: '2024-08-01', endDate: null }];
  const reg = register({ units, groups, persons, placements, assignments });
  const school = { unit: 'Åkervägens skola', group: 'Klass 1A' };

  it('takes no new placement or assignment, and says which unit is closed or which group has ended', () => {
    const p = plan([
      child(2, BO, 'Bo'), child(3, CIRI, 'Ciri', school), child(4, ALVA, 'Alva', { unit: 'Åkervägens skola', group: 'Klass 2A' }),
      staff(5, TORA, 'Tora'), staff(6, TORA, 'Tora', school), staff(7, TORA, 'Tora', { unit: 'Åkervägens skola' }),
    ], reg);
    assert.deepEqual(reasons(p), [
      { line: 2, who: masked(BO), key: 'registryImport.refused.unitClosed', params: { unit: 'Solrosen' } },
      { line: 3, who: masked(CIRI), key: 'registryImport.refused.groupEnded', params: { unit: 'Åkervägens skola', group: 'Klass 1A' } },
      { line: 5, who: masked(TORA), key: 'registryImport.refused.unitClosed', params: { unit: 'Solrosen' } },
      { line: 6, who: masked(TORA), key: 'registryImport.refused.groupEnded', params: { unit: 'Åkervägens skola', group: 'Klass 1A' } },
    ]);
    assert.deepEqual(p.newPlacements.map((n) => [n.child, n.groupId]), [[ALVA.number, 21]]);
    assert.deepEqual(p.newAssignments.map((a) => [a.unitId, a.groupId]), [[2, null]]);
  });

  it("brings no guardian, guardianship or invitation for a child who cannot be placed", () => {
    // Bo's only row is refused (Solrosen is closed): his guardian Maja is refused with him, not added and not invited
    const p = plan([child(2, BO, 'Bo'), guardian(3, MAJA, 'Maja', BO, { email: 'maja@example.com' })], reg);
    assert.deepEqual(reasons(p).map((r) => [r.line, r.key]), [[2, 'registryImport.refused.unitClosed'], [3, 'registryImport.refused.childNotInFile']]);
    assert.deepEqual([p.newPersons, p.newGuardianships, p.reach], [[], [], []]);
  });

  it('keeps those already there as the file says, and ends them on the file’s last day', () => {
    const p = plan([child(2, ALVA, 'Alva', { endDate: '2026-06-30' }), staff(3, SVEN, 'Sven', { endDate: '2026-06-30' })], reg);
    assert.deepEqual(p.refused, []);
    assert.deepEqual(p.changedPlacements.map((c) => [c.placementId, c.newEnd]), [[1000, '2026-06-30']]);
    assert.deepEqual(p.endedAssignments.map((e) => [e.assignmentId, e.newEnd]), [[7000, '2026-06-30']]);
  });
});

describe('rows the plan refuses', () => {
  it('refuses a row naming a person already named otherwise, and says on which line', () => {
    const first = child(2, ALVA, 'Alva', { protectedIdentity: false, street: 'S', postalCode: 'P', city: 'C', email: 'e@x.se', phone: '1' });
    const differ: Partial<ChildRow>[] = [
      { firstName: 'Alba' }, { lastName: 'Björk' }, { protectedIdentity: true }, { street: 'T' }, { postalCode: 'Q' }, { city: 'D' }, { email: 'f@x.se' },
      { phone: '2' }, { street: null },
    ];
    for (const over of differ) {
      const p = plan([first, child(3, ALVA, 'Alva', { ...first, line: 3, group: 'Gul', ...over })]);
      assert.deepEqual(reasons(p), [{ line: 3, who: masked(ALVA), key: 'registryImport.refused.conflict', params: { line: 2 } }], JSON.stringify(over));
      assert.equal(p.newPlacements.length, 1);
    }
  });

  it('takes a second row of a person that lacks a column the first has, or the other way round', () => {
    const first = child(2, ALVA, 'Alva', { protectedIdentity: true, street: 'S', postalCode: 'P', city: 'C', email: 'e@x.se', phone: '1' });
    const p = plan([first, child(3, ALVA, 'Alva', { group: 'Gul' }), child(4, ALVA, 'Alva', { ...first, line: 4, group: 'Blå', startDate: '2026-01-01' })]);
    assert.deepEqual(p.refused, []);
    assert.deepEqual(p.newPlacements.map((n) => n.groupName), ['Blå', 'Gul', 'Blå']);
    assert.deepEqual(p.newPersons.map((n) => n.person.line), [2]);
    const lacking = plan([child(2, ALVA, 'Alva'), child(3, ALVA, 'Alva', { ...first, line: 3, group: 'Gul' })]);
    assert.deepEqual(lacking.refused, []);
  });

  it('refuses a placement twice in the file, a guardian of a child the file lacks, a guardianship twice, an assignment twice', () => {
    const p = plan([
      child(2, ALVA, 'Alva'), child(3, ALVA, 'Alva', { endDate: '2026-06-30' }), guardian(4, MAJA, 'Maja', CIRI), guardian(5, OLLE, 'Olle', ALVA),
      guardian(6, OLLE, 'Olle', ALVA, { otherHousehold: true }), staff(7, SVEN, 'Sven', { group: 'Blå' }), staff(8, SVEN, 'Sven', { group: 'blå' }),
      staff(9, SVEN, 'Sven'), staff(10, SVEN, 'Sven', { role: 'unit_head', group: 'Blå' }),
    ], register(), context());
    assert.deepEqual(reasons(p), [
      { line: 3, who: masked(ALVA), key: 'registryImport.refused.duplicatePlacement' },
      { line: 4, who: masked(MAJA), key: 'registryImport.refused.childNotInFile', params: { child: masked(CIRI) } },
      { line: 6, who: masked(OLLE), key: 'registryImport.refused.duplicateGuardianship', params: { line: 5 } },
      { line: 8, who: masked(SVEN), key: 'registryImport.refused.duplicateAssignment', params: { line: 7 } },
    ]);
    assert.deepEqual(p.newAssignments.map((a) => [a.groupId, a.role]), [[10, 'staff'], [null, 'staff'], [10, 'unit_head']]);
    assert.deepEqual(p.newPersons.map((n) => n.name), ['Alva Berg', 'Olle Berg', 'Sven Ek'], 'Maja, whose only row was refused, is not added');
    assert.equal(p.newPlacements.length, 1);
    assert.equal(p.newGuardianships.length, 1);
  });

  it('lists the rows the file itself refused with its own, in the order of the file', () => {
    const own: RefusedRow = { line: 3, who: '000000-XXXX', reason: { key: 'registryImport.refused.badDate' } };
    const p = planImport(file([child(2, ALVA, 'Alva', { unit: 'Månen' }), child(4, BO, 'Bo', { unit: 'Månen' })], [own]), register(), context());
    assert.deepEqual(p.refused.map((r) => r.line), [2, 3, 4]);
    assert.deepEqual(p.refused[1], own);
  });
});

describe('persons the register has', () => {
  const alva = person(100, ALVA, 'Alva', 'Berg', { street: 'Storgatan 1', postalCode: '123 45', city: 'Vardagby', email: 'alva@x.se', phone: '1' });

  it('change in the columns the file has and that differ, each with its old and new value', () => {
    const p = plan([child(2, ALVA, 'Alvah', { lastName: 'Björk', street: 'Storgatan 2', postalCode: '123 45', city: null, phone: '2', protectedIdentity: true })],
      register({ persons: known(alva) }));
    assert.deepEqual(p.changedPersons, [{
      identity: ALVA.number, masked: masked(ALVA), name: 'Alvah Björk', personId: 100, fields: [
        { field: 'first_name', oldValue: 'Alva', newValue: 'Alvah' }, { field: 'last_name', oldValue: 'Berg', newValue: 'Björk' },
        { field: 'protected_identity', oldValue: '0', newValue: '1' }, { field: 'street_address', oldValue: 'Storgatan 1', newValue: 'Storgatan 2' },
        { field: 'city', oldValue: 'Vardagby', newValue: null }, { field: 'phone', oldValue: '1', newValue: '2' },
      ],
    }]);
    assert.deepEqual(p.protectedChanges, [{ masked: masked(ALVA), name: 'Alvah Björk', protectedIdentity: true }]);
    assert.deepEqual(p.newPersons, []);
  });

  it('do not change when the file agrees or lacks the column; an empty column and none agree', () => {
    const p = plan([child(2, ALVA, 'Alva', { street: 'Storgatan 1', email: 'alva@x.se', protectedIdentity: false })], register({ persons: known(alva) }));
    assert.deepEqual([p.changedPersons, p.protectedChanges], [[], []]);
    const empty = plan([child(2, ALVA, 'Alva', { street: null, email: null })], register({ persons: known(person(100, ALVA, 'Alva')) }));
    assert.deepEqual([empty.changedPersons, empty.protectedChanges], [[], []]);
  });

  it('turn protected identity off, and set a column the register has empty', () => {
    const hidden = person(100, ALVA, 'Alva', 'Berg', { protectedIdentity: true });
    const p = plan([child(2, ALVA, 'Alva', { protectedIdentity: false, email: 'ny@x.se' })], register({ persons: known(hidden) }));
    assert.deepEqual(p.changedPersons[0].fields, [
      { field: 'protected_identity', oldValue: '1', newValue: '0' }, { field: 'email', oldValue: null, newValue: 'ny@x.se' },
    ]);
    assert.deepEqual(p.protectedChanges, [{ masked: masked(ALVA), name: 'Alva Berg', protectedIdentity: false }]);
    assert.deepEqual(plan([child(2, ALVA, 'Alva', { postalCode: '123 45' })], register({ persons: known(hidden) })).changedPersons[0].fields, [
      { field: 'postal_code', oldValue: null, newValue: '123 45' },
    ]);
  });
});

describe('placements of the register', () => {
  const persons = known(person(100, ALVA, 'Alva'), person(101, BO, 'Bo'));
  const placements = [
    { id: 1000, childId: 100, groupId: 10, startDate: '2025-08-01', endDate: null }, // in the file as it is
    { id: 1001, childId: 100, groupId: 11, startDate: '2025-01-01', endDate: '2026-06-30' }, // in the file, another end
    { id: 1002, childId: 101, groupId: 11, startDate: '2024-08-01', endDate: null }, // not in the file: ends today
    { id: 1003, childId: 101, groupId: 11, startDate: '2026-08-01', endDate: null }, // not in the file, not started: removed
    { id: 1004, childId: 101, groupId: 10, startDate: '2023-08-01', endDate: '2025-01-01' }, // history
    { id: 1005, childId: 101, groupId: 10, startDate: '2025-01-02', endDate: TODAY }, // ends today anyway
    { id: 1006, childId: 101, groupId: 99, startDate: '2025-01-02', endDate: '2026-03-11' }, // a group not in the register's list
  ];
  const rows = [child(2, ALVA, 'Alva'), child(3, ALVA, 'Alva', { group: 'Gul', startDate: '2025-01-01', endDate: '2026-05-31' }), child(4, CIRI, 'Ciri', { group: 'Gul' })];
  const p = plan(rows, register({ persons, placements }));

  it('keeps one the file has as it is, and changes the end of one the file ends otherwise', () => {
    assert.deepEqual(p.changedPlacements, [
      { placementId: 1001, childId: 100, childName: 'Alva Berg', groupName: 'Gul', oldEnd: '2026-06-30', newEnd: '2026-05-31' },
    ]);
    assert.deepEqual(p.newPlacements.map((n) => [n.child, n.groupId, n.startDate]), [[CIRI.number, 11, '2025-08-01']]);
  });

  it('ends today one the file no longer has, removes one that had not started, and leaves the ended ones', () => {
    assert.deepEqual(p.endedPlacements, [
      { placementId: 1002, childId: 101, childName: 'Bo Berg', groupName: 'Gul', oldEnd: null, newEnd: TODAY },
      { placementId: 1006, childId: 101, childName: 'Bo Berg', groupName: '', oldEnd: '2026-03-11', newEnd: TODAY },
    ]);
    assert.deepEqual(p.removedPlacements, [{ placementId: 1003, childId: 101, childName: 'Bo Berg', groupName: 'Gul', oldEnd: null, newEnd: null }]);
  });

  it('ends today, not removes, one the file no longer has that starts today', () => {
    const starts = plan([child(2, ALVA, 'Alva')], register({ persons, placements: [...placements.slice(0, 1), { id: 1007, childId: 101, groupId: 10, startDate: TODAY, endDate: null }] }));
    assert.deepEqual([starts.endedPlacements.map((e) => [e.placementId, e.newEnd]), starts.removedPlacements], [[[1007, TODAY]], []]);
  });

  it('starts a placement again in the same group on another day as a new one', () => {
    const again = plan([child(2, ALVA, 'Alva', { startDate: '2026-01-01' })], register({ persons, placements: placements.slice(0, 1) }));
    assert.deepEqual(again.newPlacements.map((n) => [n.groupId, n.startDate]), [[10, '2026-01-01']]);
    assert.deepEqual(again.endedPlacements.map((e) => e.placementId), [1000]);
  });

  it('ends none when the file has no child (staff only)', () => {
    const staffOnly = plan([staff(2, SVEN, 'Sven')], register({ persons, placements }));
    assert.deepEqual([staffOnly.endedPlacements, staffOnly.removedPlacements, staffOnly.changedPlacements], [[], [], []]);
    assert.equal(staffOnly.massEnd, null);
  });

  it('changes nothing when the file is the register', () => {
    const same = plan([child(2, ALVA, 'Alva')], register({ persons: known(person(100, ALVA, 'Alva')), placements: placements.slice(0, 1) }));
    assert.equal(changesNothing(same), true);
    assert.deepEqual(same.reach, []);
  });
});

describe('guardianships of the register', () => {
  const persons = known(person(100, ALVA, 'Alva'), person(101, BO, 'Bo'), person(200, MAJA, 'Maja'), person(201, OLLE, 'Olle'));
  const guardianships = [
    { id: 5000, guardianId: 200, childId: 100, otherHousehold: false }, // the file: other household now
    { id: 5001, guardianId: 201, childId: 100, otherHousehold: false }, // not in the file: removed
    { id: 5002, guardianId: 201, childId: 101, otherHousehold: false }, // Bo is not in the file: left alone
    { id: 5003, guardianId: 200, childId: 101, otherHousehold: true },
  ];
  const placements = [{ id: 1000, childId: 100, groupId: 10, startDate: '2025-08-01', endDate: null }];
  const p = plan([child(2, ALVA, 'Alva'), guardian(3, MAJA, 'Maja', ALVA, { otherHousehold: true }), guardian(4, PER, 'Per', ALVA)],
    register({ persons, guardianships, placements }));

  it('are the file’s whole truth for each child it has: kept, changed, added or removed', () => {
    assert.deepEqual(p.changedGuardianships, [{ id: 5000, guardianName: 'Maja Berg', childName: 'Alva Berg', otherHousehold: true }]);
    assert.deepEqual(p.removedGuardianships, [{ id: 5001, guardianId: 201, childId: 100, guardianName: 'Olle Berg', childName: 'Alva Berg' }]);
    assert.deepEqual(p.newGuardianships, [{ guardian: PER.number, guardianName: 'Per Berg', child: ALVA.number, childName: 'Alva Berg', otherHousehold: false }]);
    assert.deepEqual(p.endedPlacements, [], 'Bo has no placement in the register');
  });

  it('keep one the file has as it is', () => {
    const kept = plan([child(2, ALVA, 'Alva'), guardian(3, MAJA, 'Maja', ALVA)], register({ persons, guardianships: guardianships.slice(0, 1), placements }));
    assert.deepEqual([kept.newGuardianships, kept.changedGuardianships, kept.removedGuardianships], [[], [], []]);
    assert.equal(changesNothing(kept), true);
  });

  it('link a known guardian to a new child, and a new guardian to a known child', () => {
    const linked = plan([child(2, CIRI, 'Ciri'), guardian(3, MAJA, 'Maja', CIRI)], register({ persons, guardianships, placements }));
    assert.deepEqual(linked.newGuardianships.map((g) => [g.guardian, g.child]), [[MAJA.number, CIRI.number]]);
    assert.deepEqual(linked.removedGuardianships, []);
  });
});

describe('staff assignments of the register', () => {
  const persons = known(person(300, SVEN, 'Sven', 'Ek'));
  const assignment = (over: Partial<SnapshotAssignment>): SnapshotAssignment => ({
    id: 7000, personId: 300, unitId: 1, groupId: null, role: 'staff', startDate: '2024-08-01', endDate: null, ...over,
  });

  it('adds none the register has, and one of another unit, group or role', () => {
    const assignments = [assignment({})];
    assert.deepEqual(plan([staff(2, SVEN, 'Sven')], register({ persons, assignments })).newAssignments, []);
    const others = plan([staff(2, SVEN, 'Sven', { unit: 'Åkervägens skola' }), staff(3, SVEN, 'Sven', { group: 'Blå' }), staff(4, SVEN, 'Sven', { role: 'unit_head' })],
      register({ persons, assignments }));
    assert.deepEqual(others.newAssignments.map((a) => [a.unitId, a.groupId, a.role]), [[2, null, 'staff'], [1, 10, 'staff'], [1, null, 'unit_head']]);
    const groups = plan([staff(2, SVEN, 'Sven', { group: 'Blå' }), staff(3, SVEN, 'Sven', { group: 'Gul' })], register({ persons, assignments }));
    assert.deepEqual([groups.newAssignments.map((a) => a.groupId), groups.refused], [[10, 11], []]);
    const otherPerson = plan([staff(2, SVEN, 'Sven')], register({ persons, assignments: [assignment({ personId: 301 })] }));
    assert.equal(otherPerson.newAssignments.length, 1);
  });

  it('ends one on the last day the file gives, or moves its end', () => {
    const p = plan([staff(2, SVEN, 'Sven', { group: 'Blå', endDate: '2026-06-30' })], register({ persons, assignments: [assignment({ groupId: 10 })] }));
    assert.deepEqual(p.endedAssignments, [
      { assignmentId: 7000, name: 'Sven Ek', unitName: 'Solrosen', groupName: 'Blå', role: 'staff', oldEnd: null, newEnd: '2026-06-30' },
    ]);
    assert.equal(changesNothing(p), false);
    assert.equal(planCounts(p).endedAssignments, 1);
    const moved = plan([staff(2, SVEN, 'Sven', { endDate: '2026-06-30' })], register({ persons, assignments: [assignment({ endDate: '2026-05-31' })] }));
    assert.deepEqual(moved.endedAssignments.map((e) => [e.oldEnd, e.newEnd]), [['2026-05-31', '2026-06-30']]);
  });

  it('leaves the end as it is when the file gives none or the same', () => {
    for (const endDate of [null, '2026-05-31']) {
      const p = plan([staff(2, SVEN, 'Sven', { endDate })], register({ persons, assignments: [assignment({ endDate: '2026-05-31' })] }));
      assert.deepEqual([p.newAssignments, p.endedAssignments, p.refused], [[], [], []], String(endDate));
    }
  });

  it('refuses a last day before the assignment’s first, and takes it on the first', () => {
    const p = plan([staff(2, SVEN, 'Sven', { endDate: '2024-07-31' })], register({ persons, assignments: [assignment({})] }));
    assert.deepEqual(reasons(p), [{ line: 2, who: masked(SVEN), key: 'registryImport.refused.endBeforeStart' }]);
    assert.deepEqual(p.endedAssignments, []);
    const same = plan([staff(2, SVEN, 'Sven', { endDate: '2024-08-01' })], register({ persons, assignments: [assignment({})] }));
    assert.deepEqual(same.endedAssignments.map((e) => e.newEnd), ['2024-08-01']);
    const noStart = plan([staff(2, SVEN, 'Sven', { endDate: '2020-01-01' })], register({ persons, assignments: [assignment({ startDate: null })] }));
    assert.deepEqual(noStart.endedAssignments.map((e) => e.newEnd), ['2020-01-01']);
  });

  it('takes the same assignment twice in the file when each row starts another period', () => {
    const p = plan([staff(2, TORA, 'Tora', { startDate: '2025-01-01', endDate: '2025-06-30' }), staff(3, TORA, 'Tora', { startDate: '2026-01-01' })]);
    assert.deepEqual([p.newAssignments.map((a) => [a.startDate, a.endDate]), p.refused], [[['2025-01-01', '2025-06-30'], ['2026-01-01', null]], []]);
    const twice = plan([staff(2, TORA, 'Tora', { startDate: '2026-01-01' }), staff(3, TORA, 'Tora', { startDate: '2026-01-01' })]);
    assert.deepEqual(reasons(twice), [{ line: 3, who: masked(TORA), key: 'registryImport.refused.duplicateAssignment', params: { line: 2 } }]);
  });

  it('add a new assignment with the file’s first and last day when none matches', () => {
    const p = plan([staff(2, TORA, 'Tora', { startDate: '2026-04-01', endDate: '2026-12-31' })]);
    assert.deepEqual(p.newAssignments.map((a) => [a.name, a.startDate, a.endDate]), [['Tora Ek', '2026-04-01', '2026-12-31']]);
  });
});

describe('the assignment a staff row speaks of', () => {
  const a = (id: number, startDate: string | null, endDate: string | null): SnapshotAssignment => ({ id, personId: 1, unitId: 1, groupId: null, role: 'staff', startDate, endDate });
  const ids = (found: SnapshotAssignment | undefined) => found?.id;

  it('with a first day: the one starting that day, else the last not ended before it', () => {
    const same = [a(1, '2020-01-01', '2021-06-30'), a(2, '2022-01-01', null), a(3, '2023-01-01', '2023-12-31')];
    assert.equal(ids(assignmentOfRow(same, { startDate: '2022-01-01' }, TODAY)), 2);
    assert.equal(ids(assignmentOfRow(same, { startDate: '2021-06-30' }, TODAY)), 3);
    assert.equal(ids(assignmentOfRow(same, { startDate: '2024-01-01' }, TODAY)), 2);
    assert.equal(ids(assignmentOfRow(same.slice(0, 1), { startDate: '2021-06-30' }, TODAY)), 1);
    assert.equal(ids(assignmentOfRow(same.slice(0, 1), { startDate: '2021-07-01' }, TODAY)), undefined);
    assert.equal(ids(assignmentOfRow([], { startDate: '2021-07-01' }, TODAY)), undefined);
  });

  it('without: the last one still running today, else the latest', () => {
    const same = [a(1, '2020-01-01', TODAY), a(2, '2021-01-01', '2021-06-30')];
    assert.equal(ids(assignmentOfRow(same, { startDate: null }, TODAY)), 1);
    assert.equal(ids(assignmentOfRow([a(1, null, null), a(2, null, '2027-01-01')], { startDate: null }, TODAY)), 2);
    assert.equal(ids(assignmentOfRow([a(1, null, null), a(2, null, '2020-01-01')], { startDate: null }, TODAY)), 1);
    assert.equal(ids(assignmentOfRow([a(1, null, '2020-01-01'), a(2, null, '2021-01-01')], { startDate: null }, TODAY)), 2);
    assert.equal(ids(assignmentOfRow([a(1, null, '2026-03-09')], { startDate: null }, TODAY)), 1);
    assert.equal(ids(assignmentOfRow([], { startDate: null }, TODAY)), undefined);
  });
});

describe('who an invitation reaches', () => {
  const persons = known(person(200, MAJA, 'Maja', 'Berg', { email: 'maja@register.se', protectedIdentity: true }), person(201, OLLE, 'Olle', 'Berg', { email: 'olle@x.se' }));

  it('tells one with an account in Vardag, and mails one without on the day the unit invites', () => {
    const p = plan([
      child(2, ALVA, 'Alva', { startDate: '2026-08-01' }), child(3, BO, 'Bo', { unit: 'Åkervägens skola', group: 'Klass 1A', startDate: '2026-04-01' }),
      guardian(4, MAJA, 'Maja', ALVA), guardian(5, MAJA, 'Maja', BO), guardian(6, OLLE, 'Olle', ALVA, { email: 'olle@file.se' }),
    ], register({ persons }), context({ withAccount: new Set([201, 999]) }));
    assert.deepEqual(p.reach, [
      {
        guardian: MAJA.number, guardianId: 200, name: 'Maja Berg', firstName: 'Maja', protectedIdentity: true,
        children: [{ identity: ALVA.number, name: 'Alva Berg', firstName: 'Alva' }, { identity: BO.number, name: 'Bo Berg', firstName: 'Bo' }],
        unitName: 'Solrosen', how: 'mail', email: 'maja@register.se', sendOn: TODAY,
      },
      {
        guardian: OLLE.number, guardianId: 201, name: 'Olle Berg', firstName: 'Olle', protectedIdentity: false,
        children: [{ identity: ALVA.number, name: 'Alva Berg', firstName: 'Alva' }], unitName: 'Solrosen', how: 'notified', email: 'olle@file.se', sendOn: '2026-07-18',
      },
    ]);
  });

  it('holds a mail until the unit’s day before the first placement day, the earliest of the children’s', () => {
    const p = plan([
      child(2, ALVA, 'Alva', { startDate: '2026-08-01' }), child(3, BO, 'Bo', { startDate: '2026-09-01' }), guardian(4, MAJA, 'Maja', BO), guardian(5, MAJA, 'Maja', ALVA),
    ], register({ persons }));
    assert.deepEqual(p.reach.map((r) => [r.how, r.sendOn, r.unitName, r.children.map((c) => c.firstName)]), [['held', '2026-07-18', 'Solrosen', ['Bo', 'Alva']]]);
    const firstEarliest = plan([
      child(2, ALVA, 'Alva', { startDate: '2026-08-01' }), child(3, BO, 'Bo', { startDate: '2026-09-01' }), guardian(4, MAJA, 'Maja', ALVA), guardian(5, MAJA, 'Maja', BO),
    ], register({ persons }));
    assert.deepEqual(firstEarliest.reach.map((r) => r.sendOn), ['2026-07-18']);
    const twoPlaces = plan([
      child(2, ALVA, 'Alva', { startDate: '2026-09-01' }), child(3, ALVA, 'Alva', { group: 'Gul', startDate: '2026-08-01' }), guardian(4, MAJA, 'Maja', ALVA),
    ], register({ persons }));
    assert.deepEqual(twoPlaces.reach.map((r) => r.sendOn), ['2026-07-18']);
    const late = plan([child(2, ALVA, 'Alva', { startDate: '2026-03-24' }), guardian(3, MAJA, 'Maja', ALVA)], register({ persons }));
    assert.deepEqual(late.reach.map((r) => [r.how, r.sendOn]), [['mail', TODAY]]);
    const tomorrow = plan([child(2, ALVA, 'Alva', { startDate: '2026-03-25' }), guardian(3, MAJA, 'Maja', ALVA)], register({ persons }));
    assert.deepEqual(tomorrow.reach.map((r) => [r.how, r.sendOn]), [['held', '2026-03-11']]);
  });

  it('prints on paper for one whose address the file empties, and takes the file’s protected identity first', () => {
    const p = plan([child(2, ALVA, 'Alva'), guardian(3, MAJA, 'Maja', ALVA, { email: null, protectedIdentity: false })], register({ persons }));
    assert.deepEqual(p.reach.map((r) => [r.how, r.email, r.protectedIdentity]), [['paper', null, false]]);
  });

  it('reaches no one for a child whose placements have all ended, and counts a placement ending today', () => {
    const ended = plan([child(2, ALVA, 'Alva', { startDate: '2025-01-01', endDate: '2026-03-09' }), guardian(3, MAJA, 'Maja', ALVA)], register({ persons }));
    assert.deepEqual(ended.reach, []);
    assert.equal(ended.newGuardianships.length, 1);
    const lastDay = plan([child(2, ALVA, 'Alva', { startDate: '2025-01-01', endDate: TODAY }), guardian(3, MAJA, 'Maja', ALVA)], register({ persons }));
    assert.equal(lastDay.reach.length, 1);
    const oneOpen = plan([
      child(2, ALVA, 'Alva', { startDate: '2025-01-01', endDate: '2025-06-30' }), child(3, ALVA, 'Alva', { unit: 'Åkervägens skola', group: 'Klass 1A', startDate: '2026-08-01' }),
      guardian(4, MAJA, 'Maja', ALVA),
    ], register({ persons }));
    assert.deepEqual(oneOpen.reach.map((r) => [r.unitName, r.sendOn]), [['Åkervägens skola', '2026-07-02']]);
  });

  it('lists them by name in Swedish order, then by personnummer', () => {
    const p = plan([
      child(2, ALVA, 'Alva'), guardian(3, PER, 'Östen', ALVA, { lastName: 'A' }), guardian(4, MAJA, 'Åsa', ALVA, { lastName: 'A' }),
      guardian(5, OLLE, 'Zoe', ALVA, { lastName: 'A' }), guardian(6, TORA, 'Åsa', ALVA, { lastName: 'A' }),
    ]);
    const order = [OLLE, ...[MAJA, TORA].sort((x, y) => x.number.localeCompare(y.number)), PER].map((g) => g.number);
    assert.deepEqual(p.reach.map((r) => r.guardian), order);
  });
});

describe('an import that would end a large share of the register', () => {
  const open = (n: number, endDate: string | null = null) => Array.from({ length: n }, (_, i) => ({ id: i + 1, childId: i + 1, groupId: 10, startDate: '2025-01-01', endDate }));
  const links = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, guardianId: 1000 + i, childId: i + 1, otherHousehold: false }));

  it('is more than five and more than a tenth of the open placements or of the guardianships', () => {
    assert.deepEqual(MASS_END, { atLeast: 5, share: 0.1 });
    assert.deepEqual(massEndOf(6, 0, { placements: open(59), guardianships: links(3) }, TODAY), { placements: 6, placementsOf: 59, guardianships: 0, guardianshipsOf: 3 });
    assert.equal(massEndOf(6, 0, { placements: open(60), guardianships: [] }, TODAY), null);
    assert.equal(massEndOf(5, 0, { placements: open(10), guardianships: [] }, TODAY), null);
    assert.deepEqual(massEndOf(1, 7, { placements: open(10), guardianships: links(69) }, TODAY), { placements: 1, placementsOf: 10, guardianships: 7, guardianshipsOf: 69 });
    assert.equal(massEndOf(0, 7, { placements: [], guardianships: links(70) }, TODAY), null);
    assert.equal(massEndOf(0, 5, { placements: [], guardianships: links(6) }, TODAY), null);
  });

  it('counts the placements open today, not those that ended before', () => {
    const placements = [...open(50, '2026-03-09'), ...open(30, TODAY), ...open(29)];
    assert.equal(massEndOf(6, 0, { placements, guardianships: [] }, TODAY)?.placementsOf, 59);
  });

  it('is flagged on the plan of a file cut short', () => {
    const persons = known(...Array.from({ length: 8 }, (_, i) => person(i + 1, who('2021-01-01', 500 + i), `Barn${i}`)));
    const placements = open(8);
    const p = plan([child(2, who('2021-01-01', 500), 'Barn0', { startDate: '2025-01-01' })], register({ persons, placements }));
    assert.deepEqual(p.massEnd, { placements: 7, placementsOf: 8, guardianships: 0, guardianshipsOf: 0 });
    assert.equal(p.endedPlacements.length, 7);
    const future = [...open(3), ...open(3).map((p) => ({ ...p, id: p.id + 3, childId: p.childId + 3, startDate: '2026-08-01' })), ...open(2).map((p) => ({ ...p, id: p.id + 6, childId: p.childId + 6 }))];
    const r = plan([child(2, who('2021-01-01', 506), 'Barn6', { startDate: '2025-01-01' }), child(3, who('2021-01-01', 507), 'Barn7', { startDate: '2025-01-01' })],
      register({ persons, placements: future }));
    assert.deepEqual([r.endedPlacements.length, r.removedPlacements.length, r.massEnd?.placements], [3, 3, 6]);
    const guardianships = links(8).map((g) => ({ ...g, childId: 1, guardianId: 100 + g.id }));
    const q = plan([child(2, who('2021-01-01', 500), 'Barn0', { startDate: '2025-01-01' })], register({ persons, placements: open(1), guardianships }));
    assert.deepEqual(q.massEnd, { placements: 0, placementsOf: 1, guardianships: 8, guardianshipsOf: 8 });
  });
});

describe('a plan that changes nothing', () => {
  const LISTS = [
    'newPersons', 'changedPersons', 'newPlacements', 'changedPlacements', 'endedPlacements', 'removedPlacements', 'newGuardianships',
    'removedGuardianships', 'changedGuardianships', 'newAssignments', 'endedAssignments',
  ] as const;
  const withLists = (...names: string[]) => ({ ...plan([]), ...Object.fromEntries(names.map((n) => [n, [{}]])) }) as ImportPlan;

  it('has nothing in any list of changes', () => {
    assert.equal(changesNothing(withLists()), true);
    assert.equal(changesNothing(withLists('protectedChanges')), true, 'a protected identity turned on or off is one of the person’s changes too');
    for (const name of LISTS) assert.equal(changesNothing(withLists(name)), false, name);
    for (const name of LISTS.slice(1)) assert.equal(changesNothing(withLists(LISTS[0], name)), false, name);
  });
});

describe('the preview’s paging', () => {
  it('pages one list, and the list of who is reached by one way', () => {
    assert.ok(PREVIEW_LISTS.includes('reach') && PREVIEW_LISTS.includes('endedAssignments'));
    assert.deepEqual(previewPaging({ list: 'reach', page: '3', how: 'paper' }), { list: 'reach', page: 3, how: 'paper' });
    assert.deepEqual(previewPaging({ list: 'reach', page: '999999', how: 'held' }), { list: 'reach', page: 999999, how: 'held' });
    assert.deepEqual(previewPaging({ list: 'newPersons', page: '2', how: 'paper' }), { list: 'newPersons', page: 2, how: '' });
    for (const how of ['mail', 'notified']) assert.deepEqual(previewPaging({ list: 'reach', how }), { list: 'reach', page: 1, how });
  });

  it('shows the first page of every list for anything else', () => {
    assert.deepEqual(previewPaging({}), { list: '', page: 1, how: '' });
    assert.deepEqual(previewPaging({ list: 'secrets', page: '3', how: 'paper' }), { list: '', page: 1, how: '' });
    for (const page of ['0', '03', '1000000', '2x', 'x2', '', ['2']]) {
      assert.deepEqual(previewPaging({ list: 'refused', page }), { list: 'refused', page: 1, how: '' }, String(page));
    }
    assert.deepEqual(previewPaging({ list: 'reach', how: 'pigeon' }), { list: 'reach', page: 1, how: '' });
  });

  it('cuts a list into pages, a page past the last showing the last', () => {
    const items = [1, 2, 3, 4, 5, 6, 7];
    assert.deepEqual(pageOf(items, 1, 3), { items: [1, 2, 3], page: 1, pages: 3, total: 7 });
    assert.deepEqual(pageOf(items, 2, 3), { items: [4, 5, 6], page: 2, pages: 3, total: 7 });
    assert.deepEqual(pageOf(items, 9, 3), { items: [7], page: 3, pages: 3, total: 7 });
    assert.deepEqual(pageOf(items, 0, 3), { items: [1, 2, 3], page: 1, pages: 3, total: 7 });
    assert.deepEqual(pageOf(items.slice(0, 6), 2, 3), { items: [4, 5, 6], page: 2, pages: 2, total: 6 });
    assert.deepEqual(pageOf([], 4, 3), { items: [], page: 1, pages: 1, total: 0 });
  });

  it('counts those reached each way', () => {
    const r = (how: Reach['how']) => ({ how }) as Reach;
    assert.deepEqual(reachByHow([r('mail'), r('paper'), r('mail'), r('notified')]), { mail: 2, held: 0, paper: 1, notified: 1 });
    assert.deepEqual(reachByHow([]), { mail: 0, held: 0, paper: 0, notified: 0 });
  });
});
