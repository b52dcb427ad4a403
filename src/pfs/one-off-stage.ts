// The staged changes of a one-off commit: held in memory, and spilled to the
// metadata store (under the commit's id, which has no record until it
// finishes) once they outgrow the memory bound. Nothing of a one-off commit
// is visible before it finishes, so a crash leaves only spilled staging,
// which start-up clears.
import type { CommitId, FilePath, RepoName } from '../ids.ts';
import { comparePaths } from '../ids.ts';
import type { IndexChange } from '../index/index.ts';
import type { PfsContext } from './context.ts';
import { clearStaging, stageDelete, stagedChanges, stagedFile, stagePuts, withAttrs, type StagedFile } from './staging.ts';

/** Staged puts kept in memory before they spill to the metadata store. */
export const ONE_OFF_MEMORY_ENTRIES = 20_000;

export class OneOffStage {
  private memory = new Map<FilePath, StagedFile>();
  /** A batch on its way to the metadata store: still served from here until written. */
  private spilling: Promise<void> = Promise.resolve();
  private inFlight = new Map<FilePath, StagedFile>();
  private spilled = false;

  constructor(
    private readonly ctx: PfsContext,
    readonly repo: RepoName,
    readonly id: CommitId,
    private readonly maxInMemory = ONE_OFF_MEMORY_ENTRIES,
  ) {}

  /** The staged state of a path: a put, 'deleted', or undefined when this commit has not touched it. */
  async lookup(path: FilePath): Promise<StagedFile | 'deleted' | undefined> {
    const mine = this.memory.get(path) ?? this.inFlight.get(path);
    if (mine) return mine;
    if (!this.spilled) return undefined;
    const staged = await stagedFile(this.ctx, this.repo, this.id, path);
    if (!staged) return undefined;
    return staged.op === 'put' ? staged : 'deleted';
  }

  async put(path: FilePath, file: StagedFile): Promise<void> {
    this.memory.set(path, file);
    if (this.memory.size >= this.maxInMemory) await this.spill();
  }

  /** Deletes are rare: everything spills first, so the metadata store orders them against earlier puts. */
  async delete(path: FilePath, dir: boolean): Promise<void> {
    await this.spill();
    await stageDelete(this.ctx, this.repo, this.id, path, dir);
    this.spilled = true;
  }

  /** Moves what is in memory to the metadata store; concurrent callers queue behind one another. */
  private spill(): Promise<void> {
    this.spilling = this.spilling.then(async () => {
      if (this.memory.size === 0) return;
      this.inFlight = this.memory;
      this.memory = new Map();
      this.spilled = true;
      await stagePuts(this.ctx, this.repo, this.id, [...this.inFlight].map(([path, file]) => ({ path, file })));
      this.inFlight = new Map();
    });
    return this.spilling;
  }

  /** All staged changes in path order; in-memory puts override spilled records of the same path. */
  async *changes(onChunk: (hash: string) => void): AsyncGenerator<IndexChange> {
    await this.spilling;
    const mine = [...this.memory.keys()].sort(comparePaths);
    let i = 0;
    const memoryChange = (path: FilePath): IndexChange => {
      const file = this.memory.get(path)!;
      for (const c of file.chunks) onChunk(c.hash);
      return { op: 'put', entry: withAttrs({ path, size: file.size, hash: file.hash, chunks: file.chunks }, file.attrs) };
    };
    if (this.spilled) {
      for await (const change of stagedChanges(this.ctx, this.repo, this.id, onChunk)) {
        const at = (change.op === 'put' ? change.entry.path : change.path) as FilePath;
        while (i < mine.length && comparePaths(mine[i]!, at) < 0) yield memoryChange(mine[i++]!);
        if (i < mine.length && mine[i] === at && change.op !== 'deleteDir') continue; // overridden by a later in-memory put
        yield change;
      }
    }
    while (i < mine.length) yield memoryChange(mine[i++]!);
  }

  async discard(): Promise<void> {
    await this.spilling.catch(() => undefined);
    this.memory.clear();
    if (this.spilled) await clearStaging(this.ctx, this.repo, this.id);
  }
}
