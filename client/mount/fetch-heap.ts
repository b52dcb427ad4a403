// V8's heap growing factor in a mount process while chunks stream in.
//
// A cold read brings ~2 bytes of fresh Buffers per byte read (the socket's
// reads, then each chunk's own copy for the cache), and V8 counts them
// (external memory) against an old-generation limit it keeps close to the
// mount's small live heap (~11 MB), so a 256 MiB cold read ran 16-30 full
// mark-compacts, each started by external memory alone. Letting the limit
// grow 4x per collection (V8's upper bound; the CLI does it for its whole
// run, the server while uploads run: server/upload-heap.ts) left 9-10.
// Only while fetches run: a mount lives for days, so when the last fetch
// ends V8 goes back to its own factor, which the next collection applies.
import { setFlagsFromString } from 'node:v8';

/** V8's `--heap-growing-percent` while fetches run: the limit is (1 + 300/100) x the live heap. */
export const FETCH_HEAP_GROWING_PERCENT = 300;

/** Held while a fetch runs: `enter` when it starts, the function it returns when it ends. */
export interface FetchHeap {
  enter(): () => void;
}

/** `setFlags` is V8's, unless a test watches the flags set. */
export function createFetchHeap(setFlags: (flags: string) => void = setFlagsFromString): FetchHeap {
  let active = 0;
  return {
    enter() {
      if (active++ === 0) setFlags(`--heap-growing-percent=${FETCH_HEAP_GROWING_PERCENT}`);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        // 0 is V8's default: the factor it computes from GC and mutator speeds.
        if (--active === 0) setFlags('--heap-growing-percent=0');
      };
    },
  };
}
