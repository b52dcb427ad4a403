// The ingest benchmark's output: the targets with their ratios, a readable
// table, and the one-line JSON record of every figure.
import type { ThreadProfile } from './cpu-profile.ts';
import type { MachineInfo } from './proc.ts';

export type ToolName = 'strata' | 'restic' | 'borg';
export type PerTool<T> = Partial<Record<ToolName, T>>;

export interface ToolFigures {
  /** The fastest round. */
  seconds: number;
  wallSeconds: number;
  mbps: number;
  /** Largest over the rounds. */
  maxRssMiB: number | null;
  samplesSeconds: number[];
}

export interface IngestFigures {
  a: { bytes: number; tools: PerTool<ToolFigures>; catMBps: number | null; sha256sumMBps: number | null; nodeSha256MBps: number | null };
  /** addedBytes: growth of the repository on disk; newChunkBytes: Strata's count of chunk bytes it had not stored. */
  b: { bytes: number; tools: PerTool<ToolFigures & { addedBytes: number; newChunkBytes?: number }> };
  /** nodeReadFilesPerSec: the same files only read, as the Strata child reads them: the runtime's ceiling. */
  c: { files: number; bytes: number; nodeReadFilesPerSec: number | null; tools: PerTool<ToolFigures & { filesPerSec: number }> };
  s3: {
    smallFiles: number;
    objects: number | null;
    objectsPer1000: number | null;
    strataMBps: number | null;
    strataMaxRssMiB: number | null;
    minioSingleMBps: number | null;
    minioPartsMBps: number | null;
    samplesSeconds: Record<string, number[]>;
  };
  /** 1-minute load average as each round started (2 = both cores busy with other work). */
  loadAverages: number[];
  /** Peak RSS of the Strata child's runtime with nothing loaded (node + tsx), and of bare node. */
  runtime: { tsxIdleRssMiB: number | null; nodeIdleRssMiB: number | null };
}

export interface Target {
  id: string;
  figure: string;
  /** Text of the rule, e.g. "≥ 1.5 × borg". */
  rule: string;
  /** Relative targets: Strata / reference. Absolute ones: value / limit. */
  ratio: number | null;
  pass: boolean | null;
}

const ratioOf = (x: number | null | undefined, y: number | null | undefined): number | null =>
  x == null || y == null || y === 0 ? null : Math.round((x / y) * 1000) / 1000;

export function evaluateTargets(f: IngestFigures): Target[] {
  const minio = Math.max(f.s3.minioSingleMBps ?? 0, f.s3.minioPartsMBps ?? 0) || null;
  const atLeast = (id: string, figure: string, rule: string, ratio: number | null, min: number): Target =>
    ({ id, figure, rule, ratio, pass: ratio === null ? null : ratio >= min });
  const atMost = (id: string, figure: string, rule: string, ratio: number | null): Target =>
    ({ id, figure, rule, ratio, pass: ratio === null ? null : ratio <= 1 });
  return [
    atLeast('a_speed', '(a) MB/s', '≥ 1.5 × borg', ratioOf(f.a.tools.strata?.mbps, f.a.tools.borg?.mbps), 1.5),
    atMost('b_added', '(b) bytes added', '≤ 16 MB', ratioOf(f.b.tools.strata?.addedBytes, 16e6)),
    atLeast('c_speed', '(c) files/s', '≥ 1.5 × restic', ratioOf(f.c.tools.strata?.filesPerSec, f.c.tools.restic?.filesPerSec), 1.5),
    atMost('a_rss', 'peak RSS on (a)', '≤ 256 MiB', ratioOf(f.a.tools.strata?.maxRssMiB, 256)),
    atMost('s3_objects', 'S3 objects / 1,000 small files', '≤ 5', ratioOf(f.s3.objectsPer1000, 5)),
    atLeast('s3_speed', 'S3 MB/s on (a)', '≥ 0.8 × minio', ratioOf(f.s3.strataMBps, minio), 0.8),
  ];
}

/** A figure for a table: thousands separators, fixed digits, '–' when unknown. */
export const num = (x: number | null | undefined, digits = 0): string => (x == null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

export function formatTable(f: IngestFigures, targets: Target[]): string {
  const t = Object.fromEntries(targets.map((x) => [x.id, x])) as Record<string, Target>;
  const tools = (pick: (tool: ToolName) => number | null | undefined, digits = 0): string[] =>
    (['strata', 'restic', 'borg'] as const).map((tool) => num(pick(tool), digits));
  const judged = (target: Target | undefined): string[] =>
    target ? [target.rule, num(target.ratio, 2), target.pass === null ? '–' : target.pass ? 'PASS' : 'FAIL'] : ['', '', ''];
  const minio = Math.max(f.s3.minioSingleMBps ?? 0, f.s3.minioPartsMBps ?? 0);
  const rows: string[][] = [
    ['figure', 'Strata', 'restic', 'borg', 'target', 'ratio', 'pass'],
    [`(a) ${mib(f.a.bytes)} file, MB/s`, ...tools((x) => f.a.tools[x]?.mbps), ...judged(t.a_speed)],
    ['(b) edited copy, MB/s', ...tools((x) => f.b.tools[x]?.mbps), '', '', ''],
    ['(b) bytes added, MB', ...tools((x) => mb(f.b.tools[x]?.addedBytes), 2), ...judged(t.b_added)],
    [`(c) ${num(f.c.files)} small files, files/s`, ...tools((x) => f.c.tools[x]?.filesPerSec), ...judged(t.c_speed)],
    ['peak RSS on (a), MiB', ...tools((x) => f.a.tools[x]?.maxRssMiB), ...judged(t.a_rss)],
    ['peak RSS on (c), MiB', ...tools((x) => f.c.tools[x]?.maxRssMiB), '', '', ''],
    ['S3: objects per 1,000 small files', num(f.s3.objectsPer1000, 1), '–', '–', ...judged(t.s3_objects)],
    ['S3: (a) MB/s', num(f.s3.strataMBps), '–', '–', `${t.s3_speed?.rule} (${num(minio)})`, ...judged(t.s3_speed).slice(1)],
  ];
  return markdownTable(rows);
}

/** A Markdown table of `rows` (the first is the header): first column left-aligned, the rest right-aligned. */
export function markdownTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const line = (r: string[]): string => `| ${r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, col) => (col === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

export function formatNotes(f: IngestFigures): string {
  return [
    `physical limits on (a): cat ${num(f.a.catMBps)} MB/s, sha256sum ${num(f.a.sha256sumMBps)} MB/s, node:crypto SHA-256 of the 1 MiB-read stream ${num(f.a.nodeSha256MBps)} MB/s`,
    `limit on (c): Node streaming the same files with no Strata (as the child reads them, 32 at once) ${num(f.c.nodeReadFilesPerSec)} files/s`,
    `S3 references on (a), same s3rver: minio fPutObject as one PUT ${num(f.s3.minioSingleMBps)} MB/s, ` +
      `minio putObject of 8 MiB pieces x4 ${num(f.s3.minioPartsMBps)} MB/s (target uses the faster); Strata S3 peak RSS ${num(f.s3.strataMaxRssMiB)} MiB`,
    `Strata (b): ${num(mb(f.b.tools.strata?.newChunkBytes), 2)} MB of new chunks; the rest of "bytes added" is pack trailers and the index object`,
    `Strata runs in a child process: node --import tsx, whose idle peak RSS is ${num(f.runtime.tsxIdleRssMiB)} MiB (bare node ${num(f.runtime.nodeIdleRssMiB)} MiB); ` +
      `less that tsx overhead, Strata's peak RSS on (a) would be ${num(tsxAdjusted(f))} MiB; ` +
      'its time is open store .. flush and close done, excluding runtime start-up; restic and borg are timed as whole commands',
    'page cache warm (no privilege to drop it): each data set is read first, then the tools take turns on it; ' +
      `times are the fastest of the rounds (fresh repositories each round; load average at each round's start: ${f.loadAverages.join(', ')}), RSS the largest`,
    'MB = 10^6 bytes',
  ].join('\n');
}

export interface IngestRecord {
  bench: 'ingest';
  date: string;
  machine: MachineInfo;
  scale: number;
  runs: number;
  versions: Record<string, string>;
  figures: IngestFigures;
  targets: Target[];
  profile?: Record<string, ThreadProfile[]>;
  errors: string[];
}

function tsxAdjusted(f: IngestFigures): number | null {
  const { tsxIdleRssMiB: tsx, nodeIdleRssMiB: node } = f.runtime;
  const rss = f.a.tools.strata?.maxRssMiB;
  return rss == null || tsx == null || node == null ? null : rss - (tsx - node);
}

function mib(bytes: number): string {
  return bytes >= 1 << 30 ? `${num(bytes / (1 << 30), 2)} GiB` : `${num(bytes / (1 << 20))} MiB`;
}

function mb(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : bytes / 1e6;
}

/** Self time by function, per thread, of the profiled re-runs. */
export function formatProfiles(prof: Record<string, ThreadProfile[]>): string {
  const out: string[] = [];
  for (const [set, threads] of Object.entries(prof)) {
    out.push(`Strata (${set}) under --cpu-prof, self time by thread:`);
    for (const t of threads) {
      out.push(`  ${t.thread}: ${t.seconds} s, ${t.busyPercent}% busy`);
      for (const h of t.top) out.push(`    ${h.selfPercent.toFixed(1).padStart(5)}%  ${h.fn}${h.file ? `  ${h.file}` : ''}`);
    }
  }
  return out.join('\n');
}
