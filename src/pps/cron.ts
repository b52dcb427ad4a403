// Cron inputs: when the next tick is due (croner computes cron expressions
// and macros; `@every <duration>` is ours), and what a tick writes: a file
// named by the tick's time in the input's repo (replacing the previous one
// with `overwrite`), committed like any other input commit.
import { Cron } from 'croner';
import { isStrataError } from '../errors/index.ts';
import { parseBranchName, parsePath, parseRepoName, ROOT_PATH } from '../ids.ts';
import type { Pfs } from '../pfs/pfs.ts';
import { parseDuration } from './duration.ts';
import type { CronInputSpec } from './spec-types.ts';

/** Why the spec is not a schedule, or undefined when it is. */
export function checkCronSpec(spec: string): string | undefined {
  if (spec.startsWith('@every ')) return parseDuration(spec.slice(7).trim()) ? undefined : `${JSON.stringify(spec.slice(7))} is not a duration`;
  try {
    new Cron(spec, { paused: true }).stop();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The first tick strictly after `after`. */
export function nextTick(spec: string, after: Date): Date | undefined {
  if (spec.startsWith('@every ')) return new Date(after.getTime() + parseDuration(spec.slice(7).trim())!);
  const c = new Cron(spec, { paused: true });
  try {
    return c.nextRun(after) ?? undefined;
  } finally {
    c.stop();
  }
}

/** Commits one tick to the cron input's repo. */
export async function commitTick(pfs: Pfs, cron: CronInputSpec, at: Date): Promise<void> {
  const w = await pfs.openWriter(parseRepoName(cron.repo), { branch: parseBranchName('main') });
  try {
    if (cron.overwrite) {
      await w.delete(ROOT_PATH, { dir: true }).catch((err: unknown) => {
        if (!isStrataError(err, 'FILE_NOT_FOUND')) throw err; // the first tick: nothing to replace
      });
    }
    const stamp = at.toISOString();
    await w.put(parsePath(`/${stamp}`), (async function* () {
      yield Buffer.from(`${stamp}\n`);
    })());
    await w.close();
  } catch (err) {
    await w.abort(err).catch(() => undefined);
    throw err;
  }
}
