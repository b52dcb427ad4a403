// An in-process lock over sets of keys. A write that must read before it
// writes (compare-and-set, conditional batch) holds the locks of every key
// it touches, and so do plain writes, so no write can slip between another
// caller's read and write of the same key. Writes to disjoint keys still run
// concurrently (LevelDB then groups their fsyncs).
//
// All of a caller's keys are claimed in one synchronous step, so each caller
// waits only for callers that claimed earlier: no cycle, no deadlock.
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(keys: Iterable<string>, fn: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const waits: Promise<void>[] = [];
    for (const key of unique) {
      const previous = this.#tails.get(key);
      if (previous !== undefined) waits.push(previous);
      this.#tails.set(key, held);
    }
    try {
      await Promise.all(waits);
      return await fn();
    } finally {
      release();
      for (const key of unique) {
        if (this.#tails.get(key) === held) this.#tails.delete(key);
      }
    }
  }

  /** Keys currently held or waited for; for tests and leak checks. */
  get size(): number {
    return this.#tails.size;
  }
}
