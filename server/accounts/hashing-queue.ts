// Password hashing on a busy morning: argon2 takes a core and 64 MiB for a good part of a second, so at most one hash
// runs per core and the rest wait their turn, first come first served. Someone whose turn would come too late is told
// at once to try again in a minute, rather than waiting until the request times out while the others' waits grow.

/** How many hashes run at once (one per core), and the longest estimated wait before a request is turned away. */
export interface QueueSettings { slots: number; maxWaitMs: number }

export const BUSY_RETRY_AFTER_SECONDS = 60;

/** The hashing queue is full: the request was not queued. `retryAfter` is the seconds to tell the person to wait. */
export class HashingBusy extends Error {
  readonly retryAfter = BUSY_RETRY_AFTER_SECONDS;
  constructor() {
    super('Too many password hashes are waiting');
    this.name = 'HashingBusy';
  }
}

/** Weight of the newest hash in the moving average of hash times. */
const SMOOTHING = 0.2;

export class HashingQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private averageMs: number | undefined;
  private settings: QueueSettings = { slots: 1, maxWaitMs: 0 };

  constructor(settings: QueueSettings) {
    this.configure(settings);
  }

  configure(settings: QueueSettings): void {
    this.settings = { slots: Math.max(1, Math.floor(settings.slots)), maxWaitMs: settings.maxWaitMs };
    this.dispatch();
  }

  /**
   * What a request arriving now would wait before its hash starts: nothing while a slot is free, otherwise the queue
   * (itself included) times the moving average of a hash, shared by the slots. Before any hash is timed: nothing.
   */
  estimatedWaitMs(): number {
    if (this.running < this.settings.slots && this.waiting.length === 0) return 0;
    return ((this.waiting.length + 1) * (this.averageMs ?? 0)) / this.settings.slots;
  }

  /** Runs `work` in a free slot, in arrival order; throws HashingBusy at once when the estimated wait is too long. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.settings.slots && this.waiting.length === 0) this.running++;
    else {
      if (this.estimatedWaitMs() > this.settings.maxWaitMs) throw new HashingBusy();
      await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over in dispatch()
    }
    const started = performance.now();
    try {
      return await work();
    } finally {
      const ms = performance.now() - started;
      this.averageMs = this.averageMs === undefined ? ms : this.averageMs + SMOOTHING * (ms - this.averageMs);
      this.running--;
      this.dispatch();
    }
  }

  /** For tests: hashes running and waiting now, and the moving average of one. */
  state(): { running: number; waiting: number; averageMs: number | undefined } {
    return { running: this.running, waiting: this.waiting.length, averageMs: this.averageMs };
  }

  private dispatch(): void {
    while (this.running < this.settings.slots && this.waiting.length > 0) {
      this.running++;
      this.waiting.shift()?.();
    }
  }
}
