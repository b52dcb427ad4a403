// Throughput of src/chunking on random data held in memory (no disk I/O):
//   npx tsx bench/chunking.ts [--mib 512] [--reps 3] [--all]
// prints MB/s (best and median of --reps runs) for findBoundary alone,
// SHA-256 alone (the hashing limit of one core), sequential chunk+hash, and
// chunkAndHash. --all adds the pipelines we measured and did not choose:
// (a) chunking on the main thread + crypto.subtle.digest, and (b) workers that
// chunk and hash segments, stitched (bench/chunking-segments.ts).
// Every pipeline's output is checked against sequential chunking.
//
// "others" is the largest CPU share the rest of the machine used during a
// case: on a shared machine, numbers from a busy moment are not worth much.
// "cpu ns/B" is CPU time per byte of this process's main thread and of its
// other threads, in the best run; it shows where the work went.
import { createHash, randomFillSync, webcrypto } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_PARAMS,
  chunkAndHash,
  chunkStream,
  createFileHasher,
  findBoundary,
  hashChunk,
} from '../src/chunking/index.ts';
import { createSegmentPipeline } from './chunking-segments.ts';

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '512' },
    reps: { type: 'string', default: '3' },
    all: { type: 'boolean', default: false },
  },
});
const MiB = 1024 * 1024;
const N = Number(args.mib) * MiB;
const REPS = Number(args.reps);
const INPUT_BUFFER = MiB; // what a file read stream with a 1 MiB highWaterMark hands over

const data = new Uint8Array(N);
for (let off = 0; off < N; off += 65536) randomFillSync(data, off, Math.min(65536, N - off));

async function* source(): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < N; off += INPUT_BUFFER) yield data.subarray(off, Math.min(N, off + INPUT_BUFFER));
}

/** Machine-wide busy and total jiffies (Linux), to tell how busy the others were. */
function cpuTicks(): { busy: number; total: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - f[3]! - f[4]!, total };
  } catch {
    return null;
  }
}

/** CPU clock ticks (1/100 s) used so far by each thread of this process (Linux). */
function threadTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(tid, Number(fields[11]) + Number(fields[12]));
    }
  } catch {
    // not Linux: no per-thread CPU column
  }
  return ticks;
}

/** CPU ns per byte of the main thread and of all other threads (workers, libuv pool). */
function cpuPerByte(before: Map<string, number>, after: Map<string, number>): string {
  if (after.size === 0) return '';
  let main = 0;
  let others = 0;
  for (const [tid, t] of after) {
    const d = t - (before.get(tid) ?? 0);
    if (tid === String(process.pid)) main += d;
    else others += d;
  }
  const nsPerByte = (ticks: number) => ((ticks * 1e7) / N).toFixed(2);
  return `  cpu ns/B: main ${nsPerByte(main)} others ${nsPerByte(others)}`;
}

/** A case returns the hash of its list of chunk hashes, if it makes chunks. */
type Case = () => Promise<string | void> | string | void;

async function measure(name: string, run: Case, expected?: string): Promise<string | void> {
  const rates: number[] = [];
  let others = 0;
  let result: string | void = undefined;
  let cpu = '';
  for (let rep = 0; rep < REPS; rep++) {
    const t0 = cpuTicks();
    const own0 = process.cpuUsage();
    const threads0 = threadTicks();
    const start = performance.now();
    result = await run();
    const ms = performance.now() - start;
    const own = process.cpuUsage(own0);
    const t1 = cpuTicks();
    if (N / 1e3 / ms > Math.max(0, ...rates)) cpu = cpuPerByte(threads0, threadTicks());
    rates.push(N / 1e3 / ms);
    if (t0 && t1) {
      const ticksPerCpuSec = (t1.total - t0.total) / (ms / 1000); // = 100 * cores
      const othersTicks = t1.busy - t0.busy - ((own.user + own.system) / 1e6) * 100;
      others = Math.max(others, Math.max(0, othersTicks) / ((ticksPerCpuSec * ms) / 1000));
    }
  }
  rates.sort((a, b) => a - b);
  const check = expected === undefined ? '' : result === expected ? '  output = sequential' : '  OUTPUT DIFFERS';
  const best = rates[rates.length - 1]!.toFixed(0);
  const median = rates[Math.floor(rates.length / 2)]!.toFixed(0);
  console.log(
    `${name.padEnd(36)} ${best.padStart(5)} MB/s best ${median.padStart(5)} median  others ${(others * 100).toFixed(0).padStart(3)}%${cpu}${check}`,
  );
  return result;
}

async function listHash(chunks: AsyncIterable<{ hash: Uint8Array }>): Promise<string> {
  const h = createFileHasher();
  for await (const { hash } of chunks) h.add(hash);
  return h.digest().toString('hex');
}

console.log(`${args.mib} MiB of random data, ${INPUT_BUFFER / MiB} MiB input buffers, ${REPS} runs each`);
await measure('findBoundary alone', () => {
  for (let pos = 0; pos < N; ) pos = findBoundary(data, pos, N, DEFAULT_PARAMS, true);
});
await measure('SHA-256 alone (64 KiB pieces)', () => {
  for (let off = 0; off < N; off += 65536) createHash('sha256').update(data.subarray(off, off + 65536)).digest();
});
const sequential = await measure('sequential chunk+hash', async () => {
  const h = createFileHasher();
  for await (const chunk of chunkStream(source())) h.add(hashChunk(chunk));
  return h.digest().toString('hex');
});
await measure('chunkAndHash (default options)', () => listHash(chunkAndHash(source())), sequential as string);

if (args.all) {
  await measure('(a) chunk + crypto.subtle.digest', () => listHash(subtlePipeline()), sequential as string);
  for (const workers of [1, 2]) {
    const seg = createSegmentPipeline({ workers, segmentBytes: 4 * MiB, maxInFlightBytes: 32 * MiB });
    await measure(`(b) segments, ${workers} worker(s)`, () => listHash(seg.run(source())), sequential as string);
    await seg.close();
  }
}

/** Option (a): boundaries here, hashing on libuv's pool, at most 32 MiB in flight. */
async function* subtlePipeline(): AsyncGenerator<{ hash: Uint8Array }> {
  const queue: { bytes: number; hash: Promise<ArrayBuffer> }[] = [];
  let inFlight = 0;
  for await (const chunk of chunkStream(source())) {
    queue.push({ bytes: chunk.length, hash: webcrypto.subtle.digest('SHA-256', chunk) });
    inFlight += chunk.length;
    while (inFlight > 32 * MiB) {
      const head = queue.shift()!;
      inFlight -= head.bytes;
      yield { hash: new Uint8Array(await head.hash) };
    }
  }
  for (const head of queue) yield { hash: new Uint8Array(await head.hash) };
}
