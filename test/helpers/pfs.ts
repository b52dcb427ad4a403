// A real pfs for tests: LevelDB metadata on disk and a local chunk store in
// one temp directory, as the server runs it by default.
import { openChunkStore } from '../../src/blocks/chunk-store.ts';
import { createLocalBlockStore } from '../../src/blocks/local-block-store.ts';
import { createLevelMetaStore } from '../../src/meta/level-meta-store.ts';
import type { Clock } from '../../src/pfs/context.ts';
import type { MetaStore } from '../../src/meta/meta-store.ts';
import { createPfs, type Pfs } from '../../src/pfs/pfs.ts';
import { parsePath, parseRepoName, parseBranchName } from '../../src/ids.ts';
import { parseRef, type Ref } from '../../src/ref.ts';
import { collect, streamOf } from './bytes.ts';
import { createTempDir } from './tmp.ts';

export interface TestPfs {
  pfs: Pfs;
  /** The LevelDB metadata store under the pfs (auth shares it, as in the server). */
  meta: MetaStore;
  dir: string;
  close(): Promise<void>;
  reopen(): Promise<TestPfs>;
}

export async function openPfsAt(dir: string, opts: { packTargetBytes?: number; indexMemEntries?: number; clock?: Clock; leaseMs?: number } = {}): Promise<TestPfs> {
  const meta = await createLevelMetaStore({ path: `${dir}/meta` });
  const blocks = await createLocalBlockStore({ root: `${dir}/blocks` });
  const chunks = await openChunkStore({ blocks, packTargetBytes: opts.packTargetBytes ?? 1 << 20, indexDir: `${dir}/chunk-index`, indexMemEntries: opts.indexMemEntries });
  const pfs = await createPfs({ meta, chunks, clock: opts.clock, leaseMs: opts.leaseMs });
  const close = async (): Promise<void> => {
    await chunks.close();
    await meta.close();
    await blocks.close();
  };
  return { pfs, meta, dir, close, reopen: async () => (await close(), openPfsAt(dir, opts)) };
}

export async function createTestPfs(): Promise<TestPfs & { remove(): Promise<void> }> {
  const tmp = await createTempDir('strata-pfs');
  const t = await openPfsAt(tmp.path);
  return { ...t, remove: async () => (await t.close().catch(() => undefined), await tmp.remove()) };
}

export const repo = parseRepoName;
export const branch = parseBranchName;
export const path = parsePath;
export const ref = (s: string): Ref => parseRef(s);

/** Puts a file by `repo@branch:/path` in a one-off commit. */
export async function put(pfs: Pfs, address: string, data: string | Buffer): Promise<void> {
  const r = parseRef(address);
  if (r.target.kind !== 'branch' || !r.path) throw new Error(`test put needs repo@branch:/path, got ${address}`);
  await pfs.putFile(r.repo, { branch: r.target.branch }, r.path, streamOf(Buffer.from(data)));
}

export async function get(pfs: Pfs, address: string, opts?: { offset?: number; length?: number }): Promise<string> {
  const r = parseRef(address);
  return (await collect(await pfs.getFile(r, r.path!, opts))).toString('utf8');
}

export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
