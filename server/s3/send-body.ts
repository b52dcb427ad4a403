// Sending an object's bytes: the verified pieces the chunk store reads
// (runs of up to 8 MiB) go to the socket as they are, one write each, with
// backpressure, and the buffers they were read into come back here once the
// socket has taken them, for the next reads. Reading every run into fresh
// memory cost a GET as much CPU as verifying it: page faults on every new
// page, then, as the freed buffers are only reclaimed by the garbage
// collector, a full collection every few tens of MiB ("external memory
// pressure"). Measured with perf on a GET of 256 MiB: sha256 20% of the
// server's CPU, page faults and copies into new pages ~20%, V8 marking and
// sweeping ~19%.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ReadBufferPool } from '../../src/blocks/read-buffer-pool.ts';
import type { S3Call } from './context.ts';

/** The size of every pooled buffer: the largest run the read path plans (file-io.ts maxRunBytes). */
export const READ_BUFFER_BYTES = 8 << 20;
/**
 * Free buffers kept for the next reads while GETs keep coming (the rest are
 * left to the collector): aws cli's ten connections have about 20 out at once
 * (an 8 MiB range that starts mid-pack is two runs, read ahead together).
 * Keeping 4 made ranged GETs over ten connections cost 1.6x the server CPU
 * of the same ranges read one at a time (interleaved A/B, docs/benchmarks.md).
 */
const MAX_FREE = 32;
/** Free buffers kept once no GET has read for IDLE_MS: 32 MiB when idle. */
const IDLE_FREE = 4;
const IDLE_MS = 5_000;

/** The gateway's pool of read buffers. */
export function createReadBufferPool(): ReadBufferPool {
  return new ReadBufferPool({ bufferBytes: READ_BUFFER_BYTES, maxFree: MAX_FREE, idleFree: IDLE_FREE, idleMs: IDLE_MS });
}

function waitWritable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/**
 * Answers with `status` and the reply's headers, then the bytes of `body`.
 * The first piece is read before anything is sent, so a read that fails at
 * once still answers an S3 error; a failure after that cuts the connection
 * (the client sees a short body, never wrong bytes). A client that goes
 * away stops the reads.
 */
export async function sendBody(call: S3Call, status: number, body: AsyncGenerator<Buffer>, pool: ReadBufferPool): Promise<void> {
  const first = await body.next();
  const reply = call.reply;
  const res = reply.raw;
  let closed = false;
  res.once('close', () => (closed = true));
  reply.hijack(); // from here on fastify leaves the response to us
  res.writeHead(status, reply.getHeaders() as OutgoingHttpHeaders);
  try {
    for (let r = first; !r.done && !closed; r = await body.next()) {
      const piece = r.value;
      // The socket has taken the bytes once the callback runs: the buffer can be read into again.
      const more = res.write(piece, (err) => {
        if (!err) pool.release(piece);
      });
      if (!more && !closed) await waitWritable(res);
    }
  } catch (err) {
    res.destroy(); // a short body: the client sees the failure, never wrong bytes
    throw err;
  } finally {
    await body.return(undefined);
  }
  if (!closed) res.end();
}
