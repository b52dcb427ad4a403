// One FUSE mount made with fuse-native: mounting with the options Strata
// wants, and the three ways it ends — detached lazily (fuse-native's own
// unmount), unmounted only when no process uses it (as umount does), or
// released after the kernel mount went away by other means.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import Fuse, { type FuseOps } from 'fuse-native';
import { StrataError } from '../../src/errors/index.ts';
import * as state from './mount-state.ts';

export class FuseSession {
  private released = false;

  private constructor(
    private readonly fuse: Fuse,
    readonly dir: string,
  ) {}

  static async mount(dir: string, ops: FuseOps, opts: { writable: boolean; debug?: boolean }): Promise<FuseSession> {
    const fuse = new Fuse(dir, ops, {
      // fsname also carries options fuse-native has no flag for: big_writes (128 KiB
      // writes, not 4 KiB), hard_remove (no .fuse_hidden files for unlinked open
      // files, which a flush would commit) and, read-only, ro: the kernel then refuses
      // every change with EROFS itself, so such a mount need not answer opens (fuse-ops.ts).
      fsname: opts.writable ? 'strata,big_writes,hard_remove' : 'strata,big_writes,hard_remove,ro',
      subtype: 'strata',
      // A commit never changes: the kernel may keep its pages and names. A writable
      // mount changes only through itself, but lets the kernel check sooner.
      kernelCache: !opts.writable,
      autoCache: opts.writable,
      attrTimeout: opts.writable ? 1 : 60,
      entryTimeout: opts.writable ? 1 : 60,
      debug: opts.debug,
      timeout: 120_000,
    });
    await new Promise<void>((resolve, reject) => fuse.mount((err) => (err ? reject(err) : resolve())));
    return new FuseSession(fuse, dir);
  }

  /** Unmounts now, lazily: a process still using the mount is cut off from it. */
  async detach(): Promise<void> {
    if (this.released) return;
    try {
      await new Promise<void>((resolve, reject) => this.fuse.unmount((err) => (err ? reject(err) : resolve())));
      this.released = true;
    } catch (err) {
      if (await state.mountedType(this.dir)) throw err;
      this.release();
    }
  }

  /** Unmounts unless a process has a file or its working directory in the mount (then FAILED_PRECONDITION). */
  async unmountWhenIdle(): Promise<void> {
    try {
      await state.fusermountUnmount(this.dir);
    } catch (err) {
      if (await state.mountedType(this.dir)) {
        if (!/busy/i.test(String(err))) throw err;
        throw new StrataError('FAILED_PRECONDITION', `${this.dir} is busy: a process has a file or its working directory in it; close them and unmount again`, { dir: this.dir }, { cause: err });
      }
    }
    this.release();
  }

  /**
   * Lets go of fuse-native's native side once the kernel mount is gone. Its
   * own unmount does this only after `fusermount -uz`, which would detach a
   * busy mount, so the same native call is made here directly.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    // The binding's own directory and its own node-gyp-build, found from its entry point (not by its name from inside it).
    const entry = createRequire(import.meta.url).resolve('fuse-native');
    const binding = createRequire(entry)('node-gyp-build')(dirname(entry)) as { fuse_native_unmount(mnt: string, thread: unknown): void };
    binding.fuse_native_unmount(this.fuse.mnt, (this.fuse as unknown as { _thread: unknown })._thread);
  }
}
