// Strategy (b) of the chunking pipeline, kept as a measured prototype: worker
// threads chunk AND hash independent segments of the stream, and the main
// thread stitches them so the result equals sequential chunking.
//
// Not used by src/: on the idle 2-core machine it was measured on, it was no
// faster than src/chunking/chunk-and-hash.ts (main thread chunks, workers
// hash): 0.8-1.0 GB/s with two workers against 1.0 GB/s, for about the same
// CPU per byte. And it needs the chunker inside the workers (a TypeScript
// loader in every worker, here tsx's API) plus the stitcher below. Run through
// bench/chunking.ts --all, which also checks its output against sequential.
//
// Stitching: CDC resynchronises. A worker chunks its segment as if a chunk
// started at the segment's first byte. The true chunking enters the segment
// with a carry (the unfinished chunk from before); the main thread continues
// true chunking into the segment until one of its cuts coincides with a cut
// the worker found (or the segment start when there is no carry), then adopts
// the worker's cuts and hashes for the rest of the segment.
import { createHash } from 'node:crypto';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { DEFAULT_PARAMS, findBoundary, type HashedChunk } from '../src/chunking/index.ts';

const P = DEFAULT_PARAMS;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();

interface SegmentResult {
  id: number;
  buf: ArrayBuffer;
  /** Chunk ends within the segment, for chunks complete inside it (start 0). */
  ends: Uint32Array;
  hashes: Uint8Array;
}

if (!isMainThread) {
  parentPort!.on('message', ({ id, buf }: { id: number; buf: ArrayBuffer }) => {
    const seg = new Uint8Array(buf);
    const ends: number[] = [];
    const hashes: Buffer[] = [];
    for (let pos = 0; ; ) {
      const cut = findBoundary(seg, pos, seg.length, P, false);
      if (cut < 0) break;
      ends.push(cut);
      hashes.push(sha(seg.subarray(pos, cut)));
      pos = cut;
    }
    const msg: SegmentResult = { id, buf, ends: Uint32Array.from(ends), hashes: Buffer.concat(hashes) };
    parentPort!.postMessage(msg, [buf, msg.hashes.buffer as ArrayBuffer]);
  });
}

export interface SegmentOptions {
  workers: number;
  segmentBytes: number;
  maxInFlightBytes: number;
}

/** chunkAndHash by segments; the caller must close() the returned pool. */
export function createSegmentPipeline(opts: SegmentOptions) {
  // Node 20 does not apply tsx's loader to workers, so each worker loads
  // this file through tsx's API.
  const url = JSON.stringify(import.meta.url);
  const boot = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${url}, ${url}))`;
  const workers = Array.from({ length: opts.workers }, () => new Worker(boot, { eval: true }));
  const waiting = new Map<number, (r: SegmentResult) => void>();
  for (const w of workers) w.on('message', (r: SegmentResult) => waiting.get(r.id)!(r));
  let nextId = 0;
  const send = (buf: ArrayBuffer): Promise<SegmentResult> => {
    const id = nextId++;
    const p = new Promise<SegmentResult>((resolve) => waiting.set(id, resolve));
    workers[id % workers.length]!.postMessage({ id, buf }, [buf]);
    return p;
  };

  async function* run(source: AsyncIterable<Uint8Array>): AsyncGenerator<HashedChunk> {
    const queue: Promise<SegmentResult>[] = [];
    const stitcher = new Stitcher();
    let seg = new Uint8Array(opts.segmentBytes);
    let filled = 0;
    for await (const input of source) {
      for (let off = 0; off < input.length; ) {
        const n = Math.min(input.length - off, seg.length - filled);
        seg.set(input.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled === seg.length) {
          queue.push(send(seg.buffer as ArrayBuffer));
          seg = new Uint8Array(opts.segmentBytes);
          filled = 0;
          while (queue.length * opts.segmentBytes > opts.maxInFlightBytes) yield* stitcher.add(await queue.shift()!);
        }
      }
    }
    for (const p of queue) yield* stitcher.add(await p);
    // The last, partial segment is chunked here, continuing from the carry.
    if (filled > 0) yield* stitcher.addUnhashed(seg.subarray(0, filled));
    yield* stitcher.finish();
  }

  return { run, close: () => Promise.all(workers.map((w) => w.terminate())) };
}

class Stitcher {
  /** The unfinished true chunk before the next segment; no cut inside it. */
  private carry = new Uint8Array(0);

  *add(r: SegmentResult): Generator<HashedChunk> {
    const seg = new Uint8Array(r.buf);
    const starts = new Map<number, number>([[0, 0]]); // worker chunk start -> index of its end
    r.ends.forEach((end, i) => starts.set(end, i + 1));
    let p = yield* this.enter(seg);
    if (p < 0) return;
    for (;;) {
      const k = starts.get(p);
      if (k !== undefined) {
        // Resynchronised: the worker's chunks from here on are the true ones.
        for (let i = k; i < r.ends.length; i++) {
          const hash = Buffer.from(r.hashes.buffer, r.hashes.byteOffset + i * 32, 32);
          yield { hash, data: seg.subarray(p, r.ends[i]) };
          p = r.ends[i]!;
        }
        break;
      }
      const cut = findBoundary(seg, p, seg.length, P, false);
      if (cut < 0) break;
      yield { hash: sha(seg.subarray(p, cut)), data: seg.subarray(p, cut) };
      p = cut;
    }
    this.carry = seg.slice(p);
  }

  /** Chunks a segment no worker has seen (the stream's last one). */
  *addUnhashed(seg: Uint8Array): Generator<HashedChunk> {
    let p = yield* this.enter(seg);
    if (p < 0) return;
    for (let cut; p < seg.length && (cut = findBoundary(seg, p, seg.length, P, false)) >= 0; p = cut) {
      yield { hash: sha(seg.subarray(p, cut)), data: seg.subarray(p, cut) };
    }
    this.carry = seg.slice(p);
  }

  *finish(): Generator<HashedChunk> {
    if (this.carry.length > 0) yield { hash: sha(this.carry), data: this.carry };
    this.carry = new Uint8Array(0);
  }

  /**
   * Ends the carried chunk inside seg. Returns where the next chunk starts in
   * seg, or -1 if all of seg joined the carry.
   */
  private *enter(seg: Uint8Array): Generator<HashedChunk, number> {
    const c = this.carry.length;
    if (c === 0) return 0;
    const joined = new Uint8Array(c + Math.min(seg.length, P.maxSize - c));
    joined.set(this.carry);
    joined.set(seg.subarray(0, joined.length - c), c);
    const cut = findBoundary(joined, 0, joined.length, P, false, c);
    if (cut < 0) {
      this.carry = joined;
      return -1;
    }
    yield { hash: sha(joined.subarray(0, cut)), data: joined.subarray(0, cut) };
    this.carry = new Uint8Array(0);
    return cut - c;
  }
}
