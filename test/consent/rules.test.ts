// Photo consent's rules on their own: what a child's answers add up to, and what a paper answer's form may say.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { consentStatus, hasGroupConsent, parseGuardianAnswer, parsePaperAnswer } from '../../server/consent/rules.ts';
import type { ConsentAnswer } from '../../db/schema.ts';

const answers = (entries: [number, ConsentAnswer][]) => new Map(entries);
const form = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('consentStatus', () => {
  const child = (guardianIds: number[], protectedIdentity = false) => ({ guardianIds, protectedIdentity });

  it('is yes only when every current guardian\'s answer is yes', () => {
    assert.equal(consentStatus(child([1, 2]), answers([[1, 'yes'], [2, 'yes']])), 'yes');
    assert.equal(consentStatus(child([1, 2]), answers([[1, 'yes']])), 'unanswered');
    assert.equal(consentStatus(child([1, 2]), answers([[1, 'yes'], [2, 'no']])), 'no');
    assert.equal(consentStatus(child([1, 2]), answers([[2, 'no']])), 'no', 'a no says more than a missing answer');
  });

  it('counts no answer of someone who is not a guardian now', () => {
    assert.equal(consentStatus(child([1]), answers([[1, 'yes'], [3, 'no']])), 'yes');
  });

  it('gives a child without guardians no consent, and a protected child none whatever the answers', () => {
    assert.equal(consentStatus(child([]), answers([])), 'unanswered');
    assert.equal(consentStatus(child([1], true), answers([[1, 'yes']])), 'protected');
  });
});

describe('hasGroupConsent', () => {
  it('lets a child appear in what the whole group sees only with a yes', () => {
    assert.equal(hasGroupConsent('yes'), true);
    for (const status of ['no', 'unanswered', 'protected'] as const) assert.equal(hasGroupConsent(status), false, status);
  });
});

describe('the answer forms', () => {
  it('takes yes or no from a guardian, nothing else', () => {
    assert.deepEqual(parseGuardianAnswer(form({ answer: 'yes' })), { ok: true, value: { answer: 'yes' } });
    for (const bad of ['', 'ja', 'YES', 'maybe']) {
      assert.deepEqual(parseGuardianAnswer(form({ answer: bad })), { ok: false, errors: { answer: { key: 'consent.errors.answerMissing' } } }, bad);
    }
  });

  const today = '2026-11-24';
  const paper = (values: Record<string, string>) => parsePaperAnswer(form(values), { today, guardianIds: [5, 6] });

  it('takes a paper answer of one of the child\'s guardians, dated today when no date is given', () => {
    assert.deepEqual(paper({ guardian: '6', paper_answer: 'no' }), { ok: true, value: { guardianId: 6, answer: 'no', answeredOn: today } });
    assert.deepEqual(paper({ guardian: '5', paper_answer: 'yes', answered_on: ' 2024-11-24 ' }), { ok: true, value: { guardianId: 5, answer: 'yes', answeredOn: '2024-11-24' } });
  });

  it('refuses another person, a missing answer, a date ahead, older than two years or not a date, each at its field', () => {
    assert.deepEqual(paper({ guardian: '7', paper_answer: '', answered_on: '2026-11-25' }), { ok: false, errors: {
      guardian: { key: 'consent.errors.guardianMissing' }, paper_answer: { key: 'consent.errors.answerMissing' },
      answered_on: { key: 'consent.errors.dateFuture' },
    } });
    assert.deepEqual(paper({ guardian: '5', paper_answer: 'yes', answered_on: '2024-11-23' }),
      { ok: false, errors: { answered_on: { key: 'consent.errors.dateTooOld', dates: { date: '2024-11-24' } } } });
    assert.deepEqual(paper({ guardian: '5', paper_answer: 'yes', answered_on: '24/11/2026' }), { ok: false, errors: { answered_on: { key: 'consent.errors.dateFormat' } } });
    assert.equal(paper({ guardian: '', paper_answer: 'yes' }).ok, false, 'no guardian chosen');
  });
});
