// Several app processes on one port (`VARDAG_WORKERS=N npm start`, node:cluster). The primary process serves nothing
// itself: it starts N worker processes, which share the port (the primary hands each new connection to the next worker),
// starts a new worker when one dies, and on SIGTERM or SIGINT asks every worker to finish what it is doing and waits for
// them. The database is prepared (migrated, demo seeded) by the primary before it starts any worker; see main.ts.
import cluster, { type Worker } from 'node:cluster';
import { log as logger } from './kernel/log.ts';

export interface WorkersOptions {
  count: number;
  /** Called once, when the first `count` workers all listen. */
  onListening(): void;
  log?: (msg: string) => void;
  /** How long a stop waits for the workers before it kills them. */
  stopTimeoutMs?: number;
}

/** A worker that dies sooner than this after its start makes the next start wait longer (a crash loop must not spin). */
const SHORT_LIFE_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/** Starts the workers and keeps `count` of them running until the primary gets SIGTERM or SIGINT. */
export function runWorkers(options: WorkersOptions): void {
  if (!cluster.isPrimary) throw new Error('runWorkers: only the primary process starts workers');
  const log = options.log ?? ((msg) => logger.info(msg));
  const startedAt = new Map<Worker, number>();
  let stopping = false;
  let listening = 0;
  let restartDelay = 0;

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    return worker;
  };

  cluster.on('listening', (worker) => {
    if (listening < options.count) {
      if (++listening === options.count) options.onListening();
    } else {
      log(`Process ${worker.process.pid} serves, in place of one that ended.`);
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? Date.now());
    startedAt.delete(worker);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    restartDelay = lived < SHORT_LIFE_MS ? Math.min(Math.max(restartDelay * 2, 1_000), MAX_RESTART_DELAY_MS) : 0;
    log(`Process ${worker.process.pid} ended (${signal ?? `exit code ${code}`}); a new one starts${restartDelay ? ` in ${restartDelay / 1000} s` : ''}.`);
    setTimeout(() => { if (!stopping) fork(); }, restartDelay);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    log(`${signal}: stopping ${workers.length} processes when they have finished what they are doing.`);
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => {
      log('Processes still running after the wait are killed.');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, options.stopTimeoutMs ?? 30_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let i = 0; i < options.count; i++) fork();
}
