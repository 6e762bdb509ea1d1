// The pickup domain in the register extract and in retention: a guardian's extract holds the child's pickup list and
// emergency contacts (removed ones too) and the walk-home yes, never who may not pick up; retention (kind 'pickup')
// removes a child's lists, bans and answers and nobody else's; the demo's seed makes what the demo shows.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { personId, unitId } from '../support/demo.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { pickupPersonalData } from '../../server/pickup/personal-data.ts';
import { addPickupBan, addPickupPerson, removePickupPerson, setWalkHome } from '../../server/pickup/queries.ts';
import { seedDemoPickup } from '../../server/pickup/demo.ts';
import { pickupForToday } from '../../server/pickup/today.ts';

describe('the pickup domain’s personal data', () => {
  let t: TestApp;
  let emma: number;
  let elsa: number;
  let oskar: number;
  let nora: number;

  before(async () => {
    t = await startTestApp();
    emma = await personId(t.db, 'Emma', 'Andersson');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    nora = await personId(t.db, 'Nora', 'Haddad');
    const now = t.clock.now();
    await addPickupPerson(t.db, { childId: elsa, kind: 'pickup', name: 'Eva Berg', relation: 'mormor', phone: '+46701234567' }, emma, now);
    const gone = await addPickupPerson(t.db, { childId: elsa, kind: 'emergency', name: 'Gamla Grannen', relation: 'granne', phone: '+46701234568' }, await personId(t.db, 'Johan', 'Berg'), now);
    await removePickupPerson(t.db, gone, 1, emma, now);
    await setWalkHome(t.db, oskar, true, emma, now);
    await addPickupBan(t.db, { childId: elsa, unitId: await unitId(t.db, 'Förskolan Solrosen'), name: 'Kalle Okänd', reason: 'Tingsrättens beslut' }, await personId(t.db, 'Maria', 'Ek'), now);
    await addPickupPerson(t.db, { childId: nora, kind: 'pickup', name: 'Samira Haddad', relation: 'moster', phone: '+46731112233' }, await personId(t.db, 'Karim', 'Haddad'), now);
  });
  after(() => t.close());

  it('puts each child’s pickup list, emergency contacts and walk-home yes in the guardian’s extract; never a ban', async () => {
    const subject = await PERSONAL_DATA.subjectOf(t.db, emma);
    assert.ok(subject);
    const part = await pickupPersonalData.extract!(t.db, subject);
    const pickup = part.sections.find((s) => s.title === 'personalData.sections.pickupPersons' && s.childId === elsa);
    assert.deepEqual(pickup?.rows.map((r) => [r.name, r.relation, r.phone, r.by, r.removed_at]), [['Eva Berg', 'mormor', '+46701234567', 'you', null]]);
    const emergency = part.sections.find((s) => s.title === 'personalData.sections.emergencyContacts' && s.childId === elsa);
    assert.deepEqual(emergency?.rows.map((r) => [r.name, r.by, r.removed_at !== null]), [['Gamla Grannen', 'other', true]]);
    const walk = part.sections.find((s) => s.title === 'personalData.sections.walkHome');
    assert.deepEqual(walk && [walk.childId, walk.rows[0].by], [oskar, 'you']);
    const whole = JSON.stringify(await PERSONAL_DATA.extract(t.db, subject, { strong: true }));
    assert.doesNotMatch(whole, /Kalle Okänd|Tingsrättens beslut/);
    assert.doesNotMatch(whole, /Samira/, 'nothing of another family');
  });

  it('removes a child’s lists, bans and answers (kind pickup) and nobody else’s', async () => {
    const [rule] = pickupPersonalData.retention ?? [];
    assert.equal(rule.kind, 'pickup');
    assert.equal(rule.defaultMonths, 12);
    const removed = await t.db.transaction().execute((trx) => rule.remove(trx, [elsa, oskar]));
    assert.equal(removed, 4, 'two persons and a ban of Elsa’s, Oskar’s walk-home yes');
    const left = await t.db.selectFrom('pickup_persons').select('child_id').execute();
    assert.deepEqual(left.map((r) => r.child_id), [nora]);
    assert.deepEqual(await t.db.selectFrom('pickup_bans').selectAll().execute(), []);
    assert.deepEqual(await t.db.selectFrom('walk_home_permissions').selectAll().execute(), []);
  });

  it('seeds the demo: Elsa’s and Oskar’s lists, Oskar walks home, a ban for Elsa', async () => {
    await seedDemoPickup(t.db, {
      elsa, oskar, emma, johan: await personId(t.db, 'Johan', 'Berg'), solrosen: await unitId(t.db, 'Förskolan Solrosen'),
      head: await personId(t.db, 'Maria', 'Ek'), now: t.clock.now(),
    });
    const today = await pickupForToday(t.db, [elsa, oskar]);
    assert.deepEqual(today.get(elsa)?.pickup.map((p) => p.name), ['Birgitta Andersson', 'Sofia Lind']);
    assert.deepEqual(today.get(elsa)?.emergency.map((p) => p.relation), ['morfar']);
    assert.equal(today.get(elsa)?.bans.length, 1);
    assert.equal(today.get(oskar)?.mayWalkHome, true);
    assert.equal(today.get(elsa)?.mayWalkHome, false);
  });
});
