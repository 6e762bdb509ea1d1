// A child whose placement has ended (Linnea, in Blåbär until the end of last month) is still in the database, but no
// longer in the group's lists nor the staff's: her pages are not found for them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';

describe('a child whose placement has ended', () => {
  let t: TestApp;
  let linnea: number;
  let blabar: number;
  const staff = new Map<string, Agent>();
  before(async () => {
    t = await startTestApp(); // Tuesday 24 November 2026
    linnea = await personId(t.db, 'Linnea', 'Slutberg');
    blabar = await groupId(t.db, 'Blåbär');
    for (const name of ['pedagog', 'rektor', 'admin']) staff.set(name, await signIn(t.app, name));
    // An invitation of each child's guardian, as a teacher made them while both were placed.
    for (const child of [linnea, await personId(t.db, 'Elsa', 'Andersson')]) await invitation(t, child);
  });
  after(() => t.close());

  it('is in the database, with her guardian, and her placement in Blåbär ended last month', async () => {
    const placements = await t.db.selectFrom('placements').select(['group_id', 'end_date']).where('child_id', '=', linnea).execute();
    assert.deepEqual(placements, [{ group_id: blabar, end_date: '2026-10-31' }]);
    const guardians = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', linnea).execute();
    assert.equal(guardians.length, 1);
  });

  for (const [list, path] of [['the group page', '/groups/:id'], ['Today', '/groups/:id/today'], ['the invitations list', '/groups/:id/invitations']] as const) {
    it(`is not on ${list}, where Elsa (still placed) is, for the group's staff, its head and the admin`, async () => {
      for (const [name, agent] of staff) {
        const res = await agent.get(path.replace(':id', String(blabar)));
        assert.equal(res.status, 200, `${path} as ${name}`);
        assert.match(res.text, /Elsa/, `${path} as ${name} lists the children still placed`);
        assert.doesNotMatch(res.text, /Linnea|Slutberg/, `${path} as ${name} lists Linnea`);
      }
    });
  }

  it('is not on the start page of the staff of her former group', async () => {
    const res = await staff.get('pedagog')!.get('/');
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.text, /Linnea|Slutberg/);
  });

  for (const page of ['', '/info', '/absence', '/schedule', '/schedule/standard', '/history', '/invitations/new']) {
    it(`GET /children/:childId${page} is not found for the staff of her former group, its head and the admin`, async () => {
      for (const [name, agent] of staff) {
        const res = await agent.get(`/children/${linnea}${page}`);
        assert.equal(res.status, 404, `${page || '/'} as ${name}`);
        assert.doesNotMatch(res.text, /Linnea|Slutberg/);
      }
    });
  }

  it('gets no absence report nor care times from her former staff', async () => {
    const pedagog = staff.get('pedagog')!;
    const page = await pedagog.get(`/groups/${blabar}/today`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const absence = await pedagog.post(`/children/${linnea}/absences`).type('form').send({ _csrf: csrf, when: 'range', from: '2026-12-02' });
    assert.equal(absence.status, 404);
    const week = await pedagog.post(`/children/${linnea}/schedule`).type('form')
      .send({ _csrf: csrf, week: '2026-W50', 'starts_2026-12-07': '08:00', 'ends_2026-12-07': '15:00' });
    assert.equal(week.status, 404);
    assert.equal((await t.db.selectFrom('absences').select('id').where('child_id', '=', linnea).execute()).length, 0);
    assert.equal((await t.db.selectFrom('care_times').select('id').where('child_id', '=', linnea).execute()).length, 0);
  });
});

/** An invitation with a key for the child's first guardian, sent in October. */
async function invitation(t: TestApp, child: number): Promise<void> {
  const { guardian_id } = await t.db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', child).orderBy('guardian_id').executeTakeFirstOrThrow();
  const { municipality_id } = await t.db.selectFrom('persons').select('municipality_id').where('id', '=', child).executeTakeFirstOrThrow();
  const sent = '2026-10-15T08:00:00.000Z';
  const { id } = await t.db.insertInto('invitations').values({ municipality_id, guardian_id, email: `guardian-${child}@example.com`,
    language: 'sv', send_on: '2026-10-15', created_by: 1, created_at: sent }).returning('id').executeTakeFirstOrThrow();
  await t.db.insertInto('invitation_children').values({ invitation_id: id, child_id: child }).execute();
  await t.db.insertInto('invitation_keys').values({ invitation_id: id, key_hash: `ended-${id}`, delivery: 'email', created_at: sent,
    expires_at: '2099-01-01T00:00:00Z' }).execute();
}
