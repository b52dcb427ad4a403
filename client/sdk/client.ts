// The Strata client: one typed method per RPC, plus upload and download
// helpers. Every failure rejects with the StrataError the server threw
// (same code, kind and data). Unary calls have a deadline; idempotent
// calls (reads, inspects, lists) are retried with backoff when the server
// is unavailable; writes never are.
import type { Readable } from 'node:stream';
import { parseRef } from '../../src/ref.ts';
import { commitRef, branchRef, fileRef, writeRef } from './refs.ts';
import { readChunkPieceLists, readChunkRefs, type ChunkReadOptions } from './chunk-reader.ts';
import { bytesReadable, chunkGroups, chunksReadable, type GetOptions } from './files-read.ts';
import type { ModifyOptions, ModifySession, PutOptions, WriteResult } from './modify.ts';
import type { PutDirectoryOptions, PutDirectoryResult } from './put-directory.ts';
import type { PutSource } from './sources.ts';
import type { PfsServiceDefinition } from '../../proto/generated/strata/pfs/v1/PfsService.ts';
import type { RequestOf, ResponseOf } from './services.ts';
import { Transport, type CallOptions, type RetryInfo, type TlsOptions } from './transport.ts';
import * as t from './types.ts';

type Method = keyof PfsServiceDefinition & string;
type Req<M extends Method> = RequestOf<PfsServiceDefinition, M>;
type Res<M extends Method> = ResponseOf<PfsServiceDefinition, M>;

export interface ClientOptions {
  /** `host:port` of the server's gRPC listener. Default `127.0.0.1:7730`. */
  address?: string;
  /** Deadline of unary calls in ms (default 30 000; 0 = none). Long waits (waitCommit, fsck, gc) have none unless given per call. */
  deadlineMs?: number;
  /**
   * Retries of idempotent calls (reads) when the server is unavailable, or
   * closed the connection under them (default 3). Writes are never retried.
   */
  retries?: number;
  /** Called before each retry, with the method, the attempt and the failure (for logs and metrics). */
  onRetry?: (info: RetryInfo) => void;
  /** First retry delay in ms, doubled each retry (default 100). */
  backoffMs?: number;
  /**
   * Before a call, wait up to this long for the connection (default 0: fail
   * at once when the server is unreachable). Safe for writes: nothing is sent
   * until connected. Useful right after starting a server.
   */
  connectTimeoutMs?: number;
  /** The bearer token once auth is on (docs/security.md). */
  token?: string;
  /** TLS: `ca` to verify the server (PEM), `cert` and `key` for mutual TLS. */
  tls?: TlsOptions;
}

/** The transport settings of ClientOptions, shared by the PFS, PPS and auth clients. */
export function transportOptions(opts: ClientOptions) {
  return {
    address: opts.address ?? DEFAULT_ADDRESS,
    deadlineMs: opts.deadlineMs ?? 30_000,
    retries: opts.retries ?? 3,
    backoffMs: opts.backoffMs ?? 100,
    connectTimeoutMs: opts.connectTimeoutMs ?? 0,
    ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
  };
}

export const DEFAULT_ADDRESS = '127.0.0.1:7730';

export function createClient(opts: ClientOptions = {}): StrataClient {
  return new StrataClient(opts);
}

async function* mapStream<W, T>(messages: AsyncIterable<W>, convert: (w: W) => T): AsyncGenerator<T, void, undefined> {
  for await (const m of messages) yield convert(m);
}

export class StrataClient {
  readonly address: string;
  private readonly transport: Transport;

  constructor(opts: ClientOptions = {}) {
    this.address = opts.address ?? DEFAULT_ADDRESS;
    this.transport = new Transport(transportOptions(opts));
  }

  /** Closes the connection; calls in flight fail. */
  close(): void {
    this.transport.close();
  }

  private read<M extends Method>(method: M, request: Req<M>, opts: CallOptions = {}): Promise<Res<M>> {
    return this.transport.unary(method, request, { ...opts, idempotent: true });
  }

  private write<M extends Method>(method: M, request: Req<M>, opts: CallOptions = {}): Promise<Res<M>> {
    return this.transport.unary(method, request, { ...opts, idempotent: false });
  }

  private stream<M extends Method, T>(method: M, request: Req<M>, convert: (w: Res<M>) => T, opts: CallOptions = {}): AsyncGenerator<T, void, undefined> {
    return mapStream(this.transport.serverStream(method, request, { ...opts, idempotent: true }), convert);
  }

  // ---- repos ----

  async createRepo(name: string, opts: CallOptions & { description?: string } = {}): Promise<t.RepoInfo> {
    return t.toRepoInfo(await this.write('CreateRepo', { name, description: opts.description ?? '' }, opts));
  }

  async inspectRepo(name: string, opts: CallOptions = {}): Promise<t.RepoInfo> {
    return t.toRepoInfo(await this.read('InspectRepo', { name }, opts));
  }

  async listRepos(opts: CallOptions = {}): Promise<t.RepoInfo[]> {
    return ((await this.read('ListRepo', {}, opts)).repos).map(t.toRepoInfo);
  }

  async deleteRepo(name: string, opts: CallOptions & { force?: boolean } = {}): Promise<void> {
    await this.write('DeleteRepo', { name, force: opts.force ?? false }, opts);
  }

  // ---- branches ----

  /** Creates `repo@branch`, optionally at the commit `from` names and with provenance (`repo@branch` refs). */
  async createBranch(branch: string, opts: CallOptions & { from?: string; provenance?: string[] } = {}): Promise<t.BranchInfo> {
    const req = { branch: branchRef(branch), from: opts.from ? commitRef(opts.from) : '', provenance: (opts.provenance ?? []).map((p) => branchRef(p)) };
    return t.toBranchInfo(await this.write('CreateBranch', req, opts));
  }

  async inspectBranch(branch: string, opts: CallOptions = {}): Promise<t.BranchInfo> {
    return t.toBranchInfo(await this.read('InspectBranch', { branch: branchRef(branch) }, opts));
  }

  async listBranches(repo: string, opts: CallOptions = {}): Promise<t.BranchInfo[]> {
    return ((await this.read('ListBranch', { repo }, opts)).branches).map(t.toBranchInfo);
  }

  async deleteBranch(branch: string, opts: CallOptions = {}): Promise<void> {
    await this.write('DeleteBranch', { branch: branchRef(branch) }, opts);
  }

  /**
   * Moves `repo@branch` to the commit `to` names (a ref of the same repo), by
   * compare-and-set: with `expectedHead` only if the head is still that
   * commit (else BRANCH_HEAD_MOVED). The old head stays reachable by id.
   */
  async resetBranch(branch: string, to: string, opts: CallOptions & { expectedHead?: string } = {}): Promise<t.ResetBranchResult> {
    const req = { branch: branchRef(branch), to: commitRef(to), expectedHead: opts.expectedHead ?? '' };
    return t.toResetBranchResult(await this.write('ResetBranch', req, opts));
  }

  // ---- tags ----

  /** Creates the tag `repo@tag` naming the finished commit `ref` names; tags never move. */
  async createTag(tag: string, ref: string, opts: CallOptions = {}): Promise<t.TagInfo> {
    return t.toTagInfo(await this.write('CreateTag', { tag: branchRef(tag, 'tag'), ref: commitRef(ref) }, opts));
  }

  async inspectTag(tag: string, opts: CallOptions = {}): Promise<t.TagInfo> {
    return t.toTagInfo(await this.read('InspectTag', { tag: branchRef(tag, 'tag') }, opts));
  }

  async listTags(repo: string, opts: CallOptions = {}): Promise<t.TagInfo[]> {
    return ((await this.read('ListTag', { repo }, opts)).tags).map(t.toTagInfo);
  }

  async deleteTag(tag: string, opts: CallOptions = {}): Promise<void> {
    await this.write('DeleteTag', { tag: branchRef(tag, 'tag') }, opts);
  }

  // ---- commits ----

  async startCommit(branch: string, opts: CallOptions & { description?: string; provenance?: string[]; metadata?: Record<string, string> } = {}): Promise<t.CommitInfo> {
    const req = { branch: branchRef(branch), description: opts.description ?? '', provenance: (opts.provenance ?? []).map(commitRef), metadata: opts.metadata ?? {} };
    return t.toCommitInfo(await this.write('StartCommit', req, opts));
  }

  async finishCommit(commit: string, opts: CallOptions & { description?: string } = {}): Promise<t.CommitInfo> {
    const req = opts.description === undefined ? { commit: commitRef(commit) } : { commit: commitRef(commit), description: opts.description };
    return t.toCommitInfo(await this.write('FinishCommit', req, opts));
  }

  async inspectCommit(commit: string, opts: CallOptions = {}): Promise<t.CommitInfo> {
    return t.toCommitInfo(await this.read('InspectCommit', { commit: commitRef(commit) }, opts));
  }

  /** Commits from `ref` back towards the root, newest first; `to` stops after that commit. */
  log(ref: string, opts: CallOptions & { to?: string; limit?: number } = {}): AsyncGenerator<t.CommitInfo, void, undefined> {
    return this.stream('ListCommit', { ref: commitRef(ref), to: opts.to ? commitRef(opts.to) : '', limit: opts.limit ?? 0 }, t.toCommitInfo, opts);
  }

  /** Resolves when the commit is finished. No deadline unless given. */
  async waitCommit(commit: string, opts: CallOptions = {}): Promise<t.CommitInfo> {
    return t.toCommitInfo(await this.transport.unary('WaitCommit', { commit: commitRef(commit) }, { ...opts, idempotent: true, defaultDeadlineMs: 0 }));
  }

  /** Every commit finished on `repo@branch` from now on, until the loop is left or `signal` aborts. */
  subscribe(branch: string, opts: CallOptions = {}): AsyncGenerator<t.CommitInfo, void, undefined> {
    return this.stream('SubscribeCommit', { branch: branchRef(branch) }, t.toCommitInfo, opts);
  }

  async squashCommit(commit: string, opts: CallOptions = {}): Promise<void> {
    await this.write('SquashCommit', { commit: commitRef(commit) }, opts);
  }

  async dropCommit(commit: string, opts: CallOptions = {}): Promise<void> {
    await this.write('DropCommit', { commit: commitRef(commit) }, opts);
  }

  /** Commits whose provenance names this one. */
  async subvenance(commit: string, opts: CallOptions = {}): Promise<t.CommitRef[]> {
    return ((await this.read('ListSubvenance', { commit: commitRef(commit) }, opts)).commits).map((c) => ({ repo: c.repo, id: c.id }));
  }

  // ---- writing files ----

  /**
   * Many puts, deletes and copies in one commit on `target` (`repo@branch` or `repo@<open commit id>`).
   * The write side (chunking, hashing, the bulk connection) is evaluated on the first write: a command
   * that only reads never loads it.
   */
  async modify(target: string, fn: (m: ModifySession) => Promise<void>, opts: ModifyOptions = {}): Promise<WriteResult> {
    const { modify } = await import('./modify.ts');
    return modify(this.transport, target, fn, opts);
  }

  /** Puts one file at `repo@branch:/path` from a local path, bytes, a Readable or an async iterable. */
  put(file: string, source: PutSource, opts: PutOptions & ModifyOptions = {}): Promise<WriteResult> {
    const { target, path } = writeRef(file);
    // The file is read and cut while the stream opens (see modify).
    return import('./modify.ts').then(({ modify }) => modify(this.transport, target, async (m) => void (await m.put(path, source, opts)), opts, { whileOpening: true }));
  }

  /**
   * Puts every file under the local directory at `repo@branch:/prefix`,
   * concurrently, in one commit. With `cacheDir`, files unchanged since the
   * last such put are skipped. A tree whose files are all the branch head's
   * already (and nothing to delete) makes no commit (`committed: false`).
   */
  async putDirectory(dir: string, localDir: string, opts: PutDirectoryOptions & ModifyOptions = {}): Promise<PutDirectoryResult> {
    const { target, path } = writeRef(dir);
    const { putDirectory } = await import('./put-directory.ts');
    const client = { inspectBranch: (b: string) => this.inspectBranch(b, opts), inspectCommit: (c: string) => this.inspectCommit(c, opts), walk: (d: string) => this.walk(d, opts), inspectFile: (f: string) => this.inspectFile(f, opts), modify: (t: string, fn: (m: ModifySession) => Promise<void>) => this.modify(t, fn, opts) };
    return putDirectory(client, target, path, localDir, opts);
  }

  /** Deletes a file, or a directory (`{ dir: true }` or a trailing `/`), in a one-off commit. */
  deleteFile(file: string, opts: ModifyOptions & { dir?: boolean } = {}): Promise<WriteResult> {
    const { target, path } = writeRef(file);
    return this.modify(target, (m) => m.delete(path, { dir: opts.dir }), opts);
  }

  /** Copies `src` (any ref with a path) to `dst` (`repo@branch:/path`) by reference. */
  copyFile(src: string, dst: string, opts: ModifyOptions = {}): Promise<WriteResult> {
    fileRef(src, 'copy source');
    const { target, path } = writeRef(dst);
    return this.modify(target, (m) => m.copy(src, path), opts);
  }

  /** The given chunk hashes the server does not have. */
  async missingChunks(hashes: string[], opts: CallOptions = {}): Promise<string[]> {
    return (await this.read('MissingChunks', { hashes }, opts)).missing;
  }

  /** Stores chunks (hash = SHA-256 hex of data) for put_chunks; see ModifySession.put for the usual way. */
  async uploadChunks(chunks: Iterable<{ hash: string; data: Uint8Array }> | AsyncIterable<{ hash: string; data: Uint8Array }>, opts: CallOptions = {}): Promise<t.UploadChunksResult> {
    await this.transport.ready();
    const call = await this.transport.clientStream('UploadChunks', opts);
    try {
      for await (const c of chunks) await call.write({ chunks: [c] });
    } catch (err) {
      call.cancel();
      throw err;
    }
    const r = await call.end();
    return { chunks: r.chunks, newChunks: r.newChunks, newBytes: r.newBytes };
  }

  // ---- reading files ----

  /**
   * A file's bytes (or `length` from `offset`) as a Readable with
   * backpressure; it errors with the StrataError. Given the file's chunk list
   * (`opts.chunks`, from inspectFile with includeChunks), it reads by chunk,
   * which is faster for large files.
   */
  get(file: string, opts: GetOptions = {}): Readable {
    const req: Req<'GetFile'> = { file, offset: opts.offset ?? 0 };
    if (opts.length !== undefined) req.length = opts.length;
    fileRef(file);
    if (opts.chunks) return chunksReadable(this.transport, opts.chunks, { ...opts, file: opts.chunksFile ?? file });
    return bytesReadable(this.transport, 'GetFile', req, opts);
  }

  /**
   * Chunks by hash (`refs` as inspectFile with includeChunks lists them), in
   * order, each verified here. With auth on, `opts.file` must name the file
   * they belong to (`repo@<commit id>:/path`), unless the caller is a cluster admin.
   * `owned`: each chunk in a buffer of its own (for a caller that keeps them;
   * else a chunk may be a view of a larger buffer received).
   */
  getChunks(refs: t.ChunkRef[], opts: ChunkReadOptions & { owned?: boolean } = {}): AsyncGenerator<Buffer, void, undefined> {
    return readChunkRefs(this.transport, refs, opts);
  }

  /**
   * As getChunks, each chunk as the pieces it arrived in (views of the
   * buffers received, no byte copied): for a caller that copies the bytes
   * on anyway, or keeps them and accepts that they keep those buffers.
   */
  getChunkPieces(refs: t.ChunkRef[], opts: ChunkReadOptions = {}): AsyncGenerator<Buffer[], void, undefined> {
    return readChunkPieceLists(this.transport, refs, opts);
  }

  /** Downloads a file to a local path (written to a temp file, renamed when complete). Returns the bytes written. */
  async getTo(file: string, localPath: string, opts: GetOptions = {}): Promise<{ bytes: number }> {
    const { writeAtomically, writeGroupsAtomically } = await import('./files-save.ts');
    let bytes = 0;
    const onBytes = (n: number): void => {
      bytes += n;
      opts.onBytes?.(n);
    };
    if (opts.chunks) {
      fileRef(file);
      await writeGroupsAtomically(chunkGroups(this.transport, opts.chunks, { ...opts, file: opts.chunksFile ?? file }), localPath, onBytes);
    } else await writeAtomically(this.get(file, { ...opts, onBytes }), localPath);
    return { bytes };
  }

  /** A tar archive of `ref` (`repo@branch:/dir`, or the whole commit), or of the files matching `glob`. */
  getTar(ref: string, opts: CallOptions & { glob?: string; onBytes?: (n: number) => void } = {}): Readable {
    parseRef(ref);
    return bytesReadable(this.transport, 'GetTar', { ref, glob: opts.glob ?? '' }, opts);
  }

  async inspectFile(file: string, opts: CallOptions & { includeChunks?: boolean } = {}): Promise<t.FileInfo> {
    fileRef(file);
    return t.toFileInfo(await this.read('InspectFile', { file, includeChunks: opts.includeChunks ?? false }, opts));
  }

  /**
   * The direct children of a directory (`repo@branch:/dir`; without a path,
   * the root). `includeChunksMaxBytes`: files of at most this size come with
   * their chunk lists (at most 16 MiB), to read them with getChunks.
   */
  list(dir: string, opts: CallOptions & { after?: string; limit?: number; includeChunksMaxBytes?: number } = {}): AsyncGenerator<t.FileInfo, void, undefined> {
    parseRef(dir);
    return this.stream('ListFile', { dir, after: opts.after ?? '', limit: opts.limit ?? 0, includeChunksMaxBytes: opts.includeChunksMaxBytes ?? 0 }, t.toFileInfo, opts);
  }

  /** Every file under a directory, recursively, in path order. */
  walk(dir: string, opts: CallOptions = {}): AsyncGenerator<t.FileInfo, void, undefined> {
    parseRef(dir);
    return this.stream('WalkFile', { dir }, t.toFileInfo, opts);
  }

  /** Files of the commit `ref` names that match `pattern` (`*`, `**`, `?`, `[...]`, `{a,b}`). */
  glob(ref: string, pattern: string, opts: CallOptions = {}): AsyncGenerator<t.FileInfo, void, undefined> {
    return this.stream('GlobFile', { ref: commitRef(ref), pattern }, t.toFileInfo, opts);
  }

  /** Changes from `oldRef` (default: the parent of `newRef`) to `newRef`, in path order. */
  diff(newRef: string, oldRef?: string, opts: CallOptions = {}): AsyncGenerator<t.DiffEntry, void, undefined> {
    return this.stream('DiffFile', { newRef: commitRef(newRef), oldRef: oldRef ? commitRef(oldRef) : '' }, t.toDiffEntry, opts);
  }

  // ---- administration ----

  async fsck(opts: CallOptions & { verifyData?: boolean } = {}): Promise<t.FsckReport> {
    return t.toFsckReport(await this.transport.unary('Fsck', { verifyData: opts.verifyData ?? false }, { ...opts, idempotent: true, defaultDeadlineMs: 0 }));
  }

  async gc(opts: CallOptions & { graceMs?: number } = {}): Promise<t.GcReport> {
    const req = opts.graceMs === undefined ? {} : { graceMs: opts.graceMs };
    return t.toGcReport(await this.transport.unary('GarbageCollect', req, { ...opts, idempotent: false, defaultDeadlineMs: 0 }));
  }

  /** The server's version and the Node.js it runs on. */
  async serverInfo(opts: CallOptions = {}): Promise<t.ServerInfo> {
    return t.toServerInfo(await this.read('GetServerInfo', {}, opts));
  }
}
