// Who may appear in what is published to the whole group: a child whose every current guardian answered yes, by their
// latest answer, and whose identity is not protected. The documentation's publishing rules and photo visibility ask
// childrenWithGroupConsent; a withdrawal counts at once.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { childrenWithGroupConsent, recordAnswer } from '../../server/consent/queries.ts';
import type { ConsentAnswer } from '../../db/schema.ts';

describe('childrenWithGroupConsent', () => {
  let t: TestApp;
  let elsa: number; // guardians Emma and Johan (another household)
  let oskar: number; // guardian Emma alone
  let nora: number; // protected identity; guardians Leila and Karim
  let emma: number;
  let johan: number;
  let leila: number;
  let karim: number;
  let minute = 0;
  before(async () => {
    t = await startTestApp();
    [elsa, oskar, nora, emma, johan, leila, karim] = await Promise.all([
      personId(t.db, 'Elsa', 'Andersson'), personId(t.db, 'Oskar', 'Andersson'), personId(t.db, 'Nora', 'Haddad'),
      personId(t.db, 'Emma', 'Andersson'), personId(t.db, 'Johan', 'Berg'), personId(t.db, 'Leila', 'Haddad'), personId(t.db, 'Karim', 'Haddad'),
    ]);
  });
  beforeEach(() => t.db.deleteFrom('photo_consents').execute());
  after(() => t.close());

  const answer = (childId: number, guardianId: number, a: ConsentAnswer) => recordAnswer(t.db, {
    childId, guardianId, answer: a, source: 'guardian', answeredOn: '2026-11-24', recordedBy: guardianId,
    at: new Date(Date.parse('2026-11-24T09:00:00Z') + ++minute * 60_000),
  });
  const consented = async (...ids: number[]) => [...await childrenWithGroupConsent(t.db, ids)].sort((a, b) => a - b);

  it('gives nobody consent without answers, and nothing for no children', async () => {
    assert.deepEqual(await consented(elsa, oskar, nora), []);
    assert.deepEqual(await consented(), []);
  });

  it('needs every current guardian\'s yes: one of two is not enough', async () => {
    await answer(elsa, emma, 'yes');
    assert.deepEqual(await consented(elsa), [], 'Johan has not answered');
    await answer(elsa, johan, 'yes');
    assert.deepEqual(await consented(elsa), [elsa]);
  });

  it('lets the stricter answer hold: one guardian\'s no outweighs the other\'s yes', async () => {
    await answer(elsa, emma, 'yes');
    await answer(elsa, johan, 'no');
    assert.deepEqual(await consented(elsa), []);
  });

  it('counts each guardian\'s latest answer: a withdrawal holds at once, a new yes gives it back', async () => {
    await answer(elsa, emma, 'yes');
    await answer(elsa, johan, 'yes');
    await answer(elsa, johan, 'no');
    assert.deepEqual(await consented(elsa), []);
    await answer(elsa, johan, 'yes');
    assert.deepEqual(await consented(elsa), [elsa]);
    const rows = await t.db.selectFrom('photo_consents').select('answer').where('guardian_id', '=', johan).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => r.answer), ['yes', 'no', 'yes'], 'every answer kept');
  });

  it('answers per child: a guardian\'s yes for one child is not a yes for their other child', async () => {
    await answer(oskar, emma, 'yes');
    assert.deepEqual(await consented(elsa, oskar), [oskar]);
    assert.deepEqual(await consented(oskar, oskar, elsa), [oskar], 'an id asked twice is answered once');
  });

  it('never gives a child with protected identity consent, whatever the guardians answer', async () => {
    await answer(nora, leila, 'yes');
    await answer(nora, karim, 'yes');
    assert.deepEqual(await consented(nora, elsa), []);
  });

  it('counts only current guardians: a former guardian\'s no no longer holds, a new guardian must answer', async () => {
    await answer(elsa, emma, 'yes');
    await answer(elsa, johan, 'no');
    const johans = await t.db.selectFrom('guardianships').selectAll().where('guardian_id', '=', johan).where('child_id', '=', elsa).executeTakeFirstOrThrow();
    await t.db.deleteFrom('guardianships').where('id', '=', johans.id).execute();
    try {
      assert.deepEqual(await consented(elsa), [elsa], 'Emma is now the only guardian');
      await t.db.insertInto('guardianships').values({ guardian_id: karim, child_id: elsa, other_household: 1 }).execute();
      assert.deepEqual(await consented(elsa), [], 'a new guardian who has not answered');
      await t.db.deleteFrom('guardianships').where('guardian_id', '=', karim).where('child_id', '=', elsa).execute();
    } finally {
      await t.db.insertInto('guardianships').values({ guardian_id: johan, child_id: elsa, other_household: johans.other_household }).execute();
    }
  });

  it('gives a child without any guardian no consent', async () => {
    await answer(oskar, emma, 'yes');
    await t.db.deleteFrom('guardianships').where('child_id', '=', oskar).execute();
    try {
      assert.deepEqual(await consented(oskar), []);
    } finally {
      await t.db.insertInto('guardianships').values({ guardian_id: emma, child_id: oskar, other_household: 0 }).execute();
    }
  });

  it('stores an answer equal to the current one only once', async () => {
    assert.deepEqual(await answer(elsa, emma, 'yes'), { changed: true });
    assert.deepEqual(await answer(elsa, emma, 'yes'), { changed: false });
    assert.equal((await t.db.selectFrom('photo_consents').select('id').execute()).length, 1);
  });
});
