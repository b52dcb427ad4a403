// Protobuf base-128 varints, for the messages the put and GetChunks paths
// encode by hand (client/sdk/chunk-message.ts, server/grpc/chunks-encoding.ts).
// Lengths only: n is a non-negative integer below 2^53.

/** Bytes the varint of n takes. */
export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Writes the varint of n at buf[at], returning the offset after it. */
export function writeVarint(buf: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}
