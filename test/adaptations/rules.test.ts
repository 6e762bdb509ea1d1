// The rules of extra adaptations, without a database: what the form must hold, the class a writer writes in, and when
// a review is overdue.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAdaptation, reviewOverdue, writingGroup } from '../../server/adaptations/rules.ts';
import type { Actor, PlacedGroup } from '../../server/kernel/policy.ts';

const form = { what: ' Extra tid vid prov ', decidedBy: ' Klassläraren ', decidedOn: '2026-11-20', reviewBy: '2027-02-01' };

describe('an adaptation’s form', () => {
  it('is read trimmed', () => {
    assert.deepEqual(parseAdaptation(form), { ok: true, value: { what: 'Extra tid vid prov', decidedBy: 'Klassläraren', decidedOn: '2026-11-20', reviewBy: '2027-02-01' } });
  });

  it('may be reviewed on the day of the decision, never before it', () => {
    assert.equal(parseAdaptation({ ...form, reviewBy: '2026-11-20' }).ok, true);
    assert.deepEqual(parseAdaptation({ ...form, reviewBy: '2026-11-19' }), {
      ok: false, errors: { reviewBy: { key: 'adaptations.errors.reviewBeforeDecision', dates: { decidedOn: '2026-11-20' } } },
    });
  });

  it('holds at most 1000 characters of what and 200 of who decided', () => {
    assert.equal(parseAdaptation({ ...form, what: 'x'.repeat(1000), decidedBy: 'y'.repeat(200) }).ok, true);
    const parsed = parseAdaptation({ ...form, what: 'x'.repeat(1001), decidedBy: 'y'.repeat(201) });
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.deepEqual(Object.keys(parsed.errors), ['what', 'decidedBy']);
  });

  it('needs every field, and real dates', () => {
    const parsed = parseAdaptation({ what: '  ', decidedBy: '', decidedOn: '2026-02-30', reviewBy: '' });
    assert.equal(parsed.ok, false);
    if (!parsed.ok) {
      assert.deepEqual(Object.fromEntries(Object.entries(parsed.errors).map(([k, v]) => [k, v.key])), {
        what: 'adaptations.errors.whatEmpty', decidedBy: 'adaptations.errors.decidedByEmpty',
        decidedOn: 'adaptations.errors.dateInvalid', reviewBy: 'adaptations.errors.reviewByEmpty',
      });
    }
  });
});

describe('the class an adaptation is written in', () => {
  const actor = (over: Partial<Actor>): Actor => ({
    accountId: 1, personId: 1, authLevel: 'strong', strongIn: new Set(), adminOf: new Set(), headOf: new Set(), staffUnits: new Set(),
    staffGroups: new Set(), guardianOf: new Map(), isStudent: false, ...over,
  });
  const groups: PlacedGroup[] = [
    { id: 30, unitId: 3, unitKind: 'fritids', municipalityId: 1, started: true },
    { id: 21, unitId: 2, unitKind: 'school', municipalityId: 1, started: true },
    { id: 20, unitId: 2, unitKind: 'school', municipalityId: 1, started: true },
    { id: 22, unitId: 2, unitKind: 'school', municipalityId: 1, started: false },
  ];

  it('is the pupil’s class where the writer teaches; for the head the first school class', () => {
    assert.equal(writingGroup(actor({ staffGroups: new Set([21]) }), groups), 21);
    assert.equal(writingGroup(actor({ headOf: new Set([2]) }), groups), 20);
  });

  it('is none for fritids staff, a class the pupil joins later, or anyone else', () => {
    assert.equal(writingGroup(actor({ staffGroups: new Set([30]), headOf: new Set([3]) }), groups), undefined);
    assert.equal(writingGroup(actor({ staffGroups: new Set([22]) }), groups), undefined);
    assert.equal(writingGroup(actor({ guardianOf: new Map([[5, { otherHousehold: false }]]) }), groups), undefined);
  });
});

describe('a review overdue', () => {
  it('is a current adaptation whose review day has passed', () => {
    assert.equal(reviewOverdue({ endedOn: null, reviewBy: '2026-11-23' }, '2026-11-24'), true);
    assert.equal(reviewOverdue({ endedOn: null, reviewBy: '2026-11-24' }, '2026-11-24'), false);
    assert.equal(reviewOverdue({ endedOn: '2026-11-01', reviewBy: '2026-10-01' }, '2026-11-24'), false);
  });
});
