// The audit trail's search and export on their own: names at most 100 characters, one of the audited actions, days
// from and to in order (Stockholm days, "to" with its whole day), a page number, and a CSV cell a spreadsheet opens
// as text, never as a formula.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { actionDefinition, actions, type Action } from '../../server/kernel/actions.ts';
import type { FieldErrors, Parsed } from '../../server/kernel/forms.ts';
import { AUDITED_ACTIONS, csvCell, parseAuditSearch, parsePage, startOfDay, type AuditForm } from '../../server/audit/rules.ts';
import type { AuditSearch } from '../../server/audit/search.ts';

const EMPTY: AuditForm = { child: '', person: '', action: '', from: '', to: '' };
const result = (parsed: Parsed<AuditSearch>): { value?: AuditSearch; errors?: FieldErrors } => (parsed.ok ? { value: parsed.value } : { errors: parsed.errors });
const search = (form: Partial<AuditForm>) => result(parseAuditSearch({ ...EMPTY, ...form }, 7));

describe('the actions the search offers', () => {
  it('are every audited action and no other, in alphabetical order', () => {
    const all = Object.keys(actions) as Action[];
    assert.ok(AUDITED_ACTIONS.includes('child.info.read'));
    assert.ok(AUDITED_ACTIONS.includes('absence.cancel'));
    assert.ok(!AUDITED_ACTIONS.includes('start.read'));
    assert.deepEqual(new Set(AUDITED_ACTIONS), new Set(all.filter((a) => actionDefinition(a).audited)));
    assert.equal(AUDITED_ACTIONS.length, new Set(AUDITED_ACTIONS).size);
    assert.deepEqual(AUDITED_ACTIONS, [...AUDITED_ACTIONS].sort());
    assert.ok(AUDITED_ACTIONS.indexOf('absence.cancel') < AUDITED_ACTIONS.indexOf('child.info.read'));
  });
});

describe('the first instant of a Stockholm day', () => {
  it('is 23:00 UTC the day before in winter and 22:00 UTC in summer', () => {
    assert.equal(startOfDay('2026-01-15'), '2026-01-14T23:00:00.000Z');
    assert.equal(startOfDay('2026-07-15'), '2026-07-14T22:00:00.000Z');
  });

  it('follows the clock change: the night it moves forward still starts in winter time, and the night it moves back in summer time', () => {
    assert.equal(startOfDay('2026-03-29'), '2026-03-28T23:00:00.000Z');
    assert.equal(startOfDay('2026-03-30'), '2026-03-29T22:00:00.000Z');
    assert.equal(startOfDay('2026-10-25'), '2026-10-24T22:00:00.000Z');
    assert.equal(startOfDay('2026-10-26'), '2026-10-25T23:00:00.000Z');
  });
});

describe('the search form', () => {
  it('searches everything when nothing is filled in', () => {
    assert.deepEqual(search({}), { value: { municipalityId: 7, child: '', person: '', action: '', from: null, to: null } });
  });

  it('searches names trimmed, an audited action, and from the first instant of "from" to the end of "to"', () => {
    assert.deepEqual(search({ child: '  Åsa Öberg ', person: ' Lärare ', action: 'child.info.read', from: ' 2026-01-15 ', to: ' 2026-07-15 ' }), {
      value: {
        municipalityId: 7, child: 'Åsa Öberg', person: 'Lärare', action: 'child.info.read',
        from: '2026-01-14T23:00:00.000Z', to: '2026-07-15T22:00:00.000Z',
      },
    });
    assert.deepEqual(search({ from: '2026-03-10', to: '2026-03-10' }).value?.to, '2026-03-10T23:00:00.000Z');
    assert.deepEqual(search({ from: '2026-03-10' }).value, { municipalityId: 7, child: '', person: '', action: '', from: '2026-03-09T23:00:00.000Z', to: null });
    assert.deepEqual(search({ to: '2026-03-10' }).value, { municipalityId: 7, child: '', person: '', action: '', from: null, to: '2026-03-10T23:00:00.000Z' });
  });

  it('takes names of 100 characters and says at its field which one is longer', () => {
    const long = { key: 'audit.errors.tooLong' };
    assert.equal(search({ child: 'a'.repeat(100), person: ` ${'b'.repeat(100)} ` }).value?.child, 'a'.repeat(100));
    assert.deepEqual(search({ child: 'a'.repeat(101) }), { errors: { child: long } });
    assert.deepEqual(search({ person: 'b'.repeat(101) }), { errors: { person: long } });
  });

  it('refuses an action that leaves no row in the trail, or none at all', () => {
    const action = { key: 'audit.errors.action' };
    assert.deepEqual(search({ action: 'start.read' }), { errors: { action } });
    assert.deepEqual(search({ action: 'drop table' }), { errors: { action } });
    assert.deepEqual(search({ action: ' child.info.read' }), { errors: { action } });
  });

  it('says which day is no date, and that "to" comes before "from"', () => {
    const date = { key: 'audit.errors.date' };
    assert.deepEqual(search({ from: '2026-02-30' }), { errors: { from: date } });
    assert.deepEqual(search({ to: '15/1 2026' }), { errors: { to: date } });
    assert.deepEqual(search({ from: 'igår', to: 'idag' }), { errors: { from: date, to: date } });
    assert.deepEqual(search({ from: '2026-03-10', to: '2026-03-09' }), { errors: { to: { key: 'audit.errors.toBeforeFrom' } } });
    assert.deepEqual(search({ from: '2026-3-10', to: '2026-03-09' }), { errors: { from: date } });
  });
});

describe('the page asked for', () => {
  it('is a whole number from 1 up to six digits, or else the first page', () => {
    assert.equal(parsePage('1'), 1);
    assert.equal(parsePage('12'), 12);
    assert.equal(parsePage('999999'), 999999);
    for (const raw of ['', '0', '012', '1000000', '2x', 'x2', '-1', '1.5']) assert.equal(parsePage(raw), 1, raw);
    assert.equal(parsePage(3), 1);
    assert.equal(parsePage(['3']), 1);
    assert.equal(parsePage(undefined), 1);
  });
});

describe('a cell of the CSV export', () => {
  it('writes text and numbers as they are, and nothing for no value', () => {
    assert.equal(csvCell('Åsa Öberg'), 'Åsa Öberg');
    assert.equal(csvCell('a=b+c-d@e'), 'a=b+c-d@e');
    assert.equal(csvCell(42), '42');
    assert.equal(csvCell(-3), '-3');
    assert.equal(csvCell(0), '0');
    assert.equal(csvCell(''), '');
    assert.equal(csvCell(null), '');
  });

  it('puts a quote before text a spreadsheet would run as a formula', () => {
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell('=1+1'), "'=1+1");
    assert.equal(csvCell('+46701234567'), "'+46701234567");
    assert.equal(csvCell('-3'), "'-3");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\t=1'), "'\t=1");
    assert.equal(csvCell('\r=1'), `"'\r=1"`);
  });

  it('quotes a cell holding the separator, a quote or a line break, with inner quotes doubled', () => {
    assert.equal(csvCell('a;b'), '"a;b"');
    assert.equal(csvCell('sa "hej" och "hå"'), '"sa ""hej"" och ""hå"""');
    assert.equal(csvCell('rad 1\nrad 2'), '"rad 1\nrad 2"');
    assert.equal(csvCell('rad 1\rrad 2'), '"rad 1\rrad 2"');
    assert.equal(csvCell('a,b'), 'a,b');
  });
});
