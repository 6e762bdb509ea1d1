// The invitation rules on their own: what an invitation is now (waiting, sent, opened, used, expired, revoked), the
// day a held one goes out, what staff chose on the invitation form, and the registration form's own rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldErrors } from '../../server/kernel/forms.ts';
import { invitationState, planInvitations, sendOn, validateRegistration, type ChoosableGuardian, type RegistrationValues } from '../../server/invitations/rules.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';

const keys = (errors: FieldErrors) => Object.fromEntries(Object.entries(errors).map(([field, e]) => [field, e.key]));

describe('what an invitation is now', () => {
  const now = new Date('2026-11-24T10:00:00.000Z');
  const key = (expiresAt: string, openedAt: string | null = null) => ({ expiresAt, openedAt });
  const state = (facts: Partial<Parameters<typeof invitationState>[0]>) => invitationState({ revokedAt: null, usedAt: null, latestKey: undefined, ...facts }, now);

  it('waits until a key is made, is sent, then opened', () => {
    assert.equal(state({}), 'waiting');
    assert.equal(state({ latestKey: key('2026-12-08T10:00:00.000Z') }), 'sent');
    assert.equal(state({ latestKey: key('2026-12-08T10:00:00.000Z', '2026-11-24T09:00:00.000Z') }), 'opened');
  });

  it('expires when its latest key does, to the second', () => {
    assert.equal(state({ latestKey: key('2026-11-24T10:00:00.000Z') }), 'expired');
    assert.equal(state({ latestKey: key('2026-11-24T10:00:00.001Z', '2026-11-20T09:00:00.000Z') }), 'opened');
    assert.equal(state({ latestKey: key('2026-11-24T09:59:59.999Z', '2026-11-20T09:00:00.000Z') }), 'expired');
  });

  it('is used once used, even if revoked or expired later; revoked before any key state', () => {
    assert.equal(state({ usedAt: '2026-11-20T09:00:00.000Z', revokedAt: '2026-11-21T09:00:00.000Z', latestKey: key('2026-11-01T00:00:00.000Z') }), 'used');
    assert.equal(state({ revokedAt: '2026-11-21T09:00:00.000Z', latestKey: key('2026-12-08T10:00:00.000Z') }), 'revoked');
    assert.equal(state({ revokedAt: '2026-11-21T09:00:00.000Z' }), 'revoked');
  });
});

describe('when a held invitation goes out', () => {
  it('goes the chosen number of days before the first day of the placement, or today once that day has passed', () => {
    assert.equal(sendOn('2027-01-11', 14, '2026-11-24'), '2026-12-28');
    assert.equal(sendOn('2026-12-01', 14, '2026-11-24'), '2026-11-24');
    assert.equal(sendOn('2026-12-08', 14, '2026-11-24'), '2026-11-24');
    assert.equal(sendOn('2026-12-09', 14, '2026-11-24'), '2026-11-25');
  });
});

describe('the invitation form', () => {
  const guardian = (personId: number, name: string, over: Partial<ChoosableGuardian> = {}): ChoosableGuardian => ({
    personId, name, protectedIdentity: false, otherHousehold: false, hasAccount: false, ...over,
  });
  const guardians = [guardian(5, 'Anna'), guardian(6, 'Johan', { otherHousehold: true, protectedIdentity: true, hasAccount: true })];
  const plan = (fields: Record<string, string | string[]>) => planInvitations({
    field: (name) => { const v = fields[name]; return typeof v === 'string' ? v : ''; },
    fields: (name) => { const v = fields[name]; return Array.isArray(v) ? v : v === undefined ? [] : [v]; },
  }, guardians, '2026-11-24');

  it('invites the guardians ticked, each at their address (or on paper) and in their language, Swedish unless one we offer', () => {
    const { invitations, errors } = plan({ invite: ['5', '6'], email_5: ' anna@example.se ', language_5: 'ar', language_6: 'fi' });
    assert.deepEqual(errors, {});
    assert.deepEqual(invitations, [
      { guardianId: 5, email: 'anna@example.se', language: 'ar', sendOn: '2026-11-24', name: 'Anna', protectedIdentity: false, otherHousehold: false, hasAccount: false },
      { guardianId: 6, email: null, language: 'sv', sendOn: '2026-11-24', name: 'Johan', protectedIdentity: true, otherHousehold: true, hasAccount: true },
    ]);
    assert.deepEqual(plan({ invite: '6', email_5: 'anna@example.se' }).invitations.map((i) => i.guardianId), [6]);
    assert.deepEqual(plan({ invite: ['7', '5'] }).invitations.map((i) => i.guardianId), [5]);
  });

  it('says so at the address that is no e-mail address, and when nobody was chosen', () => {
    assert.deepEqual(keys(plan({ invite: ['5', '6'], email_6: 'johan(at)example.se' }).errors), { email_6: 'invitations.errors.email' });
    assert.deepEqual(keys(plan({}).errors), { invite: 'invitations.errors.noneChosen' });
    assert.deepEqual(keys(plan({ invite: '9' }).errors), { invite: 'invitations.errors.noneChosen' });
  });
});

describe('the registration form', () => {
  const good: RegistrationValues = {
    key: 'ABCD-EFGH', username: 'anna.svensson', email: 'anna@example.se', email_confirm: 'Anna@Example.se ', name: 'Anna Svensson',
    password: 'kanelbulle med kaffe', terms: 'yes',
  };
  const paper = { ok: true, delivery: 'paper' } as const;
  const mailed = { ok: true, delivery: 'email' } as const;
  const check = (over: Partial<RegistrationValues>, key: Parameters<typeof validateRegistration>[1] = mailed) => keys(validateRegistration({ ...good, ...over }, key));
  /** What was typed cannot be a key at all. */
  const noKey = (over: Partial<RegistrationValues>) => keys(validateRegistration({ ...good, ...over }, undefined));

  it('takes a usable key and good answers, the e-mail address confirmed in any case', () => {
    assert.deepEqual(check({}), {});
    assert.deepEqual(check({ email: '', email_confirm: '' }, paper), {});
    assert.deepEqual(check({ email: ' ', email_confirm: 'x' }, paper), {});
  });

  it('says what is wrong with the key', () => {
    assert.deepEqual(noKey({ key: '  ' }), { key: 'register.errors.keyMissing' });
    assert.deepEqual(noKey({ key: 'x' }), { key: 'register.errors.keyFormat' });
    assert.deepEqual(check({}, { ok: false, problem: 'unknown' }), { key: 'register.key.unknown' });
    assert.deepEqual(check({}, { ok: false, problem: 'used' }), { key: 'register.key.used' });
    assert.deepEqual(check({}, { ok: false, problem: 'expired' }), { key: 'register.key.expired' });
    assert.deepEqual(check({}, { ok: false, problem: 'revoked' }), { key: 'register.key.revoked' });
  });

  it('needs an e-mail address only for a key that came by e-mail, and checks one given with any key', () => {
    assert.deepEqual(check({ email: ' ', email_confirm: '' }), { email: 'register.errors.emailMissing' });
    assert.deepEqual(noKey({ email: '' }), { key: 'register.errors.keyFormat' });
    assert.deepEqual(check({ email: '' }, { ok: false, problem: 'used' }), { key: 'register.key.used' });
    assert.deepEqual(check({ email: 'anna', email_confirm: 'anna' }, paper), { email: 'register.errors.emailFormat' });
    assert.deepEqual(check({ email_confirm: 'anna@example.com' }, paper), { email_confirm: 'register.errors.emailMismatch' });
  });

  it('checks the username, the name, the password and the terms', () => {
    assert.deepEqual(check({ username: 'anna@example.se' }), { username: 'account.errors.usernameCharacters' });
    assert.deepEqual(check({ name: '  ' }), { name: 'register.errors.nameMissing' });
    assert.deepEqual(check({ name: ` ${'x'.repeat(100)} ` }), {});
    assert.deepEqual(check({ name: 'x'.repeat(101) }), { name: 'register.errors.nameTooLong' });
    assert.deepEqual(check({ name: `Anna ${identityNumber('1985-03-12', 123)}` }), { name: 'register.errors.nameIdentity' });
    assert.deepEqual(check({ password: 'kort' }), { password: 'account.errors.passwordTooShort' });
    assert.deepEqual(check({ terms: '' }), { terms: 'register.errors.terms' });
    assert.deepEqual(check({ terms: 'on' }), { terms: 'register.errors.terms' });
  });
});
