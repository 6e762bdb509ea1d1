// Extra adaptations in the register extract and in retention: a guardian's extract taken with a strong login holds their
// child's adaptations (what, who decided, when, review by, ended), a weak one leaves them out and says so; the pupil's
// own extract holds their own; retention removes a child's adaptations and nobody else's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';
import { PERSONAL_DATA } from '../../server/app.ts';
import { adaptationPersonalData } from '../../server/adaptations/personal-data.ts';
import { adaptationsOfChild } from '../../server/adaptations/queries.ts';

describe('extra adaptations’ personal data', () => {
  let t: TestApp;
  let emma: number;
  let oskar: number;
  let elsa: number;

  before(async () => {
    t = await startTestApp();
    emma = await personId(t.db, 'Emma', 'Andersson');
    oskar = await personId(t.db, 'Oskar', 'Andersson');
    elsa = await personId(t.db, 'Elsa', 'Andersson');
  });
  after(() => t.close());

  const subjectOf = async (personId: number) => {
    const subject = await PERSONAL_DATA.subjectOf(t.db, personId);
    assert.ok(subject);
    return subject;
  };

  it('a strong extract holds Oskar’s adaptations under Oskar; a weak one leaves them out and says so', async () => {
    const subject = await subjectOf(emma);
    const strong = await PERSONAL_DATA.extract(t.db, subject, { strong: true });
    const sections = strong.sections.filter((s) => s.title === 'personalData.sections.adaptations');
    const ofOskar = sections.find((s) => s.childId === oskar);
    assert.ok(ofOskar, 'a section for Oskar');
    assert.deepEqual(ofOskar.columns, ['decided_on', 'what', 'decided_by', 'review_by', 'ended_on', 'updated_at']);
    assert.equal(ofOskar.rows.length, 3);
    assert.ok(ofOskar.rows.some((r) => String(r.what).startsWith('Dagens schema med bilder') && r.decided_by === 'Klassläraren och specialpedagogen'));
    assert.ok(ofOskar.rows.some((r) => r.what === 'Hörselkåpor under eget arbete.' && r.ended_on !== null));
    assert.equal(sections.find((s) => s.childId === elsa)?.rows.length ?? 0, 0, 'Elsa (preschool) has none');
    const weak = await PERSONAL_DATA.extract(t.db, subject, { strong: false });
    assert.ok(!weak.sections.some((s) => s.title === 'personalData.sections.adaptations'));
    assert.equal(weak.withheld, true);
  });

  it('declares a retention kind that removes a child’s adaptations and no other child’s', async () => {
    assert.equal(adaptationPersonalData.strongLogin, true);
    const [rule] = adaptationPersonalData.retention ?? [];
    assert.equal(rule.kind, 'adaptations');
    assert.equal(rule.defaultMonths, 12);
    const others = await t.db.selectFrom('extra_adaptations').select('id').where('child_id', '!=', oskar).execute();
    const removed = await t.db.transaction().execute((trx) => rule.remove(trx, [oskar, elsa]));
    assert.equal(removed, 3);
    assert.deepEqual(await adaptationsOfChild(t.db, oskar), []);
    assert.deepEqual(await t.db.selectFrom('extra_adaptations').select('id').where('child_id', '!=', oskar).execute(), others);
  });
});
