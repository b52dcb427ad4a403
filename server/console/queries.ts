// Read models the console's pages need, built from the core's API. Each
// costs a bounded number of metadata reads (per repo, per branch, per
// commit shown) and never walks a commit's files.
import pLimit from 'p-limit';
import { isStrataError } from '../../src/errors/index.ts';
import { DEFAULT_BRANCH, comparePaths, parsePath, type BranchName, type FilePath, type RepoName } from '../../src/ids.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { CommitInfo, DiffEntry, RepoInfo } from '../../src/pfs/types.ts';
import type { Ref } from '../../src/ref.ts';
import { commitRef } from './refs.ts';
import type { HistoryRow } from './views/files.ts';
import type { BranchRow, CommitSummary, RepoRow } from './views/repos.ts';

export function summary(c: CommitInfo): CommitSummary {
  return { id: c.id, time: c.finishedAt ?? c.startedAt, description: c.description, open: c.state === 'open' };
}

function defaultBranch(r: RepoInfo): BranchName | null {
  return r.branches.includes(DEFAULT_BRANCH) ? DEFAULT_BRANCH : (r.branches[0] ?? null);
}

async function headOf(pfs: Pfs, repo: RepoName, branch: BranchName | null): Promise<CommitSummary | null> {
  if (!branch) return null;
  const b = await pfs.inspectBranch(repo, branch);
  if (!b.head) return null;
  return summary(await pfs.inspectCommit(commitRef(repo, b.head)));
}

export async function repoRow(pfs: Pfs, r: RepoInfo): Promise<RepoRow & { createdAt: number }> {
  const main = defaultBranch(r);
  return { name: r.name, description: r.description, size: r.size, branches: r.branches.length, defaultBranch: main, last: await headOf(pfs, r.name, main), createdAt: r.createdAt };
}

export async function repoRows(pfs: Pfs): Promise<RepoRow[]> {
  const repos = await pfs.listRepos();
  repos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Promise.all(repos.map((r) => repoRow(pfs, r)));
}

export async function branchRows(pfs: Pfs, repo: RepoName): Promise<BranchRow[]> {
  const branches = await pfs.listBranches(repo);
  return Promise.all(
    branches.map(async (b) => ({
      name: b.name,
      head: b.head ? await headOf(pfs, repo, b.name) : null,
      provenance: b.provenance.map((p) => `${p.repo}@${p.branch}`),
    })),
  );
}

/**
 * One page of the changes from `older` to `newer` (older undefined: against
 * newer's parent), resuming after the path `after`. The core's diff skips
 * unchanged index ranges and starts at `after`'s range, so a page deep into
 * a huge change costs about what the first page does.
 */
export async function changePage(pfs: Pfs, newer: Ref, older: Ref | undefined, after: string | undefined, limit: number): Promise<{ entries: DiffEntry[]; next: string | null }> {
  const entries: DiffEntry[] = [];
  const from = after === undefined ? undefined : parsePath(after);
  for await (const e of pfs.diff(newer, older, { after: from })) {
    if (entries.length === limit) return { entries, next: entries[entries.length - 1]!.path };
    entries.push(e);
  }
  return { entries, next: null };
}

/** Takes up to `limit` items, and tells whether there were more. */
export async function take<T>(items: AsyncIterable<T>, limit: number): Promise<{ items: T[]; more: T | undefined }> {
  const out: T[] = [];
  for await (const it of items) {
    if (out.length === limit) return { items: out, more: it };
    out.push(it);
  }
  return { items: out, more: undefined };
}

const HISTORY_LOOKUPS_AT_ONCE = 8;

/** A file's size and hash at a commit; null where the path is no file there. */
async function fileAt(pfs: Pfs, ref: Ref, path: FilePath): Promise<{ hash: string; size: number } | null> {
  try {
    const f = await pfs.inspectFile(ref, path);
    return f.type === 'file' ? { hash: f.hash ?? '', size: f.size ?? 0 } : null;
  } catch (err) {
    if (isStrataError(err, 'FILE_NOT_FOUND')) return null;
    throw err;
  }
}

/**
 * The commits among the next `scan` of the log from `start` that changed
 * the file at `path` (added, modified, deleted). One index lookup per
 * commit: a page costs `scan` lookups however large the repo.
 */
export async function pathHistory(pfs: Pfs, start: Ref, path: FilePath, scan: number): Promise<{ rows: HistoryRow[]; next: string | null; scanned: number }> {
  const { items: commits, more } = await take(pfs.log(start, { limit: scan + 1 }), scan);
  const all = more ? [...commits, more] : commits;
  const limit = pLimit(HISTORY_LOOKUPS_AT_ONCE);
  const states = await Promise.all(all.map((c) => limit(() => fileAt(pfs, commitRef(c.repo, c.id), path))));
  const rows: HistoryRow[] = [];
  commits.forEach((c, i) => {
    const cur = states[i]!;
    const prev = states[i + 1] ?? null;
    if (cur && !prev) rows.push({ commit: c, change: 'added', size: cur.size });
    else if (!cur && prev) rows.push({ commit: c, change: 'deleted', size: null });
    else if (cur && prev && cur.hash !== prev.hash) rows.push({ commit: c, change: 'modified', size: cur.size });
  });
  return { rows, next: more?.id ?? null, scanned: commits.length };
}
