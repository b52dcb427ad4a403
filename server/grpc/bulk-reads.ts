// Reading an accepted socket into one reused buffer, for the bulk
// connection (bulk.ts).
import type * as net from 'node:net';

/** Bytes per read from the socket, into one buffer reused for every read. */
const READ_BYTES = 256 << 10;
export type ReadHook = (bytes: Buffer) => boolean;

/**
 * Makes `socket` read into one reused buffer and hand each read to `onRead`
 * (false pauses reading), as net.connect's `onread` option does for the
 * sockets it makes; net.Server has no such option for the sockets it
 * accepts, so this sets the same internal fields. Without it each read is a
 * fresh 64 KiB buffer: for 256 MiB, ~0.15 CPU-s more of page faults and
 * external-memory GC on the server. False (and nothing changed) if Node's
 * internals differ; then 'data' events are used.
 */
export function readIntoReusedBuffer(socket: net.Socket, onRead: ReadHook): boolean {
  const symbols = Object.getOwnPropertySymbols(socket);
  const kBuffer = symbols.find((x) => x.description === 'kBuffer');
  const kBufferCb = symbols.find((x) => x.description === 'kBufferCb');
  const handle = (socket as unknown as { _handle?: { useUserBuffer?: (b: Uint8Array) => void } })._handle;
  if (!kBuffer || !kBufferCb || typeof handle?.useUserBuffer !== 'function' || typeof (socket as unknown as { _read?: unknown })._read !== 'function') return false;
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  const target = socket as unknown as Record<symbol, unknown>;
  target[kBuffer] = buffer;
  target[kBufferCb] = (n: number): boolean => onRead(buffer.subarray(0, n));
  handle.useUserBuffer(buffer);
  return true;
}

