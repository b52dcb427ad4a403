// The additional checksums S3 clients send (x-amz-checksum-* headers or
// aws-chunked trailers): CRC32 (node's zlib), CRC32C and CRC64NVME (table
// driven, computed as the bytes stream by), SHA-1 and SHA-256 (node:crypto).
// Each yields the big-endian digest in base64, as S3 writes it.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export interface Checksum {
  update(data: Uint8Array): void;
  digestBase64(): string;
}

function crc32cTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5) as two 32-bit halves, so no BigInt per byte. */
function crc64Tables(): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  const polyHi = 0x9a6c9329;
  const polyLo = 0xac4bc9b5;
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (bit) {
        h = (h ^ polyHi) >>> 0;
        l = (l ^ polyLo) >>> 0;
      }
    }
    hi[n] = h;
    lo[n] = l;
  }
  return { hi, lo };
}

let c32c: Uint32Array | undefined;
let c64: { hi: Uint32Array; lo: Uint32Array } | undefined;

function be32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

const FACTORIES: Record<string, () => Checksum> = {
  crc32: () => {
    let c = 0;
    return { update: (d) => void (c = crc32(d, c)), digestBase64: () => be32(c).toString('base64') };
  },
  crc32c: () => {
    const t = (c32c ??= crc32cTable());
    let c = 0xffffffff;
    return {
      update(d) {
        for (let i = 0; i < d.length; i++) c = t[(c ^ d[i]!) & 0xff]! ^ (c >>> 8);
      },
      digestBase64: () => be32(~c).toString('base64'),
    };
  },
  crc64nvme: () => {
    const t = (c64 ??= crc64Tables());
    let h = 0xffffffff;
    let l = 0xffffffff;
    return {
      update(d) {
        for (let i = 0; i < d.length; i++) {
          const idx = (l ^ d[i]!) & 0xff;
          l = (((l >>> 8) | (h << 24)) ^ t.lo[idx]!) >>> 0;
          h = ((h >>> 8) ^ t.hi[idx]!) >>> 0;
        }
      },
      digestBase64: () => Buffer.concat([be32(~h), be32(~l)]).toString('base64'),
    };
  },
  sha1: () => {
    const h = createHash('sha1');
    return { update: (d) => void h.update(d), digestBase64: () => h.digest('base64') };
  },
  sha256: () => {
    const h = createHash('sha256');
    return { update: (d) => void h.update(d), digestBase64: () => h.digest('base64') };
  },
};

/** `x-amz-checksum-crc32` -> a fresh CRC32; undefined for a name that is not a checksum we know. */
export function checksumFor(headerName: string): Checksum | undefined {
  const m = /^x-amz-checksum-([a-z0-9]+)$/.exec(headerName.toLowerCase());
  return m ? FACTORIES[m[1]!]?.() : undefined;
}

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export function isChecksumAlgorithm(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

/** The reflected polynomials and widths of the CRCs, for combining. */
const CRC_POLY: Partial<Record<ChecksumAlgorithm, { poly: bigint; width: number }>> = {
  crc32: { poly: 0xedb88320n, width: 32 },
  crc32c: { poly: 0x82f63b78n, width: 32 },
  crc64nvme: { poly: 0x9a6c9329ac4bc9b5n, width: 64 },
};

function gf2Times(mat: bigint[], vec: bigint): bigint {
  let sum = 0n;
  for (let i = 0; vec !== 0n; i++, vec >>= 1n) if (vec & 1n) sum ^= mat[i]!;
  return sum;
}

function gf2Square(mat: bigint[]): bigint[] {
  return mat.map((row) => gf2Times(mat, row));
}

/**
 * The CRC of A followed by B from crc(A), crc(B) and B's length, as zlib's
 * crc32_combine does (for any reflected CRC whose init and final xor are all
 * ones, as these are): the CRC of a multipart object from its parts' CRCs.
 */
export function combineCrc(algorithm: ChecksumAlgorithm, crcA: bigint, crcB: bigint, lengthB: number): bigint {
  const spec = CRC_POLY[algorithm];
  if (!spec) throw new Error(`${algorithm} is not a CRC`);
  if (lengthB === 0) return crcA;
  let odd: bigint[] = [spec.poly];
  for (let i = 1; i < spec.width; i++) odd.push(1n << BigInt(i - 1));
  let even = gf2Square(odd); // two zero bits
  odd = gf2Square(even); // four zero bits
  let len = BigInt(lengthB);
  let crc = crcA;
  for (;;) {
    even = gf2Square(odd); // the first pass: one zero byte
    if (len & 1n) crc = gf2Times(even, crc);
    len >>= 1n;
    if (len === 0n) break;
    odd = gf2Square(even);
    if (len & 1n) crc = gf2Times(odd, crc);
    len >>= 1n;
    if (len === 0n) break;
  }
  return crc ^ crcB;
}

export function isCrc(algorithm: ChecksumAlgorithm): boolean {
  return CRC_POLY[algorithm] !== undefined;
}

function toBig(base64: string): bigint {
  return BigInt(`0x${Buffer.from(base64, 'base64').toString('hex') || '0'}`);
}

function fromBig(n: bigint, width: number): string {
  return Buffer.from(n.toString(16).padStart(width / 4, '0'), 'hex').toString('base64');
}

/** FULL_OBJECT: the CRC of the whole object, from its parts' CRCs (base64) and sizes. */
export function fullObjectCrc(algorithm: ChecksumAlgorithm, parts: readonly { checksum: string; size: number }[]): string {
  const width = CRC_POLY[algorithm]!.width;
  let crc = toBig(parts[0]!.checksum);
  for (const p of parts.slice(1)) crc = combineCrc(algorithm, crc, toBig(p.checksum), p.size);
  return fromBig(crc, width);
}

/** COMPOSITE: the checksum of the parts' binary checksums, then `-<parts>`, as S3 computes it. */
export function compositeChecksum(algorithm: ChecksumAlgorithm, parts: readonly string[]): string {
  const sum = FACTORIES[algorithm]!();
  for (const p of parts) sum.update(Buffer.from(p, 'base64'));
  return `${sum.digestBase64()}-${parts.length}`;
}
