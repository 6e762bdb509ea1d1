// A queue with a fixed number of places: the image work of every upload in the process waits its turn here, so ten
// staff sending twenty photos each keep the server answering and its memory bounded (each place decodes one photo).
export class WorkQueue {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly places: number) {
    if (!Number.isInteger(places) || places < 1) throw new RangeError('A work queue needs at least one place');
  }

  /** How many tasks run now and how many wait (for tests and the bench). */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  /** Runs the task once a place is free; a task that fails frees its place all the same. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.places) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running += 1;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next(); // the place passes straight on
      else this.#running -= 1;
    }
  }
}
