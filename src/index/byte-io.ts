// Growable byte writer and bounds-checked reader for the index encodings.
// Varints are unsigned LEB128 up to 2^53 - 1; the reader rejects overlong
// forms so every value has exactly one encoding (hashes must be canonical).

// Lowercase hex digit -> value, -1 for anything else (uppercase included, so
// each hash has one spelling and round-trips exactly).
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;

/** Thrown by ByteReader on malformed input; encoding.ts turns it into INDEX_CORRUPT. */
export class FormatError extends Error {}

export class ByteWriter {
  buf: Buffer;
  len = 0;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  varint(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    this.ensure(end - start);
    this.buf.set(src.subarray(start, end), this.len);
    this.len += end - start;
  }

  /**
   * Writes lowercase hex as raw bytes; false (and nothing written) if it is
   * not lowercase hex. One pass both checks and converts: a regex test per
   * hash cost more than the rest of encoding a small entry.
   */
  hex(hex: string): boolean {
    if ((hex.length & 1) !== 0) return false;
    this.ensure(hex.length >> 1);
    const buf = this.buf;
    let at = this.len;
    for (let i = 0; i < hex.length; i += 2) {
      const hi = NIBBLE[hex.charCodeAt(i)] ?? -1;
      const lo = NIBBLE[hex.charCodeAt(i + 1)] ?? -1;
      if ((hi | lo) < 0) return false;
      buf[at++] = (hi << 4) | lo;
    }
    this.len = at;
    return true;
  }

  /** A copy of the written bytes (the working buffer is reused or oversized). */
  finish(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.len));
  }
}

export class ByteReader {
  readonly buf: Buffer;
  pos = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new FormatError(`truncated at byte ${this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0 && i > 0) throw new FormatError(`overlong varint at byte ${this.pos - 1}`);
        if (value > Number.MAX_SAFE_INTEGER) throw new FormatError(`varint too large at byte ${this.pos - 1}`);
        return value;
      }
      scale *= 0x80;
    }
    throw new FormatError(`varint longer than 8 bytes at byte ${this.pos}`);
  }

  hex(n: number): string {
    this.need(n);
    const s = this.buf.toString('hex', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
