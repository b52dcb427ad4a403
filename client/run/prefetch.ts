// Filling the cache in bulk: when many of an input's files are missing, one
// GetTar stream of the walked directory fetches them far faster than a
// GetFile call per file (measured about 2-5x on 5,000 small files). Used
// only when most of the streamed bytes are wanted, since the tar carries
// every file under the directory, selected or not.
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import type { StrataClient } from '../sdk/index.ts';
import type { BlobCache } from './cache.ts';
import type { InputFile, ListedInput } from './inputs.ts';

/** Below this many missing files, per-file downloads are as quick. */
export const BULK_MIN_FILES = 64;

export interface PrefetchStats {
  downloaded: number;
  downloadedBytes: number;
}

/** The input's files (non-empty) that the cache lacks, one per distinct content. */
async function missingFiles(input: ListedInput, cache: BlobCache): Promise<Map<string, InputFile>> {
  const missing = new Map<string, InputFile>();
  const seen = new Set<string>();
  for (const f of input.files) {
    if (f.size === 0 || seen.has(f.hash)) continue;
    seen.add(f.hash);
    if (!(await cache.has(f.hash, f.size))) missing.set(f.path, f);
  }
  return missing;
}

/** Streams the input's walked directory as tar into the cache when that pays; returns what it fetched. */
export async function prefetchInput(client: StrataClient, input: ListedInput, cache: BlobCache): Promise<PrefetchStats> {
  const stats: PrefetchStats = { downloaded: 0, downloadedBytes: 0 };
  const missing = await missingFiles(input, cache);
  const missingBytes = [...missing.values()].reduce((n, f) => n + f.size, 0);
  if (missing.size < BULK_MIN_FILES || missingBytes * 2 < input.walked.bytes) return stats;
  const at = `${input.repo}@${input.commit}`;
  const archive = client.getTar(input.walked.root === '/' ? at : `${at}:${input.walked.root}`);
  const extract = tar.extract();
  const feeding = pipeline(archive, extract as unknown as NodeJS.WritableStream);
  feeding.catch(() => undefined); // surfaced through the extractor below
  // Small files are read into memory and written to the cache several at a
  // time while the stream goes on (a file's few syscalls would otherwise
  // pace it); large ones stream straight to disk. At most WRITES_IN_FLIGHT
  // small buffers wait at once.
  const inFlight: Promise<void>[] = [];
  const count = (fetched: boolean, size: number): void => {
    if (fetched) (stats.downloaded++, (stats.downloadedBytes += size));
  };
  try {
    for await (const entry of extract) {
      const want = entry.header.type === 'file' ? missing.get(`/${entry.header.name}`) : undefined;
      if (!want) {
        entry.resume();
        continue;
      }
      missing.delete(want.path);
      if (want.size <= SMALL_FILE) {
        const data = await buffer(entry as unknown as AsyncIterable<Buffer>);
        inFlight.push(cache.ensure(want.hash, want.size, (tmp) => writeFile(tmp, data, { flag: 'wx' })).then((f) => count(f, want.size)));
        if (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift();
      } else {
        count(await cache.ensure(want.hash, want.size, (tmp) => pipeline(entry, createWriteStream(tmp, { flags: 'wx' }))), want.size);
        entry.resume(); // when the cache had it after all, the entry was not read
      }
    }
    await Promise.all(inFlight);
  } catch (err) {
    archive.destroy();
    await Promise.allSettled(inFlight);
    throw err;
  }
  await feeding;
  return stats;
}

const SMALL_FILE = 1 << 20;
const WRITES_IN_FLIGHT = 32;

async function buffer(entry: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of entry) parts.push(part);
  return Buffer.concat(parts);
}
