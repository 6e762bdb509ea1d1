import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatKey, KEY_ALPHABET, KEY_LENGTH, newKey, normalizeKey } from '../../server/invitations/keys.ts';
import { invitationState, sendOn } from '../../server/invitations/rules.ts';

describe('invitation keys', () => {
  it('are 12 characters from an alphabet without 0, O, 1, I or L: about 59 bits', () => {
    for (const ambiguous of '0O1IL') assert.ok(!KEY_ALPHABET.includes(ambiguous), ambiguous);
    assert.ok(KEY_LENGTH * Math.log2(KEY_ALPHABET.length) > 59);
    const keys = new Set(Array.from({ length: 2000 }, newKey));
    assert.equal(keys.size, 2000);
    for (const key of keys) assert.match(key, new RegExp(`^[${KEY_ALPHABET}]{12}$`));
  });

  it('uses every character of the alphabet (no bias towards a part of it)', () => {
    const seen = new Set(Array.from({ length: 500 }, newKey).join(''));
    assert.equal(seen.size, KEY_ALPHABET.length);
  });

  it('print in groups of four and read back in any case, with or without dashes and spaces', () => {
    assert.equal(formatKey('K7QM2XPD9RWT'), 'K7QM-2XPD-9RWT');
    for (const typed of ['K7QM-2XPD-9RWT', 'k7qm2xpd9rwt', ' k7qm 2xpd 9rwt ', 'K7qM-2xPd 9RwT']) assert.equal(normalizeKey(typed), 'K7QM2XPD9RWT');
    for (const bad of ['K7QM-2XPD-9RW', 'K7QM-2XPD-9RWTT', 'K0QM-2XPD-9RWT', '']) assert.equal(normalizeKey(bad), undefined, bad);
  });
});

describe('invitation rules', () => {
  const now = new Date('2026-11-24T09:00:00Z');
  it('tell the state of an invitation', () => {
    const key = (expiresAt: string, openedAt: string | null = null) => ({ expiresAt, openedAt });
    assert.equal(invitationState({ revokedAt: null, usedAt: null, latestKey: undefined }, now), 'waiting');
    assert.equal(invitationState({ revokedAt: null, usedAt: null, latestKey: key('2026-12-01T00:00:00Z') }, now), 'sent');
    assert.equal(invitationState({ revokedAt: null, usedAt: null, latestKey: key('2026-12-01T00:00:00Z', '2026-11-24T08:00:00Z') }, now), 'opened');
    assert.equal(invitationState({ revokedAt: null, usedAt: null, latestKey: key('2026-11-24T08:59:59Z') }, now), 'expired');
    assert.equal(invitationState({ revokedAt: '2026-11-20T00:00:00Z', usedAt: null, latestKey: key('2026-12-01T00:00:00Z') }, now), 'revoked');
    assert.equal(invitationState({ revokedAt: null, usedAt: '2026-11-22T00:00:00Z', latestKey: key('2026-12-01T00:00:00Z') }, now), 'used');
  });

  it('hold an invitation until the given number of days before the first placement day', () => {
    assert.equal(sendOn('2026-12-14', 14, '2026-11-24'), '2026-11-30');
    assert.equal(sendOn('2026-12-01', 14, '2026-11-24'), '2026-11-24', 'a day already passed sends today');
    assert.equal(sendOn('2027-01-10', 14, '2026-11-24'), '2026-12-27', 'across a year');
  });
});
