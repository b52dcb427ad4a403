// Backpressure for gRPC streams. Sending: wait for 'drain' whenever write()
// says the buffer is full, and stop as soon as the call is cancelled.
// Receiving: pull messages one at a time, so gRPC flow control holds the
// client while the handler is busy, and turn a cut stream into an error.
import type { Readable, Writable } from 'node:stream';
import { StrataError } from '../../src/errors/index.ts';
import { CLIENT_STREAM_BUFFER_MESSAGES } from './limits.ts';
import { wellFormed } from './malformed.ts';

function cancelled(what: string): StrataError {
  return new StrataError('CANCELLED', `${what}: the call was cancelled (by the client, a lost connection, or gRPC refusing an oversized message)`);
}

type WritableCall = Writable & { cancelled?: boolean };

/**
 * Writes one message, waiting while the call's buffer is full; throws
 * CANCELLED once the client is gone. `onWritten` runs once the message has
 * left (grpc-js wrote it out), if it ever does.
 */
export async function writeMessage(call: WritableCall, message: unknown, onWritten?: (err?: Error | null) => void): Promise<void> {
  if (call.cancelled || call.destroyed) throw cancelled('stream stopped');
  if (call.write(message, onWritten)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('close', done);
      call.off('cancelled', done);
      if (call.cancelled || call.destroyed) reject(cancelled('stream stopped'));
      else resolve();
    };
    call.on('drain', done);
    call.on('close', done);
    call.on('cancelled', done);
  });
}

/**
 * Pulls messages from a client stream one by one. `unshift` hands a message
 * back (a put's data ends at the next operation, which the next step needs).
 */
export class MessageReader<T> {
  private readonly iterator: AsyncIterator<T>;
  private held: T[] = [];
  private ended = false;
  /** Messages read so far. */
  count = 0;

  constructor(private readonly call: Readable & { cancelled?: boolean }) {
    limitReadBuffer(call);
    this.iterator = call[Symbol.asyncIterator]() as AsyncIterator<T>;
  }

  /** The next message, or undefined at the clean end of the stream. */
  async next(): Promise<T | undefined> {
    const held = this.held.pop();
    if (held !== undefined) return held;
    if (this.ended) return undefined;
    let result: IteratorResult<T>;
    try {
      result = await this.iterator.next();
    } catch (err) {
      // A cancelled call is destroyed without an error; Node reports that as a premature close.
      if (this.call.cancelled || (err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        throw cancelled(`stream cut after ${this.count} message(s)`);
      }
      throw err;
    }
    if (result.done) {
      this.ended = true;
      // Beware: a cancelled Node client half-closes before it resets, so a
      // clean end may still turn into a cancel (see ModifyFile's `done`).
      if (this.call.cancelled) throw cancelled(`stream cut after ${this.count} message(s)`);
      return undefined;
    }
    this.count++;
    return wellFormed(result.value);
  }

  unshift(message: T): void {
    this.held.push(message);
  }
}

/**
 * grpc-js reads the next message only when the stream asks for one, but an
 * object-mode Readable asks until 16 are buffered: up to 64 MiB of 4 MiB
 * messages per call. A smaller buffer keeps a slow handler's memory bounded.
 */
function limitReadBuffer(stream: Readable): void {
  const state = (stream as unknown as { _readableState?: { highWaterMark?: number } })._readableState;
  if (state && typeof state.highWaterMark === 'number') state.highWaterMark = CLIENT_STREAM_BUFFER_MESSAGES;
}

/** Splits a buffer into views of at most `max` bytes (no copies). */
export function* slices(buf: Uint8Array, max: number): Generator<Uint8Array> {
  for (let at = 0; at < buf.length; at += max) yield buf.subarray(at, Math.min(at + max, buf.length));
}
