// The pickup rules: Swedish phone numbers read however people write them and kept as +46…, shown as a Swede writes
// them; what the person and ban forms must hold; who counts as in fritids; in which unit a head records a ban.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatPhone, normalisePhone } from '../../server/kernel/phones.ts';
import { banUnit, parseBan, parsePickupPerson, parseWalkHome, placedInFritids } from '../../server/pickup/rules.ts';
import type { Actor, PlacedGroup } from '../../server/kernel/policy.ts';

describe('pickup rules', () => {
  it('reads Swedish mobiles and landlines however written, and refuses the rest', () => {
    for (const [typed, kept] of [
      ['070-123 45 67', '+46701234567'], ['+46 70 123 45 67', '+46701234567'], ['0046701234567', '+46701234567'], ['+46 (0)70-123 45 67', '+46701234567'],
      ['08-123 456 78', '+46812345678'], ['031-390 06 10', '+46313900610'], ['0910-123 45', '+4691012345'], ['٠٧٠١٢٣٤٥٦٧', '+46701234567'], ['۰۷۳ ۱۱۱ ۲۲ ۳۳', '+46731112233'],
    ] as const) assert.equal(normalisePhone(typed), kept, typed);
    for (const typed of ['', '12345', '070-123 45 6', '070-123 45 678', '+47 912 34 567', 'ring mormor', '0000000000', '+46']) {
      assert.equal(normalisePhone(typed), undefined, typed);
    }
  });

  it('shows numbers as a Swede writes them', () => {
    assert.equal(formatPhone('+46701234567'), '070-123 45 67');
    assert.equal(formatPhone('+46812345678'), '08-123 456 78');
    assert.equal(formatPhone('+46313900610'), '0313900610');
  });

  it('asks a person’s name, relation and phone, trimmed; the kind only when adding', () => {
    assert.deepEqual(parsePickupPerson({ kind: 'emergency', name: ' Eva ', relation: ' mormor ', phone: '070 123 45 67' }, true),
      { ok: true, value: { kind: 'emergency', name: 'Eva', relation: 'mormor', phone: '+46701234567' } });
    const refused = parsePickupPerson({ kind: 'boss', name: ' ', relation: '', phone: '123' }, true);
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.deepEqual(Object.fromEntries(Object.entries(refused.errors).map(([k, e]) => [k, e.key])), {
        kind: 'pickup.errors.kind', name: 'pickup.errors.nameEmpty', relation: 'pickup.errors.relationEmpty', phone: 'pickup.errors.phoneInvalid',
      });
    }
    const noPhone = parsePickupPerson({ name: 'Eva', relation: 'mormor', phone: '' }, false);
    assert.deepEqual(noPhone.ok ? null : noPhone.errors, { phone: { key: 'pickup.errors.phoneEmpty' } });
    const long = parsePickupPerson({ name: 'x'.repeat(101), relation: 'y'.repeat(61), phone: '0701234567' }, false);
    assert.deepEqual(long.ok ? null : Object.keys(long.errors), ['name', 'relation']);
  });

  it('asks a ban’s name and reason; walking home yes or no', () => {
    assert.deepEqual(parseBan({ name: ' Kalle ', reason: ' Beslut ' }), { ok: true, value: { name: 'Kalle', reason: 'Beslut' } });
    const refused = parseBan({ name: '', reason: ' ' });
    assert.deepEqual(refused.ok ? null : Object.keys(refused.errors), ['name', 'reason']);
    assert.deepEqual(parseWalkHome('yes'), { ok: true, value: true });
    assert.deepEqual(parseWalkHome('no'), { ok: true, value: false });
    assert.equal(parseWalkHome('').ok, false);
  });

  it('counts a child in fritids by its unit’s kind, and records a ban in the unit the head heads', () => {
    const group = (id: number, unitId: number, unitKind: string): PlacedGroup => ({ id, unitId, unitKind, municipalityId: 1, started: true });
    assert.equal(placedInFritids([group(1, 10, 'school'), group(2, 20, 'fritids')]), true);
    assert.equal(placedInFritids([group(1, 10, 'school')]), false);
    const head = { headOf: new Set([20, 30]) } as unknown as Actor;
    assert.equal(banUnit(head, [group(1, 10, 'school'), group(2, 20, 'fritids')]), 20);
    assert.equal(banUnit(head, [group(1, 10, 'school')]), undefined);
  });
});
