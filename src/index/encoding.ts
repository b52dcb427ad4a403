// The stored forms of index objects: pure encode/decode on bytes, pinned by a
// golden test (test/fixtures/index) so a commit stored today reads the same
// forever. Any change to these layouts needs a new version byte.
//
// range     := "SIXR" version=1 varint(count>=1) count x entry
//            | "SIXR" version=2 varint(count>=1) count x (entry attrs)
// entry     := path varint(size) u8(hashLen>=1) hash[hashLen] varint(chunkTag) chunks
//   chunkTag 0: exactly one chunk equal to the file (hash, size) -- the
//     common small file, stored without repeating its hash;
//   chunkTag n+1: n x (chunkHash[32] varint(chunkSize)).
// attrs     := varint(n) n x (str(name) str(value)), names non-empty and
//   strictly increasing in UTF-8 byte order; str := varint(len) UTF-8 bytes.
//   A range is version 2 exactly when one of its entries has attributes
//   (S3 metadata: content type, user metadata, write time), so indexes
//   without any encode as before and keep their hashes.
// metarange := "SIXM" version=1 varint(count>=1) count x record
// record    := path(first) path(last) varint(entries>=1) varint(bytes) rangeHash[32]
// metatree  := "SIXT" version=1 varint(count>=1) count x record, each naming
//   a metarange (a group of ranges) instead of a range, with the group's
//   first and last path and its total entries and bytes. A commit's root is a
//   metarange (one level, all indexes before 2026-12 and small ones since) or
//   a metatree (two levels); readers accept both.
// path      := varint(shared) varint(suffixLen) suffix -- UTF-8 bytes; shared
//   is the longest common prefix with the previous path of the object
//   (entry order; for a metarange the sequence first0 last0 first1 last1 ...).
//
// Paths must strictly increase in path order (paths.ts; a record's last may
// equal its first), and the shared prefix must be maximal, so each index has
// exactly one encoding and therefore one hash. The decoder checks all of it at
// byte level: path order is UTF-8 byte order with '/' ranked below every
// other byte, since 0x2f occurs in UTF-8 only as '/' itself.
import { StrataError } from '../errors/index.ts';
import { ByteReader, ByteWriter, FormatError } from './byte-io.ts';
import type { ChunkRef, FileEntry, RangeRecord } from './types.ts';
import type { Hash } from '../ids.ts';

export const RANGE_MAGIC = 'SIXR';
export const METARANGE_MAGIC = 'SIXM';
export const METATREE_MAGIC = 'SIXT';
export const FORMAT_VERSION = 1;
/** Ranges whose entries carry attributes. */
export const ATTRS_VERSION = 2;
const HASH_BYTES = 32;
const SLASH = 0x2f;
const LONE_SURROGATE = /\p{Cs}/u;
const BAD_FILE_HASH = 'file hash must be lowercase hex of 1 to 255 bytes';
const BAD_CHUNK_HASH = 'chunk hash must be 64 lowercase hex digits';

// Encoding is synchronous, so one scratch writer serves every call.
const scratch = new ByteWriter(1 << 20);

export function encodeRange(entries: readonly FileEntry[]): Uint8Array {
  if (entries.length === 0) throw invalid('(range)', 'a range holds at least one entry');
  const withAttrs = entries.some(hasAttrs);
  const w = startObject(RANGE_MAGIC, entries.length, withAttrs ? ATTRS_VERSION : FORMAT_VERSION);
  const paths = new PathEncoder();
  for (const e of entries) {
    validateEntry(e);
    paths.write(w, e.path, false);
    writeEntryBody(w, e);
    if (withAttrs) writeAttrs(w, e);
  }
  return w.finish();
}

export function decodeRange(bytes: Uint8Array, hash: string): FileEntry[] {
  return decodeObject(bytes, hash, RANGE_MAGIC, 'range', (r, count, version) => {
    const paths = new PathDecoder();
    const out: FileEntry[] = new Array(count);
    let anyAttrs = false;
    for (let i = 0; i < count; i++) {
      const e = readEntry(r, paths.read(r, i === 0 ? 'first' : 'greater'));
      if (version === ATTRS_VERSION) {
        const attrs = readAttrs(r, e.path);
        if (attrs) (e.attrs = attrs), (anyAttrs = true);
      }
      out[i] = e;
    }
    if (version === ATTRS_VERSION && !anyAttrs) throw new FormatError('a version 2 range without attributes');
    return out;
  }, [FORMAT_VERSION, ATTRS_VERSION]);
}

function hasAttrs(e: FileEntry): boolean {
  if (e.attrs === undefined) return false;
  for (const _ in e.attrs) return true;
  return false;
}

function writeString(w: ByteWriter, s: string): void {
  const bytes = Buffer.from(s, 'utf8');
  w.varint(bytes.length);
  w.bytes(bytes);
}

function writeAttrs(w: ByteWriter, e: FileEntry): void {
  const names = e.attrs ? Object.keys(e.attrs).sort(compareUtf8) : [];
  w.varint(names.length);
  for (const name of names) {
    const value = e.attrs![name];
    if (name === '' || typeof value !== 'string' || LONE_SURROGATE.test(name) || LONE_SURROGATE.test(value)) {
      throw invalid(e.path, `attribute ${JSON.stringify(name)} must have a non-empty name and a string value, both well-formed Unicode`);
    }
    writeString(w, name);
    writeString(w, value);
  }
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function readString(r: ByteReader): Buffer {
  const n = r.varint();
  r.need(n);
  const b = r.buf.subarray(r.pos, r.pos + n);
  r.pos += n;
  return b;
}

function readAttrs(r: ByteReader, path: string): Record<string, string> | undefined {
  const n = r.varint();
  if (n === 0) return undefined;
  r.need(n * 2); // each attribute takes at least two bytes
  const attrs: Record<string, string> = {};
  let prev: Buffer | undefined;
  for (let i = 0; i < n; i++) {
    const name = readString(r);
    if (name.length === 0 || (prev !== undefined && Buffer.compare(prev, name) >= 0)) throw new FormatError(`attributes of ${path} are not in order`);
    prev = name;
    attrs[name.toString('utf8')] = readString(r).toString('utf8');
  }
  return attrs;
}

export function encodeMetarange(records: readonly RangeRecord[]): Uint8Array {
  return encodeRecords(METARANGE_MAGIC, records);
}

/** The root of a two-level index: one record per metarange group. */
export function encodeMetatree(groups: readonly RangeRecord[]): Uint8Array {
  return encodeRecords(METATREE_MAGIC, groups);
}

/** A root's records, and whether they name metaranges (a metatree) or ranges. */
export function decodeRoot(bytes: Uint8Array, hash: string): { tree: boolean; records: RangeRecord[] } {
  const tree = bytes.length >= 4 && Buffer.from(bytes.buffer, bytes.byteOffset, 4).toString('latin1') === METATREE_MAGIC;
  return { tree, records: decodeRecords(bytes, hash, tree ? METATREE_MAGIC : METARANGE_MAGIC, tree ? 'metatree' : 'metarange') };
}

function encodeRecords(magic: string, records: readonly RangeRecord[]): Uint8Array {
  if (records.length === 0) throw invalid('(metarange)', 'an empty index has no metarange');
  const w = startObject(magic, records.length);
  const paths = new PathEncoder();
  for (const rec of records) {
    paths.write(w, rec.firstPath, false);
    paths.write(w, rec.lastPath, true);
    w.varint(rec.count);
    w.varint(rec.bytes);
    if (typeof rec.hash !== 'string' || rec.hash.length !== HASH_BYTES * 2 || !w.hex(rec.hash)) {
      throw new StrataError('INVALID_ARGUMENT', `range hash ${JSON.stringify(rec.hash)} is not 64 lowercase hex digits`);
    }
  }
  return w.finish();
}

export function decodeMetarange(bytes: Uint8Array, hash: string): RangeRecord[] {
  return decodeRecords(bytes, hash, METARANGE_MAGIC, 'metarange');
}

function decodeRecords(bytes: Uint8Array, hash: string, magic: string, what: string): RangeRecord[] {
  return decodeObject(bytes, hash, magic, what, (r, count) => {
    const paths = new PathDecoder();
    const out: RangeRecord[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const firstPath = paths.read(r, i === 0 ? 'first' : 'greater');
      const lastPath = paths.read(r, 'atLeast');
      const entries = r.varint();
      if (entries === 0) throw new FormatError(`range ${i} has no entries`);
      if (entries === 1 && firstPath !== lastPath) throw new FormatError(`range ${i} has one entry but two paths`);
      out[i] = { firstPath, lastPath, count: entries, bytes: r.varint(), hash: r.hex(HASH_BYTES) };
    }
    return out;
  });
}

/**
 * Rejects what the format cannot store faithfully; the caller normalised the
 * path already. Hash digits are checked as they are written (writeEntryBody).
 */
function validateEntry(e: FileEntry): void {
  const p = e.path;
  if (typeof p !== 'string' || p.length < 2 || p.charCodeAt(0) !== SLASH || p.charCodeAt(p.length - 1) === SLASH) {
    throw invalid(p, 'path must start with "/", not end with "/", and not be the root');
  }
  if (!isCount(e.size)) throw invalid(p, `size ${String(e.size)} is not a non-negative safe integer`);
  if (typeof e.hash !== 'string' || e.hash.length < 2 || e.hash.length > 510) throw invalid(p, BAD_FILE_HASH);
  if (!Array.isArray(e.chunks)) throw invalid(p, 'chunks must be an array');
  for (const c of e.chunks) {
    if (typeof c.hash !== 'string' || c.hash.length !== HASH_BYTES * 2) throw invalid(p, BAD_CHUNK_HASH);
    if (!isCount(c.size)) throw invalid(p, `chunk size ${String(c.size)} is not a non-negative safe integer`);
  }
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function invalid(path: unknown, rule: string): StrataError {
  const shown = typeof path === 'string' ? path : String(path);
  return new StrataError('INDEX_INVALID_ENTRY', `cannot store index entry ${JSON.stringify(shown)}: ${rule}`, { path: shown });
}

function startObject(magic: string, count: number, version = FORMAT_VERSION): ByteWriter {
  const w = scratch;
  w.len = 0;
  w.ensure(5);
  w.len += w.buf.write(magic, 0, 'latin1');
  w.u8(version);
  w.varint(count);
  return w;
}

function writeEntryBody(w: ByteWriter, e: FileEntry): void {
  w.varint(e.size);
  w.u8(e.hash.length >> 1);
  if (!w.hex(e.hash)) throw invalid(e.path, BAD_FILE_HASH);
  const only = e.chunks.length === 1 ? e.chunks[0]! : undefined;
  if (only !== undefined && only.hash === e.hash && only.size === e.size) {
    w.u8(0);
    return;
  }
  w.varint(e.chunks.length + 1);
  for (const c of e.chunks) {
    if (!w.hex(c.hash)) throw invalid(e.path, BAD_CHUNK_HASH);
    w.varint(c.size);
  }
}

function readEntry(r: ByteReader, path: string): FileEntry {
  const size = r.varint();
  const hashLen = r.u8();
  if (hashLen === 0) throw new FormatError(`empty file hash for ${path}`);
  const hash = r.hex(hashLen);
  const tag = r.varint();
  if (tag === 0) {
    if (hashLen !== HASH_BYTES) throw new FormatError(`single-chunk shorthand with a ${hashLen}-byte hash`);
    return { path, size, hash, chunks: [{ hash: hash as Hash, size }] }; // 32 bytes read as lowercase hex: a Hash
  }
  r.need(tag - 1); // each chunk takes more than a byte: refuse absurd counts before allocating
  const chunks: ChunkRef[] = new Array(tag - 1);
  for (let i = 0; i < tag - 1; i++) chunks[i] = { hash: r.hex(HASH_BYTES) as Hash, size: r.varint() };
  const only = chunks.length === 1 ? chunks[0]! : undefined;
  if (only !== undefined && only.hash === hash && only.size === size) throw new FormatError(`non-canonical chunk list for ${path}`);
  return { path, size, hash, chunks };
}

function decodeObject<T>(
  bytes: Uint8Array,
  hash: string,
  magic: string,
  what: string,
  body: (r: ByteReader, count: number, version: number) => T,
  versions: readonly number[] = [FORMAT_VERSION],
): T {
  try {
    const r = new ByteReader(bytes);
    r.need(5);
    if (r.buf.toString('latin1', 0, 4) !== magic) throw new FormatError(`not an index ${what} (bad magic)`);
    r.pos = 4;
    const version = r.u8();
    if (!versions.includes(version)) throw new FormatError(`unknown ${what} format version ${version}`);
    const count = r.varint();
    if (count === 0) throw new FormatError(`empty ${what}`);
    r.need(count); // every item takes at least one byte
    const out = body(r, count, version);
    if (!r.done) throw new FormatError(`${r.buf.length - r.pos} trailing bytes`);
    return out;
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    throw new StrataError('INDEX_CORRUPT', `index ${what} ${hash} is corrupt: ${err.message}`, { object: hash, kind: what }, { cause: err });
  }
}

/** A byte's place in path order: '/' first, so a directory's subtree sorts right after it. */
function byteRank(b: number): number {
  return b === SLASH ? -1 : b;
}

/** Prefix-compresses a sequence of paths against the previous one, in UTF-8 bytes. */
class PathEncoder {
  private prev = Buffer.allocUnsafe(256);
  private cur = Buffer.allocUnsafe(256);
  private prevLen = 0;

  write(w: ByteWriter, path: string, allowEqual: boolean): void {
    if (this.cur.length < path.length * 3) this.cur = Buffer.allocUnsafe(path.length * 3);
    const len = this.cur.write(path, 0, 'utf8');
    if (len !== path.length && LONE_SURROGATE.test(path)) throw invalid(path, 'path is not well-formed Unicode');
    const { prev, cur } = this;
    const max = len < this.prevLen ? len : this.prevLen;
    let shared = 0;
    while (shared < max && prev[shared] === cur[shared]) shared++;
    // Out-of-order input would encode into an object no decoder accepts.
    const equal = shared === len && len === this.prevLen;
    const decreasing = shared < len ? shared < this.prevLen && byteRank(cur[shared]!) < byteRank(prev[shared]!) : !equal && this.prevLen > 0;
    if (decreasing || (equal && !allowEqual)) {
      throw new StrataError('INDEX_UNSORTED', `index paths must strictly increase; ${JSON.stringify(path)} is out of order`, { path });
    }
    w.varint(shared);
    w.varint(len - shared);
    w.bytes(cur, shared, len);
    this.prev = cur;
    this.cur = prev;
    this.prevLen = len;
  }
}

/** Rebuilds prefix-compressed paths, checking order and canonical form without decoding strings. */
class PathDecoder {
  private buf = Buffer.allocUnsafe(256);
  private len = 0;

  read(r: ByteReader, order: 'first' | 'greater' | 'atLeast'): string {
    const shared = r.varint();
    const n = r.varint();
    r.need(n);
    if (shared > this.len || (order === 'first' && shared !== 0)) throw new FormatError(`bad shared prefix at byte ${r.pos}`);
    const next = r.buf[r.pos];
    if (shared < this.len) {
      // Canonical and increasing: the first new byte exists and exceeds the old one.
      if (n === 0 || byteRank(next!) <= byteRank(this.buf[shared]!)) throw new FormatError(`paths out of order at byte ${r.pos}`);
    } else if (n === 0 && order !== 'atLeast') {
      throw new FormatError(`duplicate path at byte ${r.pos}`);
    }
    if (this.buf.length < shared + n) {
      const grown = Buffer.allocUnsafe(Math.max(shared + n, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, shared);
      this.buf = grown;
    }
    r.buf.copy(this.buf, shared, r.pos, r.pos + n);
    r.pos += n;
    this.len = shared + n;
    if (this.buf[0] !== SLASH) throw new FormatError(`path does not start with "/" at byte ${r.pos}`);
    return this.buf.toString('utf8', 0, this.len);
  }
}
