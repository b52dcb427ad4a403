// What each `REF` given to `strata mount` stands for: the repo, the commit
// the view starts from, and whether it may be written. A commit (an id, or
// an ancestry such as `main^`) mounts read-only; a branch mounts its head,
// read-only unless --write, which makes flushes commit to that branch.
import { StrataError, isStrataError } from '../../src/errors/index.ts';
import { parseRef } from '../../src/ref.ts';
import type { StrataClient } from '../sdk/index.ts';

export interface ResolvedRepo {
  /** The ref as given. */
  ref: string;
  repo: string;
  /** The branch flushes commit to (writable views only). */
  branch?: string;
  commit: string | null;
  commitTimeMs: number;
  writable: boolean;
}

export async function resolveRepos(client: StrataClient, refs: string[], write: boolean): Promise<ResolvedRepo[]> {
  if (refs.length === 0) throw new StrataError('INVALID_ARGUMENT', 'nothing to mount: give REF, or --repo NAME@REF (repeatable)');
  const out: ResolvedRepo[] = [];
  for (const ref of refs) {
    const parsed = parseRef(ref);
    if (parsed.path !== null) {
      throw new StrataError('INVALID_ARGUMENT', `cannot mount "${ref}": a mount shows a whole repo; give it without ":/path"`, { input: ref });
    }
    if (out.some((r) => r.repo === parsed.repo)) {
      throw new StrataError('INVALID_ARGUMENT', `repo "${parsed.repo}" is given twice; each repo mounts once, as DIR/${parsed.repo}`, { repo: parsed.repo });
    }
    const isBranch = parsed.target.kind === 'branch' && parsed.ancestry === null;
    if (isBranch) {
      const branch = parsed.target.kind === 'branch' ? parsed.target.branch : '';
      const info = await client.inspectBranch(`${parsed.repo}@${branch}`).catch((err: unknown) => {
        // A writable mount of a branch that does not exist yet starts empty; its first flush makes it.
        if (write && isStrataError(err, 'BRANCH_NOT_FOUND')) return { head: undefined };
        throw err;
      });
      const head = info.head ? await client.inspectCommit(`${parsed.repo}@${info.head}`) : undefined;
      out.push({
        ref,
        repo: parsed.repo,
        branch: write ? branch : undefined,
        commit: head?.id ?? null,
        commitTimeMs: head ? (head.finishedAtMs ?? head.startedAtMs) : Date.now(),
        writable: write,
      });
    } else {
      const c = await client.inspectCommit(ref);
      out.push({ ref, repo: parsed.repo, commit: c.id, commitTimeMs: c.finishedAtMs ?? c.startedAtMs, writable: false });
    }
  }
  return out;
}
