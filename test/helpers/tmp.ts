// Temporary directories for tests: each one unique, removed by the caller.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

/** A fresh empty directory under the OS temp dir; `label` shows up in its name. */
export async function createTempDir(label = 'strata'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
