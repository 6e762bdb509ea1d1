// Who may not pick up (issue 26, item 4): the unit's head records that a named person may not pick a child up, with a
// reason; the staff of the child's group see it on the bans page and on the child's card with a clear mark; no
// guardian ever sees it — not the page, not the card, not their register extract; every read and change is in the
// audit trail (the card's read too).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm, signIn, startTestApp, type Agent, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { auditTrail } from '../../server/audit/trail.ts';
import { pickupForToday, recordBanReads } from '../../server/pickup/today.ts';

describe('who may not pick up', () => {
  let t: TestApp;
  let elsa: number;
  const agents = new Map<string, Agent>();
  const as = async (username: string) => {
    if (!agents.has(username)) agents.set(username, await signIn(t.app, username));
    return agents.get(username)!;
  };
  const page = (childId: number) => `/children/${childId}/pickup-bans`;
  const bansOf = (childId: number) => t.db.selectFrom('pickup_bans').selectAll().where('child_id', '=', childId).orderBy('id').execute();
  const accountOf = async (username: string) => (await t.db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const auditRows = async (username: string, action: string) => t.db.selectFrom('audit_trail').select(['child_id', 'record_id', 'method', 'outcome'])
    .where('account_id', '=', await accountOf(username)).where('action', '=', action).orderBy('id').execute();

  before(async () => {
    t = await startTestApp();
    elsa = await personId(t.db, 'Elsa', 'Andersson');
  });
  after(() => t.close());

  it('lets the unit’s head record a ban with a reason, in the audit trail', async () => {
    const head = await as('rektor');
    const form = await head.get(page(elsa));
    assert.equal(form.status, 200);
    assert.equal(form.headers['cache-control'], 'private, no-store');
    assert.match(form.text, /Skriv in en person som inte får hämta/);
    const res = await postForm(head, page(elsa), page(elsa), { name: 'Kalle Okänd', reason: 'Tingsrättens beslut 12 oktober' });
    assert.equal(res.status, 303);
    const [ban] = await bansOf(elsa);
    assert.equal(ban.name, 'Kalle Okänd');
    assert.equal(ban.reason, 'Tingsrättens beslut 12 oktober');
    assert.equal(ban.unit_id, (await t.db.selectFrom('units').select('id').where('name', '=', 'Förskolan Solrosen').executeTakeFirstOrThrow()).id);
    assert.equal(ban.recorded_by, await personId(t.db, 'Maria', 'Ek'));
    assert.deepEqual(await auditRows('rektor', 'child.pickupBans.create'), [{ child_id: elsa, record_id: null, method: 'POST', outcome: 'written' }]);
    const read = { child_id: elsa, record_id: null, method: 'GET', outcome: 'read' };
    assert.deepEqual(await auditRows('rektor', 'child.pickupBans.read'), [read, read], 'the page, opened twice (the form, then for its token)');
  });

  it('refuses a ban without a name or reason: messages at the fields, nothing saved', async () => {
    const res = await postForm(await as('rektor'), page(elsa), page(elsa), { name: ' ', reason: '' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<a href="#name">Skriv personens namn\.<\/a>/);
    assert.match(res.text, /<a href="#reason">Skriv varför personen inte får hämta\.<\/a>/);
    assert.equal((await bansOf(elsa)).length, 1);
  });

  it('shows the group’s staff the ban on its page and on the child’s card, marked, each read in the audit trail', async () => {
    const sara = await as('pedagog');
    const res = await sara.get(page(elsa));
    assert.equal(res.status, 200);
    assert.match(res.text, /<span class="tag state-expired">Får inte hämta<\/span> <strong dir="auto">Kalle Okänd<\/strong>/);
    assert.match(res.text, /Tingsrättens beslut 12 oktober/);
    assert.doesNotMatch(res.text, /Skriv in en person som inte får hämta|\/end"/, 'staff neither record nor end one');
    const card = await sara.get(`/children/${elsa}/info`);
    assert.match(card.text, /<span class="tag state-expired">Får inte hämta<\/span> Personer som inte får hämta barnet/);
    assert.match(card.text, /<strong dir="auto">Kalle Okänd<\/strong>: <span dir="auto">Tingsrättens beslut 12 oktober<\/span>/);
    assert.equal((await auditRows('pedagog', 'child.pickupBans.read')).length, 2, 'the page and the card');
    const [ban] = await bansOf(elsa);
    assert.equal((await postForm(sara, page(elsa), page(elsa), { name: 'X', reason: 'Y' })).status, 404);
    assert.equal((await postForm(sara, page(elsa), `/pickup-bans/${ban.id}/end`)).status, 404);
    assert.equal((await bansOf(elsa)).length, 1);
  });

  it('is never seen by a guardian: the page, the card, the pickup page and the register extract', async () => {
    const [ban] = await bansOf(elsa);
    for (const username of ['vardnadshavare', 'vardnadshavare2']) {
      const agent = await as(username);
      assert.equal((await agent.get(page(elsa))).status, 404);
      assert.equal((await postForm(agent, '/', page(elsa), { name: 'X', reason: 'Y' })).status, 404);
      assert.equal((await postForm(agent, '/', `/pickup-bans/${ban.id}/end`)).status, 404);
      for (const path of [`/children/${elsa}/info`, `/children/${elsa}/pickup`]) {
        const res = await agent.get(path);
        assert.equal(res.status, 200, `${username} ${path}`);
        assert.doesNotMatch(res.text, /Kalle|Tingsrätt|inte får hämta/, `${username} ${path}`);
      }
    }
    const emma = await PERSONAL_DATA.subjectOf(t.db, await personId(t.db, 'Emma', 'Andersson'));
    assert.ok(emma);
    const extract = JSON.stringify(await PERSONAL_DATA.extract(t.db, emma, { strong: true }));
    assert.doesNotMatch(extract, /Kalle Okänd|Tingsrätt/);
    assert.equal((await bansOf(elsa))[0].ended_at, null);
  });

  it('is not found for the staff of another group or unit, another unit’s head, the admin and another family', async () => {
    for (const username of ['pedagog2', 'pedagog3', 'rektor2', 'admin', 'grannadmin', 'vardnadshavare3', 'fritids']) {
      const agent = await as(username);
      assert.equal((await agent.get(page(elsa))).status, 404, username);
      const card = await agent.get(`/children/${elsa}/info`);
      assert.doesNotMatch(card.text, /Kalle/, `${username}: the card`);
    }
  });

  it('gives Today the current bans with the lists, and records the reads Today shows', async () => {
    const today = await pickupForToday(t.db, [elsa]);
    const [ban] = await bansOf(elsa);
    assert.deepEqual(today.get(elsa)?.bans, [{ id: ban.id, name: 'Kalle Okänd', reason: 'Tingsrättens beslut 12 oktober', unitId: ban.unit_id }]);
    const before = (await auditRows('pedagog2', 'child.pickupBans.read')).length;
    const actor = { accountId: await accountOf('pedagog2'), personId: await personId(t.db, 'Ali', 'Hassan') };
    await recordBanReads(auditTrail(t.db, t.clock), actor, [elsa, elsa]);
    assert.equal((await auditRows('pedagog2', 'child.pickupBans.read')).length, before + 1, 'one row per child');
  });

  it('lets the head end the ban (kept, read-only, in the audit trail); Today and the card no longer show it', async () => {
    const [ban] = await bansOf(elsa);
    const head = await as('rektor');
    assert.equal((await postForm(await as('rektor2'), '/', `/pickup-bans/${ban.id}/end`)).status, 404, 'another unit’s head');
    const res = await postForm(head, page(elsa), `/pickup-bans/${ban.id}/end`);
    assert.equal(res.status, 303);
    const [ended] = await bansOf(elsa);
    assert.equal(ended.ended_at, t.clock.now().toISOString());
    assert.equal(ended.ended_by, await personId(t.db, 'Maria', 'Ek'));
    assert.deepEqual(await auditRows('rektor', 'pickupBan.end'), [{ child_id: elsa, record_id: ban.id, method: 'POST', outcome: 'written' }]);
    const shown = await head.get(page(elsa));
    assert.match(shown.text, /Kalle Okänd är inte längre inskriven\./);
    assert.match(shown.text, /<h2 id="ended-title">Avslutade<\/h2>/);
    assert.deepEqual((await pickupForToday(t.db, [elsa])).get(elsa)?.bans, []);
    assert.doesNotMatch((await (await as('pedagog')).get(`/children/${elsa}/info`)).text, /Kalle/);
    const again = await postForm(head, page(elsa), `/pickup-bans/${ban.id}/end`);
    assert.equal(again.status, 303);
    assert.equal((await bansOf(elsa))[0].ended_at, ended.ended_at, 'ended once');
  });

  it('leaves no trace of a ban in a guardian’s audit section of the extract', async () => {
    const emma = await PERSONAL_DATA.subjectOf(t.db, await personId(t.db, 'Emma', 'Andersson'));
    assert.ok(emma);
    const extract = JSON.stringify(await PERSONAL_DATA.extract(t.db, emma, { strong: true }));
    assert.ok(!/pickupBan/.test(extract), 'an action about a ban in the extract');
  });
});
