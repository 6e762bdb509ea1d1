// The statements' forms on their own: each part trimmed (empty is "not written") and at most a page long, the
// accessibility contact an e-mail address and a phone number that look like one, the assessment day not ahead, the
// version the form was filled from, and text cut into paragraphs for the public pages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldErrors, Parsed } from '../../server/kernel/forms.ts';
import { PRIVACY_FIELDS, type AccessibilityStatement, type PrivacyNotice } from '../../server/about/queries.ts';
import { COMPLIANCE, MAX_TEXT, paragraphs, parseAccessibility, parsePrivacy, parseVersion } from '../../server/about/rules.ts';

const form = (fields: Record<string, string>) => (name: string) => fields[name] ?? '';
const result = <T>(parsed: Parsed<T>): { value?: T; errors?: FieldErrors } => (parsed.ok ? { value: parsed.value } : { errors: parsed.errors });
const TODAY = '2026-03-10';
const accessibility = (fields: Record<string, string>) => result<AccessibilityStatement>(parseAccessibility(form(fields), TODAY));
const NOTHING: AccessibilityStatement = { compliance: null, knownProblems: null, feedbackEmail: null, feedbackPhone: null, assessedOn: null };

describe('the privacy notice', () => {
  it('keeps each part trimmed, with its line breaks as \\n, and an empty part as not written', () => {
    const fields = Object.fromEntries(PRIVACY_FIELDS.map((f) => [f, '']));
    const written = result<PrivacyNotice>(parsePrivacy(form({ ...fields, controller: '  Vardagby kommun\r\nBox 1 ', dpo: 'a\rb', purpose: '   ' })));
    assert.deepEqual(written, { value: { ...Object.fromEntries(PRIVACY_FIELDS.map((f) => [f, null])), controller: 'Vardagby kommun\nBox 1', dpo: 'a\nb' } });
    assert.equal(PRIVACY_FIELDS.length, 9);
  });

  it('takes a part of 5,000 characters (a line break counted once) and says at its field which one is longer', () => {
    assert.equal(MAX_TEXT, 5000);
    const page = `${'a'.repeat(2500)}\r\n${'a'.repeat(2499)}`;
    assert.equal(result<PrivacyNotice>(parsePrivacy(form({ purpose: page }))).value?.purpose, `${'a'.repeat(2500)}\n${'a'.repeat(2499)}`);
    assert.equal(result<PrivacyNotice>(parsePrivacy(form({ purpose: ` ${'a'.repeat(5000)} ` }))).value?.purpose, 'a'.repeat(5000));
    assert.deepEqual(result<PrivacyNotice>(parsePrivacy(form({ rights: 'a'.repeat(5001), sources: 'ok' }))), {
      errors: { rights: { key: 'about.errors.tooLong', params: { max: 5000 } } },
    });
  });
});

describe('the accessibility statement', () => {
  it('may be left empty', () => {
    assert.deepEqual(accessibility({}), { value: NOTHING });
    assert.deepEqual(accessibility({ compliance: ' ', known_problems: ' ', feedback_email: ' ', feedback_phone: ' ', assessed_on: ' ' }), { value: NOTHING });
  });

  it('takes a compliance of the three, the problems, a contact, and a day up to today, each trimmed', () => {
    assert.deepEqual(COMPLIANCE, ['full', 'partial', 'none']);
    assert.deepEqual(accessibility({
      compliance: ' partial ', known_problems: ' Kartan saknar text.\r\n', feedback_email: ' tillganglighet@vardagby.se ',
      feedback_phone: ' +46 (0)8-123 45 ', assessed_on: ` ${TODAY} `,
    }), { value: {
      compliance: 'partial', knownProblems: 'Kartan saknar text.', feedbackEmail: 'tillganglighet@vardagby.se', feedbackPhone: '+46 (0)8-123 45',
      assessedOn: TODAY,
    } });
    for (const compliance of ['full', 'none']) assert.equal(accessibility({ compliance }).value?.compliance, compliance);
    assert.equal(accessibility({ assessed_on: '2025-12-31' }).value?.assessedOn, '2025-12-31');
  });

  it('refuses a compliance not of the three', () => {
    assert.deepEqual(accessibility({ compliance: 'some' }), { errors: { compliance: { key: 'about.errors.compliance' } } });
    assert.deepEqual(accessibility({ compliance: 'Full' }), { errors: { compliance: { key: 'about.errors.compliance' } } });
  });

  it('takes an e-mail address of up to 254 characters that looks like one', () => {
    const at254 = `${'a'.repeat(244)}@vardag.se`;
    assert.equal(at254.length, 254);
    assert.equal(accessibility({ feedback_email: at254 }).value?.feedbackEmail, at254);
    const email = { errors: { feedback_email: { key: 'about.errors.email' } } };
    assert.deepEqual(accessibility({ feedback_email: `a${at254}` }), email);
    for (const bad of ['tillganglighet', 'a@b', '@vardag.se', 'a@.se', 'a b@vardag.se', 'a@vardag.se x', 'x a@vardag.se', 'a@@vardag.se', 'a@var dag.se', 'a@vardag. se']) {
      assert.deepEqual(accessibility({ feedback_email: bad }), email, bad);
    }
  });

  it('takes a phone number of 6 to 20 digits, spaces, brackets and dashes (six digits at least), with a + first at most', () => {
    for (const good of ['123456', '08-123 456 78', '+46812345678', '(08) 123 45', '1'.repeat(20)]) {
      assert.equal(accessibility({ feedback_phone: good }).value?.feedbackPhone, good, good);
    }
    const phone = { errors: { feedback_phone: { key: 'about.errors.phone' } } };
    for (const bad of ['12345', '1'.repeat(21), '08-123 45 67 ring', 'x0812345', '++46812345', '08+12345', '+', '------', '(08) - -']) {
      assert.deepEqual(accessibility({ feedback_phone: bad }), phone, bad);
    }
  });

  it('says when the assessment day is no date or lies ahead', () => {
    assert.deepEqual(accessibility({ assessed_on: '2026-02-30' }), { errors: { assessed_on: { key: 'about.errors.date' } } });
    assert.deepEqual(accessibility({ assessed_on: '10 mars' }), { errors: { assessed_on: { key: 'about.errors.date' } } });
    assert.deepEqual(accessibility({ assessed_on: '2026-03-11' }), { errors: { assessed_on: { key: 'about.errors.dateAhead' } } });
  });

  it('says every problem at once, the problems text too', () => {
    assert.deepEqual(accessibility({ compliance: 'x', known_problems: 'a'.repeat(5001), feedback_email: 'x', feedback_phone: 'x', assessed_on: 'x' }), {
      errors: {
        compliance: { key: 'about.errors.compliance' }, known_problems: { key: 'about.errors.tooLong', params: { max: 5000 } },
        feedback_email: { key: 'about.errors.email' }, feedback_phone: { key: 'about.errors.phone' }, assessed_on: { key: 'about.errors.date' },
      },
    });
  });
});

describe('the version the form was filled from', () => {
  it('is a whole number of up to nine digits, or none', () => {
    assert.equal(parseVersion('0'), 0);
    assert.equal(parseVersion('12'), 12);
    assert.equal(parseVersion('123456789'), 123456789);
    for (const raw of ['', '1234567890', '12a', 'a12', '-1', '1.5', ' 3']) assert.equal(parseVersion(raw), undefined, raw);
  });
});

describe('text on the public pages', () => {
  it('is cut into paragraphs at empty lines, each line trimmed, empty ones left out', () => {
    assert.deepEqual(paragraphs('Vi behandlar\n  uppgifter \n\nom barn.'), [['Vi behandlar', 'uppgifter'], ['om barn.']]);
    assert.deepEqual(paragraphs('ett\n   \n\n två\n \ttre'), [['ett'], ['två', 'tre']]);
    assert.deepEqual(paragraphs('ett\n \t \ntvå'), [['ett'], ['två']]);
    assert.deepEqual(paragraphs(' \nett'), [['ett']]);
    assert.deepEqual(paragraphs('ett två'), [['ett två']]);
  });

  it('gives nothing for empty text', () => {
    assert.deepEqual(paragraphs(''), []);
    assert.deepEqual(paragraphs('  '), []);
    assert.deepEqual(paragraphs('\n\n\n'), []);
  });
});
