// Shared by the index tests: an in-memory IndexObjectStore that counts its
// traffic, and deterministic entry generators.
import { createHash } from 'node:crypto';
import { StrataError } from '../../src/errors/index.ts';
import type { FileEntry, IndexChange, IndexObjectStore } from '../../src/index/index.ts';

export interface CountingStore extends IndexObjectStore {
  readonly objects: Map<string, Uint8Array>;
  gets: number;
  puts: number;
  reset(): void;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function createMemoryStore(): CountingStore {
  const objects = new Map<string, Uint8Array>();
  const store: CountingStore = {
    objects,
    gets: 0,
    puts: 0,
    reset() {
      store.gets = 0;
      store.puts = 0;
    },
    async put(bytes) {
      store.puts++;
      const hash = sha256Hex(bytes);
      objects.set(hash, bytes.slice());
      return hash;
    },
    async get(hash) {
      store.gets++;
      const bytes = objects.get(hash);
      if (bytes === undefined) throw new StrataError('OBJECT_NOT_FOUND', `no object ${hash}`, { hash });
      return bytes;
    },
  };
  return store;
}

/** A file entry whose hashes derive from its path and a version number. */
export function fileEntry(path: string, version = 0, chunkCount = 1): FileEntry {
  const hash = sha256Hex(`${path}#${version}`);
  const size = 100 + version;
  if (chunkCount === 1) return { path, size, hash, chunks: [{ hash, size }] };
  const chunks = Array.from({ length: chunkCount }, (_, i) => ({ hash: sha256Hex(`${path}#${version}#${i}`), size: 10 + i }));
  return { path, size: chunks.reduce((n, c) => n + c.size, 0), hash, chunks };
}

/** `/dNNNN/fNNNN` for dirs x files, already in path order. */
export function* treeEntries(dirs: number, files: number): Generator<FileEntry> {
  for (let d = 0; d < dirs; d++) {
    for (let f = 0; f < files; f++) yield fileEntry(`/d${pad(d)}/f${pad(f)}`);
  }
}

export function pad(n: number): string {
  return String(n).padStart(4, '0');
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

export function puts(entries: FileEntry[]): IndexChange[] {
  return entries.map((entry) => ({ op: 'put', entry }));
}
