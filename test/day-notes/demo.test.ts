// The demo's same-day notes (server/day-notes/demo.ts, called by the demo seed): two of Blåbär's families' notes for
// today, written by each child's first guardian, on the group's Today at first start.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startTestApp, type TestApp } from '../support/app.ts';
import { groupId, personId } from '../support/demo.ts';
import { seedDemoDayNotes } from '../../server/day-notes/demo.ts';
import { childrenInGroup } from '../../server/people/queries.ts';
import { today } from '../../server/kernel/clock.ts';

describe('the demo notes for today', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  it('puts two notes on Blåbär\'s Today', async () => {
    const blabar = await groupId(t.db, 'Blåbär');
    const skip = new Set([await personId(t.db, 'Elsa', 'Andersson'), await personId(t.db, 'Nora', 'Haddad')]);
    const children = (await childrenInGroup(t.db, blabar, today(t.clock))).filter((c) => !skip.has(c.id));
    await t.db.transaction().execute((trx) => seedDemoDayNotes(trx, { childIds: children.slice(0, 2).map((c) => c.id), today: today(t.clock) }));
    const page = await (await signIn(t.app, 'pedagog')).get(`/groups/${blabar}/today`);
    assert.match(page.text, /Sen ca 15 min/);
    assert.match(page.text, /Hämtas av Mormor Eva/);
  });
});
