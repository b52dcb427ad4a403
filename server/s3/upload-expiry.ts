// Abandoned multipart uploads: a client that dies mid-upload never sends
// Abort, and its parts would keep their chunks alive (GC marks them) forever.
// S3 leaves this to lifecycle rules; the gateway aborts uploads older than a
// configured age itself, checking at start and then every `everyMs`. The age
// is measured by the core's clock, so tests move time instead of sleeping.
import type { Pfs } from '../../src/pfs/pfs.ts';

export const DAY_MS = 86_400_000;

export interface UploadSweeper {
  /** One sweep now: aborts what is old enough and returns how many. */
  sweep(): Promise<number>;
  stop(): void;
}

export function startUploadSweeper(deps: {
  pfs: Pfs;
  maxAgeMs: number;
  everyMs?: number;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}): UploadSweeper {
  const sweep = async (): Promise<number> => {
    const expired = await deps.pfs.uploads.expire(deps.maxAgeMs);
    for (const up of expired) {
      deps.log?.info({ repo: up.repo, upload: up.id, path: up.path, startedAt: new Date(up.startedAt).toISOString() }, 's3 gateway: aborted an expired multipart upload');
    }
    return expired.length;
  };
  const tick = (): void => {
    sweep().catch((err: unknown) => deps.log?.warn({ err }, 's3 gateway: expiring multipart uploads failed (retried at the next sweep)'));
  };
  if (!(deps.maxAgeMs > 0)) return { sweep: async () => 0, stop: () => undefined };
  tick();
  const timer = setInterval(tick, deps.everyMs ?? 3_600_000);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
