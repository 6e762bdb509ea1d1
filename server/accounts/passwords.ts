// Passwords are stored only as argon2id hashes; usernames and e-mail addresses are compared by their login key.
import os from 'node:os';
import argon2 from 'argon2';
import { HashingBusy, HashingQueue, type QueueSettings } from './hashing-queue.ts';

export { BUSY_RETRY_AFTER_SECONDS, HashingBusy } from './hashing-queue.ts';

/** argon2id parameters; tests pass cheaper ones. Verification reads the parameters from the stored hash. */
export interface HashingOptions { memoryCost: number; timeCost: number; parallelism: number }
export const PRODUCTION_HASHING: HashingOptions = { memoryCost: 65_536, timeCost: 3, parallelism: 1 };

/**
 * Every hash and verification of this process goes through one queue: at most one per core at a time. The app sets
 * the slots and the longest wait from its config (`HASHING_SLOTS`, `HASHING_MAX_WAIT_MS`).
 */
export const hashingQueue = new HashingQueue({ slots: os.availableParallelism(), maxWaitMs: 10_000 });

export function configureHashing(settings: QueueSettings): void {
  hashingQueue.configure(settings);
}

/** Throws HashingBusy when the queue is too long: the caller answers "try again in a minute", having stored nothing. */
export function hashPassword(password: string, options: HashingOptions = PRODUCTION_HASHING): Promise<string> {
  return hashingQueue.run(() => argon2.hash(password, { type: argon2.argon2id, ...options }));
}

/**
 * Whether the password matches the hash. Throws HashingBusy when the queue is too long (so a caller that forgets the
 * busy case fails closed, never signs anyone in); the use cases turn it into their 'busy' outcome.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await hashingQueue.run(() => argon2.verify(hash, password));
  } catch (err) {
    if (err instanceof HashingBusy) throw err;
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
