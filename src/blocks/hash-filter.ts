// A Bloom filter over SHA-256 hashes: "certainly absent" or "maybe present".
// It lets a lookup of a chunk that is not stored (the common case while
// ingesting new data) skip the disk. The keys are already uniform hashes,
// so the bit positions come from the key bytes themselves (double hashing
// over two 32-bit words), with no hash function of our own.

/** Bits per key: 10 bits and 7 probes give about 1% false positives. */
const BITS_PER_KEY = 10;
const PROBES = 7;

export class HashFilter {
  private readonly bits: Uint8Array;
  private readonly nbits: number;

  constructor(expectedKeys: number) {
    this.nbits = Math.max(64, Math.ceil(expectedKeys * BITS_PER_KEY));
    this.bits = new Uint8Array(Math.ceil(this.nbits / 8));
  }

  get byteLength(): number {
    return this.bits.byteLength;
  }

  add(key: Uint8Array, at = 0): void {
    let h = word(key, at);
    const step = word(key, at + 4) | 1;
    for (let i = 0; i < PROBES; i++) {
      const bit = h % this.nbits;
      this.bits[bit >>> 3]! |= 1 << (bit & 7);
      h = (h + step) >>> 0;
    }
  }

  mayHave(key: Uint8Array, at = 0): boolean {
    let h = word(key, at);
    const step = word(key, at + 4) | 1;
    for (let i = 0; i < PROBES; i++) {
      const bit = h % this.nbits;
      if ((this.bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
      h = (h + step) >>> 0;
    }
    return true;
  }
}

function word(key: Uint8Array, at: number): number {
  return ((key[at]! << 24) | (key[at + 1]! << 16) | (key[at + 2]! << 8) | key[at + 3]!) >>> 0;
}
