// Building core Refs from ids the console already holds.
import type { CommitId, RepoName } from '../../src/ids.ts';
import type { Ref } from '../../src/ref.ts';

export function commitRef(repo: RepoName, id: CommitId): Ref {
  return { repo, target: { kind: 'commit', id }, ancestry: null, path: null, trailingSlash: false };
}
