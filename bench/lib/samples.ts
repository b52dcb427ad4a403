// The raw measurements of several rounds, and the figures made from them.
// Times: the fastest round. On a shared machine other work only ever adds
// time, so the fastest round is the best estimate of a tool's own cost (the
// tools take turns, so each gets the same chances at a quiet moment). Peak
// RSS: the largest round. Repository growth: the median round.
import type { IngestFigures, PerTool, ToolFigures, ToolName } from './report.ts';
import type { IngestRun } from './tools.ts';

export interface Samples {
  a: PerTool<IngestRun[]>;
  b: PerTool<(IngestRun & { addedBytes: number })[]>;
  c: PerTool<IngestRun[]>;
  catSeconds: number[];
  sha256sumSeconds: number[];
  nodeSha256Seconds: number[];
  /** Streaming every file of (c) in the Strata child's way, with no Strata. */
  readSmallSeconds: number[];
  s3Objects: number[];
  /** 1-minute load average as each round started: how much else the machine was doing. */
  loadAverages: number[];
  s3StrataSeconds: number[];
  s3StrataRssKiB: number[];
  minioSingleSeconds: number[];
  minioPartsSeconds: number[];
}

export function emptySamples(): Samples {
  return { a: {}, b: {}, c: {}, catSeconds: [], sha256sumSeconds: [], nodeSha256Seconds: [], readSmallSeconds: [], s3Objects: [], loadAverages: [], s3StrataSeconds: [], s3StrataRssKiB: [], minioSingleSeconds: [], minioPartsSeconds: [] };
}

export function addSample<T>(set: PerTool<T[]>, tool: ToolName, sample: T): void {
  (set[tool] ??= []).push(sample);
}

export function fastest(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : Math.min(...xs);
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const ms = (x: number): number => Math.round(x * 1000) / 1000;
const rate = (amount: number, seconds: number | null): number | null => (seconds ? round1(amount / seconds) : null);
const peakMiB = (kib: readonly (number | null | undefined)[]): number | null => {
  const known = kib.filter((k): k is number => typeof k === 'number');
  return known.length ? Math.round(Math.max(...known) / 1024) : null;
};

function toolFigures(runs: readonly IngestRun[], bytes: number): ToolFigures {
  const seconds = fastest(runs.map((r) => r.seconds))!;
  return {
    seconds: Math.round(seconds * 1000) / 1000,
    wallSeconds: Math.round(fastest(runs.map((r) => r.wallSeconds))! * 1000) / 1000,
    mbps: rate(bytes / 1e6, seconds)!,
    maxRssMiB: peakMiB(runs.map((r) => r.maxRssKiB)),
    samplesSeconds: runs.map((r) => ms(r.seconds)),
  };
}

function perTool<T, R>(set: PerTool<T[]>, f: (runs: T[]) => R): PerTool<R> {
  const out: PerTool<R> = {};
  for (const [tool, runs] of Object.entries(set) as [ToolName, T[]][]) if (runs.length > 0) out[tool] = f(runs);
  return out;
}

export function summarise(s: Samples, spec: { aBytes: number; bBytes: number; files: number; smallBytes: number; s3SmallFiles: number }): Omit<IngestFigures, 'runtime'> {
  const objects = median(s.s3Objects);
  return {
    a: {
      bytes: spec.aBytes,
      tools: perTool(s.a, (runs) => toolFigures(runs, spec.aBytes)),
      catMBps: rate(spec.aBytes / 1e6, fastest(s.catSeconds)),
      sha256sumMBps: rate(spec.aBytes / 1e6, fastest(s.sha256sumSeconds)),
      nodeSha256MBps: rate(spec.aBytes / 1e6, fastest(s.nodeSha256Seconds)),
    },
    b: {
      bytes: spec.bBytes,
      tools: perTool(s.b, (runs) => ({
        ...toolFigures(runs, spec.bBytes),
        addedBytes: median(runs.map((r) => r.addedBytes))!,
        ...(runs[0]?.newBytes === undefined ? {} : { newChunkBytes: median(runs.map((r) => r.newBytes ?? 0))! }),
      })),
    },
    c: {
      files: spec.files,
      bytes: spec.smallBytes,
      nodeReadFilesPerSec: rate(spec.files, fastest(s.readSmallSeconds)),
      tools: perTool(s.c, (runs) => {
        const f = toolFigures(runs, spec.smallBytes);
        return { ...f, filesPerSec: rate(spec.files, f.seconds)! };
      }),
    },
    s3: {
      smallFiles: spec.s3SmallFiles,
      objects,
      objectsPer1000: objects === null ? null : (objects * 1000) / spec.s3SmallFiles,
      strataMBps: rate(spec.aBytes / 1e6, fastest(s.s3StrataSeconds)),
      strataMaxRssMiB: peakMiB(s.s3StrataRssKiB),
      minioSingleMBps: rate(spec.aBytes / 1e6, fastest(s.minioSingleSeconds)),
      minioPartsMBps: rate(spec.aBytes / 1e6, fastest(s.minioPartsSeconds)),
      samplesSeconds: { strata: s.s3StrataSeconds.map(ms), minioSingle: s.minioSingleSeconds.map(ms), minioParts: s.minioPartsSeconds.map(ms) },
    },
    loadAverages: s.loadAverages,
  };
}
