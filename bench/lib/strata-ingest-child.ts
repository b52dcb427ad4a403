// One measured ingest in its own process, so its peak RSS is its own:
//   node --import tsx bench/lib/strata-ingest-child.ts '<job JSON>'
// Prints one JSON line: seconds (open store .. flush and close done), bytes, files, the
// store's counters and maxRssKiB. Jobs: Strata into a local or S3 chunk store
// (a file or a directory tree), the same reading without Strata (`read`), the
// plain minio client uploads the S3 figure is compared with, and `idle` (the
// runtime's own footprint).
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'minio';
import pLimit from 'p-limit';
import type { BlockStore } from '../../src/blocks/block-store.ts';
import type { ChunkStore } from '../../src/blocks/chunk-store.ts';

export interface S3Target {
  endPoint: string;
  port: number;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

export type StoreSpec = { kind: 'local'; root: string } | ({ kind: 's3'; prefix: string } & S3Target);

export type ChildJob =
  | { op: 'strata'; store: StoreSpec; source: string; limit?: number; concurrency?: number }
  | { op: 'minio-single' | 'minio-parts'; s3: S3Target; source: string; key: string }
  | { op: 'read'; source: string; concurrency?: number }
  | { op: 'idle' };

export interface ChildResult {
  seconds: number;
  bytes: number;
  files: number;
  newBytes?: number;
  chunks?: number;
  packs?: number;
  maxRssKiB: number;
}

const MiB = 1 << 20;

// Strata's modules load only for Strata jobs, so the reference and idle jobs carry none of them.
async function openStore(spec: StoreSpec): Promise<{ blocks: BlockStore; store: ChunkStore }> {
  const { openChunkStore } = await import('../../src/blocks/chunk-store.ts');
  let blocks: BlockStore;
  if (spec.kind === 'local') {
    const { createLocalBlockStore } = await import('../../src/blocks/local-block-store.ts');
    blocks = await createLocalBlockStore({ root: spec.root });
  } else {
    const { createS3BlockStore } = await import('../../src/blocks/s3-block-store.ts');
    const s3 = createS3BlockStore({ ...spec, useSSL: false, pathStyle: true });
    await s3.check();
    blocks = s3;
  }
  return { blocks, store: await openChunkStore({ blocks }) };
}

/** Every file under `root`, depth first in name order (the order a recursive put would take). */
async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(root, { withFileTypes: true })).sort((x, y) => (x.name < y.name ? -1 : 1));
  for (const e of entries) {
    if (e.isDirectory()) out.push(...(await walk(join(root, e.name))));
    else if (e.isFile()) out.push(join(root, e.name));
  }
  return out;
}

/** Streams every file of `source` as the Strata job does, `consume` taking each stream, with `concurrency` at once. */
async function forEachFile(source: string, limit: number | undefined, concurrency: number, consume: (stream: AsyncIterable<Uint8Array>) => Promise<void>): Promise<number> {
  const isDir = (await stat(source)).isDirectory();
  const files = isDir ? (await walk(source)).slice(0, limit ?? Infinity) : [source];
  // A large file is read 1 MiB at a time. Small files get Node's default
  // 64 KiB buffer: a 1 MiB buffer for each 1-8 KiB file made reading them
  // alone about 8x slower (measured), which would time the bench, not Strata.
  const highWaterMark = isDir ? undefined : MiB;
  // A fixed set of workers pulling paths: the bench's own memory stays flat however many files there are.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) await consume(createReadStream(files[next++]!, { highWaterMark }));
  };
  await Promise.all(Array.from({ length: isDir ? concurrency : 1 }, worker));
  return files.length;
}

async function ingest(job: Extract<ChildJob, { op: 'strata' }>): Promise<Omit<ChildResult, 'maxRssKiB'>> {
  const { writeFile } = await import('../../src/blocks/file-io.ts');
  const started = performance.now();
  const { blocks, store } = await openStore(job.store);
  const totals = { bytes: 0, newBytes: 0, chunks: 0 };
  const files = await forEachFile(job.source, job.limit, job.concurrency ?? 32, async (stream) => {
    const written = await writeFile(store, stream);
    totals.bytes += written.size;
    totals.newBytes += written.newBytes;
    totals.chunks += written.chunks.length;
  });
  // Timed until close: flush makes the packs durable, close writes the last
  // index object (the store batches those), so the ingest is then complete.
  await store.flush();
  const stats = store.stats();
  await store.close();
  const seconds = (performance.now() - started) / 1000;
  await blocks.close();
  return { seconds, files, ...totals, packs: stats.packs };
}

/** The same reading with no Strata at all: the most any ingest in this runtime could do. */
async function readOnly(job: Extract<ChildJob, { op: 'read' }>): Promise<Omit<ChildResult, 'maxRssKiB'>> {
  const started = performance.now();
  let bytes = 0;
  const files = await forEachFile(job.source, undefined, job.concurrency ?? 32, async (stream) => {
    for await (const chunk of stream) bytes += chunk.length;
  });
  return { seconds: (performance.now() - started) / 1000, bytes, files };
}

function minioClient(s3: S3Target, partSize?: number): Client {
  return new Client({ ...s3, useSSL: false, pathStyle: true, ...(partSize === undefined ? {} : { partSize }) });
}

/**
 * The reference uploads. `minio-single`: fPutObject as one PUT (part size
 * raised above the file size: a multipart upload starts with
 * ListMultipartUploads, which s3rver lacks). `minio-parts`: the file as
 * 8 MiB objects, 4 in flight, the shape Strata's packs have.
 */
async function minioUpload(job: Extract<ChildJob, { op: 'minio-single' | 'minio-parts' }>): Promise<Omit<ChildResult, 'maxRssKiB'>> {
  const size = (await stat(job.source)).size;
  const started = performance.now();
  let files = 1;
  if (job.op === 'minio-single') {
    await minioClient(job.s3, 5 * 1024 * MiB).fPutObject(job.s3.bucket, job.key, job.source, {});
  } else {
    const client = minioClient(job.s3);
    const fh = await open(job.source, 'r');
    const limit = pLimit(4);
    const part = 8 * MiB;
    files = Math.ceil(size / part);
    try {
      await Promise.all(Array.from({ length: files }, (_, i) => limit(async () => {
        const buf = Buffer.allocUnsafe(Math.min(part, size - i * part));
        await fh.read(buf, 0, buf.length, i * part);
        await client.putObject(job.s3.bucket, `${job.key}.${String(i).padStart(5, '0')}`, buf, buf.length);
      })));
    } finally {
      await fh.close();
    }
  }
  return { seconds: (performance.now() - started) / 1000, bytes: size, files };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{"op":"idle"}') as ChildJob;
  let result: Omit<ChildResult, 'maxRssKiB'> = { seconds: 0, bytes: 0, files: 0 };
  if (job.op === 'strata') result = await ingest(job);
  else if (job.op === 'minio-single' || job.op === 'minio-parts') result = await minioUpload(job);
  else if (job.op === 'read') result = await readOnly(job);
  const out: ChildResult = { ...result, maxRssKiB: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
