// A request body as the bytes of the object, checked as they stream by:
// aws-chunked framing is removed (each chunk's signature verified against
// the chain that starts at the request's signature), and the payload hash,
// Content-MD5 and x-amz-checksum-* values (headers or trailers) are compared
// at the end. A mismatch throws before the consumer sees the end of the
// stream, so a write never lands with bytes the client did not send.
// What comes out is gathered into blocks of up to 1 MiB (coalesced).
import { createHash, type Hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { checksumFor, type Checksum } from './checksums.ts';
import { notImplemented, S3Error } from './errors.ts';
import { EMPTY_SHA256, hmac, sha256Hex, type Signer } from './sigv4.ts';
import { continueBody } from './expect-continue.ts';
import { ReadBufferPool } from '../../src/blocks/read-buffer-pool.ts';

const MAX_LINE = 8 << 10;

/** Reads lines and exact byte counts from a stream of buffers without copying the data it passes on. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Uint8Array>;
  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    const r = await this.it.next();
    if (r.done) return false;
    const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    this.buf = this.buf.length === 0 ? b : Buffer.concat([this.buf, b]);
    return true;
  }

  /** The next CRLF-terminated line; undefined at a clean end of stream. */
  async line(): Promise<string | undefined> {
    for (;;) {
      const at = this.buf.indexOf('\r\n');
      if (at >= 0) {
        const s = this.buf.toString('latin1', 0, at);
        this.buf = this.buf.subarray(at + 2);
        return s;
      }
      if (this.buf.length > MAX_LINE) throw new S3Error('InvalidRequest', `an aws-chunked chunk header is longer than ${MAX_LINE} bytes`);
      if (!(await this.fill())) {
        if (this.buf.length === 0) return undefined;
        throw new S3Error('IncompleteBody', 'the aws-chunked body ended inside a chunk header');
      }
    }
  }

  async *take(n: number): AsyncGenerator<Buffer> {
    while (n > 0) {
      if (this.buf.length === 0 && !(await this.fill())) throw new S3Error('IncompleteBody', 'the aws-chunked body ended inside a chunk');
      const k = Math.min(n, this.buf.length);
      yield this.buf.subarray(0, k);
      this.buf = this.buf.subarray(k);
      n -= k;
    }
  }
}

interface ChunkedOptions {
  /** Set for STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER): every chunk must carry the next signature of the chain. */
  signer?: Signer;
  onTrailer(name: string, value: string): void;
}

async function* decodeChunked(source: AsyncIterable<Uint8Array>, opts: ChunkedOptions): AsyncGenerator<Buffer> {
  const r = new ByteReader(source);
  let previous = opts.signer?.seedSignature ?? '';
  const sign = (kind: 'PAYLOAD' | 'TRAILER', hashes: string): string =>
    hmac(opts.signer!.signingKey, `AWS4-HMAC-SHA256-${kind}\n${opts.signer!.amzDate}\n${opts.signer!.scope}\n${previous}\n${hashes}`).toString('hex');
  for (;;) {
    const head = await r.line();
    if (head === undefined) throw new S3Error('IncompleteBody', 'the aws-chunked body ended before its final chunk');
    const [sizeHex, ...ext] = head.split(';');
    const size = /^[0-9a-fA-F]{1,12}$/.test(sizeHex!.trim()) ? parseInt(sizeHex!, 16) : NaN;
    if (Number.isNaN(size)) throw new S3Error('InvalidRequest', `bad aws-chunked chunk header "${head.slice(0, 100)}"`);
    const given = ext.map((e) => e.trim()).find((e) => e.startsWith('chunk-signature='))?.slice('chunk-signature='.length);
    const hash: Hash | undefined = opts.signer ? createHash('sha256') : undefined;
    for await (const piece of r.take(size)) {
      hash?.update(piece);
      yield piece;
    }
    if (opts.signer) {
      const expected = sign('PAYLOAD', `${EMPTY_SHA256}\n${hash!.digest('hex')}`);
      if (given !== expected) throw new S3Error('SignatureDoesNotMatch', 'The chunk signature we calculated does not match the signature you provided.');
      previous = expected;
    }
    if (size === 0) break;
    if ((await r.line()) !== '') throw new S3Error('InvalidRequest', 'an aws-chunked chunk is not followed by CRLF');
  }
  // Trailers, then an empty line (a client may also just end the stream).
  let trailerText = '';
  for (let line = await r.line(); line !== undefined && line !== ''; line = await r.line()) {
    const colon = line.indexOf(':');
    if (colon < 0) throw new S3Error('InvalidRequest', `bad aws-chunked trailer "${line.slice(0, 100)}"`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      if (opts.signer && value !== sign('TRAILER', sha256Hex(trailerText))) {
        throw new S3Error('SignatureDoesNotMatch', 'The trailer signature we calculated does not match the signature you provided.');
      }
      continue;
    }
    trailerText += `${name}:${value}\n`;
    opts.onTrailer(name, value);
  }
}

interface Check {
  name: string;
  sum: Checksum | Hash;
  expected?: string;
  /** Computed for the caller (out), not compared: the client sent no value. */
  computeOnly?: boolean;
  encoding: 'base64' | 'hex';
  error: S3Error['code'];
}

async function* verified(source: AsyncIterable<Uint8Array>, checks: Check[], decodedLength: number | undefined, out: Record<string, string> | undefined): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const piece of source) {
    n += piece.length;
    for (const c of checks) c.sum.update(piece);
    yield piece;
  }
  if (decodedLength !== undefined && n !== decodedLength) {
    throw new S3Error('IncompleteBody', `the body held ${n} bytes but x-amz-decoded-content-length said ${decodedLength}`);
  }
  for (const c of checks) {
    const got = 'digestBase64' in c.sum ? c.sum.digestBase64() : c.sum.digest(c.encoding);
    if (c.computeOnly) {
      if (out) out[c.name] = got;
      continue;
    }
    if (c.expected === undefined) throw new S3Error('InvalidRequest', `the ${c.name} trailer the request announced never came`);
    if (got !== c.expected) {
      throw new S3Error(c.error, `the ${c.name} you specified (${c.expected}) did not match what we received (${got})`);
    }
    if (out && c.name.startsWith('x-amz-checksum-')) out[c.name] = got;
  }
}

/**
 * Threads that hash an object body's chunks: this one. A client uploading
 * through the gateway keeps the other core busy itself (the aws cli spends
 * ~2 CPU-s per 256 MiB it sends), so handing chunks to a hash worker only
 * added a copy of every byte and its messages (docs/benchmarks.md, s3).
 */
export const BODY_HASH_THREADS = 1;

/** Bytes per block the body is gathered into (coalesced). */
export const BODY_BLOCK_BYTES = 1 << 20;

/**
 * The gateway's body blocks, used again by later bodies: a fresh 1 MiB block
 * per MiB received cost page faults on every new page and, as V8 counts each
 * block as external memory, frequent mark-compacts (the aws cli's PUT of 256
 * MiB allocated 256 of them). Up to MAX_FREE_BLOCKS are kept while uploads
 * keep coming (ten parts at once hold ~2 blocks each), 4 once idle for 5 s.
 */
const BODY_BLOCKS = new ReadBufferPool({ bufferBytes: BODY_BLOCK_BYTES, maxFree: 32, idleFree: 4, idleMs: 5_000 });

/**
 * Pool blocks lent to one body's consumer. The consumer must hold no view of
 * a block once it has asked for the block after next: writeFile with one
 * hash thread (BODY_HASH_THREADS) keeps that rule, since its chunker copies
 * a chunk still unfinished at the end of a block as the next block arrives,
 * and the chunk store copies the chunks it stores (checked with blocks
 * scribbled over once handed back: test/integration/s3-body-lent-blocks.test.ts). coalesced hands each block
 * back by that rule; done() hands back the rest once the consumer has
 * finished with the body (successfully or not).
 */
export class LentBlocks {
  private readonly lent: Uint8Array[] = [];
  private closed = false;
  constructor(private readonly pool: ReadBufferPool = BODY_BLOCKS) {}

  get blockBytes(): number {
    return this.pool.bufferBytes;
  }

  /** A block for the body (the consumer sees it once it is yielded). */
  take(): Uint8Array {
    const block = this.closed ? undefined : this.pool.take(this.pool.bufferBytes);
    if (block === undefined) return Buffer.allocUnsafeSlow(this.pool.bufferBytes);
    this.lent.push(block);
    return block;
  }

  /** The consumer asked for another piece: every block but the newest is free again. */
  settle(): void {
    while (this.lent.length > 1) this.pool.release(this.lent.shift()!);
  }

  /** The consumer is done with the body: every block goes back. */
  done(): void {
    this.closed = true;
    for (const b of this.lent.splice(0)) this.pool.release(b);
  }
}

/**
 * The source's bytes in blocks of `blockBytes` (the last one shorter), each
 * copied once out of the socket's ~64 KiB reads. The chunker (64 KiB
 * chunks on average) then finds most chunks inside one block and passes
 * them on as views; fed the socket's reads, nearly every chunk straddles two
 * and is copied twice (into its scratch buffer, then out of it), each copy a
 * fresh allocation. `expected` (the declared length, if any) sizes the
 * blocks of a short body, so a small PUT does not take a whole block. A
 * piece of a block or more passes through as it is when nothing waits.
 * With `lender`, full-size blocks come from its pool and go back to it (see
 * LentBlocks for what that asks of the consumer).
 */
export async function* coalesced(source: AsyncIterable<Uint8Array>, blockBytes = BODY_BLOCK_BYTES, expected?: number, lender?: LentBlocks): AsyncGenerator<Uint8Array> {
  let block: Uint8Array | undefined;
  let used = 0;
  let passed = 0;
  for await (const piece of source) {
    if (used === 0 && piece.length >= blockBytes) {
      passed += piece.length;
      yield piece;
      continue;
    }
    for (let at = 0; at < piece.length; ) {
      if (block === undefined) {
        const left = expected === undefined ? 0 : expected - passed;
        const size = left >= piece.length - at ? Math.min(blockBytes, left) : blockBytes;
        block = lender && size === lender.blockBytes ? lender.take() : Buffer.allocUnsafeSlow(size);
      }
      const n = Math.min(block.length - used, piece.length - at);
      block.set(n === piece.length ? piece : piece.subarray(at, at + n), used);
      used += n;
      at += n;
      if (used === block.length) {
        passed += used;
        yield block;
        lender?.settle();
        block = undefined;
        used = 0;
      }
    }
  }
  if (used > 0) yield block!.subarray(0, used);
}

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The request's bytes; a client that goes away mid-body (Node: "aborted",
 * ECONNRESET) is the client's failure, IncompleteBody, not an internal error
 * (found fuzzing: it was answered 500 and logged as a gateway failure).
 */
async function* requestBytes(raw: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  continueBody(raw); // the client waiting on Expect: 100-continue sends its body now
  try {
    yield* raw;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      throw new S3Error('IncompleteBody', 'the client closed the connection before it sent the whole body', {}, { cause: err });
    }
    throw err;
  }
}

/**
 * The object bytes of a PUT or UploadPart body, verified as described at the
 * top of this file. Once the body has been read whole, `checksums` holds
 * each x-amz-checksum-* it verified (header name -> base64 value), and those
 * named in `compute` that the client did not send, computed here (S3 does
 * so for the parts of a FULL_OBJECT multipart upload). With `lender`, the
 * blocks are lent (see LentBlocks).
 */
export function objectBody(raw: AsyncIterable<Uint8Array>, headers: IncomingHttpHeaders, signer: Signer | undefined, checksums?: Record<string, string>, compute: readonly string[] = [], lender?: LentBlocks): AsyncIterable<Uint8Array> {
  raw = requestBytes(raw);
  const checks = bodyChecks(headers, signer);
  const added = (all: Check[]): Check[] => [
    ...all,
    ...compute.filter((name) => !all.some((c) => c.name === name)).map((name) => ({ name, sum: checksumFor(name)!, encoding: 'base64' as const, error: 'BadDigest' as const, computeOnly: true })),
  ];
  if (!checks.streaming) return coalesced(verified(raw, added(checks.list), undefined, checksums), BODY_BLOCK_BYTES, declared(one(headers, 'content-length')), lender);
  return coalesced(verified(checks.decode(raw), added(checks.list), checks.decodedLength, checksums), BODY_BLOCK_BYTES, checks.decodedLength, lender);
}

/** The object bytes a PUT or UploadPart body declares (x-amz-decoded-content-length for aws-chunked, else Content-Length), if any. */
export function bodyLength(headers: IncomingHttpHeaders): number | undefined {
  return declared(one(headers, 'x-amz-decoded-content-length') ?? one(headers, 'content-length'));
}

function declared(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Whether the request carries `name` (an x-amz-checksum-* header, or a trailer it announces). */
export function sendsChecksum(headers: IncomingHttpHeaders, name: string): boolean {
  return one(headers, name) !== undefined || (one(headers, 'x-amz-trailer') ?? '').split(',').some((t) => t.trim().toLowerCase() === name);
}

function bodyChecks(headers: IncomingHttpHeaders, signer: Signer | undefined):
  | { streaming: false; list: Check[] }
  | { streaming: true; list: Check[]; decodedLength: number | undefined; decode: (raw: AsyncIterable<Uint8Array>) => AsyncIterable<Buffer> } {
  const contentSha = one(headers, 'x-amz-content-sha256') ?? signer?.payloadHash ?? 'UNSIGNED-PAYLOAD';
  const checks: Check[] = [];
  const md5 = one(headers, 'content-md5');
  if (md5 !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(md5.trim())) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified is not valid: it must be the base64 of a 16-byte MD5 digest');
  if (md5 !== undefined) checks.push({ name: 'Content-MD5', sum: createHash('md5'), expected: md5, encoding: 'base64', error: 'BadDigest' });
  for (const [name, value] of Object.entries(headers)) {
    const sum = checksumFor(name);
    if (sum && typeof value === 'string') checks.push({ name, sum, expected: value, encoding: 'base64', error: 'BadDigest' });
  }
  if (!contentSha.startsWith('STREAMING-')) {
    if (signer && /^[0-9a-f]{64}$/.test(contentSha)) {
      checks.push({ name: 'x-amz-content-sha256', sum: createHash('sha256'), expected: contentSha, encoding: 'hex', error: 'XAmzContentSHA256Mismatch' });
    }
    return { streaming: false, list: checks };
  }
  const known = ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'];
  if (!known.includes(contentSha)) throw notImplemented('x-amz-content-sha256 of another kind', `x-amz-content-sha256 "${contentSha}" is not supported`);
  const trailers: Check[] = [];
  for (const name of (one(headers, 'x-amz-trailer') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const sum = checksumFor(name);
    if (!sum) throw new S3Error('InvalidRequest', `unsupported trailer "${name}": expected an x-amz-checksum-* trailer`);
    trailers.push({ name, sum, encoding: 'base64', error: 'BadDigest' });
  }
  const decodedHeader = one(headers, 'x-amz-decoded-content-length');
  const decodedLength = decodedHeader === undefined ? undefined : Number(decodedHeader);
  const chunkSigner = signer && contentSha.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD') ? signer : undefined;
  const decode = (raw: AsyncIterable<Uint8Array>): AsyncIterable<Buffer> => decodeChunked(raw, {
    signer: chunkSigner,
    onTrailer: (name, value) => {
      const t = trailers.find((c) => c.name === name);
      if (t) t.expected = value;
    },
  });
  return { streaming: true, list: [...checks, ...trailers], decodedLength, decode };
}
