// Types for the parts of fuse-native (which ships none) that the mount uses.
// Handlers answer through `cb(code, value)`: 0 or a value for success, a
// negative errno (Fuse.ENOENT, ...) for failure.
declare module 'fuse-native' {
  export interface FuseStat {
    mode: number;
    size: number;
    uid: number;
    gid: number;
    nlink?: number;
    ino?: number;
    blksize?: number;
    blocks?: number;
    mtime: Date | number;
    atime: Date | number;
    ctime: Date | number;
  }

  export interface FuseStatfs {
    bsize: number;
    frsize: number;
    blocks: number;
    bfree: number;
    bavail: number;
    files: number;
    ffree: number;
    favail: number;
    fsid: number;
    flag: number;
    namemax: number;
  }

  type Cb = (code: number) => void;
  type CbWith<T> = (code: number, value?: T) => void;

  export interface FuseOps {
    init?(cb: Cb): void;
    statfs?(path: string, cb: CbWith<FuseStatfs>): void;
    getattr?(path: string, cb: CbWith<FuseStat>): void;
    fgetattr?(path: string, fd: number, cb: CbWith<FuseStat>): void;
    access?(path: string, mode: number, cb: Cb): void;
    readdir?(path: string, cb: (code: number, names?: string[], stats?: FuseStat[]) => void): void;
    open?(path: string, flags: number, cb: CbWith<number>): void;
    opendir?(path: string, flags: number, cb: CbWith<number>): void;
    create?(path: string, mode: number, cb: CbWith<number>): void;
    read?(path: string, fd: number, buf: Buffer, len: number, pos: number, cb: (bytesOrErr: number) => void): void;
    write?(path: string, fd: number, buf: Buffer, len: number, pos: number, cb: (bytesOrErr: number) => void): void;
    release?(path: string, fd: number, cb: Cb): void;
    releasedir?(path: string, fd: number, cb: Cb): void;
    flush?(path: string, fd: number, cb: Cb): void;
    fsync?(path: string, datasync: boolean, fd: number, cb: Cb): void;
    fsyncdir?(path: string, datasync: boolean, fd: number, cb: Cb): void;
    truncate?(path: string, size: number, cb: Cb): void;
    ftruncate?(path: string, fd: number, size: number, cb: Cb): void;
    utimens?(path: string, atime: number, mtime: number, cb: Cb): void;
    chmod?(path: string, mode: number, cb: Cb): void;
    chown?(path: string, uid: number, gid: number, cb: Cb): void;
    unlink?(path: string, cb: Cb): void;
    rename?(src: string, dest: string, cb: Cb): void;
    mkdir?(path: string, mode: number, cb: Cb): void;
    rmdir?(path: string, cb: Cb): void;
    link?(src: string, dest: string, cb: Cb): void;
    symlink?(src: string, dest: string, cb: Cb): void;
    readlink?(path: string, cb: CbWith<string>): void;
    mknod?(path: string, mode: number, dev: number, cb: Cb): void;
  }

  export interface FuseOptions {
    force?: boolean;
    mkdir?: boolean;
    debug?: boolean;
    fsname?: string;
    subtype?: string;
    kernelCache?: boolean;
    autoCache?: boolean;
    attrTimeout?: number;
    entryTimeout?: number;
    maxRead?: number;
    allowOther?: boolean;
    timeout?: number | false | Record<string, number | false>;
  }

  export default class Fuse {
    constructor(mnt: string, ops: FuseOps, opts?: FuseOptions);
    readonly mnt: string;
    mount(cb: (err: Error | null) => void): void;
    unmount(cb: (err: (Error & { unmountFailure?: boolean }) | null) => void): void;
    static unmount(mnt: string, cb: (err: Error | null) => void): void;
  }
}
