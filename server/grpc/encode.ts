// Core values -> wire messages (field names as in pfs.proto, camelCase).
import type { FsckReport, GcReport } from '../../src/pfs/gc.ts';
import type { TagInfo } from '../../src/pfs/tags.ts';
import type { BranchInfo, CommitInfo, DiffEntry, FileInfo, RepoInfo } from '../../src/pfs/types.ts';

export function repoInfo(r: RepoInfo) {
  return { name: r.name, description: r.description, createdAtMs: r.createdAt, branches: r.branches, sizeBytes: r.size };
}

export function branchInfo(b: BranchInfo) {
  return {
    repo: b.repo,
    name: b.name,
    head: b.head ?? undefined,
    provenance: b.provenance.map((p) => ({ repo: p.repo, name: p.branch })),
    createdAtMs: b.createdAt,
  };
}

export function tagInfo(t: TagInfo) {
  return { repo: t.repo, name: t.name, commit: t.commit, createdAtMs: t.createdAt };
}

export function commitInfo(c: CommitInfo) {
  return {
    repo: c.repo,
    id: c.id,
    branch: c.branch ?? undefined,
    parent: c.parent ?? undefined,
    children: c.children,
    origin: `COMMIT_ORIGIN_${c.origin.toUpperCase()}`,
    description: c.description,
    state: `COMMIT_STATE_${c.state.toUpperCase()}`,
    startedAtMs: c.startedAt,
    finishedAtMs: c.finishedAt ?? undefined,
    sizeBytes: c.size,
    fileCount: c.fileCount,
    provenance: c.provenance.map((p) => ({ repo: p.repo, id: p.commit })),
    metadata: c.metadata,
  };
}

export function fileInfo(f: FileInfo, opts: { includeChunks?: boolean } = {}) {
  return {
    path: f.path,
    type: f.type === 'dir' ? 'FILE_TYPE_DIR' : 'FILE_TYPE_FILE',
    sizeBytes: f.size,
    hash: f.hash ?? '',
    chunks: opts.includeChunks ? (f.chunks ?? []).map((c) => ({ hash: c.hash, sizeBytes: c.size })) : [],
    commit: f.commit,
  };
}

export function diffEntry(d: DiffEntry) {
  return {
    type: `DIFF_TYPE_${d.type.toUpperCase()}`,
    path: d.path,
    newSizeBytes: d.newSize,
    oldSizeBytes: d.oldSize,
    newHash: d.newHash ?? '',
    oldHash: d.oldHash ?? '',
  };
}

export function fsckReport(r: FsckReport) {
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

export function gcReport(r: GcReport) {
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
