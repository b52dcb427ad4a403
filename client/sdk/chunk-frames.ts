// An incremental parser of a GetChunks response body as it comes off the
// HTTP/2 stream: gRPC's length-prefixed messages, each a GetChunksResponse
// (`repeated bytes chunks = 1`). It hands over each chunk's bytes as views
// of the buffers it was fed (no copy, no message assembled in memory), so the
// reader can hash them and write them out as they arrive. Pure: bytes in,
// callbacks out.
import { StrataError } from '../../src/errors/index.ts';

export interface ChunkFrameSink {
  /** Bytes of the current chunk (in order; a chunk may come in many pieces). */
  piece(bytes: Buffer): void;
  /** The current chunk is complete. */
  chunkEnd(): void;
  /** A response message ended (the chunks it held are all complete). */
  messageEnd(): void;
}

/** Field 1, wire type 2 (length-delimited): a chunk. */
const CHUNK_TAG = (1 << 3) | 2;
/** Largest message accepted (the server sends at most ~3 MiB). */
const MAX_MESSAGE_BYTES = 64 << 20;

type State = 'prefix' | 'tag' | 'length' | 'bytes' | 'skip-varint';

function malformed(detail: string): StrataError {
  return new StrataError('BAD_STREAM', `GetChunks answered with a malformed message: ${detail}`, { detail });
}

export class ChunkFrameParser {
  private state: State = 'prefix';
  private readonly prefix = Buffer.alloc(5);
  private prefixHave = 0;
  /** Bytes of the current message not yet parsed. */
  private messageLeft = 0;
  private varint = 0;
  private varintShift = 0;
  /** Field being read: its tag, and its bytes left. */
  private tag = 0;
  private fieldLeft = 0;

  constructor(private readonly sink: ChunkFrameSink) {}

  /** True between messages (the stream may end here). */
  get idle(): boolean {
    return this.state === 'prefix' && this.prefixHave === 0;
  }

  feed(data: Buffer): void {
    let at = 0;
    while (at < data.length) {
      if (this.state === 'prefix') {
        const n = Math.min(5 - this.prefixHave, data.length - at);
        data.copy(this.prefix, this.prefixHave, at, at + n);
        this.prefixHave += n;
        at += n;
        if (this.prefixHave < 5) return;
        this.prefixHave = 0;
        if (this.prefix[0] !== 0) throw malformed('a compressed message (none was asked for)');
        this.messageLeft = this.prefix.readUInt32BE(1);
        if (this.messageLeft > MAX_MESSAGE_BYTES) throw malformed(`a message of ${this.messageLeft} bytes`);
        this.startField();
        if (this.messageLeft === 0) this.endMessage();
        continue;
      }
      if (this.state === 'bytes') {
        const n = Math.min(this.fieldLeft, data.length - at);
        if (n > 0 && this.tag === CHUNK_TAG) this.sink.piece(data.subarray(at, at + n));
        at += n;
        this.fieldLeft -= n;
        this.messageLeft -= n;
        if (this.fieldLeft === 0) this.endField();
        continue;
      }
      // A varint: a field's tag or length, or an unknown varint field being skipped.
      const byte = data[at++]!;
      this.messageLeft--;
      if (this.varintShift > 28) throw malformed('a varint too long');
      this.varint += (byte & 0x7f) * 2 ** this.varintShift;
      this.varintShift += 7;
      if (byte & 0x80) {
        if (this.messageLeft <= 0) throw malformed('a varint cut by the end of its message');
        continue;
      }
      const value = this.varint;
      this.varint = 0;
      this.varintShift = 0;
      this.onVarint(value);
    }
  }

  /** The stream ended: it must end between messages. */
  end(): void {
    if (!this.idle) throw malformed('the stream ended inside a message');
  }

  private onVarint(value: number): void {
    if (this.state === 'tag') {
      this.tag = value;
      const wireType = value & 7;
      if (wireType === 2) this.state = 'length';
      else if (wireType === 0) this.state = 'skip-varint';
      else if (wireType === 1 || wireType === 5) this.beginBytes(wireType === 1 ? 8 : 4);
      else throw malformed(`wire type ${wireType}`);
    } else if (this.state === 'length') {
      this.beginBytes(value);
    } else {
      this.endField(); // skip-varint: an unknown varint field, skipped
    }
    if (this.messageLeft === 0 && (this.state === 'length' || this.state === 'skip-varint')) throw malformed('a field cut by the end of its message');
  }

  private beginBytes(length: number): void {
    if (length > this.messageLeft) throw malformed('a field longer than its message');
    this.state = 'bytes';
    this.fieldLeft = length;
    if (length === 0) this.endField();
  }

  private endField(): void {
    if (this.tag === CHUNK_TAG) this.sink.chunkEnd();
    this.startField();
    if (this.messageLeft === 0) this.endMessage();
  }

  private startField(): void {
    this.state = 'tag';
    this.tag = 0;
  }

  private endMessage(): void {
    this.state = 'prefix';
    this.sink.messageEnd();
  }
}
