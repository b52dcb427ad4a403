// The staged changes of a one-off commit: held in memory, and spilled once
// they outgrow the memory bound. Puts spill as sorted runs in local scratch
// files (stage-runs.ts): a bulk load then costs one sequential write and one
// merge, not a metadata record per file. The first delete moves everything
// into the metadata store (under the commit's id, which has no record until
// it finishes), which orders deletes against earlier puts, and the rest of
// the commit stages there. Nothing of a one-off commit is visible before it
// finishes, so a crash leaves only scratch files and spilled staging, both
// cleared at start-up.
import type { CommitId, FilePath, RepoName } from '../ids.ts';
import { comparePaths } from '../ids.ts';
import type { FileEntry, IndexChange } from '../index/index.ts';
import type { PfsContext } from './context.ts';
import { StageRuns } from './stage-runs.ts';
import { clearStaging, stageDelete, stagedChanges, stagedFile, stagePuts, withAttrs, type StagedFile } from './staging.ts';

/** Staged puts kept in memory before they spill (about 300 bytes of heap each). */
export const ONE_OFF_MEMORY_ENTRIES = 20_000;

/** Puts moved into the metadata store per batch when a delete arrives. */
const MOVE_BATCH = 1000;

export class OneOffStage {
  private memory = new Map<FilePath, StagedFile>();
  /** A batch on its way to the metadata store: still served from here until written. */
  private spilling: Promise<void> = Promise.resolve();
  private inFlight = new Map<FilePath, StagedFile>();
  private runs: StageRuns | undefined;
  /** Once true, every spill goes to the metadata store and no runs exist. */
  private inMeta = false;

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
    if (this.runs) return this.runs.lookup(path);
    if (!this.inMeta) return undefined;
    const staged = await stagedFile(this.ctx, this.repo, this.id, path);
    if (!staged) return undefined;
    return staged.op === 'put' ? staged : 'deleted';
  }

  async put(path: FilePath, file: StagedFile): Promise<void> {
    this.memory.set(path, file);
    if (this.memory.size >= this.maxInMemory) await this.spill();
  }

  /** Deletes are rare: everything moves to the metadata store first, which orders them against earlier puts. */
  async delete(path: FilePath, dir: boolean): Promise<void> {
    await this.moveToMeta();
    await stageDelete(this.ctx, this.repo, this.id, path, dir);
  }

  /** Moves what is in memory to a run or the metadata store; concurrent callers queue behind one another. */
  private spill(): Promise<void> {
    this.spilling = this.spilling.then(async () => {
      if (this.memory.size === 0) return;
      if (!this.inMeta) {
        this.runs ??= new StageRuns(this.ctx.chunks.scratchPath('stage'));
        this.runs.write(sortedEntries(this.memory));
        this.memory = new Map();
        return;
      }
      this.inFlight = this.memory;
      this.memory = new Map();
      await stagePuts(this.ctx, this.repo, this.id, [...this.inFlight].map(([path, file]) => ({ path, file })));
      this.inFlight = new Map();
    });
    return this.spilling;
  }

  /** Switches to staging in the metadata store: the runs, then memory, move there (newer writes overwrite older). */
  private async moveToMeta(): Promise<void> {
    await this.spilling;
    if (!this.inMeta) {
      this.inMeta = true;
      const runs = this.runs;
      if (runs) {
        // Lookups keep answering from the runs until their puts are all in the store.
        try {
          let batch: { path: FilePath; file: StagedFile }[] = [];
          for (const e of runs.merged()) {
            batch.push({ path: e.path as FilePath, file: withAttrs({ size: e.size, hash: e.hash, chunks: e.chunks }, e.attrs) });
            if (batch.length >= MOVE_BATCH) (await stagePuts(this.ctx, this.repo, this.id, batch), (batch = []));
          }
          await stagePuts(this.ctx, this.repo, this.id, batch);
        } finally {
          this.runs = undefined;
          runs.close();
        }
      }
    }
    await this.spill();
  }

  /** All staged changes in path order; in-memory puts override spilled ones of the same path. */
  async *changes(onChunk: (hash: string) => void): AsyncGenerator<IndexChange> {
    await this.spilling;
    const mine = [...this.memory.keys()].sort(comparePaths);
    let i = 0;
    const memoryChange = (path: FilePath): IndexChange => {
      const file = this.memory.get(path)!;
      for (const c of file.chunks) onChunk(c.hash);
      return { op: 'put', entry: withAttrs({ path, size: file.size, hash: file.hash, chunks: file.chunks }, file.attrs) };
    };
    const spilled = this.runs ? runChanges(this.runs, onChunk) : this.inMeta ? stagedChanges(this.ctx, this.repo, this.id, onChunk) : [];
    for await (const change of spilled) {
      const at = (change.op === 'put' ? change.entry.path : change.path) as FilePath;
      while (i < mine.length && comparePaths(mine[i]!, at) < 0) yield memoryChange(mine[i++]!);
      if (i < mine.length && mine[i] === at && change.op !== 'deleteDir') continue; // overridden by a later in-memory put
      yield change;
    }
    while (i < mine.length) yield memoryChange(mine[i++]!);
  }

  async discard(): Promise<void> {
    await this.spilling.catch(() => undefined);
    this.memory.clear();
    this.runs?.close();
    this.runs = undefined;
    if (this.inMeta) await clearStaging(this.ctx, this.repo, this.id);
  }
}

function sortedEntries(files: Map<FilePath, StagedFile>): FileEntry[] {
  return [...files.keys()].sort(comparePaths).map((path) => {
    const f = files.get(path)!;
    return withAttrs({ path, size: f.size, hash: f.hash, chunks: f.chunks }, f.attrs);
  });
}

function* runChanges(runs: StageRuns, onChunk: (hash: string) => void): Generator<IndexChange> {
  for (const entry of runs.merged()) {
    for (const c of entry.chunks) onChunk(c.hash);
    yield { op: 'put', entry };
  }
}
