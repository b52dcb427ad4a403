// The output commit of a job, built incrementally: starting from the
// previous successful job's output (the branch head), the outputs of datums
// that are gone are deleted and the outputs of new datums are added by
// reference (no bytes copied). Datums present in both are carried over
// untouched. Two datums writing one path fail the job, naming both.
import { StrataError, isStrataError } from '../errors/index.ts';
import { parseCommitId, type FilePath, type RepoName } from '../ids.ts';
import type { Pfs } from '../pfs/pfs.ts';
import type { DatumRecord } from './records.ts';

export interface OutputPlan {
  deletes: string[];
  puts: DatumRecord[];
  /** Everything is rewritten: the head is not the previous job's output. */
  full: boolean;
}

/** Refuses two datums writing the same path. */
export function checkCollisions(datums: readonly DatumRecord[]): void {
  const owner = new Map<string, string>();
  for (const d of datums) {
    for (const o of d.outputs) {
      const other = owner.get(o.path);
      if (other !== undefined && other !== d.id) {
        throw new StrataError('OUTPUT_COLLISION', `datums ${other} and ${d.id} both wrote ${o.path}; each output path must come from one datum (write under /pfs/out/$PACH_DATUM_ID/ or split the glob differently)`, {
          path: o.path,
          datum: other,
          otherDatum: d.id,
        });
      }
      owner.set(o.path, d.id);
    }
  }
}

/** What to change, given the datums of this job and those of the job whose output is the head (if it is). */
export function planOutput(current: readonly DatumRecord[], previous: readonly DatumRecord[] | undefined): OutputPlan {
  if (!previous) return { deletes: [], puts: [...current], full: true };
  const now = new Set(current.map((d) => d.hash));
  const before = new Set(previous.map((d) => d.hash));
  const deletes = previous.filter((d) => !now.has(d.hash)).flatMap((d) => d.outputs.map((o) => o.path));
  return { deletes, puts: current.filter((d) => !before.has(d.hash)), full: false };
}

/** Applies the plan to the open output commit. */
export async function writeOutput(pfs: Pfs, repo: RepoName, commit: string, plan: OutputPlan): Promise<void> {
  const w = await pfs.openWriter(repo, { commit: parseCommitId(commit) });
  try {
    if (plan.full) {
      await w.delete('/' as FilePath, { dir: true }).catch((err: unknown) => {
        if (!isStrataError(err, 'FILE_NOT_FOUND')) throw err; // an empty branch: nothing to replace
      });
    }
    for (const path of plan.deletes) await w.delete(path as FilePath);
    for (const d of plan.puts) for (const o of d.outputs) await w.putChunks(o.path as FilePath, o.chunks);
    await w.close();
  } catch (err) {
    await w.abort(err).catch(() => undefined);
    throw err;
  }
}
