// How many requests of one kind a client may make in a window (e.g. "Glömt lösenord?" links per account and hour),
// counted in the database: every process behind the load balancer sees the same count, and a restart forgets none.
// An express-rate-limit Store on the table `rate_limit_hits`: one row per limit and client, counted with one upsert,
// so requests at the same moment in different processes each get their own number.
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { sql } from 'kysely';
import { hasRowLocks, skipLockedRows } from '../../db/sql.ts';
import type { Clock } from './clock.ts';
import type { Db } from './db.ts';

const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * The store of one limiter (express-rate-limit refuses a store shared by two): `name` keeps its clients apart from
 * other limiters' (the same address, counted by two limits). Windows are fixed: the first hit starts one, and the
 * count starts again once it has ended.
 */
export class DatabaseRateLimitStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = 60_000;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly db: Db, private readonly clock: Clock, name: string) {
    this.prefix = `${name}/`;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const now = this.clock.now();
    const row = await this.db.selectFrom('rate_limit_hits').select(['hits', 'resets_at'])
      .where('key', '=', this.prefix + key).where('resets_at', '>', now.toISOString()).executeTakeFirst();
    return row && this.info(row, now);
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.clock.now();
    await this.sweepNow(now);
    const at = now.toISOString();
    const ends = new Date(now.getTime() + this.windowMs).toISOString();
    // A window that has ended starts again at this hit; otherwise one more hit in it.
    const row = await this.db.insertInto('rate_limit_hits').values({ key: this.prefix + key, hits: 1, resets_at: ends })
      .onConflict((oc) => oc.column('key').doUpdateSet({
        hits: sql<number>`case when rate_limit_hits.resets_at <= ${at} then 1 else rate_limit_hits.hits + 1 end`,
        resets_at: sql<string>`case when rate_limit_hits.resets_at <= ${at} then excluded.resets_at else rate_limit_hits.resets_at end`,
      }))
      .returning(['hits', 'resets_at']).executeTakeFirstOrThrow();
    return this.info(row, now);
  }

  /** Takes one hit back (express-rate-limit: a request that does not count, e.g. one that failed). */
  async decrement(key: string): Promise<void> {
    await this.db.updateTable('rate_limit_hits').set({ hits: sql<number>`hits - 1` })
      .where('key', '=', this.prefix + key).where('hits', '>', 0).where('resets_at', '>', this.clock.now().toISOString()).execute();
  }

  async resetKey(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limit_hits').where('key', '=', this.prefix + key).execute();
  }

  async resetAll(): Promise<void> {
    await this.db.deleteFrom('rate_limit_hits').where('key', 'like', `${this.prefix}%`).execute();
  }

  /**
   * The reset time for express-rate-limit, which compares it with the system's time (its headers, whether a hit can
   * still be taken back): the same distance from the system's now as the window's end is from the app's clock's.
   */
  private info(row: { hits: number; resets_at: string }, now: Date): ClientRateLimitInfo {
    return { totalHits: row.hits, resetTime: new Date(Date.now() + (Date.parse(row.resets_at) - now.getTime())) };
  }

  /**
   * Rows whose window has ended count for nothing (the next hit starts a new one); now and then they are deleted. On
   * PostgreSQL rows that a request holds are left for the next sweep, so the sweep never waits for (or with) one.
   */
  private async sweepNow(now: Date): Promise<void> {
    if (Math.abs(now.getTime() - this.lastSweep) < SWEEP_EVERY_MS) return;
    this.lastSweep = now.getTime();
    const ended = this.db.selectFrom('rate_limit_hits').select('key').where('resets_at', '<=', now.toISOString());
    await this.db.deleteFrom('rate_limit_hits').where('key', 'in', hasRowLocks(this.db) ? skipLockedRows(this.db, ended) : ended).execute();
  }
}
