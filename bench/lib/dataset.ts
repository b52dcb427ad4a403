// The ingest benchmark's data, the same bytes on every machine and run:
// (a) one large pseudo-random file, (b) a copy of it with scattered
// overwrites and an insertion in the middle, (c) many small files in
// directories. Bytes come from AES-128-CTR keyed by a fixed seed (fast and
// incompressible); sizes and offsets from a seeded splitmix32.
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const DATASET_VERSION = 1;

export interface DatasetSpec {
  scale: number;
  /** Size of (a); (b) is this plus insertBytes. */
  largeBytes: number;
  /** The edit that turns (a) into (b) does not scale: it is what a dedup figure measures. */
  overwrites: number;
  overwriteBytes: number;
  insertBytes: number;
  smallFiles: number;
  smallDirs: number;
  smallMinBytes: number;
  smallMaxBytes: number;
}

export interface Dataset {
  spec: DatasetSpec;
  dir: string;
  /** Relative to dir. */
  a: string;
  b: string;
  c: string;
  /** Total bytes of the small files. */
  smallBytes: number;
}

export function datasetSpec(scale: number): DatasetSpec {
  return {
    scale,
    largeBytes: Math.max(8, Math.round((GiB * scale) / MiB)) * MiB,
    overwrites: 20,
    overwriteBytes: 512 * KiB,
    insertBytes: 1 * MiB,
    smallFiles: Math.max(1000, Math.round(100_000 * scale)),
    smallDirs: 100,
    smallMinBytes: 1 * KiB,
    smallMaxBytes: 8 * KiB,
  };
}

/** A seeded stream of pseudo-random bytes. */
export class Keystream {
  private readonly cipher;
  private zeros = Buffer.alloc(MiB);

  constructor(seed: string) {
    const key = createHash('sha256').update(`strata-bench:${seed}`).digest();
    this.cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  }

  next(n: number): Buffer {
    if (n > this.zeros.length) this.zeros = Buffer.alloc(n);
    return this.cipher.update(this.zeros.subarray(0, n));
  }
}

/** splitmix32: a seeded generator of floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
  };
}

/** Builds the data set under `dir`, or reuses one an earlier run left there with the same spec. */
export async function ensureDataset(dir: string, spec: DatasetSpec, log: (msg: string) => void): Promise<Dataset> {
  const marker = join(dir, '.complete');
  const want = JSON.stringify({ version: DATASET_VERSION, spec });
  const smallBytes = smallFileSizes(spec).reduce((sum, n) => sum + n, 0);
  const dataset: Dataset = { spec, dir, a: 'a.bin', b: 'b.bin', c: 'c', smallBytes };
  const have = await readFile(marker, 'utf8').catch(() => '');
  if (have === want) {
    log(`reusing data set in ${dir}`);
    return dataset;
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  log(`writing (a): ${(spec.largeBytes / MiB).toFixed(0)} MiB`);
  await writeLarge(join(dir, dataset.a), spec.largeBytes);
  log(`writing (b): (a) with ${spec.overwrites} x ${spec.overwriteBytes / KiB} KiB overwrites and ${spec.insertBytes / KiB} KiB inserted`);
  await writeEdited(join(dir, dataset.a), join(dir, dataset.b), spec);
  log(`writing (c): ${spec.smallFiles} files in ${spec.smallDirs} directories`);
  await writeSmall(join(dir, dataset.c), spec);
  await writeFile(marker, want);
  return dataset;
}

async function writeLarge(path: string, size: number): Promise<void> {
  const ks = new Keystream('a');
  const fh = await open(path, 'w');
  try {
    for (let done = 0; done < size; done += 4 * MiB) await fh.write(ks.next(Math.min(4 * MiB, size - done)));
  } finally {
    await fh.close();
  }
}

/** (b) = a[0, mid) + insert + a[mid, end), then overwrites, one in each of `overwrites` equal stretches. */
async function writeEdited(from: string, to: string, spec: DatasetSpec): Promise<void> {
  const ks = new Keystream('b');
  const rand = seededRandom(0x5eed_b);
  const mid = Math.floor(spec.largeBytes / 2);
  const src = await open(from, 'r');
  const dst = await open(to, 'w');
  try {
    const buf = Buffer.allocUnsafe(4 * MiB);
    let out = 0;
    for (let pos = 0; pos < spec.largeBytes; ) {
      if (pos === mid && out === pos) out += (await dst.write(ks.next(spec.insertBytes), 0, spec.insertBytes, out)).bytesWritten;
      const n = Math.min(buf.length, (pos < mid ? mid : spec.largeBytes) - pos);
      const { bytesRead } = await src.read(buf, 0, n, pos);
      await dst.write(buf, 0, bytesRead, out);
      pos += bytesRead;
      out += bytesRead;
    }
    const stretch = Math.floor((spec.largeBytes + spec.insertBytes) / spec.overwrites);
    for (let i = 0; i < spec.overwrites; i++) {
      const at = i * stretch + Math.floor(rand() * (stretch - spec.overwriteBytes));
      await dst.write(ks.next(spec.overwriteBytes), 0, spec.overwriteBytes, at);
    }
  } finally {
    await src.close();
    await dst.close();
  }
}

function smallFileSizes(spec: DatasetSpec): number[] {
  const rand = seededRandom(0x5eed_c);
  const span = spec.smallMaxBytes - spec.smallMinBytes + 1;
  return Array.from({ length: spec.smallFiles }, () => spec.smallMinBytes + Math.floor(rand() * span));
}

/** File i is c/dNN/fNNNNNN with NN = i mod dirs, so every directory gets an equal share. */
export function smallFilePath(i: number, spec: DatasetSpec): string {
  return join(`d${String(i % spec.smallDirs).padStart(2, '0')}`, `f${String(i).padStart(6, '0')}`);
}

async function writeSmall(root: string, spec: DatasetSpec): Promise<void> {
  for (let d = 0; d < spec.smallDirs; d++) await mkdir(join(root, `d${String(d).padStart(2, '0')}`), { recursive: true });
  const ks = new Keystream('c');
  const sizes = smallFileSizes(spec);
  // Contents are drawn in file order, batch by batch, so they never depend on write timing.
  for (let start = 0; start < sizes.length; start += 1000) {
    const limit = pLimit(64);
    const batch = sizes.slice(start, start + 1000).map((size, k) => ({ path: join(root, smallFilePath(start + k, spec)), data: ks.next(size) }));
    await Promise.all(batch.map(({ path, data }) => limit(() => writeFile(path, data))));
  }
}
