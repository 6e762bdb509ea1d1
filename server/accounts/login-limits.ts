// One limiter for every password check (login, registering with a key, linking a key, the settings' password
// change): it counts failures only, per address, per account and per invitation key, in fixed windows of 15 minutes.
// An attempt is counted when it begins, before its password is checked, so a burst of guesses sent at once cannot
// outrun the count; one that succeeds takes its count back, so any number of people behind one address log in. A
// subject over its limit is refused before its password is checked. The counters live in `login_limits`: a PostgreSQL
// port swaps this store (the upsert with RETURNING is the same there).
import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { sql } from 'kysely';
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
  const takeBack = async (names: string[]) => {
    await db.updateTable('login_limits').set({ failures: sql<number>`case when failures > 0 then failures - 1 else 0 end` })
      .where('subject', 'in', names).where('window_ends_at', '>', clock.now().toISOString()).execute();
  };
  return {
    async begin(attempt) {
      const limits = subjects(attempt);
      const names = [...limits.keys()];
      if (names.length === 0) return { ok: true, succeeded: async () => {} };
      const now = clock.now();
      const ends = new Date(now.getTime() + WINDOW_MS).toISOString();
      const rows = await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('login_limits').where('window_ends_at', '<=', now.toISOString()).execute();
        return trx.insertInto('login_limits')
          .values(names.map((subject) => ({ subject, failures: 1, window_ends_at: ends })))
          .onConflict((oc) => oc.column('subject').doUpdateSet({ failures: sql<number>`login_limits.failures + 1` }))
          .returning(['subject', 'failures', 'window_ends_at']).execute();
      });
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
