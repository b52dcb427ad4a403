// The slots a job runs its datums in: at most `size` at once, each kept for
// the whole job (one sandbox and one /pfs directory per worker, see
// DatumSlot), and a plain slot for executors that run each datum on its
// own. Emptying a slot between datums keeps its out/ directory (a sandbox
// holds it bound) and removes everything else.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatumSlot, Executor } from './executor.ts';

/** A slot that hands every datum to executor.run with the slot's directory. */
async function plainSlot(executor: Executor, dir: string): Promise<DatumSlot> {
  await mkdir(join(dir, 'out'), { recursive: true });
  return { pfsDir: dir, alive: true, run: (task) => executor.run({ ...task, pfsDir: dir }), close: async () => undefined };
}

/** Removes what a datum left in the slot: every input directory and the contents of out/. */
export async function emptySlot(slot: DatumSlot): Promise<void> {
  const out = join(slot.pfsDir, 'out');
  await mkdir(out, { recursive: true });
  const clear = async (dir: string, keep?: string): Promise<void> => {
    const names = await readdir(dir);
    await Promise.all(names.filter((n) => n !== keep).map((n) => rm(join(dir, n), { recursive: true, force: true })));
  };
  await clear(slot.pfsDir, 'out');
  await clear(out);
}

export interface SlotPool {
  /** Runs `fn` with a free slot (opening one when none is free). */
  use<T>(fn: (slot: DatumSlot) => Promise<T>): Promise<T>;
  /** Closes every slot and removes the pool's directory. */
  close(): Promise<void>;
}

/** Below this many datums per worker, setting up a kept sandbox costs more than it saves. */
export const SLOT_REUSE_MIN = 4;

/** `datums`: how many the pool will run, `workers` at once; few datums get plain slots. */
export function createSlotPool(executor: Executor, o: { dir: string; user: string; datums: number; workers: number }): SlotPool {
  const reuse = executor.openSlot !== undefined && o.datums >= SLOT_REUSE_MIN * Math.max(1, Math.min(o.workers, o.datums));
  const free: DatumSlot[] = [];
  const all = new Set<DatumSlot>();
  let n = 0;
  const open = async (): Promise<DatumSlot> => {
    const dir = join(o.dir, `slot-${n++}`);
    const slot = reuse ? await executor.openSlot!({ dir, user: o.user }) : await plainSlot(executor, dir);
    all.add(slot);
    return slot;
  };
  return {
    async use(fn) {
      let slot = free.pop();
      while (slot && !slot.alive) {
        all.delete(slot);
        await slot.close();
        slot = free.pop();
      }
      slot ??= await open();
      try {
        await emptySlot(slot);
        return await fn(slot);
      } finally {
        free.push(slot);
      }
    },
    async close() {
      await Promise.all([...all].map((s) => s.close()));
      all.clear();
      free.length = 0;
      await rm(o.dir, { recursive: true, force: true });
    },
  };
}
