// Open files of a mount: a commit's file read through the chunk cache, or a
// staged file read and written in its scratch file. Writes pass a gate that
// a flush closes, so a flush never puts a file while it is half-written.
import { fsError } from './errno.ts';
import type { FileReader } from './file-reader.ts';
import type { LocalFile } from './overlay.ts';
import type { Scratch } from './scratch.ts';

export interface OpenFile {
  read(buf: Buffer, length: number, position: number): Promise<number>;
  write(buf: Buffer, length: number, position: number): Promise<number>;
  truncate(size: number): Promise<void>;
  release(): Promise<void>;
}

/** Lets writes run together, and a flush run alone once the writes under way are done. */
export class WriteGate {
  private closed: Promise<void> | undefined;
  private reopen: (() => void) | undefined;
  private running = 0;
  private drained: (() => void) | undefined;

  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.closed) await this.closed;
    this.running++;
    try {
      return await fn();
    } finally {
      if (--this.running === 0) this.drained?.();
    }
  }

  /** Runs `fn` with no write under way and none starting. */
  async alone<T>(fn: () => Promise<T>): Promise<T> {
    while (this.closed) await this.closed;
    this.closed = new Promise((resolve) => (this.reopen = resolve));
    try {
      if (this.running > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
      return await fn();
    } finally {
      const reopen = this.reopen!;
      this.closed = undefined;
      reopen();
    }
  }
}

export class CommitFile implements OpenFile {
  constructor(private readonly reader: FileReader) {}

  read(buf: Buffer, length: number, position: number): Promise<number> {
    return this.reader.read(buf, position, length);
  }

  async write(): Promise<number> {
    throw fsError('EBADF', 'opened for reading');
  }

  async truncate(): Promise<void> {
    throw fsError('EBADF', 'opened for reading');
  }

  async release(): Promise<void> {}
}

export class StagedHandle implements OpenFile {
  private released = false;

  constructor(
    private readonly file: LocalFile,
    private readonly scratch: Scratch,
    private readonly gate: WriteGate,
    private readonly writable: boolean,
    /** Called when the last handle of a file no longer staged closes: its scratch file can go. */
    private readonly onLastClose: (file: LocalFile) => Promise<void>,
  ) {
    file.opens++;
  }

  read(buf: Buffer, length: number, position: number): Promise<number> {
    if (position >= this.file.size) return Promise.resolve(0);
    return this.scratch.read(this.file.id, buf, Math.min(length, this.file.size - position), position);
  }

  write(buf: Buffer, length: number, position: number): Promise<number> {
    if (!this.writable) return Promise.reject(fsError('EBADF', 'opened for reading'));
    return this.gate.write(async () => {
      const n = await this.scratch.write(this.file.id, buf, length, position);
      this.file.size = Math.max(this.file.size, position + n);
      this.file.mtimeMs = Date.now();
      this.file.dirty = true;
      return n;
    });
  }

  truncate(size: number): Promise<void> {
    if (!this.writable) return Promise.reject(fsError('EBADF', 'opened for reading'));
    return this.gate.write(async () => {
      await this.scratch.truncate(this.file.id, size);
      this.file.size = size;
      this.file.mtimeMs = Date.now();
      this.file.dirty = true;
    });
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (--this.file.opens === 0) await this.onLastClose(this.file);
  }
}
