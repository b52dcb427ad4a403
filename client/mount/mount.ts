// Mounting: `mountStrata` checks the mount point (recovering a stale mount a
// killed process left), opens the chunk cache, builds a view per repo,
// mounts them with FUSE, and serves the control socket. The returned Mount
// flushes (one commit per writable repo), and unmounts, flushing first. It
// also notices when someone else unmounted the directory (fusermount -u),
// flushes what was staged, and closes.
import { mkdir, readdir, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { resolve } from 'node:path';
import Fuse from 'fuse-native';
import { StrataError } from '../../src/errors/index.ts';
import type { StrataClient } from '../sdk/index.ts';
import { ChunkCache } from './chunk-cache.ts';
import { ChunkFetcher } from './chunk-fetcher.ts';
import { serveControl, type ControlRequest } from './control.ts';
import { createFuseOps } from './fuse-ops.ts';
import * as state from './mount-state.ts';
import { RepoView } from './repo-view.ts';
import { resolveRepos, type ResolvedRepo } from './resolve-repos.ts';
import { Scratch } from './scratch.ts';

export interface MountOptions {
  client: StrataClient;
  /** The mount point (made if missing; must be empty). */
  dir: string;
  /** Refs to mount: `repo@branch`, `repo@<commit>`, `repo@branch^`... */
  refs: string[];
  /** Mount each repo as DIR/<repo> (default: when there are several). */
  multi?: boolean;
  /** Branches mount read-write (commits stay read-only). */
  write?: boolean;
  cacheDir: string;
  cacheBytes: number;
  /** Flush every this many ms (writable mounts); 0 = only on request and at unmount. */
  flushIntervalMs?: number;
  readaheadBytes?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  debug?: boolean;
}

export interface FlushResult {
  repo: string;
  /** The new commit, or null when there was nothing to commit. */
  commit: string | null;
}

export interface Mount {
  readonly dir: string;
  readonly repos: ResolvedRepo[];
  /** Notes for the person who mounted (a recovered stale mount, discarded scratch). */
  readonly notes: string[];
  flush(): Promise<FlushResult[]>;
  /** Flushes (unless `flush: false`), then unmounts. Rejects, still mounted, when the flush fails. */
  unmount(opts?: { flush?: boolean }): Promise<FlushResult[]>;
  /** Settles when the mount is gone, however it went. */
  readonly closed: Promise<void>;
}

const WATCH_MS = 1000;

async function prepareMountPoint(dir: string, paths: state.StatePaths, notes: string[]): Promise<void> {
  // A mount nobody serves answers ENOTCONN, whatever its record says (a killed process may linger as a zombie).
  if (await state.isStale(dir)) {
    await state.fusermountUnmount(dir, { lazy: true });
    notes.push(`recovered a stale mount at ${dir} (its process had been killed); staged changes that were never flushed are lost`);
  } else if (await state.mountedType(dir)) {
    const owner = await state.readRecord(paths);
    if (owner && (await state.processAlive(owner.pid))) {
      throw new StrataError('FAILED_PRECONDITION', `${dir} is already mounted by strata (pid ${owner.pid}); run "strata unmount ${dir}" first`, { dir, pid: owner.pid });
    }
    throw new StrataError('FAILED_PRECONDITION', `${dir} is already a mount point (${await state.mountedType(dir)}); unmount it first`, { dir });
  }
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length > 0) throw new StrataError('FAILED_PRECONDITION', `${dir} is not empty (${entries.length} entries); mount on an empty directory`, { dir });
}

function fuseMount(fuse: Fuse): Promise<void> {
  return new Promise((res, rej) => fuse.mount((err) => (err ? rej(err) : res())));
}

function fuseUnmount(fuse: Fuse): Promise<void> {
  return new Promise((res, rej) => fuse.unmount((err) => (err ? rej(err) : res())));
}

export async function mountStrata(opts: MountOptions): Promise<Mount> {
  const dir = resolve(opts.dir);
  const log = opts.log ?? (() => undefined);
  const paths = state.statePaths(dir, opts.env);
  const notes: string[] = [];
  const repos = await resolveRepos(opts.client, opts.refs, opts.write ?? false);
  await prepareMountPoint(dir, paths, notes);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });

  const cache = await ChunkCache.open({ dir: opts.cacheDir, maxBytes: opts.cacheBytes, log });
  const fetcher = new ChunkFetcher(opts.client, cache);
  const anyWritable = repos.some((r) => r.writable);
  const leftover = await readdir(paths.scratch).catch(() => [] as string[]);
  const views: RepoView[] = [];
  for (const r of repos) {
    const scratch = r.writable ? await Scratch.create(`${paths.scratch}/${r.repo}`) : undefined;
    views.push(new RepoView({ client: opts.client, fetcher, repo: r.repo, commit: r.commit, commitTimeMs: r.commitTimeMs, branch: r.branch, scratch, readaheadBytes: opts.readaheadBytes }));
  }
  if (leftover.length > 0 && !notes.some((n) => n.startsWith('recovered'))) notes.push('discarded the unflushed scratch files of an earlier mount of this directory');

  const multi = opts.multi ?? repos.length > 1;
  const ops = createFuseOps({ views, multi, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, mountTimeMs: Date.now(), log });
  // fsname carries options fuse-native has no flag for: big_writes (128 KiB writes, not 4 KiB),
  // hard_remove (no .fuse_hidden files for unlinked open files; they would be committed).
  const fuse = new Fuse(dir, ops, {
    fsname: `strata,big_writes,hard_remove`,
    subtype: 'strata',
    kernelCache: !anyWritable,
    autoCache: anyWritable,
    attrTimeout: anyWritable ? 1 : 60,
    entryTimeout: anyWritable ? 1 : 60,
    debug: opts.debug,
    timeout: 120_000,
  });
  await fuseMount(fuse);

  let closing: Promise<FlushResult[]> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let lastFlush: Promise<FlushResult[]> = Promise.resolve([]);

  const flush = (): Promise<FlushResult[]> => {
    lastFlush = lastFlush.catch(() => undefined).then(async () => {
      const results: FlushResult[] = [];
      for (const v of views) if (v.writable) results.push({ repo: v.repo, commit: (await v.flush())?.id ?? null });
      return results;
    });
    return lastFlush;
  };

  const finish = async (): Promise<void> => {
    clearInterval(interval);
    clearInterval(watcher);
    control.close();
    let kept = false;
    for (const v of views) {
      if (v.dirty) log(`${v.repo}: staged changes were not committed; their files are kept in ${paths.scratch}/${v.repo} until the next mount of ${dir}`);
      else await v.close();
      kept ||= v.dirty;
    }
    await state.removeRecord(paths);
    if (!kept) await rm(paths.dir, { recursive: true, force: true });
    resolveClosed();
  };

  const unmount = (o: { flush?: boolean } = {}): Promise<FlushResult[]> => {
    closing ??= (async () => {
      const results = o.flush === false ? [] : await flush();
      await fuseUnmount(fuse).catch(async (err: unknown) => {
        if (await state.mountedType(dir)) throw err;
      });
      await finish();
      return results;
    })();
    const attempt = closing;
    attempt.catch(() => (closing = closing === attempt ? undefined : closing));
    return attempt;
  };

  let control: Server;
  try {
    control = await serveControl(paths.socket, async (req: ControlRequest) => {
      if (req.op === 'flush') return flush();
      if (req.op === 'unmount') return unmount();
      return { dir, repos: views.map((v) => ({ repo: v.repo, commit: v.commit, writable: v.writable, dirty: v.dirty })) };
    });
    await state.writeRecord(paths, { pid: process.pid, dir, repos: repos.map((r) => ({ repo: r.repo, commit: r.commit, branch: r.branch, writable: r.writable })), startedAtMs: Date.now() });
  } catch (err) {
    await fuseUnmount(fuse).catch(() => undefined);
    throw err;
  }

  const interval = setInterval(() => {
    if (!closing && (opts.flushIntervalMs ?? 0) > 0) {
      flush().then(
        (rs) => rs.filter((r) => r.commit).forEach((r) => log(`flushed ${r.repo} -> ${r.repo}@${r.commit}`)),
        (err: unknown) => log(`flush failed (changes stay staged; next try in ${opts.flushIntervalMs} ms): ${String(err)}`),
      );
    }
  }, opts.flushIntervalMs && opts.flushIntervalMs > 0 ? opts.flushIntervalMs : 1 << 30);
  // Someone ran fusermount -u (or the kernel dropped the mount): commit what was staged, and close.
  const watcher = setInterval(() => {
    if (closing) return;
    void state.mountedType(dir).then(async (type) => {
      if (type || closing) return;
      log(`${dir} was unmounted from outside; flushing staged changes`);
      closing = flush().catch((err: unknown) => {
        log(`flush after the outside unmount failed: ${String(err)}`);
        return [];
      });
      await closing;
      await finish();
    });
  }, WATCH_MS);
  interval.unref();
  watcher.unref();

  return { dir, repos, notes, flush, unmount, closed };
}
