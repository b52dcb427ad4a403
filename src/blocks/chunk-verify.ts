// Whole-store checks: verify reads every pack and checks every chunk against
// its hash and the index; rebuild makes a fresh index from the packs alone.
import pLimit from 'p-limit';
import { isStrataError } from '../errors/index.ts';
import type { BlockStore } from './block-store.ts';
import { addCopy, type PackRef, type Shadows } from './chunk-index.ts';
import { IndexObjectWriter, readPackEntries } from './chunk-index-io.ts';
import { FOOTER_BYTES, ENTRY_BYTES, decodeFooter, decodeTrailer, packKey, packNameFromKey } from './pack-format.ts';
import { hashChunk } from '../chunking/index.ts';
import type { ChunkStore } from './chunk-store.ts';
import { deleteInBatches } from './chunk-sweep.ts';

export interface VerifyProblem {
  kind: 'corrupt-chunk' | 'corrupt-pack' | 'missing-pack';
  pack: string;
  chunk?: string;
  detail: string;
}

export interface VerifyReport {
  packs: number;
  chunks: number;
  bytes: number;
  problems: VerifyProblem[];
}

const VERIFY_CONCURRENCY = 4;

async function listPacks(blocks: BlockStore): Promise<string[]> {
  const names: string[] = [];
  for await (const key of blocks.list('packs/')) {
    const name = packNameFromKey(key);
    if (name) names.push(name);
  }
  return names;
}

async function verifyPack(blocks: BlockStore, name: string, report: VerifyReport): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await blocks.get(packKey(name));
  } catch (err) {
    if (!isStrataError(err, 'OBJECT_NOT_FOUND')) throw err;
    report.problems.push({ kind: 'missing-pack', pack: name, detail: 'pack vanished during verify' });
    return;
  }
  try {
    const footer = decodeFooter(bytes.subarray(Math.max(0, bytes.length - FOOTER_BYTES)), name);
    const dataBytes = bytes.length - FOOTER_BYTES - footer.count * ENTRY_BYTES;
    const entries = decodeTrailer(bytes.subarray(Math.max(0, dataBytes), bytes.length - FOOTER_BYTES), footer, name, Math.max(0, dataBytes));
    for (const e of entries) {
      report.chunks++;
      report.bytes += e.length;
      if (!hashChunk(bytes.subarray(e.offset, e.offset + e.length)).equals(e.hash)) {
        report.problems.push({ kind: 'corrupt-chunk', pack: name, chunk: e.hash.toString('hex'), detail: 'bytes do not match the chunk hash' });
      }
    }
  } catch (err) {
    if (!isStrataError(err, 'PACK_CORRUPT')) throw err;
    report.problems.push({ kind: 'corrupt-pack', pack: name, detail: err.message });
  }
}

/**
 * Reads every pack in the store and checks every chunk's bytes against its
 * hash; also reports packs the index names that the store no longer has.
 */
export async function verifyChunkStore(store: ChunkStore, onPack?: (done: number, total: number) => void): Promise<VerifyReport> {
  await store.flush();
  const blocks = store.blocks;
  const names = await listPacks(blocks);
  const present = new Set(names);
  const report: VerifyReport = { packs: names.length, chunks: 0, bytes: 0, problems: [] };
  const limit = pLimit(VERIFY_CONCURRENCY);
  let done = 0;
  await Promise.all(
    names.map((name) =>
      limit(async () => {
        await verifyPack(blocks, name, report);
        onPack?.(++done, names.length);
      }),
    ),
  );
  for (const ref of store.knownPacks()) {
    if (!present.has(ref.name)) {
      report.problems.push({ kind: 'missing-pack', pack: ref.name, detail: `${ref.chunks} indexed chunks live in a pack the store does not have` });
    }
  }
  report.problems.sort((a, b) => (a.pack + (a.chunk ?? '')).localeCompare(b.pack + (b.chunk ?? '')));
  return report;
}

export interface RebuildOptions {
  /**
   * Called before each batch of deletes of the old index objects; throws to
   * stop. Required: on a store several servers share, deleting runs under
   * the GC lock (pfs's rebuildChunkIndex passes its check), since a GC's
   * sweep elsewhere rewrites and deletes index objects too. A store only
   * this process opens passes a no-op.
   */
  mayDelete: () => void | Promise<void>;
}

/**
 * Rebuilds the chunk index from the pack trailers alone, writes it as new
 * index objects, then removes the old ones. Packs are read a few at a time
 * and go straight into the new (on-disk) index, so memory stays bounded.
 */
export async function rebuildChunkIndex(store: ChunkStore, opts: RebuildOptions): Promise<{ packs: number; chunks: number; corruptPacks: string[] }> {
  await store.flush();
  const blocks = store.blocks;
  const oldIndexKeys: string[] = [];
  for await (const key of blocks.list('index/')) oldIndexKeys.push(key);
  const corruptPacks: string[] = [];
  const index = store.newIndex();
  // Packs holding second copies: without them, a chunk whose home pack goes is lost to this server though stored.
  const shadows: Shadows = new Map();
  const writer = new IndexObjectWriter(blocks);
  const limit = pLimit(16);
  let packs = 0;
  let chunks = 0;
  try {
    const names = (await listPacks(blocks)).sort();
    await Promise.all(
      names.map((name) =>
        limit(async () => {
          let entries;
          try {
            entries = await readPackEntries(blocks, name);
          } catch (err) {
            if (!isStrataError(err, 'PACK_CORRUPT')) throw err;
            corruptPacks.push(name);
            return;
          }
          packs++;
          const ref: PackRef = { name, pending: undefined, chunks: 0, bytes: 0, createdAt: 0 };
          for (const e of entries) if (addCopy(index, shadows, e.hash, { pack: ref, offset: e.offset, length: e.length })) chunks++;
          await writer.addPack(name, entries);
        }),
      ),
    );
    await writer.flush();
  } catch (err) {
    index.close();
    throw err;
  }
  store.markIndexed();
  const fresh = new Set(writer.written);
  store.replaceIndex(index, shadows);
  // An old object left undeleted (mayDelete stopped the deletes) is read again at the next load: rebuild again.
  await deleteInBatches(store, oldIndexKeys.filter((key) => !fresh.has(key)), opts.mayDelete);
  return { packs, chunks, corruptPacks: corruptPacks.sort() };
}
