// Turns a mount's staged changes (overlay.ts) into the operations of one
// ModifyFile session, in an order the server applies correctly (a later
// operation on a path wins; deleting a directory drops what was staged under
// it before):
//   1. deletes of what the base has at hidden paths (parents first; nothing
//      under an already deleted directory, which the server would refuse);
//   2. moved directories: one copy by reference of the whole directory, or,
//      when changes were made inside it, a copy of each file still showing;
//   3. renamed files: copies by reference;
//   4. new contents: puts from the scratch files (written since the last flush).
// commitOverlay sends the plan as one ModifyFile session: one commit, or none.
import type { CommitInfo, StrataClient } from '../sdk/index.ts';
import type { CommitTree } from './commit-tree.ts';
import { isWithin, type LocalFile, type Overlay } from './overlay.ts';
import type { Scratch } from './scratch.ts';

export type FlushOp =
  | { op: 'delete'; path: string; dir: boolean }
  | { op: 'copy'; from: string; to: string }
  | { op: 'put'; path: string; file: LocalFile };

export interface PlanBase {
  /** What the base commit has at exactly this path. */
  typeAt(path: string): Promise<'file' | 'dir' | undefined>;
  /** Every file under a base directory (paths in the base). */
  walk(dir: string): AsyncIterable<string>;
}

/** Path order with each directory's subtree right after it ('/' sorts first). */
function pathOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

export async function* planFlush(overlay: Overlay, base: PlanBase): AsyncGenerator<FlushOp> {
  const deletedDirs: string[] = [];
  const hidden = [...new Set([...overlay.deleted, ...overlay.moved.keys()])].sort(pathOrder);
  for (const path of hidden) {
    if (deletedDirs.some((d) => isWithin(path, d))) continue;
    const type = await base.typeAt(path);
    if (type === undefined) continue;
    if (type === 'dir') deletedDirs.push(path);
    yield { op: 'delete', path, dir: type === 'dir' };
  }
  for (const [to, from] of [...overlay.moved].sort((a, b) => pathOrder(a[0], b[0]))) {
    if (!overlay.hasChangesUnder(to)) {
      yield { op: 'copy', from, to };
      continue;
    }
    for await (const file of base.walk(from)) {
      const view = from === '/' ? `${to}${file}` : `${to}${file.slice(from.length)}`;
      if (!overlay.files.has(view) && overlay.baseOf(view) === file) yield { op: 'copy', from: file, to: view };
    }
  }
  for (const [path, f] of overlay.files) if (f.kind === 'ref') yield { op: 'copy', from: f.basePath, to: path };
  for (const [path, f] of overlay.files) if (f.kind === 'local' && f.dirty) yield { op: 'put', path, file: f };
}

/**
 * Sends the plan as one ModifyFile session: the new commit, or an error with
 * nothing committed. Copies read from `tree` (the commit the mount showed);
 * deletes are checked against `head` (what the branch holds now, which moves
 * when others commit to it), so a path someone else already removed is not
 * deleted twice.
 */
export async function commitOverlay(opts: { client: StrataClient; target: string; tree: CommitTree; head: CommitTree; overlay: Overlay; scratch: Scratch }): Promise<CommitInfo> {
  const { client, tree, head } = opts;
  const base: PlanBase = {
    typeAt: async (path) => (await head.stat(path))?.type,
    walk: async function* (dir) {
      for await (const f of client.walk(tree.ref(dir))) yield f.path;
    },
  };
  const { commit } = await client.modify(opts.target, async (m) => {
    for await (const op of planFlush(opts.overlay, base)) {
      if (op.op === 'delete') await m.delete(op.path, { dir: op.dir });
      else if (op.op === 'copy') await m.copy(tree.ref(op.from), op.to);
      else await m.put(op.path, opts.scratch.path(op.file.id));
    }
  });
  return commit;
}
