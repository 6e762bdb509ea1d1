// The rules of school assessment without a server: terms ("HT2026", "VT2027"), a posted assessment read against the
// municipality's matrix, a name for the matrix, the class an assessment is written in; and its part of the register
// extract and of retention, on the demo's data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareTerms, isTerm, nextTerm, previousTerm, previousTerms, termOf } from '../../server/kernel/terms.ts';
import { nameKey, parseAssessment, parseMatrixName, removedFromMatrix, writingClass } from '../../server/assessment/rules.ts';
import { assessmentPersonalData } from '../../server/assessment/personal-data.ts';
import type { Actor } from '../../server/kernel/policy.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

describe('terms', () => {
  it('puts August–December in the autumn term and January–July in the spring term', () => {
    assert.equal(termOf('2026-08-01'), 'HT2026');
    assert.equal(termOf('2026-12-31'), 'HT2026');
    assert.equal(termOf('2027-01-01'), 'VT2027');
    assert.equal(termOf('2027-07-31'), 'VT2027');
  });
  it('knows a term when it sees one', () => {
    for (const good of ['HT2026', 'VT2027']) assert.ok(isTerm(good), good);
    for (const bad of ['ht2026', 'HT26', 'ST2026', 'HT2026 ', '', 'VT1999', 'HT20266']) assert.ok(!isTerm(bad), bad);
  });
  it('counts terms back and forth', () => {
    assert.equal(previousTerm('VT2027'), 'HT2026');
    assert.equal(previousTerm('HT2026'), 'VT2026');
    assert.equal(nextTerm('HT2026'), 'VT2027');
    assert.equal(nextTerm('VT2026'), 'HT2026');
    assert.deepEqual(previousTerms('HT2026', 3), ['HT2026', 'VT2026', 'HT2025']);
    assert.ok(compareTerms('VT2026', 'HT2026') < 0);
    assert.ok(compareTerms('VT2027', 'HT2026') > 0);
    assert.equal(compareTerms('HT2026', 'HT2026'), 0);
  });
});

describe('a posted assessment', () => {
  const subject = { id: 1, name: 'Svenska', abilities: [{ id: 10, name: 'Läsa' }, { id: 11, name: 'Skriva' }] };
  const levels = [{ id: 5, name: 'Arbetar mot' }, { id: 6, name: 'Uppnår' }];
  const read = (fields: Record<string, string>) => (name: string) => fields[name] ?? '';

  it('keeps the levels of the municipality, per ability of the subject, and the trimmed comment', () => {
    const parsed = parseAssessment(read({ 'level-10': '5', 'level-11': '6', 'level-12': '5', comment: ' Bra! ', action: 'publish' }), subject, levels);
    assert.ok(parsed.ok);
    assert.deepEqual([...parsed.value.marks], [[10, 5], [11, 6]], 'an ability of another subject is no field here');
    assert.equal(parsed.value.comment, 'Bra!');
    assert.equal(parsed.value.publish, true);
  });
  it('lets a draft leave a level out, not a published one', () => {
    assert.ok(parseAssessment(read({ 'level-10': '5', action: 'draft' }), subject, levels).ok);
    const parsed = parseAssessment(read({ 'level-10': '5', action: 'publish' }), subject, levels);
    assert.ok(!parsed.ok);
    assert.equal(parsed.errors['level-11'].key, 'assessment.errors.levelMissing');
  });
  it('treats a draft save of an assessment already published as publishing: every level needed', () => {
    const parsed = parseAssessment(read({ 'level-10': '5', action: 'draft' }), subject, levels, true);
    assert.ok(!parsed.ok);
    assert.equal(parsed.errors['level-11'].key, 'assessment.errors.levelMissing');
    const whole = parseAssessment(read({ 'level-10': '5', 'level-11': '6', action: 'draft' }), subject, levels, true);
    assert.ok(whole.ok);
    assert.equal(whole.value.publish, true, 'it stays published');
  });
  it('says at the field which level was removed from the matrix meanwhile, else for the form', () => {
    const marks = new Map([[10, 5], [11, 6]]);
    assert.deepEqual(removedFromMatrix(marks, subject, { levels: [levels[1]], subjects: [subject] }),
      { 'level-10': { key: 'assessment.errors.levelGone', params: { ability: 'Läsa' } } });
    assert.equal(removedFromMatrix(marks, subject, { levels, subjects: [{ ...subject, abilities: [subject.abilities[0]] }] }).form.key, 'assessment.errors.abilityGone');
    assert.equal(removedFromMatrix(marks, subject, { levels, subjects: [] }).form.key, 'assessment.errors.subjectGone');
    assert.equal(removedFromMatrix(marks, subject, { levels, subjects: [subject] }).form.key, 'assessment.errors.matrixChanged');
  });
  it('refuses a level that is not the municipality’s, and a comment over 2000 characters', () => {
    for (const bad of ['7', '0', '5.0', '05', 'Uppnår', '1e3']) {
      const parsed = parseAssessment(read({ 'level-10': bad }), subject, levels);
      assert.ok(!parsed.ok, bad);
      assert.equal(parsed.errors['level-10'].key, 'assessment.errors.levelUnknown', bad);
    }
    const long = parseAssessment(read({ comment: 'x'.repeat(2001) }), subject, levels);
    assert.ok(!long.ok);
    assert.equal(long.errors.comment.key, 'assessment.errors.commentTooLong');
    assert.ok(parseAssessment(read({ comment: 'x'.repeat(2000) }), subject, levels).ok);
  });
});

describe('a name for the matrix', () => {
  it('is required, at most 100 characters and not one already there (in any case)', () => {
    assert.deepEqual(parseMatrixName('  Fördjupar  ', []), { ok: true, value: 'Fördjupar' });
    assert.equal((parseMatrixName(' ', []) as { errors: Record<string, { key: string }> }).errors.name.key, 'assessment.admin.errors.nameMissing');
    assert.equal((parseMatrixName('x'.repeat(101), []) as { errors: Record<string, { key: string }> }).errors.name.key, 'assessment.admin.errors.nameTooLong');
    assert.equal((parseMatrixName('UPPNÅR', ['Uppnår']) as { errors: Record<string, { key: string }> }).errors.name.key, 'assessment.admin.errors.nameTaken');
  });
  it('is folded the same way in the app and in the database’s key (name_key)', () => {
    assert.equal(nameKey('UPPNÅR'), nameKey('uppnår'));
    assert.equal(nameKey(' Arbetar   mot '), 'arbetar mot');
    assert.equal(nameKey('A\u030Athus'), nameKey('åthus'), 'composed or not');
    assert.notEqual(nameKey('Uppnår'), nameKey('Uppnar'));
  });
});

describe('the class an assessment is written in', () => {
  const actor = (over: Partial<Actor>): Actor => ({
    accountId: 1, personId: 1, authLevel: 'strong', strongIn: new Set(), adminOf: new Set(), headOf: new Set(), staffUnits: new Set(),
    staffGroups: new Set(), guardianOf: new Map(), isStudent: false, ...over,
  });
  const groups = [
    { id: 3, unitId: 30, unitKind: 'fritids', municipalityId: 1, started: true },
    { id: 1, unitId: 10, unitKind: 'school', municipalityId: 1, started: true },
    { id: 2, unitId: 10, unitKind: 'school', municipalityId: 1, started: true },
    { id: 4, unitId: 10, unitKind: 'school', municipalityId: 1, started: false },
  ];
  it('is the pupil’s class the teacher teaches, the first class for the head, none for fritids staff or a later class', () => {
    assert.equal(writingClass(actor({ staffGroups: new Set([2]) }), groups), 2);
    assert.equal(writingClass(actor({ headOf: new Set([10]) }), groups), 1);
    assert.equal(writingClass(actor({ staffGroups: new Set([3]) }), groups), undefined);
    assert.equal(writingClass(actor({ staffGroups: new Set([4]) }), groups), undefined);
  });
});

describe('the register extract and retention', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  it('gives Oskar’s guardian his published assessments, never a draft, terms in their order, and removes them all with him', async () => {
    const oskar = await personId(t.db, 'Oskar', 'Andersson');
    const emma = await personId(t.db, 'Emma', 'Andersson');
    // last spring's Svenska: VT2026 comes before HT2026 (as text it would not)
    const svenska = await t.db.selectFrom('assessments').select(['subject_id', 'group_id', 'updated_by', 'updated_at']).where('child_id', '=', oskar)
      .where('comment', 'like', 'Oskar läser%').executeTakeFirstOrThrow();
    await t.db.insertInto('assessments').values({ ...svenska, child_id: oskar, term: 'VT2026', comment: 'Vårens text', status: 'published', published_at: svenska.updated_at }).execute();
    const part = await assessmentPersonalData.extract!(t.db, { personId: emma, municipalityId: 1, accountIds: [], childIds: [oskar] });
    const [section] = part.sections;
    assert.equal(section.childId, oskar);
    assert.deepEqual(section.rows.map((r) => [r.term, r.subject, r.status]),
      [['VT2026', 'Svenska', 'published'], ['HT2026', 'Svenska', 'published'], ['HT2026', 'Matematik', 'published']]);
    assert.ok(!JSON.stringify(part).includes('Utkast: Oskar förstår'), 'the family never sees the teacher’s draft');
    assert.equal(section.rows[1].levels, 'Läsa: Uppnår; Skriva: Arbetar mot; Tala: Fördjupar');
    assert.equal(assessmentPersonalData.strongLogin, true);
    const rule = assessmentPersonalData.retention![0];
    assert.equal(rule.kind, 'assessment');
    assert.equal(rule.defaultMonths, 12);
    assert.equal(await rule.remove(t.db, [oskar], { municipalityId: 1, day: '2027-01-01' } as never), 4, 'the draft too');
    assert.equal((await t.db.selectFrom('assessments').select('id').where('child_id', '=', oskar).execute()).length, 0);
    assert.ok((await t.db.selectFrom('assessments').select('id').execute()).length > 0, 'the 4A pupil’s stays');
  });
});
