// One limiter for every password check (login, registering with a key, linking a key, the settings' password
// change): it counts failures only, per address, per account and per invitation key, in fixed windows of 15 minutes.
// An attempt is counted when it begins, before its password is checked, so a burst of guesses sent at once cannot
// outrun the count; one that succeeds takes its count back, so any number of people behind one address log in. A
// subject over its limit is refused before its password is checked. The counters live in `login_limits`, so every
// process counts the same failures; each is counted by one upsert, atomic on SQLite and PostgreSQL alike.
import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { sql } from 'kysely';
import { hasRowLocks, skipLockedRows } from '../../db/sql.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';

const WINDOW_MS = 15 * 60_000;

/** What an attempt counts against: the address it came from, the account it names, the key it used (each if known). */
export interface Attempt { address?: string; accountId?: number; keyHash?: string }

/** A counted attempt: `succeeded()` takes the count back. An attempt that fails simply never calls it. */
export type Begun = { ok: true; succeeded(): Promise<void> } | { ok: false; retryAfter: number };

export interface LoginLimits {
  /** Counts the attempt as a failure until it succeeds; refused (with the seconds to wait) when a subject is over its limit. */
  begin(attempt: Attempt): Promise<Begun>;
}

/** The address an attempt counts against: IPv4 as is, IPv6 by its /56 network (one household's or host's). */
export function addressOf(req: Request): string {
  return ipKeyGenerator(req.ip ?? '');
}

export function loginLimits(db: Db, clock: Clock, config: Pick<Config, 'loginLimitPerAccount' | 'loginLimitPerAddress'>): LoginLimits {
  const subjects = (a: Attempt) => {
    const list = new Map<string, number>();
    if (a.address !== undefined) list.set(`address:${a.address}`, config.loginLimitPerAddress);
    if (a.accountId !== undefined) list.set(`account:${a.accountId}`, config.loginLimitPerAccount);
    if (a.keyHash !== undefined) list.set(`key:${a.keyHash}`, config.loginLimitPerAccount);
    return list;
  };
  // One subject per statement: a statement that held one subject's row while waiting for another's could wait in a
  // circle with an attempt counting them (PostgreSQL would then stop one of the two with a deadlock error).
  const takeBack = async (names: string[]) => {
    const now = clock.now().toISOString();
    for (const subject of names) {
      await db.updateTable('login_limits').set({ failures: sql<number>`case when failures > 0 then failures - 1 else 0 end` })
        .where('subject', '=', subject).where('window_ends_at', '>', now).execute();
    }
  };
  let lastSweep = Number.NEGATIVE_INFINITY;
  /**
   * Rows whose window has ended count for nothing (the next failure starts a new window); now and then they go. On
   * PostgreSQL rows that an attempt holds are left for the next sweep, so the sweep never waits for (or with) one.
   */
  const sweep = async (now: Date) => {
    if (Math.abs(now.getTime() - lastSweep) < WINDOW_MS) return;
    lastSweep = now.getTime();
    const ended = db.selectFrom('login_limits').select('subject').where('window_ends_at', '<=', now.toISOString());
    await db.deleteFrom('login_limits').where('subject', 'in', hasRowLocks(db) ? skipLockedRows(db, ended) : ended).execute();
  };
  return {
    async begin(attempt) {
      const limits = subjects(attempt);
      const names = [...limits.keys()];
      if (names.length === 0) return { ok: true, succeeded: async () => {} };
      const now = clock.now();
      await sweep(now);
      const at = now.toISOString();
      const ends = new Date(now.getTime() + WINDOW_MS).toISOString();
      // One statement counts them all, a window that has ended starting again at one. The subjects always come in the
      // same order (address, account, key), so two attempts counting the same ones never wait for each other in a circle.
      const rows = await db.insertInto('login_limits')
        .values(names.map((subject) => ({ subject, failures: 1, window_ends_at: ends })))
        .onConflict((oc) => oc.column('subject').doUpdateSet({
          failures: sql<number>`case when login_limits.window_ends_at <= ${at} then 1 else login_limits.failures + 1 end`,
          window_ends_at: sql<string>`case when login_limits.window_ends_at <= ${at} then excluded.window_ends_at else login_limits.window_ends_at end`,
        }))
        .returning(['subject', 'failures', 'window_ends_at']).execute();
      const over = rows.filter((r) => r.failures > (limits.get(r.subject) ?? Number.POSITIVE_INFINITY));
      if (over.length > 0) {
        await takeBack(names); // a refused attempt checks nothing: it is not one more failure
        const until = Math.max(...over.map((r) => Date.parse(r.window_ends_at)));
        return { ok: false, retryAfter: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) };
      }
      return { ok: true, succeeded: () => takeBack(names) };
    },
  };
}
