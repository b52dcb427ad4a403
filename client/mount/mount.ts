// Mounting: `mountStrata` checks the mount point (recovering a stale mount a
// killed process left), opens the chunk cache, builds a view per repo,
// mounts them with FUSE, and serves the control socket. The returned Mount
// flushes (one commit per writable repo), and unmounts, flushing first. It
// also notices when someone else unmounted the directory (fusermount -u),
// flushes what was staged, and closes.
import { mkdir, readdir, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { resolve } from 'node:path';
import { StrataError, isStrataError } from '../../src/errors/index.ts';
import type { StrataClient } from '../sdk/index.ts';
import { ChunkCache } from './chunk-cache.ts';
import { ChunkFetcher } from './chunk-fetcher.ts';
import type { FetchHeap } from './fetch-heap.ts';
import { serveControl, type ControlRequest } from './control.ts';
import { createFuseOps } from './fuse-ops.ts';
import { FuseSession } from './fuse-session.ts';
import * as state from './mount-state.ts';
import { RepoView } from './repo-view.ts';
import { WritableView } from './writable-view.ts';
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
  /**
   * Write the readahead of long sequential reads to the chunk cache too
   * (default false: a big file read from end to end is kept in memory only,
   * chunk-fetcher.ts).
   */
  cacheSequential?: boolean;
  /** Flush every this many ms (writable mounts); 0 = only on request and at unmount. */
  flushIntervalMs?: number;
  readaheadBytes?: number;
  /** Held while chunks are fetched (the CLI passes V8's heap setting for a mount process, fetch-heap.ts). */
  fetchHeap?: FetchHeap;
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
  /**
   * Flushes (unless `flush: false`), then unmounts. Rejects, still mounted,
   * when the flush fails, or with `whenIdle` when a process uses the mount
   * (else a busy mount is detached lazily).
   */
  unmount(opts?: { flush?: boolean; whenIdle?: boolean }): Promise<FlushResult[]>;
  /** Settles when the mount is gone, however it went. */
  readonly closed: Promise<void>;
}

const WATCH_MS = 1000;
/** The chunk cache size when none (or a nonsensical one) is given: 2 GiB. */
export const DEFAULT_CACHE_BYTES = 2 * 1024 ** 3;

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

class StrataMount implements Mount {
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private closing: Promise<FlushResult[]> | undefined;
  private lastFlush: Promise<FlushResult[]> = Promise.resolve([]);
  private readonly timers: NodeJS.Timeout[] = [];
  control: Server | undefined;

  constructor(
    readonly dir: string,
    readonly repos: ResolvedRepo[],
    readonly notes: string[],
    private readonly views: RepoView[],
    private readonly session: FuseSession,
    private readonly paths: state.StatePaths,
    private readonly log: (line: string) => void,
  ) {
    this.closed = new Promise<void>((r) => (this.resolveClosed = r));
  }

  /** One flush at a time; each writable view becomes (at most) one commit. */
  flush(): Promise<FlushResult[]> {
    this.lastFlush = this.lastFlush.catch(() => undefined).then(async () => {
      const results: FlushResult[] = [];
      for (const v of this.views) if (v.writable) results.push({ repo: v.repo, commit: (await v.flush())?.id ?? null });
      return results;
    });
    return this.lastFlush;
  }

  unmount(o: { flush?: boolean; whenIdle?: boolean } = {}): Promise<FlushResult[]> {
    this.closing ??= (async () => {
      const results = o.flush === false ? [] : await this.flush();
      if (o.whenIdle) await this.session.unmountWhenIdle().catch((err: unknown) => rethrowNamingCommits(err, results));
      else await this.session.detach();
      await this.finish();
      return results;
    })();
    // A failed attempt (flush failed, mount busy) leaves the mount up; a later one may succeed.
    const attempt = this.closing;
    attempt.catch(() => (this.closing = this.closing === attempt ? undefined : this.closing));
    return attempt;
  }

  /** Flushes every `ms` (when something is staged), and notices an unmount done from outside. */
  startTimers(flushIntervalMs: number): void {
    if (flushIntervalMs > 0) {
      this.timers.push(
        setInterval(() => {
          if (this.closing) return;
          this.flush().then(
            (rs) => rs.filter((r) => r.commit).forEach((r) => this.log(`flushed ${r.repo} -> ${r.repo}@${r.commit}`)),
            (err: unknown) => this.log(`flush failed (changes stay staged; next try in ${flushIntervalMs} ms): ${String(err)}`),
          );
        }, flushIntervalMs),
      );
    }
    this.timers.push(setInterval(() => void this.checkStillMounted(), WATCH_MS));
    for (const t of this.timers) t.unref();
  }

  /** Someone ran fusermount -u (or the kernel dropped the mount): commit what was staged, and close. */
  private async checkStillMounted(): Promise<void> {
    if (this.closing || (await state.mountedType(this.dir)) || this.closing) return;
    this.log(`${this.dir} was unmounted from outside; flushing staged changes`);
    this.closing = this.flush().catch((err: unknown) => {
      this.log(`flush after the outside unmount failed: ${String(err)}`);
      return [];
    });
    await this.closing;
    this.session.release();
    await this.finish();
  }

  private async finish(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.control?.close();
    let kept = false;
    for (const v of this.views) {
      if (v.dirty) this.log(`${v.repo}: staged changes were not committed; their files are kept in ${this.paths.scratch}/${v.repo} until the next mount of ${this.dir}`);
      else await v.close();
      kept ||= v.dirty;
    }
    await state.removeRecord(this.paths);
    if (!kept) await rm(this.paths.dir, { recursive: true, force: true });
    this.resolveClosed();
  }

  status(): unknown {
    return { dir: this.dir, repos: this.views.map((v) => ({ repo: v.repo, commit: v.commit, writable: v.writable, dirty: v.dirty })) };
  }
}

/** A busy mount after a flush that committed: say so, or the person may think nothing was. */
function rethrowNamingCommits(err: unknown, results: FlushResult[]): never {
  const made = results.filter((r) => r.commit).map((r) => `${r.repo}@${r.commit}`);
  if (made.length === 0 || !isStrataError(err)) throw err;
  throw new StrataError(err.code, `${err.message} (the staged changes were committed: ${made.join(', ')})`, err.data, { cause: err });
}

async function makeViews(opts: MountOptions, repos: ResolvedRepo[], paths: state.StatePaths, log: (line: string) => void): Promise<RepoView[]> {
  let maxBytes = opts.cacheBytes;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    // A caller's arithmetic slip (2 << 30 is negative in JavaScript) should not cost the mount.
    log(`chunk cache size ${maxBytes} is not a positive number of bytes; using ${DEFAULT_CACHE_BYTES}`);
    maxBytes = DEFAULT_CACHE_BYTES;
  }
  const cache = await ChunkCache.open({ dir: opts.cacheDir, maxBytes, log });
  const fetcher = new ChunkFetcher(opts.client, cache, { heap: opts.fetchHeap, cacheSequential: opts.cacheSequential });
  const views: RepoView[] = [];
  for (const r of repos) {
    const o = { client: opts.client, fetcher, repo: r.repo, commit: r.commit, commitTimeMs: r.commitTimeMs, readaheadBytes: opts.readaheadBytes };
    if (r.writable && r.branch !== undefined) views.push(new WritableView(o, r.branch, await Scratch.create(`${paths.scratch}/${r.repo}`)));
    else views.push(new RepoView(o));
  }
  return views;
}

export async function mountStrata(opts: MountOptions): Promise<Mount> {
  const dir = resolve(opts.dir);
  const log = opts.log ?? (() => undefined);
  const paths = state.statePaths(dir, opts.env);
  const notes: string[] = [];
  const repos = await resolveRepos(opts.client, opts.refs, opts.write ?? false);
  await prepareMountPoint(dir, paths, notes);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const leftover = await readdir(paths.scratch).catch(() => [] as string[]);
  if (leftover.length > 0 && notes.length === 0) notes.push('discarded the unflushed scratch files of an earlier mount of this directory');
  await rm(paths.scratch, { recursive: true, force: true });
  const views = await makeViews(opts, repos, paths, log);

  const ops = createFuseOps({ views, multi: opts.multi ?? repos.length > 1, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, mountTimeMs: Date.now(), log });
  const session = await FuseSession.mount(dir, ops, { writable: repos.some((r) => r.writable), debug: opts.debug });
  const mount = new StrataMount(dir, repos, notes, views, session, paths, log);
  try {
    mount.control = await serveControl(paths.socket, async (req: ControlRequest) => {
      if (req.op === 'flush') return mount.flush();
      if (req.op === 'unmount') return mount.unmount({ whenIdle: true });
      return mount.status();
    });
    await state.writeRecord(paths, { pid: process.pid, dir, repos: repos.map((r) => ({ repo: r.repo, commit: r.commit, branch: r.branch, writable: r.writable })), startedAtMs: Date.now() });
  } catch (err) {
    await session.detach().catch(() => undefined);
    throw err;
  }
  mount.startTimers(opts.flushIntervalMs ?? 0);
  return mount;
}
