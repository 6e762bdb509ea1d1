// The actions that count only some of a child's groups (`only` in server/kernel/actions.ts): an unreported absence is
// for the school classes the child is in now, a check-in for the one group whose Today it is. First the policy alone,
// then through the app with Oskar (Björkskolan 2B, and Lärkan at its fritids) and a child placed in two municipalities.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount } from '../../server/accounts/queries.ts';
import { decide, type Actor, type Location, type PlacedGroup } from '../../server/kernel/policy.ts';
import { addPlacement, createGroup, createPerson, createUnit } from '../../server/people/commands.ts';
import { loadActor, locateChild } from '../../server/people/relations.ts';
import { csrfOf, demoPasswordHash, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, municipalityId, personId } from '../support/demo.ts';

function actor(relations: Partial<Actor>): Actor {
  return {
    accountId: 1, personId: 1, authLevel: 'password', strongIn: new Set(), adminOf: new Set(), headOf: new Set(), staffUnits: new Set(),
    staffGroups: new Set(), guardianOf: new Map(), isStudent: false, ...relations,
  };
}

const staffOf = (group: number, unit: number) => actor({ staffGroups: new Set([group]), staffUnits: new Set([unit]) });
const headOf = (unit: number) => actor({ headOf: new Set([unit]), staffUnits: new Set([unit]) });
const adminOf = (municipality: number) => actor({ adminOf: new Set([municipality]) });

/** A child as locateChild finds it: the first placement's municipality, every group's unit. */
function child(groups: PlacedGroup[], chosenGroupId?: number): Location {
  return {
    municipalityId: groups[0].municipalityId, unitIds: groups.map((g) => g.unitId), groupIds: groups.map((g) => g.id), childIds: [7], groups,
    ...(chosenGroupId === undefined ? {} : { chosenGroupId }),
  };
}

// A pupil in class 10 (school 1) and fritids group 20 (unit 2), who joins class 30 (school 3) next term; all in municipality 1.
const CLASS = { id: 10, unitId: 1, unitKind: 'school', municipalityId: 1, started: true };
const FRITIDS = { id: 20, unitId: 2, unitKind: 'fritids', municipalityId: 1, started: true };
const NEXT_TERM = { id: 30, unitId: 3, unitKind: 'school', municipalityId: 1, started: false };
const pupil = (chosen?: number) => child([CLASS, FRITIDS, NEXT_TERM], chosen);
// A pupil at fritids in municipality 1 and in class 40 of a school in municipality 2.
const NEIGHBOURS_CLASS = { id: 40, unitId: 4, unitKind: 'school', municipalityId: 2, started: true };
const commuter = (chosen?: number) => child([FRITIDS, NEIGHBOURS_CLASS], chosen);

describe("the policy's group-scoped rules", () => {
  it('counts for an unreported absence only the school classes whose placement has started', () => {
    const mark = (who: Actor) => decide(who, 'child.absence.markUnreported', pupil());
    assert.equal(mark(staffOf(10, 1)), 'allow', 'the class teacher');
    assert.equal(mark(headOf(1)), 'allow', 'the head of the school');
    assert.equal(mark(staffOf(20, 2)), 'deny', 'fritids staff');
    assert.equal(mark(staffOf(30, 3)), 'deny', 'the teacher of the class the child joins next term');
    assert.equal(mark(headOf(3)), 'deny', 'the head of the school the child moves to');
    assert.equal(decide(staffOf(30, 3), 'child.absence.markUnreported', child([{ ...NEXT_TERM, started: true }])), 'allow', 'once started');
  });

  it('asks the admin of the counted school class\'s municipality, not of the first placement\'s', () => {
    assert.equal(decide(adminOf(2), 'child.absence.markUnreported', commuter()), 'allow');
    assert.equal(decide(adminOf(1), 'child.absence.markUnreported', commuter()), 'deny', 'the fritids is no school');
  });

  it('denies a check-in without a chosen group, or with a group that is not the child\'s', () => {
    for (const who of [staffOf(10, 1), headOf(1), adminOf(1)]) {
      assert.equal(decide(who, 'child.attendance.update', pupil()), 'deny', 'no group chosen');
      assert.equal(decide(who, 'child.attendance.update', pupil(99)), 'deny', 'not one of the child\'s groups');
      assert.equal(decide(who, 'child.attendance.update', pupil(10)), 'allow', 'the class');
    }
  });

  it('lets only the chosen group\'s staff, its unit\'s head and its municipality\'s admin check in', () => {
    assert.equal(decide(staffOf(20, 2), 'child.attendance.update', pupil(10)), 'deny', 'fritids staff, in class');
    assert.equal(decide(staffOf(10, 1), 'child.attendance.update', pupil(20)), 'deny', 'the class teacher, at fritids');
    assert.equal(decide(staffOf(20, 2), 'child.attendance.update', pupil(20)), 'allow');
    assert.equal(decide(headOf(1), 'child.attendance.update', pupil(20)), 'deny', 'the school\'s head, at fritids');
    assert.equal(decide(adminOf(2), 'child.attendance.update', commuter(40)), 'allow');
    assert.equal(decide(adminOf(1), 'child.attendance.update', commuter(40)), 'deny', 'the other municipality\'s class');
    assert.equal(decide(adminOf(1), 'child.attendance.update', commuter(20)), 'allow');
    assert.equal(decide(adminOf(2), 'child.attendance.update', commuter(20)), 'deny', 'the other municipality\'s fritids');
  });
});

describe('group-scoped rules in the app', () => {
  let t: TestApp;
  let oskar: number;
  let class2b: number;
  let larkan: number;
  let goran: Agent; // teaches 2B
  let mats: Agent; // works at the fritids, Lärkan

  before(async () => {
    t = await startTestApp();
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    [class2b, larkan] = [await groupId(t.db, '2B'), await groupId(t.db, 'Lärkan')];
    for (const [first, last, username] of [['Göran', 'Björk', 'goran'], ['Mats', 'Ström', 'mats']]) {
      await createAccount(t.db, { personId: await personId(t.db, first, last), username, email: null, passwordHash: await demoPasswordHash() }, t.clock.now());
    }
    [goran, mats] = [await signIn(t.app, 'goran'), await signIn(t.app, 'mats')];
  });
  after(() => t.close());

  const tap = async (agent: Agent, fields: Record<string, string>) =>
    agent.post(`/children/${oskar}/attendance`).type('form').send({ _csrf: await csrfOf(agent), event: 'arrive', ...fields });
  const arrivals = () => t.db.selectFrom('attendances').select('group_id').where('child_id', '=', oskar).orderBy('group_id').execute();

  it('does not let a fritids teacher check a pupil in to class, nor the class teacher to fritids', async () => {
    assert.equal((await tap(mats, { group: String(class2b) })).status, 404, 'Mats, in 2B');
    assert.equal((await tap(goran, { group: String(larkan) })).status, 404, 'Göran, at Lärkan');
    for (const agent of [mats, goran]) assert.equal((await tap(agent, {})).status, 404, 'no group');
    assert.deepEqual(await arrivals(), [], 'nothing was stored');

    assert.equal((await tap(goran, { group: String(class2b) })).status, 303, 'Göran, in 2B');
    assert.equal((await tap(mats, { group: String(larkan) })).status, 303, 'Mats, at Lärkan');
    assert.deepEqual((await arrivals()).map((a) => a.group_id), [class2b, larkan].sort((a, b) => a - b));
  });

  it('locates each of a child\'s groups in its own municipality, started or not', async () => {
    const [demo, granne] = [await municipalityId(t.db, 'Demokommun'), await municipalityId(t.db, 'Grannkommun')];
    const school = await createUnit(t.db, { municipalityId: granne, areaId: null, name: 'Grannskolan', kind: 'school' });
    const [classNow, classLater] = [await createGroup(t.db, school, '3C'), await createGroup(t.db, school, '4C')];
    const pupil = await createPerson(t.db, { municipalityId: demo, firstName: 'Ture', lastName: 'Pendlare' }, t.clock.now());
    await addPlacement(t.db, { childId: pupil, groupId: larkan, startDate: '2026-08-17' });
    await addPlacement(t.db, { childId: pupil, groupId: classNow, startDate: '2026-11-24' });
    await addPlacement(t.db, { childId: pupil, groupId: classLater, startDate: '2027-08-16' });

    const location = await locateChild(t.db, pupil, '2026-11-24');
    assert.ok(location);
    assert.deepEqual(location.groups?.map((g) => [g.id, g.municipalityId, g.started]).sort(([a], [b]) => Number(a) - Number(b)),
      [[larkan, demo, true], [classNow, granne, true], [classLater, granne, false]].sort(([a], [b]) => Number(a) - Number(b)));

    const adminAccount = async (username: string) => {
      const account = await t.db.selectFrom('accounts').select(['id', 'person_id']).where('username', '=', username).executeTakeFirstOrThrow();
      return loadActor(t.db, account, 'password', '2026-11-24');
    };
    const [admin, grannadmin] = [await adminAccount('admin'), await adminAccount('grannadmin')];
    assert.equal(decide(grannadmin, 'child.absence.markUnreported', location), 'allow', 'the class is in Grannkommun');
    assert.equal(decide(admin, 'child.absence.markUnreported', location), 'deny', 'Demokommun has only the fritids');
    assert.equal(decide(admin, 'child.attendance.update', { ...location, chosenGroupId: larkan }), 'allow');
    assert.equal(decide(grannadmin, 'child.attendance.update', { ...location, chosenGroupId: larkan }), 'deny');
  });
});
