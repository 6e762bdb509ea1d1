// The privacy pages' rules on their own: how long each kind of record is kept (whole months after a child left, from the
// registry's minimum to ten years; whole days for a kind kept for a time, from a week to ten years), the page of a list,
// and a personnummer shown only by its date part.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Parsed } from '../../server/kernel/forms.ts';
import { MAX_RETENTION_DAYS, MAX_RETENTION_MONTHS, MIN_RETENTION_DAYS, type RetentionRule, type TimedRetentionRule } from '../../server/kernel/personal-data.ts';
import { daysField, maskedIdentity, monthsField, pageNumber, parseRetentionDays, parseRetentionPeriods } from '../../server/privacy/rules.ts';

const rule = (kind: string): RetentionRule => ({ kind, defaultMonths: 24, remove: async () => 0 });
const RULES = [rule('absences'), rule('schedules')];
const form = (fields: Record<string, string>) => (name: string) => fields[name] ?? '';
const result = (parsed: Parsed<Map<string, number>>) =>
  parsed.ok ? { value: Object.fromEntries(parsed.value) } : { errors: parsed.errors };
const periods = (fields: Record<string, string>, minimum = 3) => result(parseRetentionPeriods(RULES, minimum, form(fields)));

describe('the retention periods', () => {
  it('names each kind’s field after the kind', () => {
    assert.equal(monthsField('absences'), 'months_absences');
  });

  it('takes a whole number of months per kind, trimmed, from the minimum up to ten years', () => {
    assert.equal(MAX_RETENTION_MONTHS, 120);
    assert.deepEqual(periods({ months_absences: ' 24 ', months_schedules: '3' }), { value: { absences: 24, schedules: 3 } });
    assert.deepEqual(periods({ months_absences: '120', months_schedules: '0120' }), { value: { absences: 120, schedules: 120 } });
    assert.deepEqual(periods({ months_absences: '1', months_schedules: '9' }, 1), { value: { absences: 1, schedules: 9 } });
  });

  it('says at its field which kind has no number', () => {
    assert.deepEqual(periods({ months_absences: '24', months_schedules: '  ' }), {
      errors: { months_schedules: { key: 'personalData.errors.monthsMissing' } },
    });
  });

  it('says at each field which number is below the minimum, above ten years or no whole number', () => {
    const range = { key: 'personalData.errors.monthsRange', params: { min: 3, max: 120 } };
    assert.deepEqual(periods({ months_absences: '2', months_schedules: '121' }), { errors: { months_absences: range, months_schedules: range } });
    for (const bad of ['0', '-5', '2.5', '24x', 'x24', '1e2', '00024', 'tolv', '24 månader']) {
      assert.deepEqual(periods({ months_absences: bad, months_schedules: '24' }), { errors: { months_absences: range } }, bad);
    }
    assert.deepEqual(periods({ months_absences: '0', months_schedules: '24' }, 0), { value: { absences: 0, schedules: 24 } });
  });

  it('asks nothing when no kind is kept', () => {
    assert.deepEqual(result(parseRetentionPeriods([], 1, form({}))), { value: {} });
  });
});

describe('the retention periods in days', () => {
  const timed = (kind: string): TimedRetentionRule => ({ kind, defaultDays: 30, remove: async () => 0 });
  const TIMED = [timed('imports'), timed('mails')];
  const days = (fields: Record<string, string>) => result(parseRetentionDays(TIMED, form(fields)));
  const range = { key: 'personalData.errors.daysRange', params: { min: 7, max: 3650 } };

  it('names each kind’s field after the kind', () => {
    assert.equal(daysField('mails'), 'days_mails');
  });

  it('takes a whole number of days per kind, trimmed, from a week up to ten years', () => {
    assert.deepEqual([MIN_RETENTION_DAYS, MAX_RETENTION_DAYS], [7, 3650]);
    assert.deepEqual(days({ days_imports: ' 30 ', days_mails: '7' }), { value: { imports: 30, mails: 7 } });
    assert.deepEqual(days({ days_imports: '3650', days_mails: '03650' }), { value: { imports: 3650, mails: 3650 } });
  });

  it('says at its field which kind has no number, or one outside the limits or no whole number', () => {
    assert.deepEqual(days({ days_imports: ' ', days_mails: '90' }), { errors: { days_imports: { key: 'personalData.errors.daysMissing' } } });
    assert.deepEqual(days({ days_imports: '6', days_mails: '3651' }), { errors: { days_imports: range, days_mails: range } });
    for (const bad of ['0', '-30', '30.5', '30x', 'x30', '000030', 'trettio']) {
      assert.deepEqual(days({ days_imports: bad, days_mails: '90' }), { errors: { days_imports: range } }, bad);
    }
  });

  it('asks nothing when no kind is kept for a time', () => {
    assert.deepEqual(result(parseRetentionDays([], form({}))), { value: {} });
  });
});

describe('the page of a list', () => {
  it('is a whole number from 1 to 99999, or else the first page', () => {
    assert.equal(pageNumber('1'), 1);
    assert.equal(pageNumber('7'), 7);
    assert.equal(pageNumber('99999'), 99999);
    for (const raw of ['', '0', '07', '100000', '3x', 'x3', '-2', '2.5', ' 2']) assert.equal(pageNumber(raw), 1, raw);
    assert.equal(pageNumber(4), 1);
    assert.equal(pageNumber(['4']), 1);
    assert.equal(pageNumber(undefined), 1);
  });
});

describe('a personnummer on the privacy pages', () => {
  it('shows only the date part, written ÅÅMMDD-XXXX, of a long or short number', () => {
    assert.equal(maskedIdentity('20150314-1234'), '150314-XXXX');
    assert.equal(maskedIdentity('201503141234'), '150314-XXXX');
    assert.equal(maskedIdentity('150314-1234'), '150314-XXXX');
    assert.equal(maskedIdentity('1503141234'), '150314-XXXX');
  });

  it('shows nothing for no number or one too short to be one', () => {
    assert.equal(maskedIdentity(null), null);
    assert.equal(maskedIdentity(''), null);
    assert.equal(maskedIdentity('150314-123'), null);
  });
});
