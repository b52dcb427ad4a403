// Deterministic test data: SHA-256 in counter mode, so any size is
// reproducible from a seed without checking in binaries.
import { createHash } from 'node:crypto';

export function seededBytes(seed: string, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0, at = 0; at < size; i++, at += 32) {
    createHash('sha256').update(`${seed}:${i}`).digest().copy(out, at);
  }
  return out;
}

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export async function* streamOf(data: Uint8Array, pieceSize = 64 << 10): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += pieceSize) yield data.subarray(at, at + pieceSize);
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}
