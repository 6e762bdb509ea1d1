// Which numbers an SMS can go to: a person's own number as they type it, a register's number as it is written there.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isE164, parseSwedishMobile, swedishMobile } from '../../server/sms/rules.ts';

describe('numbers an SMS can go to', () => {
  it('reads a Swedish mobile number however it is written, as +467…', () => {
    for (const written of ['070-123 45 67', '0701234567', '+46 70 123 45 67', '+46 (0)70-123 45 67', '0046701234567', '070.123.45.67']) {
      assert.deepEqual(parseSwedishMobile(written), { ok: true, value: '+46701234567' }, written);
    }
    for (const range of ['072', '073', '076', '079']) assert.equal(swedishMobile(`${range}-123 45 67`), `+46${range.slice(1)}1234567`, range);
  });

  it('takes an empty field as no number, and refuses landlines, other ranges and wrong lengths', () => {
    assert.deepEqual(parseSwedishMobile('  '), { ok: true, value: null });
    for (const bad of ['08-123 456 78', '071-123 45 67', '074-123 45 67', '075-123 45 67', '077-123 45 67', '078-123 45 67',
      '070-123 45 6', '070-123 45 678', '+47 70 123 45 67', '46701234567', 'x0701234567', '0701234567x']) {
      assert.deepEqual(parseSwedishMobile(bad), { ok: false }, bad);
    }
  });

  it('gives a register number that is no mobile number as none', () => {
    assert.equal(swedishMobile('08-123 456 78'), undefined);
    assert.equal(swedishMobile(''), undefined);
    assert.equal(swedishMobile(null), undefined);
    assert.equal(swedishMobile(undefined), undefined);
  });

  it('knows a number in E.164: a plus, a country code that does not start with 0, 7 to 15 digits', () => {
    for (const good of ['+46701234567', '+1234567', '+123456789012345']) assert.equal(isE164(good), true, good);
    for (const bad of ['46701234567', '+0701234567', '+123456', '+1234567890123456', '+46 70 123 45 67', '+46701234567\n', ' +46701234567']) {
      assert.equal(isE164(bad), false, JSON.stringify(bad));
    }
  });
});
