// A small pool of worker threads that SHA-256 batches of chunks, so hashing
// runs on another core while the calling thread finds boundaries.
//
// Why worker threads and not crypto.subtle.digest (which also hashes on
// libuv's thread pool): on this Node (20) each subtle.digest call costs the
// calling thread ~40 us for a 64 KiB chunk (argument normalisation, a copy,
// a promise), about what hashing the chunk costs. In bench/chunking.ts the
// calling thread spent more CPU per byte with subtle.digest (~1.27 ns/B)
// than sequential chunk+hash does in total (~1.08 ns/B). Here one message
// carries a whole batch (~1 MiB).
//
// The worker is a few lines of plain JavaScript passed as a string, so it
// runs the same under tsx, vitest or compiled output: it needs no loader.
// Workers are unref'd while idle, so an idle pool never keeps a process alive.
import { Worker } from 'node:worker_threads';
import { StrataError } from '../errors/index.ts';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, buf, lengths }) => {
  const bytes = new Uint8Array(buf);
  const hashes = new Uint8Array(lengths.length * 32);
  for (let i = 0, off = 0; i < lengths.length; off += lengths[i], i++) {
    hashes.set(createHash('sha256').update(bytes.subarray(off, off + lengths[i])).digest(), i * 32);
  }
  parentPort.postMessage({ id, buf, hashes }, [buf, hashes.buffer]);
});
`;

export interface HashedBatch {
  /** The batch's bytes, handed back (transferred) by the worker. */
  buf: ArrayBuffer;
  /** 32 bytes per chunk, in batch order. */
  hashes: Uint8Array;
}

export interface HashPool {
  readonly threads: number;
  /** Batches sent and not yet answered, over all threads. */
  readonly pending: number;
  /**
   * Hashes the chunks laid end to end in buf, of the given lengths. buf is
   * transferred to a worker (detached here) and comes back in the result.
   */
  hashBatch(buf: ArrayBuffer, lengths: Uint32Array): Promise<HashedBatch>;
  /** Stops the workers; pending batches fail. */
  close(): Promise<void>;
}

interface Pending {
  resolve(batch: HashedBatch): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export function createHashPool(threads: number): HashPool {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new StrataError('INVALID_ARGUMENT', `hash pool needs at least one thread, got ${threads}`, { threads });
  }
  let nextId = 0;
  let closed = false;
  const slots: Slot[] = Array.from({ length: threads }, () => startSlot());

  function startSlot(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), pending: new Map() };
    slot.worker.unref();
    slot.worker.on('message', (msg: { id: number } & HashedBatch) => {
      const p = slot.pending.get(msg.id);
      slot.pending.delete(msg.id);
      if (slot.pending.size === 0) slot.worker.unref();
      p?.resolve({ buf: msg.buf, hashes: msg.hashes });
    });
    let failed = false;
    const fail = (cause: unknown) => {
      if (failed) return; // 'error' is followed by 'exit'
      failed = true;
      const err = new StrataError('INTERNAL', 'chunk hashing worker failed', {}, { cause });
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      // Replace the dead worker so later batches still run.
      if (!closed) slots[slots.indexOf(slot)] = startSlot();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (!closed) fail(new Error(`worker exited with code ${code}`));
    });
    return slot;
  }

  return {
    threads,
    get pending() {
      return slots.reduce((n, slot) => n + slot.pending.size, 0);
    },
    hashBatch(buf, lengths) {
      if (closed) return Promise.reject(new StrataError('INTERNAL', 'hash pool is closed'));
      // The least busy worker; ties go to the first.
      const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      return new Promise<HashedBatch>((resolve, reject) => {
        if (slot.pending.size === 0) slot.worker.ref();
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, buf, lengths }, [buf]);
      });
    },
    async close() {
      closed = true;
      const err = new StrataError('INTERNAL', 'hash pool closed with batches pending');
      for (const slot of slots) for (const p of slot.pending.values()) p.reject(err);
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
