// Datum outputs are chunks stored while a job runs and named only by the
// datum records written after (in batches). Until then, a GC sweep on any
// server could delete a chunk an output deduplicated against. So each datum
// reads the GC fence before it stores its outputs, and a batch of records
// lands under the oldest fence of its datums (src/pfs/gc-fence.ts).
import { StrataError } from '../errors/index.ts';
import type { BatchOp } from '../meta/meta-store.ts';
import { fencedBatch, oldestFence, readFence, type Fence } from '../pfs/gc-fence.ts';
import type { Pfs } from '../pfs/pfs.ts';
import type { DatumRecord } from './records.ts';

export class DatumFences {
  readonly #fences = new WeakMap<DatumRecord, Fence>();

  constructor(private readonly pfs: Pfs) {}

  /** The fence a datum reads before it stores any output chunk. */
  read(): Promise<Fence> {
    return readFence(this.pfs.context);
  }

  remember(record: DatumRecord, fence: Fence | undefined): void {
    if (fence) this.#fences.set(record, fence);
  }

  /** Writes a batch of datum records; fenced when any of them stored outputs. */
  writer(batch: readonly DatumRecord[], what: string): ((ops: BatchOp[]) => Promise<void>) | undefined {
    const fence = oldestFence(batch.flatMap((r) => this.#fences.get(r) ?? []));
    if (!fence) return undefined;
    const hashes = () => batch.flatMap((r) => r.outputs.flatMap((o) => o.chunks.map((c) => Buffer.from(c.hash, 'hex'))));
    return async (ops) => {
      if (!(await fencedBatch(this.pfs.context, fence, ops, hashes, what))) {
        throw new StrataError('CONCURRENT_UPDATE', `${what}: the records could not be written; retry the job`);
      }
    };
  }
}
