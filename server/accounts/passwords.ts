// Passwords are stored only as argon2id hashes; usernames and e-mail addresses are compared by their login key.
import argon2 from 'argon2';

/** argon2id parameters; tests pass cheaper ones. Verification reads the parameters from the stored hash. */
export interface HashingOptions { memoryCost: number; timeCost: number; parallelism: number }
export const PRODUCTION_HASHING: HashingOptions = { memoryCost: 65_536, timeCost: 3, parallelism: 1 };

export function hashPassword(password: string, options: HashingOptions = PRODUCTION_HASHING): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...options });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * Usernames and e-mail addresses are matched without regard to case, and the spaces that a copy-paste brings along
 * are ignored: both are common reasons why people cannot log in.
 */
export function loginKey(name: string): string {
  return name.trim().normalize('NFC').toLocaleLowerCase('sv-SE');
}

export const MAX_LOGIN_NAME = 254;
export const MAX_PASSWORD = 1024;
