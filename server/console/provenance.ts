// The provenance neighbourhood of a commit: the commits it was made from
// (upstream, following each commit's provenance) and the commits made from
// it (downstream, the core's subvenance), breadth first, a few levels each
// way and a bounded number of nodes, so the page stays small and fast.
import type { CommitId, RepoName } from '../../src/ids.ts';
import type { Pfs } from '../../src/pfs/pfs.ts';
import type { CommitInfo } from '../../src/pfs/types.ts';
import type { Ref } from '../../src/ref.ts';
import { commitRef } from './refs.ts';

export const MAX_LEVELS = 4;
export const MAX_NODES = 60;

export interface GraphNode {
  key: string;
  repo: string;
  id: string;
  branch: string | null;
  description: string;
  /** 0 for the commit itself, negative upstream, positive downstream. */
  level: number;
}

export interface ProvenanceGraph {
  self: string;
  nodes: GraphNode[];
  /** From upstream key to downstream key. */
  edges: { from: string; to: string }[];
  /** Nodes were left out (levels or count). */
  truncated: boolean;
  /** Neighbours left out because the viewer may not read their repo. */
  hidden: number;
}

const keyOf = (repo: string, id: string): string => `${repo}@${id}`;

function nodeOf(c: CommitInfo, level: number): GraphNode {
  return { key: keyOf(c.repo, c.id), repo: c.repo, id: c.id, branch: c.branch, description: c.description, level };
}

/** `mayRead`: neighbours in repos it refuses are left out (and counted), so the graph names nothing the viewer may not read. */
export async function provenanceGraph(pfs: Pfs, ref: Ref, mayRead: (repo: string) => Promise<boolean> = async () => true): Promise<ProvenanceGraph> {
  const self = await pfs.inspectCommit(ref);
  const nodes = new Map<string, GraphNode>([[keyOf(self.repo, self.id), nodeOf(self, 0)]]);
  const infos = new Map<string, CommitInfo>([[keyOf(self.repo, self.id), self]]);
  const edges = new Map<string, { from: string; to: string }>();
  let truncated = false;
  const hiddenKeys = new Set<string>();
  const edge = (from: string, to: string): void => void edges.set(`${from} ${to}`, { from, to });
  // Adds the neighbour unless the graph is full; false when it was left out.
  const visit = async (repo: RepoName, id: CommitId, level: number): Promise<string | null> => {
    const key = keyOf(repo, id);
    if (nodes.has(key)) return key;
    if (hiddenKeys.has(key)) return null;
    if (!(await mayRead(repo))) return hiddenKeys.add(key), null;
    if (nodes.size >= MAX_NODES || Math.abs(level) > MAX_LEVELS) return (truncated = true), null;
    const info = await pfs.inspectCommit(commitRef(repo, id));
    infos.set(key, info);
    nodes.set(key, nodeOf(info, level));
    return key;
  };

  let frontier = [self];
  for (let level = -1; frontier.length > 0; level--) {
    const next: CommitInfo[] = [];
    for (const c of frontier) {
      for (const up of c.provenance) {
        const fresh = !nodes.has(keyOf(up.repo, up.commit));
        const key = await visit(up.repo, up.commit, level);
        if (!key) continue;
        edge(key, keyOf(c.repo, c.id));
        if (fresh) next.push(infos.get(key)!);
      }
    }
    frontier = next;
  }
  frontier = [self];
  for (let level = 1; frontier.length > 0; level++) {
    const next: CommitInfo[] = [];
    for (const c of frontier) {
      for (const down of await pfs.subvenance(commitRef(c.repo, c.id))) {
        const fresh = !nodes.has(keyOf(down.repo, down.commit));
        const key = await visit(down.repo, down.commit, level);
        if (!key) continue;
        edge(keyOf(c.repo, c.id), key);
        if (fresh) next.push(infos.get(key)!);
      }
    }
    frontier = next;
  }
  return { self: keyOf(self.repo, self.id), nodes: [...nodes.values()], edges: [...edges.values()], truncated, hidden: hiddenKeys.size };
}
