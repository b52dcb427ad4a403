// Scratch files: the local bytes of files written through a writable mount,
// until a flush puts them in a commit. Each has a random name (renames in
// the mount never move it) and one open descriptor shared by every handle.
import { open, rm, mkdir, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export class Scratch {
  private readonly handles = new Map<string, Promise<FileHandle>>();

  private constructor(readonly dir: string) {}

  /** An empty scratch directory (whatever a killed mount left there is discarded). */
  static async create(dir: string): Promise<Scratch> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return new Scratch(dir);
  }

  path(id: string): string {
    return join(this.dir, id);
  }

  /** A new empty scratch file; returns its id. */
  async createFile(): Promise<string> {
    const id = randomBytes(12).toString('hex');
    const fh = await open(this.path(id), 'w+');
    this.handles.set(id, Promise.resolve(fh));
    return id;
  }

  private handle(id: string): Promise<FileHandle> {
    let fh = this.handles.get(id);
    if (!fh) {
      fh = open(this.path(id), 'r+');
      this.handles.set(id, fh);
      fh.catch(() => this.handles.delete(id));
    }
    return fh;
  }

  async read(id: string, buf: Buffer, length: number, position: number): Promise<number> {
    const { bytesRead } = await (await this.handle(id)).read(buf, 0, length, position);
    return bytesRead;
  }

  async write(id: string, buf: Buffer, length: number, position: number): Promise<number> {
    const { bytesWritten } = await (await this.handle(id)).write(buf, 0, length, position);
    return bytesWritten;
  }

  async truncate(id: string, size: number): Promise<void> {
    await (await this.handle(id)).truncate(size);
  }

  /** Closes the file's descriptor (it is reopened when needed). */
  async close(id: string): Promise<void> {
    const fh = this.handles.get(id);
    this.handles.delete(id);
    await (await fh?.catch(() => undefined))?.close();
  }

  async remove(id: string): Promise<void> {
    await this.close(id);
    await rm(this.path(id), { force: true });
  }

  /** Closes everything and deletes the directory. */
  async destroy(): Promise<void> {
    for (const id of [...this.handles.keys()]) await this.close(id);
    await rm(this.dir, { recursive: true, force: true });
  }
}
