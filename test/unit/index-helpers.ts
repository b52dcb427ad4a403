// Shared by the index tests: an in-memory IndexObjectStore that counts its
// traffic, deterministic entry generators, and sorting by the project's one
// path order (comparePaths in src/ids.ts), the reference the index must follow.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { StrataError } from '../../src/errors/index.ts';
import { comparePaths, type FilePath, type Hash } from '../../src/ids.ts';
import type { FileEntry, IndexChange, IndexObjectStore } from '../../src/index/index.ts';

export interface CountingStore extends IndexObjectStore {
  readonly objects: Map<string, Uint8Array>;
  gets: number;
  puts: number;
  reset(): void;
}

export function sha256Hex(data: Uint8Array | string): Hash {
  return createHash('sha256').update(data).digest('hex') as Hash;
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

/** The project's path order (src/ids.ts), not the index's own copy of it: the tests check one against the other. */
export function byPath(a: string, b: string): number {
  return comparePaths(a as FilePath, b as FilePath);
}

export function sortPaths(paths: Iterable<string>): string[] {
  return [...paths].sort(byPath);
}

export function sortEntries(entries: Iterable<FileEntry>): FileEntry[] {
  return [...entries].sort((a, b) => byPath(a.path, b.path));
}

export function changePath(c: IndexChange): string {
  return c.op === 'put' ? c.entry.path : c.path;
}

/** Changes in path order; changes to one path keep their order (sort is stable). */
export function sortChanges(changes: Iterable<IndexChange>): IndexChange[] {
  return [...changes].sort((a, b) => byPath(changePath(a), changePath(b)));
}

/**
 * Direct children of dir: the sorted file list under it, each path cut to its
 * first component, repeats dropped. A directory's subtree is one run in path
 * order, so this is also the listing's order.
 */
export function modelList(sorted: string[], dir: string) {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  const seen = new Map<string, { name: string; type: 'file' | 'dir' }>();
  for (const p of sorted.filter((q) => q.startsWith(prefix))) {
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash < 0 ? rest : rest.slice(0, slash);
    const type = slash < 0 ? 'file' : 'dir';
    if (!seen.has(`${type}:${name}`)) seen.set(`${type}:${name}`, { name, type });
  }
  return [...seen.values()];
}

// The glob model: picomatch on the path relative to the root, where a leading
// `**/` matches zero directories too, so `/**/*.txt` matches `/top.txt`.
export function modelGlob(pattern: string): (path: string) => boolean {
  const isMatch = picomatch(pattern.slice(1), { dot: true });
  return (path) => isMatch(path.slice(1));
}

// Names made to meet at the characters that matter: below '/' (space, '!',
// '-', '.'), just above it ('0'), and U+E000..U+FFFF against astral
// characters, whose UTF-16 code units sort the other way round.
const tricky = fc.constantFrom('a', 'a b', 'a!', 'a-b', 'a.txt', 'a0', 'b', 'é', '\uE000', '\uFFFF', '\u{10000}', '\u{1F600}');
const anyName = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 6 })
  .filter((s) => !/[/\u0000-\u001f\u007f]/.test(s) && s !== '.' && s !== '..');
const component = fc.oneof({ weight: 3, arbitrary: tricky }, { weight: 1, arbitrary: anyName });
/** Normalised paths (the root included) whose components often share a prefix. */
export const filePath = fc.array(component, { maxLength: 4 }).map((cs) => `/${cs.join('/')}`);
