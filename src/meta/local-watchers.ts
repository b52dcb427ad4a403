// Watches for the single-process adapters (memory, LevelDB): nobody else
// writes the store, so telling listeners after each applied write is the
// whole story. Events carry copies, so a listener cannot change stored bytes.
import type { WatchEvent } from './meta-store.ts';

interface Watcher {
  prefix: string;
  listener: (event: WatchEvent) => void;
}

export class LocalWatchers {
  readonly #watchers = new Set<Watcher>();

  /** Whether a change of `key` would be reported (so its previous value is worth reading). */
  watches(key: string): boolean {
    for (const w of this.#watchers) if (key.startsWith(w.prefix)) return true;
    return false;
  }

  add(prefix: string, listener: (event: WatchEvent) => void): () => Promise<void> {
    const w = { prefix, listener };
    this.#watchers.add(w);
    return async () => void this.#watchers.delete(w);
  }

  /** Called after a write is applied, once per changed key, in order. */
  emit(key: string, value: Uint8Array | undefined, prev: Uint8Array | undefined): void {
    for (const w of this.#watchers) {
      if (!key.startsWith(w.prefix)) continue;
      w.listener({ key, value: value?.slice(), prev: prev?.slice() });
    }
  }

  clear(): void {
    this.#watchers.clear();
  }
}
