// The student demo account (elev, a pupil of Björkskolan's 4A) on the pages of their own child record. The matrix tries
// every route as the student on Elsa's records; here the target is the student themself, and the expected answers are
// written out from the action table: a student reads their start, information and care times ('student-self'), and
// does nothing a guardian or staff does (report absence, register care times, see the history, invite).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId } from '../support/demo.ts';

const GETS: [string, 200 | 404][] = [
  ['', 200], ['/info', 200], ['/schedule', 200], ['/schedule/standard', 200],
  ['/absence', 404], ['/history', 404], ['/invitations/new', 404],
];
const POSTS: [string, [string, string][]][] = [
  ['/absences', [['when', 'range'], ['from', '2026-12-02']]],
  ['/absences/unreported', [['from', '08:00'], ['to', '09:00']]],
  ['/schedule', [['week', '2026-W50'], ['starts_2026-12-07', '08:00'], ['ends_2026-12-07', '15:00']]],
  ['/schedule/standard', [['starts_1', '08:00'], ['ends_1', '15:00']]],
  ['/schedule/comment', [['date', '2026-12-01'], ['staff_comment', 'Utflykt']]],
  ['/invitations', []],
  ['/attendance', [['event', 'arrive'], ['group', 'CLASS']]],
];

describe('the student (elev) on their own pages', () => {
  let t: TestApp;
  let elev: Agent;
  let classId: number;
  let self: { id: number; first_name: string; last_name: string; street_address: string | null };
  let guardians: { first_name: string; street_address: string | null; email: string | null; phone: string | null }[];
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    elev = await signIn(t.app, 'elev');
    classId = await groupId(t.db, '4A');
    self = await t.db.selectFrom('accounts').innerJoin('persons', 'persons.id', 'accounts.person_id')
      .select(['persons.id', 'persons.first_name', 'persons.last_name', 'persons.street_address']).where('accounts.username', '=', 'elev')
      .executeTakeFirstOrThrow();
    guardians = await t.db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
      .select(['persons.first_name', 'persons.street_address', 'persons.email', 'persons.phone']).where('guardianships.child_id', '=', self.id).execute();
  });
  after(() => t.close());

  it('is a pupil of 4A, with guardians', async () => {
    const placements = await t.db.selectFrom('placements').select(['group_id', 'end_date']).where('child_id', '=', self.id).execute();
    assert.deepEqual(placements, [{ group_id: classId, end_date: null }]);
    assert.ok(guardians.length > 0);
  });

  for (const [page, status] of GETS) {
    it(`GET /children/:self${page}: ${status}`, async () => {
      const res = await elev.get(`/children/${self.id}${page}`);
      assert.equal(res.status, status);
      if (status === 200) assert.match(res.text, new RegExp(self.first_name));
    });
  }

  it('sees their own address on their information page, and none of their guardians’ details', async () => {
    const res = await elev.get(`/children/${self.id}/info`);
    assert.ok(self.street_address && res.text.includes(self.street_address), 'their own address (self)');
    for (const g of guardians) {
      for (const detail of [g.street_address, g.email, g.phone]) {
        if (detail) assert.ok(!res.text.includes(detail), `${g.first_name}'s ${detail}`);
      }
    }
  });

  for (const [action, fields] of POSTS) {
    it(`POST /children/:self${action} is not found, and writes nothing`, async () => {
      const before = await counts(t);
      const form = fields.map(([k, v]): [string, string] => [k, v === 'CLASS' ? String(classId) : v]);
      const res = await postForm(elev, '/', `/children/${self.id}${action}`, form);
      assert.equal(res.status, 404);
      assert.deepEqual(await counts(t), before);
    });
  }
});

async function counts(t: TestApp) {
  const n = async (table: 'absences' | 'care_times' | 'standard_schedules' | 'invitations' | 'attendances') =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { absences: await n('absences'), careTimes: await n('care_times'), standards: await n('standard_schedules'),
    invitations: await n('invitations'), attendances: await n('attendances') };
}
