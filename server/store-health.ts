// Whether the object store answers, for /readyz: a cheap round trip (a
// stat of a key that need not exist) with a timeout, remembered briefly so
// probes from a load balancer do not each hit the store.
import type { BlockStore } from '../src/blocks/block-store.ts';

export interface StoreHealth {
  /** undefined when the store answered; else why not, in a few words. */
  check(): Promise<string | undefined>;
}

const PROBE_KEY = 'health-probe';

export function createStoreHealth(blocks: BlockStore, opts: { timeoutMs?: number; cacheMs?: number; now?: () => number } = {}): StoreHealth {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const cacheMs = opts.cacheMs ?? 1_000;
  const now = opts.now ?? Date.now;
  let last: { at: number; result: Promise<string | undefined> } | undefined;
  const probe = async (): Promise<string | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((r) => (timer = setTimeout(() => r(`${blocks.description} did not answer within ${timeoutMs} ms`), timeoutMs)));
    try {
      return await Promise.race([blocks.stat(PROBE_KEY).then(() => undefined), timeout]);
    } catch (err) {
      return `${blocks.description}: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    check() {
      if (!last || now() - last.at >= cacheMs) last = { at: now(), result: probe() };
      return last.result;
    },
  };
}
