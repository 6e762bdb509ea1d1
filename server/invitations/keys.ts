// Invitation keys: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 59 bits, printed in
// groups of four (K7QM-2XPD-9RWT), typed in any case with or without dashes and spaces. Only a hash is stored.
import crypto from 'node:crypto';

export const KEY_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const KEY_LENGTH = 12;

export function newKey(): string {
  let key = '';
  while (key.length < KEY_LENGTH) {
    const byte = crypto.randomBytes(1)[0];
    if (byte < 248) key += KEY_ALPHABET[byte % KEY_ALPHABET.length]; // 248 = 8 * 31: no bias
  }
  return key;
}

/** The key as a person typed it, in canonical form, or undefined when it cannot be a key. */
export function normalizeKey(typed: string): string | undefined {
  const key = typed.toUpperCase().replace(/[\s-]/g, '');
  if (key.length !== KEY_LENGTH) return undefined;
  return [...key].every((c) => KEY_ALPHABET.includes(c)) ? key : undefined;
}

export function formatKey(key: string): string {
  return (key.match(/.{1,4}/g) ?? []).join('-');
}

export function hashKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}
