// The read buffer pool keeps what busy readers hand back, up to maxFree, and
// gives all but idleFree back once no buffer has been taken for idleMs.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReadBufferPool } from '../../src/blocks/read-buffer-pool.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('ReadBufferPool', () => {
  it('reuses up to maxFree buffers while reads keep coming, so concurrent readers allocate nothing new', () => {
    const pool = new ReadBufferPool({ bufferBytes: 1024, maxFree: 8, idleFree: 2, idleMs: 1000 });
    const out = Array.from({ length: 10 }, () => pool.take(1000)!);
    for (const b of out) pool.release(b.subarray(0, 10)); // a piece of the buffer, as a socket write hands back
    expect(pool.freeCount).toBe(8);
    const again = Array.from({ length: 8 }, () => pool.take(1000)!);
    expect(again.every((b) => out.some((o) => o.buffer === b.buffer))).toBe(true);
    expect(pool.freeCount).toBe(0);
  });

  it('drops back to idleFree once nothing was taken for idleMs', () => {
    vi.useFakeTimers();
    const pool = new ReadBufferPool({ bufferBytes: 1024, maxFree: 8, idleFree: 2, idleMs: 1000 });
    const out = Array.from({ length: 6 }, () => pool.take(10)!);
    for (const b of out) pool.release(b);
    expect(pool.freeCount).toBe(6);
    vi.advanceTimersByTime(500);
    pool.release(pool.take(10)!); // still busy: the idle clock starts again
    vi.advanceTimersByTime(600);
    expect(pool.freeCount).toBe(6);
    vi.advanceTimersByTime(1000);
    expect(pool.freeCount).toBe(2);
  });

  it('keeps no buffer it did not make, none twice, and none larger than asked for', () => {
    const pool = new ReadBufferPool({ bufferBytes: 1024, maxFree: 4 });
    expect(pool.take(2048)).toBeUndefined();
    pool.release(new Uint8Array(1024));
    expect(pool.freeCount).toBe(0);
    const b = pool.take(10)!;
    pool.release(b.subarray(0, 5));
    pool.release(b.subarray(5, 10));
    expect(pool.freeCount).toBe(1);
  });
});
