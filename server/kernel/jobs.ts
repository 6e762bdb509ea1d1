// Durable background jobs: a job is a row in `jobs` before anything runs it, so a crash, a restart or a failing
// service delays work and loses none. Knows no domain: a domain registers a handler for its kind of job.
//
// Every app process runs a runner. A job is claimed by setting `locked_until`, so only one process runs it: on SQLite
// with a conditional UPDATE (only one process can win it); on PostgreSQL in a short transaction that picks the next due
// job with `SELECT … FOR UPDATE SKIP LOCKED` (processes asking at once get different jobs and never wait for each
// other) and sets the lock. A process that dies holding a job (SIGKILL, power cut) leaves the lock, and the job is run
// again once the lock has expired. So a job runs at least once and a handler must be safe to run twice: check what is
// already done before doing it.
// A handler that throws is retried with exponential backoff; after `maxAttempts` the job is given up (`failed_at`).
import type { ExpressionBuilder, Transaction } from 'kysely';
import { hasRowLocks, skipLockedRows } from '../../db/sql.ts';
import type { Clock } from './clock.ts';
import type { Database, Db } from './db.ts';
import { log as logger } from './log.ts';

// biome-ignore lint/suspicious/noExplicitAny: each kind's handler declares the shape of its own payload (JSON from the jobs table)
type JobHandler = (payload: any) => Promise<void>;

export interface JobKindOptions {
  /** Attempts (each claim counts, a run cut short by a crash too) before the job is given up. */
  maxAttempts?: number;
  /** Called once when the job is given up, e.g. to erase what must not stay stored. */
  // biome-ignore lint/suspicious/noExplicitAny: as for the handler, the kind's own payload shape
  onGiveUp?: (payload: any, lastError: string) => Promise<void>;
}

export interface JobRunnerOptions {
  db: Db;
  clock: Clock;
  /** How often the runner looks for due jobs. */
  pollMs?: number;
  log?: (msg: string) => void;
  /** How long a claimed job stays locked; a job of a process that died is run again after this. */
  lockMs?: number;
  /** The wait after the first failure; it doubles with every further failure... */
  retryBaseMs?: number;
  /** ...up to this. */
  retryMaxMs?: number;
  /** Default for kinds that set none. */
  maxAttempts?: number;
}

export const JOB_DEFAULTS = {
  pollMs: 2_000,
  lockMs: 2 * 60_000,
  retryBaseMs: 30_000,
  retryMaxMs: 60 * 60_000,
  maxAttempts: 20,
  /** Done jobs are deleted after this long; given-up jobs stay for the operator to see. */
  keepDoneMs: 7 * 24 * 60 * 60_000,
} as const;

/** Names a kind of job, e.g. `jobKind('mail.send')`; marks the name as no translation key for the catalogue test. */
export function jobKind(kind: string): string {
  return kind;
}

/**
 * Queues a job to run at `runAt` (or as soon after as a runner gets to it). Pass the transaction of the change that
 * causes it, so both are stored or neither is.
 */
export async function enqueueJob(
  db: Db | Transaction<Database>, kind: string, payload: unknown, runAt: Date, createdAt: Date = runAt,
): Promise<number> {
  const row = await db.insertInto('jobs').values({
    kind, payload: JSON.stringify(payload ?? null), run_at: runAt.toISOString(), created_at: createdAt.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The wait before the next attempt after `attempts` failed ones: base · 2^(attempts−1), capped. */
export function retryDelay(attempts: number, baseMs: number = JOB_DEFAULTS.retryBaseMs, maxMs: number = JOB_DEFAULTS.retryMaxMs): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), maxMs);
}

interface ClaimedJob { kind: string; payload: string; attempts: number; last_error: string | null }

interface Periodic { name: string; intervalMs: number; task: () => Promise<void>; timer?: NodeJS.Timeout; running?: Promise<void> }

export class JobRunner {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly log: (msg: string) => void;
  private readonly settings: { pollMs: number; lockMs: number; retryBaseMs: number; retryMaxMs: number; maxAttempts: number };
  private readonly handlers = new Map<string, { handler: JobHandler; options: JobKindOptions }>();
  private readonly periodic: Periodic[] = [];
  private pollTimer: NodeJS.Timeout | undefined;
  private lastPoll: Date | undefined;
  private started = false;
  private stopped = false;
  /** The current run of due jobs; runs never overlap within a process. */
  private running: Promise<unknown> = Promise.resolve();

  constructor(opts: JobRunnerOptions) {
    this.db = opts.db;
    this.clock = opts.clock;
    this.log = opts.log ?? ((msg) => logger.warn(msg));
    this.settings = {
      pollMs: Math.max(10, opts.pollMs ?? JOB_DEFAULTS.pollMs),
      lockMs: opts.lockMs ?? JOB_DEFAULTS.lockMs,
      retryBaseMs: opts.retryBaseMs ?? JOB_DEFAULTS.retryBaseMs,
      retryMaxMs: opts.retryMaxMs ?? JOB_DEFAULTS.retryMaxMs,
      maxAttempts: opts.maxAttempts ?? JOB_DEFAULTS.maxAttempts,
    };
    this.every('prune-done-jobs', 60 * 60_000, async () => {
      const before = new Date(this.clock.now().getTime() - JOB_DEFAULTS.keepDoneMs).toISOString();
      await this.db.deleteFrom('jobs').where('done_at', '<', before).execute();
    });
  }

  /** The handler of one kind of job. Only kinds registered here are claimed by this process. */
  register(kind: string, handler: JobHandler, options: JobKindOptions = {}): void {
    if (this.handlers.has(kind)) throw new Error(`A handler for jobs of kind "${kind}" is already registered`);
    this.handlers.set(kind, { handler, options });
  }

  /**
   * A task run every `intervalMs` while the runner runs (in this process only, not stored: a task must be safe to
   * run in two processes at once, e.g. a DELETE of what has expired). A run still going when the next is due is skipped.
   */
  every(name: string, intervalMs: number, task: () => Promise<void>): void {
    const periodic: Periodic = { name, intervalMs, task };
    this.periodic.push(periodic);
    if (this.started && !this.stopped) this.schedule(periodic);
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const poll = async () => {
      this.lastPoll = this.clock.now();
      try {
        await this.runDue();
      } catch (err) {
        this.log(`jobs: looking for due jobs failed: ${errorText(err)}`);
      }
      if (!this.stopped) {
        this.pollTimer = setTimeout(() => void poll(), this.settings.pollMs);
        this.pollTimer.unref();
      }
    };
    this.pollTimer = setTimeout(() => void poll(), 0);
    this.pollTimer.unref();
    for (const periodic of this.periodic) this.schedule(periodic);
  }

  /**
   * Whether this runner is alive: started, not stopped, and it looked for due jobs lately (a poll stuck in a job for
   * longer than a claim's lock counts as not alive). For /healthz.
   */
  state(): { running: boolean; lastPollAt: string | undefined; alive: boolean } {
    const running = this.started && !this.stopped;
    const since = this.lastPoll ? this.clock.now().getTime() - this.lastPoll.getTime() : Number.POSITIVE_INFINITY;
    return { running, lastPollAt: this.lastPoll?.toISOString(), alive: running && since <= this.settings.pollMs + this.settings.lockMs };
  }

  /** Stops polling and the periodic tasks; resolves when the job (and tasks) running now have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    for (const periodic of this.periodic) clearInterval(periodic.timer);
    await Promise.allSettled([this.running, ...this.periodic.map((p) => p.running)]);
  }

  /** Runs every job that is due now, once each, one after another; returns how many ran (for tests and the poll). */
  runDue(): Promise<number> {
    const run = this.running.then(() => this.runDueNow());
    this.running = run.catch(() => undefined);
    return run;
  }

  private schedule(periodic: Periodic): void {
    periodic.timer = setInterval(() => {
      if (periodic.running || this.stopped) return;
      periodic.running = periodic.task()
        .catch((err: unknown) => this.log(`jobs: the periodic task ${periodic.name} failed: ${errorText(err)}`))
        .finally(() => { periodic.running = undefined; });
    }, periodic.intervalMs);
    periodic.timer.unref();
  }

  private async runDueNow(): Promise<number> {
    const kinds = [...this.handlers.keys()];
    if (kinds.length === 0) return 0;
    let ran = 0;
    let after = 0;
    while (!this.stopped) {
      const next = await this.claimNext(kinds, after);
      if (!next) break;
      after = next.id;
      if (next.job && (await this.run(next.id, next.job))) ran++;
      // Give the event loop a turn between jobs: on SQLite every await here resolves at once (better-sqlite3 is
      // synchronous), so without it a backlog (a bulletin's fan-out and its deliveries) runs to its end before any
      // request is read, and a POST waits for all of it (the messages bench: none answered while the runner ran).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return ran;
  }

  /**
   * Claims the first due job after `after` (each job at most once per run of due jobs): its id, and the job unless
   * another process won it; undefined when none is due.
   */
  private async claimNext(kinds: string[], after: number): Promise<{ id: number; job?: ClaimedJob } | undefined> {
    const claimedAt = this.clock.now();
    const now = claimedAt.toISOString();
    const lock = { locked_until: new Date(claimedAt.getTime() + this.settings.lockMs).toISOString() };
    const due = (eb: ExpressionBuilder<Database, 'jobs'>) => eb.and([
      eb('kind', 'in', kinds), eb('done_at', 'is', null), eb('failed_at', 'is', null), eb('run_at', '<=', now), eb('id', '>', after),
      eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]),
    ]);
    if (hasRowLocks(this.db)) {
      return this.db.transaction().execute(async (trx) => {
        const next = await skipLockedRows(trx, trx.selectFrom('jobs').select('id').where(due).orderBy('id').limit(1)).executeTakeFirst();
        if (!next) return undefined;
        const job = await trx.updateTable('jobs').set((eb) => ({ ...lock, attempts: eb('attempts', '+', 1) }))
          .where('id', '=', next.id).returning(['kind', 'payload', 'attempts', 'last_error']).executeTakeFirstOrThrow();
        return { id: next.id, job };
      });
    }
    const next = await this.db.selectFrom('jobs').select('id').where(due).orderBy('id').limit(1).executeTakeFirst();
    if (!next) return undefined;
    // Still due as the UPDATE runs: another process that claimed it in between makes this match no row.
    const job = await this.db.updateTable('jobs').set((eb) => ({ ...lock, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', next.id).where(due).returning(['kind', 'payload', 'attempts', 'last_error']).executeTakeFirst();
    return { id: next.id, job };
  }

  /** Runs a claimed job and records how it went; false if no handler is registered for it. */
  private async run(id: number, job: ClaimedJob): Promise<boolean> {
    const registered = this.handlers.get(job.kind);
    if (!registered) return false; // cannot happen: only registered kinds are selected
    const maxAttempts = registered.options.maxAttempts ?? this.settings.maxAttempts;

    let payload: unknown;
    let error: string | undefined;
    if (job.attempts > maxAttempts) {
      // Only a run that never finished (the process died each time) gets here: do not start it yet again.
      error = `${job.last_error ?? 'the process ended while running it'} (attempt ${job.attempts} never finished)`;
    } else {
      try {
        payload = JSON.parse(job.payload);
        await registered.handler(payload);
      } catch (err) {
        error = errorText(err);
      }
    }
    const finishedAt = this.clock.now();
    if (error === undefined) {
      await this.db.updateTable('jobs').set({ done_at: finishedAt.toISOString(), locked_until: null, last_error: null })
        .where('id', '=', id).execute();
      return true;
    }
    if (job.attempts >= maxAttempts) {
      await this.db.updateTable('jobs').set({ failed_at: finishedAt.toISOString(), locked_until: null, last_error: error })
        .where('id', '=', id).execute();
      this.log(`jobs: gave up ${job.kind} job ${id} after ${job.attempts} attempts: ${error}`);
      try {
        await registered.options.onGiveUp?.(payload ?? safeParse(job.payload), error);
      } catch (err) {
        this.log(`jobs: giving up ${job.kind} job ${id} failed too: ${errorText(err)}`);
      }
      return true;
    }
    const delay = retryDelay(job.attempts, this.settings.retryBaseMs, this.settings.retryMaxMs);
    const runAt = new Date(finishedAt.getTime() + delay);
    await this.db.updateTable('jobs').set({ run_at: runAt.toISOString(), locked_until: null, last_error: error })
      .where('id', '=', id).execute();
    this.log(`jobs: ${job.kind} job ${id} failed (attempt ${job.attempts} of ${maxAttempts}), next try at ${runAt.toISOString()}: ${error}`);
    return true;
  }
}

/** A job that was given up: what kind, when it was queued and given up, how often it was tried and its last error. */
export interface FailedJob { id: number; kind: string; createdAt: string; failedAt: string; attempts: number; lastError: string | null }

/** The jobs given up since `since` (ISO time), newest first, at most `limit`; and how many there are in all. */
export async function failedJobs(db: Db, since: string, limit = 100): Promise<{ jobs: FailedJob[]; total: number }> {
  const [rows, count] = await Promise.all([
    db.selectFrom('jobs').select(['id', 'kind', 'created_at', 'failed_at', 'attempts', 'last_error'])
      .where('failed_at', 'is not', null).where('failed_at', '>=', since).orderBy('failed_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
    db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('failed_at', 'is not', null).where('failed_at', '>=', since)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    jobs: rows.map((r) => ({ id: r.id, kind: r.kind, createdAt: r.created_at, failedAt: r.failed_at as string, attempts: r.attempts, lastError: r.last_error })),
    total: Number(count.n),
  };
}

/** The oldest job that was due before `before` (ISO time) and is neither done, given up nor being run: no runner takes it. */
export async function oldestWaitingJob(db: Db, before: string): Promise<{ kind: string; runAt: string } | undefined> {
  const row = await db.selectFrom('jobs').select(['kind', 'run_at']).where('done_at', 'is', null).where('failed_at', 'is', null)
    .where('run_at', '<', before).where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
    .orderBy('run_at').limit(1).executeTakeFirst();
  return row ? { kind: row.kind, runAt: row.run_at } : undefined;
}

/** Whether a job of `kind` with exactly this payload was ever queued (and not yet pruned), whatever became of it. */
export async function jobQueued(db: Db, kind: string, payload: unknown): Promise<boolean> {
  const row = await db.selectFrom('jobs').select('id').where('kind', '=', kind).where('payload', '=', JSON.stringify(payload ?? null))
    .limit(1).executeTakeFirst();
  return row !== undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
