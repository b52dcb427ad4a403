// V8's heap growing factor while uploads stream chunk bytes in.
//
// An upload brings ~2 MiB of fresh Buffers per MiB stored (the socket's
// reads, grpc-js's joining of each message's frames), and V8 counts those
// (external memory) against a heap limit it sets close to the server's
// small live heap (~20 MB), so a 256 MiB put ran 21-31 full mark-compacts
// in the server, each walking the whole heap. Letting the limit grow 4x per
// collection (V8's upper bound, as the CLI does for its whole run) left 1,
// and halved the server's CPU for the put (docs/benchmarks.md, api).
// Only while uploads run: a server lives for days and its peak RSS is
// bounded (docs/deploy.md), so between uploads V8 goes back to its own
// factor, which the next collection applies.
import { setFlagsFromString } from 'node:v8';

/** V8's `--heap-growing-percent` while an upload runs: the limit is (1 + 300/100) x the live heap. */
export const UPLOAD_HEAP_GROWING_PERCENT = 300;

export interface UploadHeap {
  /** An upload starts; call the returned function once it ends (a second call does nothing). */
  enter(): () => void;
  /** Uploads running now. */
  readonly active: number;
}

/** `setFlags` is V8's, unless a test watches the flags set. */
export function createUploadHeap(setFlags: (flags: string) => void = setFlagsFromString): UploadHeap {
  let active = 0;
  return {
    enter() {
      if (active++ === 0) setFlags(`--heap-growing-percent=${UPLOAD_HEAP_GROWING_PERCENT}`);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        // 0 is V8's default: the factor it computes from GC and mutator speeds.
        // The young generation's growth is left alone: the server lets it
        // grow from the moment it serves (server/main.ts
        // serveWithGrowingYoungGeneration); pinning it again here after an
        // upload brought back the promotions that made listings GC-bound.
        if (--active === 0) setFlags('--heap-growing-percent=0');
      };
    },
    get active() {
      return active;
    },
  };
}

/**
 * The process's upload heap, shared by every transport that streams uploads
 * in (gRPC client streams, the S3 gateway's PUT and UploadPart bodies): V8's
 * flags are the process's, so one count of running uploads must decide them.
 */
export const processUploadHeap: UploadHeap = createUploadHeap();
