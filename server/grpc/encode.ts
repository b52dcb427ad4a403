// Core values -> wire messages, typed by the messages generated from
// pfs.proto (proto/generated/), so a field or enum value the .proto does not
// have fails to compile. The core's ChunkRef ({ hash, size }, src/ids.ts)
// becomes the wire's { hash, sizeBytes } here and nowhere else.
import type { BranchInfo as WireBranchInfo } from '../../proto/generated/strata/pfs/v1/BranchInfo.ts';
import type { CommitInfo as WireCommitInfo } from '../../proto/generated/strata/pfs/v1/CommitInfo.ts';
import type { CommitOrigin__Output } from '../../proto/generated/strata/pfs/v1/CommitOrigin.ts';
import type { CommitState__Output } from '../../proto/generated/strata/pfs/v1/CommitState.ts';
import type { DiffEntry as WireDiffEntry } from '../../proto/generated/strata/pfs/v1/DiffEntry.ts';
import type { DiffType__Output } from '../../proto/generated/strata/pfs/v1/DiffType.ts';
import type { FileInfo as WireFileInfo } from '../../proto/generated/strata/pfs/v1/FileInfo.ts';
import type { FsckResponse } from '../../proto/generated/strata/pfs/v1/FsckResponse.ts';
import type { GarbageCollectResponse } from '../../proto/generated/strata/pfs/v1/GarbageCollectResponse.ts';
import type { RepoInfo as WireRepoInfo } from '../../proto/generated/strata/pfs/v1/RepoInfo.ts';
import type { TagInfo as WireTagInfo } from '../../proto/generated/strata/pfs/v1/TagInfo.ts';
import type { FsckReport, GcReport } from '../../src/pfs/gc.ts';
import type { TagInfo } from '../../src/pfs/tags.ts';
import type { BranchInfo, CommitInfo, DiffEntry, FileInfo, RepoInfo } from '../../src/pfs/types.ts';

// The core's words -> the wire's enum names; a Record, so a word without a name fails to compile.
const ORIGIN: Record<CommitInfo['origin'], CommitOrigin__Output> = { user: 'COMMIT_ORIGIN_USER', auto: 'COMMIT_ORIGIN_AUTO', squash: 'COMMIT_ORIGIN_SQUASH' };
const STATE: Record<CommitInfo['state'], CommitState__Output> = { open: 'COMMIT_STATE_OPEN', finished: 'COMMIT_STATE_FINISHED' };
const DIFF: Record<DiffEntry['type'], DiffType__Output> = { added: 'DIFF_TYPE_ADDED', deleted: 'DIFF_TYPE_DELETED', modified: 'DIFF_TYPE_MODIFIED' };

export function repoInfo(r: RepoInfo): WireRepoInfo {
  return { name: r.name, description: r.description, createdAtMs: r.createdAt, branches: r.branches, sizeBytes: r.size };
}

export function branchInfo(b: BranchInfo): WireBranchInfo {
  return {
    repo: b.repo,
    name: b.name,
    head: b.head ?? undefined,
    provenance: b.provenance.map((p) => ({ repo: p.repo, name: p.branch })),
    createdAtMs: b.createdAt,
  };
}

export function tagInfo(t: TagInfo): WireTagInfo {
  return { repo: t.repo, name: t.name, commit: t.commit, createdAtMs: t.createdAt };
}

export function commitInfo(c: CommitInfo): WireCommitInfo {
  return {
    repo: c.repo,
    id: c.id,
    branch: c.branch ?? undefined,
    parent: c.parent ?? undefined,
    children: c.children,
    origin: ORIGIN[c.origin],
    description: c.description,
    state: STATE[c.state],
    startedAtMs: c.startedAt,
    finishedAtMs: c.finishedAt ?? undefined,
    sizeBytes: c.size,
    fileCount: c.fileCount,
    provenance: c.provenance.map((p) => ({ repo: p.repo, id: p.commit })),
    metadata: c.metadata,
  };
}

export function fileInfo(f: FileInfo, opts: { includeChunks?: boolean } = {}): WireFileInfo {
  return {
    path: f.path,
    type: f.type === 'dir' ? 'FILE_TYPE_DIR' : 'FILE_TYPE_FILE',
    sizeBytes: f.size,
    hash: f.hash ?? '',
    chunks: opts.includeChunks ? (f.chunks ?? []).map((c) => ({ hash: c.hash, sizeBytes: c.size })) : [],
    commit: f.commit,
  };
}

export function diffEntry(d: DiffEntry): WireDiffEntry {
  return {
    type: DIFF[d.type],
    path: d.path,
    newSizeBytes: d.newSize,
    oldSizeBytes: d.oldSize,
    newHash: d.newHash ?? '',
    oldHash: d.oldHash ?? '',
  };
}

export function fsckReport(r: FsckReport): FsckResponse {
  return {
    commits: r.commits,
    files: r.files,
    problems: r.problems.map((p) => ({ repo: p.repo ?? '', commit: p.commit ?? '', path: p.path ?? '', detail: p.detail })),
    data: r.data && {
      packs: r.data.packs,
      chunks: r.data.chunks,
      problems: r.data.problems.map((p) => ({ kind: p.kind, pack: p.pack, chunk: p.chunk ?? '', detail: p.detail })),
    },
  };
}

export function gcReport(r: GcReport): GarbageCollectResponse {
  return {
    commits: r.commits,
    indexObjects: r.indexObjects,
    liveChunks: r.liveChunks,
    deadChunks: r.deadChunks,
    deadBytes: r.deadBytes,
    packsDeleted: r.packsDeleted,
    packsRepacked: r.packsRepacked,
  };
}
