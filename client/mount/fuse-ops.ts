// The FUSE handlers: each call is routed to the repo view that owns the path
// (one repo at the mount's root, or several as /<repo>), run, and answered
// with the result or the negative errno of its failure. Open files live in a
// table of handles (the numbers the kernel passes back).
import { constants } from 'node:fs';
import { constants as os } from 'node:os';
import type { FuseOps, FuseStat } from 'fuse-native';
import { errnoOf, fsError, isUnexpected } from './errno.ts';
import type { OpenFile } from './open-file.ts';
import type { Attr, RepoView } from './repo-view.ts';

export interface FuseOpsOptions {
  views: RepoView[];
  /** Several repos, each as /<repo>; else the one view is the root. */
  multi: boolean;
  uid: number;
  gid: number;
  mountTimeMs: number;
  log: (line: string) => void;
}

type Route = { view: RepoView; path: string } | { view: null; path: '/' };

/** Open files of a read-only mount kept for reads by path. */
const SHARED_READERS = 1024;

export function createFuseOps(opts: FuseOpsOptions): FuseOps {
  const byName = new Map(opts.views.map((v) => [v.repo, v]));
  const handles = new Map<number, OpenFile>();
  let nextHandle = 1;

  const route = (path: string): Route => {
    if (!opts.multi) return { view: opts.views[0]!, path };
    if (path === '/') return { view: null, path: '/' };
    const slash = path.indexOf('/', 1);
    const view = byName.get(slash < 0 ? path.slice(1) : path.slice(1, slash));
    if (!view) throw fsError('ENOENT');
    return { view, path: slash < 0 ? '/' : path.slice(slash) };
  };
  const viewOf = (path: string): { view: RepoView; path: string } => {
    const r = route(path);
    if (!r.view) throw fsError('EROFS', 'the mount root lists the repos; it cannot be changed');
    return r;
  };
  const toStat = (a: Attr, writable: boolean): FuseStat => {
    const dir = a.type === 'dir';
    const mode = dir ? constants.S_IFDIR | (writable ? 0o755 : 0o555) : constants.S_IFREG | (writable ? 0o644 : 0o444);
    const size = dir ? 4096 : a.size;
    return { mode, size, uid: opts.uid, gid: opts.gid, nlink: dir ? 2 : 1, blksize: 65536, blocks: Math.ceil(size / 512), mtime: a.mtimeMs, atime: a.mtimeMs, ctime: a.mtimeMs };
  };
  const handleOf = (fd: number): OpenFile => {
    const h = handles.get(fd);
    if (!h) throw fsError('EBADF');
    return h;
  };
  // A read-only mount is mounted `ro` and answers its first open with ENOSYS: the kernel then
  // opens every file itself (keeping its page cache) and sends no OPEN and no RELEASE again, two
  // of the three round trips a `cat` of a small file cost (FUSE's no_open, Linux 3.14); the kernel
  // refuses opens for writing with EROFS itself. Reads find the file by path, shared by every
  // reader, made on its first read (which is also where a walk of a directory's files is noticed,
  // repo-view.ts); an evicted one is made again. (Directories keep libfuse's own OPENDIR: its
  // high-level readdir needs the handle that answer makes.)
  const writable = opts.views.some((v) => v.writable);
  const shared = new Map<string, Promise<OpenFile>>();
  const fileOf = (path: string, fd: number): Promise<OpenFile> => {
    if (writable) return Promise.resolve(handleOf(fd));
    let file = shared.get(path);
    if (!file) {
      const { view, path: p } = viewOf(path);
      file = view.open(p, 0);
      shared.set(path, file);
      if (shared.size > SHARED_READERS) shared.delete(shared.keys().next().value!);
      file.catch(() => shared.get(path) === file && shared.delete(path));
    }
    return file;
  };
  const addHandle = (h: OpenFile): number => {
    const fd = nextHandle++;
    handles.set(fd, h);
    return fd;
  };
  // Runs an operation and answers the kernel: cb(0, value) or cb(-errno).
  const run = <T>(op: string, path: string, cb: (code: number, value?: T) => void, fn: () => Promise<T>): void => {
    fn().then(
      (value) => cb(0, value),
      (err: unknown) => {
        if (isUnexpected(err)) opts.log(`${op} ${path}: ${err instanceof Error ? err.message : String(err)}`);
        cb(errnoOf(err));
      },
    );
  };
  // read and write answer with the byte count, or the negative errno.
  const runBytes = (op: string, path: string, cb: (n: number) => void, fn: () => Promise<number>): void => {
    run<number>(op, path, (code, n) => cb(code < 0 ? code : n!), fn);
  };

  return {
    init: (cb) => cb(0),
    statfs: (_path, cb) =>
      cb(0, { bsize: 65536, frsize: 65536, blocks: 1 << 24, bfree: 1 << 23, bavail: 1 << 23, files: 1 << 24, ffree: 1 << 23, favail: 1 << 23, fsid: 0x5354, flag: 0, namemax: 255 }),
    getattr: (path, cb) =>
      run('getattr', path, cb, async () => {
        const r = route(path);
        if (!r.view) return toStat({ type: 'dir', size: 0, mtimeMs: opts.mountTimeMs }, false);
        return toStat(await r.view.stat(r.path), r.view.writable);
      }),
    fgetattr: (path, _fd, cb) =>
      run('fgetattr', path, cb, async () => {
        const r = route(path);
        if (!r.view) return toStat({ type: 'dir', size: 0, mtimeMs: opts.mountTimeMs }, false);
        return toStat(await r.view.stat(r.path), r.view.writable);
      }),
    access: (path, mode, cb) =>
      run('access', path, cb, async () => {
        const r = route(path);
        if (r.view) await r.view.access(r.path, mode);
        else if (mode & constants.W_OK) throw fsError('EROFS');
      }),
    readdir: (path, cb) =>
      run<string[]>('readdir', path, (code, names) => (code < 0 ? cb(code) : cb(0, names)), async () => {
        const r = route(path);
        const names = r.view ? await r.view.readdir(r.path) : [...byName.keys()];
        return ['.', '..', ...names];
      }),
    open: writable
      ? (path, flags, cb) =>
          run('open', path, cb, async () => {
            const { view, path: p } = viewOf(path);
            return addHandle(await view.open(p, flags));
          })
      : (_path, _flags, cb) => cb(-os.errno.ENOSYS),
    create: (path, _mode, cb) =>
      run('create', path, cb, async () => {
        const { view, path: p } = viewOf(path);
        return addHandle(await view.create(p));
      }),
    read: (path, fd, buf, len, pos, cb) => runBytes('read', path, cb, async () => (await fileOf(path, fd)).read(buf, len, pos)),
    write: (path, fd, buf, len, pos, cb) => runBytes('write', path, cb, () => handleOf(fd).write(buf, len, pos)),
    // Only a writable mount needs to hear of closes (a commit's open files are shared, see fileOf);
    // flush and fsync go unanswered (ENOSYS), so the kernel stops sending them: bytes are in
    // scratch files as soon as written, and commits are made by flushes of the mount.
    release: writable
      ? (path, fd, cb) =>
          run('release', path, cb, async () => {
            const h = handles.get(fd);
            handles.delete(fd);
            await h?.release();
          })
      : undefined,
    truncate: (path, size, cb) =>
      run('truncate', path, cb, async () => {
        const { view, path: p } = viewOf(path);
        await view.truncate(p, size);
      }),
    ftruncate: (path, fd, size, cb) => run('ftruncate', path, cb, () => handleOf(fd).truncate(size)),
    utimens: (path, _atime, mtime, cb) =>
      run('utimens', path, cb, async () => {
        const { view, path: p } = viewOf(path);
        await view.utimens(p, Number(mtime));
      }),
    chmod: (path, _mode, cb) =>
      run('chmod', path, cb, async () => {
        const { view, path: p } = viewOf(path);
        await view.setOwnerOrMode(p);
      }),
    chown: (path, _uid, _gid, cb) =>
      run('chown', path, cb, async () => {
        const { view, path: p } = viewOf(path);
        await view.setOwnerOrMode(p);
      }),
    mkdir: (path, _mode, cb) =>
      run('mkdir', path, cb, async () => {
        const { view, path: p } = viewOf(path);
        await view.mkdir(p);
      }),
    unlink: (path, cb) =>
      run('unlink', path, cb, async () => {
        const { view, path: p } = viewOf(path);
        await view.unlink(p);
      }),
    rmdir: (path, cb) =>
      run('rmdir', path, cb, async () => {
        const { view, path: p } = viewOf(path);
        await view.rmdir(p);
      }),
    rename: (from, to, cb) =>
      run('rename', from, cb, async () => {
        const a = viewOf(from);
        const b = viewOf(to);
        if (a.view !== b.view) throw fsError('EXDEV');
        await a.view.rename(a.path, b.path);
      }),
    link: (_from, _to, cb) => cb(-os.errno.EPERM),
    symlink: (_from, _to, cb) => cb(-os.errno.EPERM),
    mknod: (_path, _mode, _dev, cb) => cb(-os.errno.EPERM),
  };
}
