// Ending a group while a child is being placed in it, on PostgreSQL, where the two transactions run side by side: the
// group must not end with a child placed in it. A third connection plays the placement, held open (its row written,
// not committed) while the head ends the group: the end waits for it and then refuses, naming the children. The other
// order: a group ended while a writer of placements waits to check it: the writer sees it ended (admitsNewPeople).
// The same for closing a unit while a staff member is being assigned to it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { databaseOf } from '../support/database.ts';
import { personId, unitId } from '../support/demo.ts';
import { whileHeld } from '../support/locks.ts';
import { admitsNewPeople, groupDetails, unitDetails } from '../../server/people/organisation.ts';

describe('ending a group or closing a unit while someone is added to it (PostgreSQL)', () => {
  let t: TestApp;
  let url = '';
  let admin: Agent;
  let rektor: Agent;
  let solrosen: number;
  let elsa: number;
  before(async () => {
    const env = await databaseOf('postgres');
    url = env.VARDAG_DATABASE_URL;
    t = await startTestApp({ env }); // Tuesday 24 November 2026
    admin = await signIn(t.app, 'admin');
    rektor = await signIn(t.app, 'rektor');
    solrosen = await unitId(t.db, 'Förskolan Solrosen');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
  });
  after(() => t?.close());

  const newGroup = async (name: string) =>
    (await t.db.insertInto('groups').values({ unit_id: solrosen, name }).returning('id').executeTakeFirstOrThrow()).id;

  it('waits for the placement being written and then refuses to end the group, which stays in use', async () => {
    const group = await newGroup('Rönnen');
    const path = `/units/${solrosen}/groups/${group}`;
    const held = await whileHeld(url,
      (client) => client.query("insert into placements (child_id, group_id, start_date, end_date, hour_limit) values ($1, $2, '2026-12-01', null, 'none')",
        [elsa, group]),
      () => postForm(rektor, path, `${path}/end`),
      { waiters: 1, end: 'commit', timeoutMs: 4000 });
    assert.equal(held.waited, 1, 'the end waited for the placement’s transaction');
    assert.equal(held.results.status, 400);
    assert.match(held.results.text, /barn är placerade i den i dag eller framåt/);
    assert.equal((await groupDetails(t.db, group))?.endedOn, null, 'the group is still in use, with its child');
    const placed = await t.db.selectFrom('placements').select('id').where('group_id', '=', group).execute();
    assert.equal(placed.length, 1);
  });

  it('lets a writer of placements that waits on a group being ended see it ended', async () => {
    const group = await newGroup('Aspen');
    const held = await whileHeld(url,
      (client) => client.query("update groups set ended_on = '2026-11-24' where id = $1", [group]),
      () => t.db.transaction().execute((trx) => admitsNewPeople(trx, { groupId: group })),
      { waiters: 1, end: 'commit', timeoutMs: 4000 });
    assert.equal(held.waited, 1, 'the writer waited for the group’s row');
    assert.deepEqual(held.results, { ok: false, error: 'group-ended' });
  });

  it('waits for a staff assignment being written and then refuses to close the unit', async () => {
    const unit = (await t.db.insertInto('units').values({ municipality_id: (await unitDetails(t.db, solrosen))?.municipalityId ?? 0, area_id: null,
      name: 'Förskolan Kastanjen', kind: 'preschool' }).returning('id').executeTakeFirstOrThrow()).id;
    const pedagog = (await t.db.selectFrom('accounts').select('person_id').where('username', '=', 'pedagog').executeTakeFirstOrThrow()).person_id;
    const held = await whileHeld(url,
      (client) => client.query("insert into staff_assignments (person_id, unit_id, group_id, role, start_date, end_date) values ($1, $2, null, 'staff', '2026-12-01', null)",
        [pedagog, unit]),
      () => postForm(admin, `/admin/units/${unit}`, `/admin/units/${unit}/close`, { closed_on: '2027-01-01' }),
      { waiters: 1, end: 'commit', timeoutMs: 4000 });
    assert.equal(held.waited, 1, 'the closing waited for the assignment’s transaction');
    assert.equal(held.results.status, 400);
    assert.match(held.results.text, /1 i personalen är kopplad till enheten/);
    assert.equal((await unitDetails(t.db, unit))?.closedOn, null);
  });
});
