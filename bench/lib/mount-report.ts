// The mount benchmark's output: figures, the targets with their
// ratios, a readable table (with the published JuiceFS and s3fs numbers
// beside), and the one-line JSON record.
import type { MachineInfo } from './proc.ts';
import { markdownTable, num } from './report.ts';

export interface MountFigures {
  fileBytes: number;
  files: number;
  /** Directories plus files plus the root, as `find` prints them. */
  entries: number;
  catLocalMBps: number | null;
  getMBps: number | null;
  coldReadMBps: number | null;
  warmReadMBps: number | null;
  /** First walk of a fresh mount: directories are listed from the server. */
  walkColdEntriesPerSec: number | null;
  walkWarmEntriesPerSec: number | null;
  smallCatFilesPerSec: number | null;
  writeSeconds: number | null;
  flushSeconds: number | null;
  /** Bytes over write + flush. */
  writeFlushMBps: number | null;
  eagerSeconds: number | null;
  eagerFilesPerSec: number | null;
  /** 1-minute load average before each step. */
  loadAverages: Record<string, number>;
}

export interface MountTarget {
  id: string;
  rule: string;
  ratio: number | null;
  pass: boolean | null;
}

/** Published single-stream figures (MiB/s), printed beside ours; not measured here. */
export const PUBLISHED = { juicefsReadMiBps: 570, s3fsReadMiBps: 350, s3fsWriteMiBps: 67 } as const;
const MiB_IN_MB = 1.048576;

const ratioOf = (x: number | null, y: number | null): number | null => (x == null || y == null || y === 0 ? null : Math.round((x / y) * 1000) / 1000);

export function evaluateTargets(f: MountFigures): MountTarget[] {
  const atLeast = (id: string, rule: string, value: number | null, min: number): MountTarget => {
    const ratio = ratioOf(value, min);
    return { id, rule, ratio, pass: ratio === null ? null : ratio >= 1 };
  };
  const ofGet = ratioOf(f.coldReadMBps, f.getMBps);
  // Cold read and small-file cat are judged by issue 8's targets, which replaced issue 5's
  // (cold read ≥ 400 MB/s and ≥ 0.6 × get, cat ≥ 5,000 /s); the rest are still issue 5's.
  return [
    atLeast('cold_read', '≥ 300 MB/s', f.coldReadMBps, 300),
    { id: 'cold_vs_get', rule: '≥ 0.9 × get', ratio: ofGet, pass: ofGet === null ? null : ofGet >= 0.9 },
    atLeast('warm_read', '≥ 1,000 MB/s', f.warmReadMBps, 1000),
    atLeast('walk', '≥ 10,000 /s', f.walkColdEntriesPerSec, 10_000),
    atLeast('small_cat', '≥ 3,000 /s', f.smallCatFilesPerSec, 3000),
    atLeast('write_flush', '≥ 200 MB/s', f.writeFlushMBps, 200),
    atLeast('eager', '≥ 10,000 /s', f.eagerFilesPerSec, 10_000),
  ];
}

export function formatTable(f: MountFigures, targets: MountTarget[]): string {
  const t = Object.fromEntries(targets.map((x) => [x.id, x])) as Record<string, MountTarget>;
  const judged = (x: MountTarget | undefined): string[] => (x ? [x.rule, num(x.ratio, 2), x.pass === null ? '–' : x.pass ? 'PASS' : 'MISS'] : ['', '', '']);
  const mb = (mib: number): string => `${mib} MiB/s (${num(mib * MiB_IN_MB)} MB/s)`;
  const size = f.fileBytes >= 1 << 30 ? `${num(f.fileBytes / (1 << 30), 2)} GiB` : `${num(f.fileBytes / (1 << 20))} MiB`;
  const rows: string[][] = [
    ['figure', 'value', 'reference', 'target', 'ratio', 'pass'],
    [`cat of a local copy (${size}), MB/s`, num(f.catLocalMBps), 'page cache', '', '', ''],
    [`strata get to a file, MB/s`, num(f.getMBps), '', '', '', ''],
    [`mount: sequential read, cold, MB/s`, num(f.coldReadMBps), `JuiceFS ~${mb(PUBLISHED.juicefsReadMiBps)}`, ...judged(t.cold_read)],
    [`mount: cold read / strata get`, num(ratioOf(f.coldReadMBps, f.getMBps), 2), `s3fs ~${mb(PUBLISHED.s3fsReadMiBps)}`, ...judged(t.cold_vs_get)],
    [`mount: sequential read, warm, MB/s`, num(f.warmReadMBps), `local cat ${num(f.catLocalMBps)} MB/s`, ...judged(t.warm_read)],
    [`mount: find -printf %s, ${num(f.entries)} entries, first walk, /s`, num(f.walkColdEntriesPerSec), '', ...judged(t.walk)],
    [`mount: find -printf %s, second walk, /s`, num(f.walkWarmEntriesPerSec), '', '', '', ''],
    [`mount: cat of ${num(f.files)} small files, files/s`, num(f.smallCatFilesPerSec), '', ...judged(t.small_cat)],
    [`mount --write: ${size} write + flush, MB/s`, num(f.writeFlushMBps), `s3fs ~${mb(PUBLISHED.s3fsWriteMiBps)} write`, ...judged(t.write_flush)],
    [`strata run --eager, ${num(f.files)} files, files/s`, num(f.eagerFilesPerSec), '', ...judged(t.eager)],
  ];
  return markdownTable(rows);
}

export function formatNotes(f: MountFigures): string {
  const loads = Object.entries(f.loadAverages).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `write ${num(f.writeSeconds, 2)} s (dd bs=4M into the mount) + flush ${num(f.flushSeconds, 2)} s (strata mount --flush, waits for the commit)`,
    `strata run --eager: ${num(f.eagerSeconds, 2)} s for the whole command (start-up, resolving, listing, download, hard links, running true, committing an empty /pfs/out)`,
    'strata get and strata run are timed as whole commands (node start-up included); mount reads are timed from the shell (cat, find, xargs)',
    'reference figures are published single-stream numbers (fio, 4 MiB blocks) on other hardware, printed for scale, not measured here',
    `1-minute load average before each step (2 = both cores busy with other work): ${loads}`,
    'MB = 10^6 bytes',
  ].join('\n');
}

export interface MountRecord {
  bench: 'mount';
  date: string;
  command: string;
  machine: MachineInfo;
  scale: number;
  /** The commit measured (`git rev-parse --short HEAD`, plus uncommitted files under client/, src/, server/). */
  strata: string;
  figures: MountFigures;
  targets: MountTarget[];
  errors: string[];
}
