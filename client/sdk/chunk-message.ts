// The ModifyFile `chunks` message (ModifyFileRequest.chunks, an
// UploadChunksRequest of Chunk{hash, data}) encoded by hand into reusable
// buffers. This message carries nearly every byte a put sends, and
// protobuf.js encodes each one into a fresh buffer of its size: on a VM
// where fresh pages are expensive to fault in, that copy alone cost ~11 % of
// the CLI's busy time in a 256 MiB put (bench/api.ts --profile), and every
// such buffer is external memory that brings mark-compacts sooner. Here a
// message is written into a buffer taken from a small pool, handed to
// grpc-js as bytes already encoded (transport.ts lets such bytes through the
// method's serializer), and given back once grpc-js has framed it (the
// write's callback; see ClientStreamCall.write).
//
// The encoding is plain protobuf: what protobuf.js writes for the same
// message, field for field (a unit test decodes it with the proto's own
// definition). The proto stays the contract; nothing on the server changes.
import { varintLength, writeVarint } from '../../src/varint.ts';

/** Bytes already in protobuf form: the transport sends them as they are. */
export class EncodedMessage {
  constructor(readonly bytes: Buffer) {}
}

/** ModifyFileRequest field 8 (`chunks`), UploadChunksRequest field 1 (`chunks`), Chunk fields 1 (`hash`) and 2 (`data`): tag bytes of wire type 2. */
const TAG_MODIFY_CHUNKS = (8 << 3) | 2;
const TAG_UPLOAD_CHUNK = (1 << 3) | 2;
const TAG_CHUNK_HASH = (1 << 3) | 2;
const TAG_CHUNK_DATA = (2 << 3) | 2;

export interface ChunkBytes {
  /** 64 lower-case hex characters. */
  hash: string;
  data: Uint8Array;
}

function chunkBodySize(c: ChunkBytes): number {
  const hash = Buffer.byteLength(c.hash, 'latin1');
  return 1 + varintLength(hash) + hash + 1 + varintLength(c.data.length) + c.data.length;
}

/** Bytes of the whole encoded message for these chunks. */
export function chunksMessageSize(chunks: readonly ChunkBytes[]): number {
  let body = 0;
  for (const c of chunks) {
    const size = chunkBodySize(c);
    body += 1 + varintLength(size) + size;
  }
  return 1 + varintLength(body) + body;
}

/** Encodes `{ chunks: { chunks } }` into `buf` from offset 0; returns the length. `buf` must hold chunksMessageSize(chunks). */
export function encodeChunksMessage(chunks: readonly ChunkBytes[], buf: Buffer): number {
  let body = 0;
  const sizes = new Array<number>(chunks.length);
  for (let i = 0; i < chunks.length; i++) {
    sizes[i] = chunkBodySize(chunks[i]!);
    body += 1 + varintLength(sizes[i]!) + sizes[i]!;
  }
  let at = 0;
  buf[at++] = TAG_MODIFY_CHUNKS;
  at = writeVarint(buf, at, body);
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    buf[at++] = TAG_UPLOAD_CHUNK;
    at = writeVarint(buf, at, sizes[i]!);
    buf[at++] = TAG_CHUNK_HASH;
    const hashLength = Buffer.byteLength(c.hash, 'latin1');
    at = writeVarint(buf, at, hashLength);
    at += buf.write(c.hash, at, hashLength, 'latin1');
    buf[at++] = TAG_CHUNK_DATA;
    at = writeVarint(buf, at, c.data.length);
    buf.set(c.data, at);
    at += c.data.length;
  }
  return at;
}

/**
 * Buffers for encoded messages, reused once grpc-js is done with them. At
 * most `keep` idle buffers are held; a message larger than `bytes` gets a
 * buffer of its own that is not kept.
 */
export class MessageBuffers {
  private readonly free: Buffer[] = [];

  constructor(
    private readonly bytes: number,
    private readonly keep: number,
  ) {}

  /** The message encoded into a pooled buffer, and the function that gives the buffer back (call it once grpc-js has framed the bytes). */
  encode(chunks: readonly ChunkBytes[]): { message: EncodedMessage; release: () => void } {
    const size = chunksMessageSize(chunks);
    const pooled = size <= this.bytes;
    const buf = pooled ? (this.free.pop() ?? Buffer.allocUnsafe(this.bytes)) : Buffer.allocUnsafe(size);
    const length = encodeChunksMessage(chunks, buf);
    let released = false;
    const release = (): void => {
      if (released || !pooled) return;
      released = true;
      if (this.free.length < this.keep) this.free.push(buf);
    };
    return { message: new EncodedMessage(buf.subarray(0, length)), release };
  }
}

