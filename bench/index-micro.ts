// Micro-benchmark of the commit file index on a 1,000,000-file commit
// (1,000 directories x 1,000 files, one chunk each) in an in-memory store:
// build, a 10-file change, diff, listing one directory, one lookup.
// Run: npx tsx bench/index-micro.ts
import { createHash } from 'node:crypto';
import type { Hash } from '../src/ids.ts';
import {
  applyChanges,
  buildIndex,
  createIndexReader,
  type FileEntry,
  type IndexChange,
  type IndexObjectStore,
} from '../src/index/index.ts';

const DIRS = 1000;
const FILES = 1000;

function countingStore() {
  const objects = new Map<string, Uint8Array>();
  const counts = { gets: 0, puts: 0, bytesPut: 0 };
  const store: IndexObjectStore = {
    async put(bytes) {
      counts.puts++;
      counts.bytesPut += bytes.length;
      const hash = createHash('sha256').update(bytes).digest('hex');
      objects.set(hash, bytes);
      return hash;
    },
    async get(hash) {
      counts.gets++;
      const bytes = objects.get(hash);
      if (bytes === undefined) throw new Error(`missing ${hash}`);
      return bytes;
    },
  };
  return { store, objects, counts };
}

const pad = (n: number) => String(n).padStart(4, '0');

// Cheap, distinct, valid hashes: hashing a million strings would time the generator, not the index.
function fakeHash(n: number, version: number): Hash {
  return (n * 16 + version).toString(16).padStart(64, '0') as Hash;
}

function entry(d: number, f: number, version = 0): FileEntry {
  const hash = fakeHash(d * FILES + f, version);
  const size = 4096 + f;
  return { path: `/dir${pad(d)}/file${pad(f)}.dat`, size, hash, chunks: [{ hash, size }] };
}

function* tree(): Generator<FileEntry> {
  for (let d = 0; d < DIRS; d++) for (let f = 0; f < FILES; f++) yield entry(d, f);
}

/**
 * Runs `fn` `runs` times (each on a fresh reader or counter, via `reset`) and
 * prints the median and fastest time, with the objects the last run touched.
 * Repeating matters on a shared machine: one GC pause or a busy neighbour
 * would otherwise be the whole measurement.
 */
async function timed<T>(label: string, runs: number, reset: () => void, fn: () => Promise<T>, objects: () => string): Promise<T> {
  const times: number[] = [];
  let out: T | undefined;
  for (let i = 0; i < runs; i++) {
    reset();
    const t0 = performance.now();
    out = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1]!;
  const spread = runs > 1 ? `(fastest ${times[0]!.toFixed(1)}, ${runs} runs)` : '';
  console.log(`${label.padEnd(32)} ${median.toFixed(1).padStart(8)} ms ${spread.padEnd(24)} ${objects()}`);
  return out!;
}

async function main(): Promise<void> {
  const { store, objects, counts } = countingStore();
  const resetCounts = () => Object.assign(counts, { gets: 0, puts: 0, bytesPut: 0 });
  console.log(`index micro-benchmark: ${DIRS} dirs x ${FILES} files = ${DIRS * FILES} entries, node ${process.version}`);
  console.log('times are medians; objects are those the last run read or wrote');

  const root = (await timed('build 1,000,000 entries', 1, resetCounts, () => buildIndex(store, tree()), () =>
    `${counts.puts} objects written, ${(counts.bytesPut / 1e6).toFixed(1)} MB`))!;
  const meta = objects.get(root)!;
  console.log(`  ranges: ${counts.puts - 1}, metarange ${(meta.length / 1024).toFixed(1)} KiB, ` +
    `${((counts.bytesPut - meta.length) / (DIRS * FILES)).toFixed(1)} bytes/entry in ranges`);

  const changes: IndexChange[] = Array.from({ length: 10 }, (_, i) => ({ op: 'put', entry: entry(i * 97 + 13, 500, 1) }));
  let stats = { rangesRead: 0, rangesWritten: 0 };
  const next = (await timed('applyChanges: 10 files', 15, resetCounts, async () => {
    const r = await applyChanges(store, root, changes);
    stats = r.stats;
    return r.root;
  }, () => `${counts.gets} objects read, ${counts.puts} written`))!;
  console.log(`  rangesRead ${stats.rangesRead}, rangesWritten ${stats.rangesWritten}`);

  let reader = createIndexReader(store);
  const fresh = () => {
    reader = createIndexReader(store);
  };
  const read = () => `${reader.stats.objectsRead} objects read`;
  const count = async (items: AsyncIterable<unknown>) => {
    let n = 0;
    for await (const _ of items) n++;
    return n;
  };
  const diff = await timed('diff (10 modified)', 15, fresh, () => count(reader.diff(next, root)), read);
  const listed = await timed('list /dir0500 (1,000 files)', 15, fresh, () => count(reader.list(next, '/dir0500')), read);
  const got = await timed('get /dir0777/file0777.dat', 15, fresh, () => reader.get(next, '/dir0777/file0777.dat'), read);
  await timed('get another, same reader (cached)', 15, () => {}, () => reader.get(next, '/dir0777/file0778.dat'), () => '0 more objects read');
  await timed('stat (metarange only)', 15, fresh, () => reader.stat(next), read);
  await timed('list / (1,000 subdirectories)', 3, fresh, () => count(reader.list(next, '/')), read);
  if (diff !== 10 || listed !== FILES || got === undefined) throw new Error(`wrong answers: diff ${diff}, list ${listed}, get ${String(got)}`);
}

await main();
