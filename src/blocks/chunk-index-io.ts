// Loading and persisting the chunk index: index objects first, then the
// trailers of any pack no index object lists (a crash between a pack upload
// and its index write leaves such packs; they are recovered, not lost).
import pLimit from 'p-limit';
import { isStrataError } from '../errors/index.ts';
import type { BlockStore } from './block-store.ts';
import { ChunkIndex, type PackRef } from './chunk-index.ts';
import {
  FOOTER_BYTES,
  ENTRY_BYTES,
  decodeFooter,
  decodeIndex,
  decodeTrailer,
  encodeIndex,
  indexKey,
  indexNameOf,
  packKey,
  packNameFromKey,
  type PackEntry,
  type PackIndexRecord,
} from './pack-format.ts';

const LOAD_CONCURRENCY = 16;

export async function writeIndexObject(blocks: BlockStore, records: readonly PackIndexRecord[]): Promise<string> {
  const encoded = encodeIndex(records);
  const name = indexNameOf(encoded);
  await blocks.put(indexKey(name), encoded);
  return name;
}

/** A pack's chunk list, read from its trailer (two ranged reads). */
export async function readPackEntries(blocks: BlockStore, name: string): Promise<PackEntry[]> {
  const key = packKey(name);
  const stat = await blocks.stat(key);
  if (!stat) throw new Error(`pack ${name} vanished`);
  if (stat.size < FOOTER_BYTES) {
    decodeFooter(new Uint8Array(0), name); // throws PACK_CORRUPT
  }
  const footer = decodeFooter(await blocks.getRange(key, stat.size - FOOTER_BYTES, FOOTER_BYTES), name);
  const trailerBytes = footer.count * ENTRY_BYTES;
  const dataBytes = stat.size - FOOTER_BYTES - trailerBytes;
  const trailer = dataBytes < 0 ? new Uint8Array(0) : await blocks.getRange(key, dataBytes, trailerBytes);
  return decodeTrailer(trailer, footer, name, Math.max(0, dataBytes));
}

async function listKeys(blocks: BlockStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of blocks.list(prefix)) keys.push(key);
  return keys;
}

export interface LoadReport {
  indexObjects: number;
  corruptIndexObjects: string[];
  recoveredPacks: string[];
  corruptPacks: string[];
}

export async function loadChunkIndex(blocks: BlockStore, report?: LoadReport): Promise<ChunkIndex> {
  const index = new ChunkIndex();
  const refs = new Map<string, PackRef>();
  const refOf = (name: string): PackRef => {
    let ref = refs.get(name);
    if (!ref) refs.set(name, (ref = { name, pending: undefined, chunks: 0, bytes: 0, createdAt: 0 }));
    return ref;
  };
  const limit = pLimit(LOAD_CONCURRENCY);
  const indexKeys = await listKeys(blocks, 'index/');
  const decoded = await Promise.all(
    indexKeys.map((key) =>
      limit(async () => {
        try {
          return decodeIndex(await blocks.get(key), key);
        } catch (err) {
          if (!isStrataError(err, 'PACK_CORRUPT')) throw err;
          report?.corruptIndexObjects.push(key); // its packs are recovered from their trailers below
          return [];
        }
      }),
    ),
  );
  for (const records of decoded) {
    for (const r of records) for (const e of r.entries) index.add(e.hash, { pack: refOf(r.pack), offset: e.offset, length: e.length });
  }
  const packNames = (await listKeys(blocks, 'packs/')).map(packNameFromKey).filter((n): n is string => !!n);
  const orphans = packNames.filter((n) => !refs.has(n));
  const recovered: PackIndexRecord[] = [];
  await Promise.all(
    orphans.map((name) =>
      limit(async () => {
        try {
          recovered.push({ pack: name, entries: await readPackEntries(blocks, name) });
        } catch (err) {
          if (!isStrataError(err, 'PACK_CORRUPT')) throw err;
          report?.corruptPacks.push(name);
        }
      }),
    ),
  );
  for (const r of recovered) for (const e of r.entries) index.add(e.hash, { pack: refOf(r.pack), offset: e.offset, length: e.length });
  if (recovered.length > 0) await writeIndexObject(blocks, recovered);
  if (report) {
    report.indexObjects = indexKeys.length;
    report.recoveredPacks.push(...recovered.map((r) => r.pack));
  }
  return index;
}
