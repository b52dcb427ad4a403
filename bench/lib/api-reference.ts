// restic's and borg's side of the API benchmark, on the same data in the
// same run: into one repository each, a backup of (a), of (b), of the tree
// (c), then a re-backup of the unchanged tree. Their commands and settings
// are the ingest benchmark's (tools.ts).
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from './dataset.ts';
import { dirBytes } from './proc.ts';
import type { IngestTool } from './tools.ts';

export const REFERENCE_STEPS = ['backup-a', 'backup-b', 'backup-c', 'rebackup-c'] as const;
export type ReferenceStep = (typeof REFERENCE_STEPS)[number];

export interface ReferenceResult {
  seconds: number;
  maxRssKiB: number | null;
  /** User + system CPU time of the command. */
  cpuSeconds: number | null;
  /** Growth of the repository on disk: what this backup had to store. */
  addedBytes: number;
}

export interface ReferenceSample {
  steps: Partial<Record<ReferenceStep, ReferenceResult>>;
  loadAverages: Partial<Record<ReferenceStep, number>>;
}

export async function runReference(tool: IngestTool, data: Dataset, work: string, log: (msg: string) => void): Promise<ReferenceSample> {
  await mkdir(work, { recursive: true }); // borg wants the repository's parent to exist
  const repo = join(work, `${tool.name}-repo`);
  await tool.init(repo);
  const sources: Record<ReferenceStep, string> = { 'backup-a': data.a, 'backup-b': data.b, 'backup-c': data.c, 'rebackup-c': data.c };
  const sample: ReferenceSample = { steps: {}, loadAverages: {} };
  for (const step of REFERENCE_STEPS) {
    log(`${tool.name}: ${step}`);
    sample.loadAverages[step] = Math.round(loadavg()[0]! * 100) / 100;
    const before = await dirBytes(repo);
    const run = await tool.ingest(repo, data.dir, sources[step], step);
    sample.steps[step] = { seconds: run.seconds, maxRssKiB: run.maxRssKiB, cpuSeconds: run.cpuSeconds ?? null, addedBytes: (await dirBytes(repo)) - before };
  }
  return sample;
}
