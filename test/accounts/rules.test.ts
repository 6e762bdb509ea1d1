// What a person chooses, on its own: a new password (long enough, not a well-known one, no space at either end), a
// username (letters, digits and a little punctuation, never a personnummer), an e-mail address, a Swedish mobile
// number as people write it, and the code SMS:ed to verify it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatMobile, isEmail, MAX_USERNAME, MIN_PASSWORD, parseMobile, parseMobileCode, passwordProblem, usernameProblem } from '../../server/accounts/rules.ts';
import { MAX_PASSWORD } from '../../server/accounts/passwords.ts';
import { identityNumber } from '../../server/people/identity-numbers.ts';

const PERSONNUMMER = identityNumber('1985-03-12', 123);

describe('a new password', () => {
  it('takes ten characters or more, counted as people count them', () => {
    assert.equal(MIN_PASSWORD, 10);
    assert.equal(passwordProblem('kanel bulle'), undefined);
    assert.equal(passwordProblem('kanelbulle'), undefined);
    assert.equal(passwordProblem('kanelbull'), 'account.errors.passwordTooShort');
    assert.equal(passwordProblem('🌲🌲🌲🌲🌲'), 'account.errors.passwordTooShort'); // ten UTF-16 units, five characters
    assert.equal(passwordProblem('å'.repeat(MAX_PASSWORD)), undefined);
    assert.equal(passwordProblem('å'.repeat(MAX_PASSWORD + 1)), 'account.errors.passwordTooLong');
  });

  it('refuses an empty one, one with a space at either end, and a well-known one in any case', () => {
    assert.equal(passwordProblem(''), 'account.errors.passwordMissing');
    assert.equal(passwordProblem(' kanelbulle'), 'account.errors.passwordSpaces');
    assert.equal(passwordProblem('kanelbulle '), 'account.errors.passwordSpaces');
    assert.equal(passwordProblem('   '), 'account.errors.passwordSpaces');
    assert.equal(passwordProblem('Lösenord123'), 'account.errors.passwordCommon');
    assert.equal(passwordProblem('VARDAG-DEMO'), 'account.errors.passwordCommon');
    assert.equal(passwordProblem('1234567890'), 'account.errors.passwordCommon');
    assert.equal(passwordProblem('qwertyuiop'), 'account.errors.passwordCommon');
    assert.equal(passwordProblem('football123'), 'account.errors.passwordCommon'); // from the English list
    for (const swedish of ['Sommar2024', 'sommar2025', 'SOMMAR2026', 'hemligt123', 'Forskolan123', 'lösenord123']) {
      assert.equal(passwordProblem(swedish), 'account.errors.passwordCommon', swedish);
    }
  });
});

describe('a username', () => {
  it('takes letters of any script, digits, spaces and . - \' _', () => {
    for (const name of ['anna.svensson', "O'Brien", 'Åsa-Lena_2', 'مريم', ' Anna ']) assert.equal(usernameProblem(name), undefined, name);
    assert.equal(usernameProblem('a'.repeat(MAX_USERNAME)), undefined);
  });

  it('refuses an empty one, a too long one, other characters and a personnummer', () => {
    assert.equal(usernameProblem('   '), 'account.errors.usernameMissing');
    assert.equal(usernameProblem('a'.repeat(65)), 'account.errors.usernameTooLong');
    assert.equal(usernameProblem(` ${'a'.repeat(64)} `), undefined);
    for (const name of ['anna@example.se', 'anna<b>', 'a/b', 'anna!']) assert.equal(usernameProblem(name), 'account.errors.usernameCharacters', name);
    assert.equal(usernameProblem(`anna ${PERSONNUMMER}`), 'account.errors.usernameIdentity');
  });
});

describe('an e-mail address', () => {
  it('takes a plausible address and refuses the rest', () => {
    for (const good of ['anna@example.se', 'a.b+c@skola.kommun.se', 'x@y.co']) assert.equal(isEmail(good), true, good);
    for (const bad of ['anna', 'anna@', '@example.se', 'anna@example', 'anna@example.s', 'an na@example.se', 'anna@exa mple.se',
      'a@b@example.se', '<anna@example.se>', 'anna@example.se.', 'anna@example..se', 'anna@.example.se']) assert.equal(isEmail(bad), false, bad);
  });

  it('refuses one longer than 254 characters, and one that carries a personnummer', () => {
    assert.equal(isEmail(`${'a'.repeat(64)}@${'b'.repeat(186)}.se`), true);
    assert.equal(isEmail(`${'a'.repeat(64)}@${'b'.repeat(187)}.se`), false);
    assert.equal(isEmail(`${PERSONNUMMER}@example.se`), false);
  });
});

describe('a mobile number', () => {
  it('reads the ways people write a Swedish mobile number', () => {
    for (const raw of ['070-123 45 67', '0701234567', '+46 70 123 45 67', '+46 (0)70-123 45 67', '0046701234567', '070.123.45.67']) {
      assert.deepEqual(parseMobile(raw), { ok: true, value: '+46701234567' }, raw);
    }
    for (const range of ['072', '073', '076', '079']) assert.deepEqual(parseMobile(`${range}1234567`), { ok: true, value: `+46${range.slice(1)}1234567` });
    assert.deepEqual(parseMobile('  '), { ok: true, value: null });
  });

  it('refuses a landline, a number of the wrong length and a foreign number', () => {
    for (const raw of ['08-123 456 78', '0711234567', '070123456', '07012345678', '+4770123456', '46701234567', 'mobil', 'tel 070-123 45 67']) {
      assert.deepEqual(parseMobile(raw), { ok: false, error: 'accountSettings.errors.mobileInvalid' }, raw);
    }
  });

  it('shows it as a Swede writes it', () => {
    assert.equal(formatMobile('+46701234567'), '070-123 45 67');
    assert.equal(formatMobile('+4670123'), '070123');
    assert.equal(formatMobile('+467012345678'), '07012345678');
  });
});

describe('the code that verifies a mobile number', () => {
  it('reads six digits, with spaces or dashes, and Arabic-Indic digits', () => {
    assert.deepEqual(parseMobileCode(' 123 456 '), { ok: true, value: '123456' });
    assert.deepEqual(parseMobileCode('123-456'), { ok: true, value: '123456' });
    assert.deepEqual(parseMobileCode('١٢٣٤٥٦'), { ok: true, value: '123456' });
    assert.deepEqual(parseMobileCode('۷۸۹۰۱۲'), { ok: true, value: '789012' });
  });

  it('says a code is missing, or not one', () => {
    assert.deepEqual(parseMobileCode(' - '), { ok: false, error: 'accountSettings.errors.codeMissing' });
    for (const raw of ['12345', '1234567', '12a456', '123456x']) assert.deepEqual(parseMobileCode(raw), { ok: false, error: 'accountSettings.errors.codeInvalid' }, raw);
  });
});
