// Making two requests truly meet in PostgreSQL: a third connection holds a lock the requests need, the requests are
// sent, and only when both wait on a lock is the third connection's transaction ended. Whatever each request read
// before it waited, it read before the other wrote: a test of a race cannot pass because one request happened to
// finish first.
import pg from 'pg';

export interface Held<T> {
  results: T;
  /** How many of the database's connections were waiting on a lock at the most (the requests met if it reached `waiters`). */
  waited: number;
}

/**
 * Runs `hold` (statements that lock rows) in a transaction on a connection of its own, starts `requests`, waits until
 * `waiters` connections of the database wait on a lock (at most `timeoutMs`), then ends the transaction (`end`:
 * rollback undoes what `hold` wrote, commit keeps it) and gives the requests' results.
 */
export async function whileHeld<T>(
  url: string, hold: (client: pg.Client) => Promise<unknown>, requests: () => Promise<T>,
  { waiters = 2, end = 'rollback', timeoutMs = 10_000 }: { waiters?: number; end?: 'rollback' | 'commit'; timeoutMs?: number } = {},
): Promise<Held<T>> {
  const holder = new pg.Client({ connectionString: url });
  const watcher = new pg.Client({ connectionString: url });
  await Promise.all([holder.connect(), watcher.connect()]);
  let waited = 0;
  try {
    await holder.query('begin');
    await hold(holder);
    const running = requests();
    running.catch(() => {}); // awaited below, after the lock is let go
    const deadline = Date.now() + timeoutMs;
    // Counted twice in a row: a wait of a moment (two requests' writes crossing elsewhere) is not the one held here.
    let seen = 0;
    while (seen < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { rows } = await watcher.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
      seen = rows[0].n >= waiters ? seen + 1 : 0;
      waited = Math.max(waited, rows[0].n);
    }
    await holder.query(end);
    return { results: await running, waited };
  } finally {
    await Promise.all([holder.end(), watcher.end()]);
  }
}

/** Waits until `waiters` connections of the database wait on a lock (to start requests in a known order). */
export async function lockWaiters(url: string, waiters: number, timeoutMs = 10_000): Promise<void> {
  const watcher = new pg.Client({ connectionString: url });
  await watcher.connect();
  try {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const { rows } = await watcher.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
      if (rows[0].n >= waiters) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no ${waiters} connection(s) waiting on a lock within ${timeoutMs} ms`);
  } finally {
    await watcher.end();
  }
}
