// Loading and persisting the chunk index: index objects first, then the
// trailers of any pack no index object lists (a crash between a pack upload
// and its index write leaves such packs; they are recovered, not lost).
import pLimit from 'p-limit';
import { isStrataError } from '../errors/index.ts';
import type { BlockStore } from './block-store.ts';
import { addCopy, ChunkIndex, type PackRef, type Shadows } from './chunk-index.ts';
import {
  FOOTER_BYTES,
  ENTRY_BYTES,
  decodeFooter,
  visitIndex,
  decodeTrailer,
  encodeIndex,
  indexKey,
  indexNameOf,
  packKey,
  packNameFromKey,
  type PackEntry,
  type PackIndexRecord,
} from './pack-format.ts';

/** Index objects (each up to a few MiB) read at once while loading. */
const LOAD_CONCURRENCY = 4;

export async function writeIndexObject(blocks: BlockStore, records: readonly PackIndexRecord[]): Promise<string> {
  const encoded = encodeIndex(records);
  const name = indexNameOf(encoded);
  await blocks.put(indexKey(name), encoded);
  return name;
}

/** A pack's chunk list, read from its trailer (a stat and two ranged reads; no stat when `size` is known). */
export async function readPackEntries(blocks: BlockStore, name: string, size?: number): Promise<PackEntry[]> {
  const key = packKey(name);
  if (size === undefined) {
    const stat = await blocks.stat(key);
    if (!stat) throw new Error(`pack ${name} vanished`);
    size = stat.size;
  }
  if (size < FOOTER_BYTES) {
    decodeFooter(new Uint8Array(0), name); // throws PACK_CORRUPT
  }
  const footer = decodeFooter(await blocks.getRange(key, size - FOOTER_BYTES, FOOTER_BYTES), name);
  const trailerBytes = footer.count * ENTRY_BYTES;
  const dataBytes = size - FOOTER_BYTES - trailerBytes;
  const trailer = dataBytes < 0 ? new Uint8Array(0) : await blocks.getRange(key, dataBytes, trailerBytes);
  return decodeTrailer(trailer, footer, name, Math.max(0, dataBytes));
}

/** Packs up to this size are read whole by readPack: one request instead of two, and their chunks come with it. */
export const WHOLE_PACK_BYTES = 256 << 10;

/**
 * A pack of known size: its chunk list, and its bytes when it is small
 * enough to read whole (one GET; the caller verifies each chunk it uses).
 */
export async function readPack(blocks: BlockStore, name: string, size: number): Promise<{ entries: PackEntry[]; bytes?: Uint8Array }> {
  if (size > WHOLE_PACK_BYTES) return { entries: await readPackEntries(blocks, name, size) };
  const bytes = await blocks.get(packKey(name));
  if (bytes.length < FOOTER_BYTES) decodeFooter(new Uint8Array(0), name); // throws PACK_CORRUPT
  const footer = decodeFooter(bytes.subarray(bytes.length - FOOTER_BYTES), name);
  const dataBytes = bytes.length - FOOTER_BYTES - footer.count * ENTRY_BYTES;
  const trailer = dataBytes < 0 ? new Uint8Array(0) : bytes.subarray(dataBytes, bytes.length - FOOTER_BYTES);
  return { entries: decodeTrailer(trailer, footer, name, Math.max(0, dataBytes)), bytes };
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

/** Index objects the GC and rebuild write hold at most this many chunks, so loading one needs bounded memory. */
export const INDEX_OBJECT_MAX_ENTRIES = 64 << 10;

/** Writes index records as one or more index objects of bounded size; a pack may span several. */
export class IndexObjectWriter {
  private records: PackIndexRecord[] = [];
  private entries = 0;
  readonly written: string[] = [];

  constructor(private readonly blocks: BlockStore) {}

  async add(pack: string, entry: PackEntry): Promise<void> {
    let last = this.records[this.records.length - 1];
    if (!last || last.pack !== pack) this.records.push((last = { pack, entries: [] }));
    last.entries.push(entry);
    if (++this.entries >= INDEX_OBJECT_MAX_ENTRIES) await this.flush();
  }

  /** A whole pack's entries at once (they stay in one record). */
  async addPack(pack: string, entries: PackEntry[]): Promise<void> {
    this.records.push({ pack, entries });
    this.entries += entries.length;
    if (this.entries >= INDEX_OBJECT_MAX_ENTRIES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.records.length === 0) return;
    const records = this.records;
    this.records = [];
    this.entries = 0;
    this.written.push(indexKey(await writeIndexObject(this.blocks, records)));
  }
}

/**
 * Fills `index` from the store: every index object, then the trailers of
 * packs no index object lists (which it then indexes in a new object).
 * Index objects are read a few at a time, so memory holds a few of them,
 * never the whole index.
 */
export async function loadChunkIndex(blocks: BlockStore, index: ChunkIndex, report?: LoadReport, shadows?: Shadows): Promise<ChunkIndex> {
  const refs = new Map<string, PackRef>();
  const refOf = (name: string): PackRef => {
    let ref = refs.get(name);
    if (!ref) refs.set(name, (ref = { name, pending: undefined, chunks: 0, bytes: 0, createdAt: 0 }));
    return ref;
  };
  const add = (pack: string, hash: Uint8Array, offset: number, length: number): void => void addCopy(index, shadows, hash, { pack: refOf(pack), offset, length });
  const limit = pLimit(LOAD_CONCURRENCY);
  const indexKeys = await listKeys(blocks, 'index/');
  await Promise.all(
    indexKeys.map((key) =>
      limit(async () => {
        try {
          visitIndex(await blocks.get(key), key, add);
        } catch (err) {
          if (!isStrataError(err, 'PACK_CORRUPT')) throw err;
          report?.corruptIndexObjects.push(key); // its packs are recovered from their trailers below
        }
      }),
    ),
  );
  const packNames = (await listKeys(blocks, 'packs/')).map(packNameFromKey).filter((n): n is string => !!n);
  const orphans = packNames.filter((n) => !refs.has(n));
  const writer = new IndexObjectWriter(blocks);
  const recovered: string[] = [];
  await Promise.all(
    orphans.map((name) =>
      limit(async () => {
        try {
          const entries = await readPackEntries(blocks, name);
          for (const e of entries) add(name, e.hash, e.offset, e.length);
          recovered.push(name);
        } catch (err) {
          if (!isStrataError(err, 'PACK_CORRUPT')) throw err;
          report?.corruptPacks.push(name);
        }
      }),
    ),
  );
  // Read again rather than kept: after a lost index every pack is an orphan, and memory must stay bounded.
  for (const name of recovered) await writer.addPack(name, await readPackEntries(blocks, name));
  await writer.flush();
  if (report) {
    report.indexObjects = indexKeys.length;
    report.recoveredPacks.push(...recovered);
  }
  return index;
}
