// What a commit looks like to readers: a finished commit is its index root;
// an open commit is its parent's root with the staged changes applied, built
// on demand and cached until the next staged write (read-your-writes).
import { applyChanges } from '../index/index.ts';
import type { PfsContext } from './context.ts';
import { baseRoot } from './commits.ts';
import type { CommitRecord } from './records-io.ts';
import { stagedChanges, stageVersion } from './staging.ts';

const views = new WeakMap<PfsContext, Map<string, { version: number; root: string | null }>>();

export async function viewRoot(ctx: PfsContext, c: CommitRecord): Promise<string | null> {
  if (c.state === 'finished') return c.indexRoot;
  let cache = views.get(ctx);
  if (!cache) views.set(ctx, (cache = new Map()));
  const key = `${c.repo}/${c.id}`;
  const version = stageVersion(ctx, c.repo, c.id);
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit.root;
  // The objects written here are unreferenced once the commit finishes; GC
  // reclaims them after its grace period.
  const { root } = await applyChanges(ctx.objects, await baseRoot(ctx, c), stagedChanges(ctx, c.repo, c.id));
  if (cache.size > 64) cache.clear();
  cache.set(key, { version, root });
  return root;
}
