// The on-store format of packs and pack indexes. Pure encode/decode on bytes,
// pinned by golden tests: a pack written today must read the same forever.
//
// pack  := chunk bytes, back to back || trailer || footer
// trailer := count x (chunk hash[32] || offset u32 BE || length u32 BE)
// footer  := "STRPACK1" || version u32 BE (=1) || count u32 BE || sha256(trailer)[32]
//
// A pack is named by the SHA-256 of its trailer: the trailer commits to every
// chunk hash, so the name is content-derived without hashing the data again.
// The trailer makes every pack self-describing, so the chunk index can always
// be rebuilt from the packs alone.
//
// index := "STRIDX01" || version u32 BE (=1) || packCount u32 BE
//          || packCount x (pack name[32] || count u32 BE || count x (hash[32] || offset u32 || length u32))
//          || sha256(all preceding bytes)[32]
// An index object lists the chunks of one or more packs so a server can load
// where every chunk lives with one read per index object.
import { createHash } from 'node:crypto';
import { StrataError } from '../errors/index.ts';

export const PACK_MAGIC = Buffer.from('STRPACK1', 'latin1');
export const INDEX_MAGIC = Buffer.from('STRIDX01', 'latin1');
export const FORMAT_VERSION = 1;
export const HASH_BYTES = 32;
export const ENTRY_BYTES = HASH_BYTES + 8;
export const FOOTER_BYTES = 8 + 4 + 4 + HASH_BYTES;

export interface PackEntry {
  hash: Buffer;
  offset: number;
  length: number;
}

export interface PackIndexRecord {
  pack: string;
  entries: PackEntry[];
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export function encodeTrailer(entries: readonly PackEntry[]): Buffer {
  const out = Buffer.allocUnsafe(entries.length * ENTRY_BYTES);
  entries.forEach((e, i) => {
    const at = i * ENTRY_BYTES;
    e.hash.copy(out, at);
    out.writeUInt32BE(e.offset, at + HASH_BYTES);
    out.writeUInt32BE(e.length, at + HASH_BYTES + 4);
  });
  return out;
}

/** The trailer and footer that close a pack, and the pack's name. */
export function sealPack(entries: readonly PackEntry[]): { tail: Buffer; name: string } {
  const trailer = encodeTrailer(entries);
  const trailerHash = sha256(trailer);
  const footer = Buffer.allocUnsafe(FOOTER_BYTES);
  PACK_MAGIC.copy(footer, 0);
  footer.writeUInt32BE(FORMAT_VERSION, 8);
  footer.writeUInt32BE(entries.length, 12);
  trailerHash.copy(footer, 16);
  return { tail: Buffer.concat([trailer, footer]), name: trailerHash.toString('hex') };
}

export function packKey(name: string): string {
  return `packs/${name.slice(0, 2)}/${name}`;
}

export function packNameFromKey(key: string): string | undefined {
  const m = /^packs\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(key);
  return m?.[1];
}

export function indexKey(name: string): string {
  return `index/${name}`;
}

function corrupt(what: string, detail: string): StrataError {
  return new StrataError('PACK_CORRUPT', `${what} is corrupt: ${detail}`, { object: what });
}

/** Parses a footer (the last FOOTER_BYTES of a pack): entry count and trailer hash. */
export function decodeFooter(footer: Uint8Array, packName: string): { count: number; trailerHash: Buffer } {
  const buf = Buffer.from(footer.buffer, footer.byteOffset, footer.byteLength);
  if (buf.length !== FOOTER_BYTES || !buf.subarray(0, 8).equals(PACK_MAGIC)) {
    throw corrupt(`pack ${packName}`, 'bad footer magic');
  }
  const version = buf.readUInt32BE(8);
  if (version !== FORMAT_VERSION) throw corrupt(`pack ${packName}`, `unknown format version ${version}`);
  return { count: buf.readUInt32BE(12), trailerHash: Buffer.from(buf.subarray(16)) };
}

/** Decodes a trailer and checks it against the footer's hash and the pack's data size. */
export function decodeTrailer(trailer: Uint8Array, footer: { count: number; trailerHash: Buffer }, packName: string, dataBytes: number): PackEntry[] {
  const buf = Buffer.from(trailer.buffer, trailer.byteOffset, trailer.byteLength);
  if (buf.length !== footer.count * ENTRY_BYTES) throw corrupt(`pack ${packName}`, 'trailer length does not match entry count');
  if (!sha256(buf).equals(footer.trailerHash)) throw corrupt(`pack ${packName}`, 'trailer hash mismatch');
  const entries: PackEntry[] = [];
  for (let at = 0; at < buf.length; at += ENTRY_BYTES) {
    const entry = {
      hash: Buffer.from(buf.subarray(at, at + HASH_BYTES)),
      offset: buf.readUInt32BE(at + HASH_BYTES),
      length: buf.readUInt32BE(at + HASH_BYTES + 4),
    };
    if (entry.offset + entry.length > dataBytes) throw corrupt(`pack ${packName}`, 'entry points past the data');
    entries.push(entry);
  }
  return entries;
}

export function encodeIndex(records: readonly PackIndexRecord[]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.allocUnsafe(16);
  INDEX_MAGIC.copy(head, 0);
  head.writeUInt32BE(FORMAT_VERSION, 8);
  head.writeUInt32BE(records.length, 12);
  parts.push(head);
  for (const r of records) {
    const packHead = Buffer.allocUnsafe(HASH_BYTES + 4);
    Buffer.from(r.pack, 'hex').copy(packHead, 0);
    packHead.writeUInt32BE(r.entries.length, HASH_BYTES);
    parts.push(packHead, encodeTrailer(r.entries));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, sha256(body)]);
}

/** Checks an index object's magic, checksum and version; its body is the bytes before the checksum. */
function openIndex(data: Uint8Array, name: string): { buf: Buffer; body: Buffer; what: string } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const what = `index ${name}`;
  if (buf.length < 16 + HASH_BYTES || !buf.subarray(0, 8).equals(INDEX_MAGIC)) throw corrupt(what, 'bad magic');
  const body = buf.subarray(0, buf.length - HASH_BYTES);
  if (!sha256(body).equals(buf.subarray(buf.length - HASH_BYTES))) throw corrupt(what, 'checksum mismatch');
  const version = buf.readUInt32BE(8);
  if (version !== FORMAT_VERSION) throw corrupt(what, `unknown format version ${version}`);
  return { buf, body, what };
}

export function decodeIndex(data: Uint8Array, name: string): PackIndexRecord[] {
  const { buf, body, what } = openIndex(data, name);
  const records: PackIndexRecord[] = [];
  let at = 16;
  for (let p = buf.readUInt32BE(12); p > 0; p--) {
    if (at + HASH_BYTES + 4 > body.length) throw corrupt(what, 'truncated');
    const pack = buf.toString('hex', at, at + HASH_BYTES);
    const count = buf.readUInt32BE(at + HASH_BYTES);
    at += HASH_BYTES + 4;
    if (at + count * ENTRY_BYTES > body.length) throw corrupt(what, 'truncated');
    const entries: PackEntry[] = [];
    for (let i = 0; i < count; i++, at += ENTRY_BYTES) {
      entries.push({
        hash: Buffer.from(buf.subarray(at, at + HASH_BYTES)),
        offset: buf.readUInt32BE(at + HASH_BYTES),
        length: buf.readUInt32BE(at + HASH_BYTES + 4),
      });
    }
    records.push({ pack, entries });
  }
  if (at !== body.length) throw corrupt(what, 'trailing bytes');
  return records;
}

/**
 * Calls `onEntry` for each chunk an index object lists, once the whole
 * object has checked out, without building records: at start-up the
 * index of a million chunks goes straight into the chunk index, where the
 * records took ~100 bytes of heap a chunk at once. `hash` is a view,
 * valid only during the call.
 */
export function visitIndex(data: Uint8Array, name: string, onEntry: (pack: string, hash: Buffer, offset: number, length: number) => void): void {
  const { buf, body, what } = openIndex(data, name);
  const packs = buf.readUInt32BE(12);
  // First the layout, so a malformed object adds nothing; then the entries.
  let at = 16;
  for (let p = packs; p > 0; p--) {
    if (at + HASH_BYTES + 4 > body.length) throw corrupt(what, 'truncated');
    const count = buf.readUInt32BE(at + HASH_BYTES);
    at += HASH_BYTES + 4;
    if (at + count * ENTRY_BYTES > body.length) throw corrupt(what, 'truncated');
    at += count * ENTRY_BYTES;
  }
  if (at !== body.length) throw corrupt(what, 'trailing bytes');
  at = 16;
  for (let p = packs; p > 0; p--) {
    const pack = buf.toString('hex', at, at + HASH_BYTES);
    const count = buf.readUInt32BE(at + HASH_BYTES);
    at += HASH_BYTES + 4;
    for (let i = 0; i < count; i++, at += ENTRY_BYTES) {
      onEntry(pack, buf.subarray(at, at + HASH_BYTES), buf.readUInt32BE(at + HASH_BYTES), buf.readUInt32BE(at + HASH_BYTES + 4));
    }
  }
}

export function indexNameOf(encoded: Uint8Array): string {
  return sha256(encoded).toString('hex');
}
