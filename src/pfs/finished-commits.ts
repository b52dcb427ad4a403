// Finished commit records a server has just landed or seen through the
// commit watch, by repo and id, so that a writer reads the head it builds on
// without a metadata round trip: on etcd each one-off commit read its head
// record twice (when the writer opened and when it landed), mostly a record
// this server had just written or had just been told of by its watch.
//
// Why a cache is safe here: a finished commit never becomes open again, and
// what a writer takes from its head (state, index root, size, pack hints)
// never changes once finished; a squash rewrites a finished record's parent
// and provenance only, and the watch brings the new value anyway. Commit
// ids are random, so a deleted and re-created repo cannot meet an old
// entry. Which commit is the head is never cached: the branch record is
// read from the store, and the head moves only by compare-and-set on it.
import type { CommitId, RepoName } from '../ids.ts';
import type { CommitRecord } from '../meta/records.ts';

/** Records kept; past this the cache starts over (a head is read once more, nothing is wrong). */
const MAX_ENTRIES = 4096;

export class FinishedCommits {
  readonly #records = new Map<string, CommitRecord>();

  get(repo: RepoName, id: CommitId): CommitRecord | undefined {
    return this.#records.get(`${repo}\0${id}`);
  }

  /** Keeps `c` if it is finished (an open record still changes). */
  saw(c: CommitRecord): void {
    if (c.state !== 'finished') return;
    if (this.#records.size >= MAX_ENTRIES) this.#records.clear();
    this.#records.set(`${c.repo}\0${c.id}`, c);
  }

  /** The record was deleted (a dropped commit, a deleted repo). */
  forget(repo: string, id: string): void {
    this.#records.delete(`${repo}\0${id}`);
  }
}

/**
 * Per branch, the record (bytes) this server's last one-off commit on it
 * wrote. A writer that found exactly these bytes when it opened, and lands
 * with no landing of this server on the branch since, builds on them
 * without reading the branch again: only another server (or a reset, a
 * delete) can have moved it, and then the landing's compare-and-set fails
 * and the writer reads the branch and builds again. Where one server writes
 * a branch (one server, or each branch through its own) that saves one
 * etcd round trip per commit; a branch several servers write is re-read
 * after its turn is taken anyway (commits.ts).
 */
export class LandedBranches {
  readonly #records = new Map<string, Uint8Array>();

  set(repo: RepoName, branch: string, raw: Uint8Array): void {
    if (this.#records.size >= MAX_ENTRIES) this.#records.clear();
    this.#records.set(`${repo}\0${branch}`, raw);
  }

  /** What this server's last landing on the branch wrote. */
  get(repo: RepoName, branch: string): Uint8Array | undefined {
    return this.#records.get(`${repo}\0${branch}`);
  }

  /** Whether `raw` is what this server's last landing on the branch wrote. */
  is(repo: RepoName, branch: string, raw: Uint8Array): boolean {
    const mine = this.#records.get(`${repo}\0${branch}`);
    return mine !== undefined && Buffer.compare(mine, raw) === 0;
  }
}
