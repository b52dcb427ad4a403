// The API benchmark's figures (made from the raw samples of one or more
// rounds: times are the fastest round, memory the largest), its targets
// (issue 4), the table and the notes printed under it.
import type { StepName, StepResult, StrataSample } from './api-strata.ts';
import type { ReferenceSample, ReferenceStep } from './api-reference.ts';
import type { MachineInfo } from './proc.ts';
import { markdownTable, num, type PerTool, type Target, type ToolName } from './report.ts';
import type { ThreadProfile } from './cpu-profile.ts';
import { fastest } from './samples.ts';

export type FigureId = 'a' | 'get' | 'b' | 'c' | 'reput';

export interface ToolRow {
  /** Fastest round. */
  seconds: number;
  samplesSeconds: number[];
  mbps: number;
  filesPerSec?: number;
  /** Strata: bytes the CLI says it sent (chunk and file bytes). */
  sentBytes?: number;
  /** Strata, through the counting relay: every byte client -> server (up) and back (down). */
  wire?: { up: number; down: number; seconds: number };
  /** restic, borg: growth of the repository. */
  addedBytes?: number;
  /** Peak RSS of the command (Strata: the CLI), MiB. */
  maxRssMiB: number | null;
  /** User + system CPU time, least over the rounds (Strata: CLI + server). */
  cpuSeconds: number | null;
  /** Strata: the CPU time split between the CLI and the server. */
  cpu?: { cli: number | null; server: number | null };
}

export interface ApiFigures {
  rows: Record<FigureId, { bytes: number; files: number; tools: PerTool<ToolRow> }>;
  getSha256Ok: boolean | null;
  server: {
    peakRssMiB: number | null;
    hwmMiB: number | null;
    idleRssMiB: number | null;
    peakByStepMiB: Record<string, number>;
    rssSamples: number;
    /** Last round's: RSS, V8 heap used/allocated and external memory (MiB) as each step ended. */
    memoryAfterStep: StrataSample['server']['memoryAfterStep'];
  };
  /** `strata repo create`: a whole CLI command that moves no data. */
  cliCommandSeconds: number | null;
  /** cat (a) > /dev/null: what reading the file costs here. */
  catMBps: number | null;
  loadAverages: { strata: Partial<Record<StepName, number>>[]; restic: Partial<Record<ReferenceStep, number>>[]; borg: Partial<Record<ReferenceStep, number>>[] };
}

export interface ApiRecord {
  bench: 'api';
  date: string;
  command: string;
  machine: MachineInfo;
  scale: number;
  runs: number;
  versions: Record<string, string>;
  figures: ApiFigures;
  targets: Target[];
  profile?: Record<string, ThreadProfile[]>;
  errors: string[];
}

const STRATA_STEP: Record<FigureId, StepName> = { a: 'put-a', get: 'get-a', b: 'put-b', c: 'put-c', reput: 'reput-c' };
const REFERENCE_STEP: Partial<Record<FigureId, ReferenceStep>> = { a: 'backup-a', b: 'backup-b', c: 'backup-c', reput: 'rebackup-c' };
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
const toMiB = (kib: number | null | undefined): number | null => (kib == null ? null : Math.round(kib / 1024));
const least = (xs: (number | null | undefined)[]): number | null => {
  const known = xs.filter((x): x is number => typeof x === 'number');
  return known.length ? Math.min(...known) : null;
};
const peak = (xs: (number | null | undefined)[]): number | null => {
  const known = xs.filter((x): x is number => typeof x === 'number');
  return known.length ? Math.max(...known) : null;
};

export interface Sizes {
  aBytes: number;
  bBytes: number;
  files: number;
  treeBytes: number;
}

export function summarise(
  strata: StrataSample[],
  refs: { restic: ReferenceSample[]; borg: ReferenceSample[] },
  sizes: Sizes,
  catSeconds: number | null,
): ApiFigures {
  const bytesOf: Record<FigureId, number> = { a: sizes.aBytes, get: sizes.aBytes, b: sizes.bBytes, c: sizes.treeBytes, reput: sizes.treeBytes };
  const filesOf: Record<FigureId, number> = { a: 1, get: 1, b: 1, c: sizes.files, reput: sizes.files };
  const rows = {} as ApiFigures['rows'];
  for (const id of Object.keys(STRATA_STEP) as FigureId[]) {
    const tools: PerTool<ToolRow> = {};
    const made = (samples: { seconds: number; maxRssKiB: number | null; cpuSeconds: number | null }[]): ToolRow | undefined => {
      const seconds = fastest(samples.map((s) => s.seconds));
      if (seconds === null) return undefined;
      return {
        seconds: round(seconds, 3),
        samplesSeconds: samples.map((s) => round(s.seconds, 3)),
        mbps: round(bytesOf[id] / 1e6 / seconds),
        ...(filesOf[id] > 1 ? { filesPerSec: round(filesOf[id] / seconds) } : {}),
        maxRssMiB: toMiB(peak(samples.map((s) => s.maxRssKiB))),
        cpuSeconds: least(samples.map((s) => s.cpuSeconds)),
      };
    };
    const s = strata.map((x) => x.steps[STRATA_STEP[id]]).filter((x) => x !== undefined);
    const cpuOf = (x: StepResult): number | null => (x.cliCpuSeconds == null || x.serverCpuSeconds == null ? null : round(x.cliCpuSeconds + x.serverCpuSeconds, 2));
    const strataRow = made(s.map((x) => ({ seconds: x.seconds, maxRssKiB: x.cliMaxRssKiB, cpuSeconds: cpuOf(x) })));
    if (strataRow) {
      strataRow.cpu = { cli: least(s.map((x) => x.cliCpuSeconds)), server: least(s.map((x) => x.serverCpuSeconds ?? null)) };
      const last = s[s.length - 1]!;
      if (last.stats) strataRow.sentBytes = last.stats.sentBytes;
      const wired = id === 'reput' ? strata.map((x) => x.steps['reput-c-wire']).filter((x) => x !== undefined).pop() : last;
      if (wired?.wire) strataRow.wire = { ...wired.wire, seconds: round(wired.seconds, 3) };
      tools.strata = strataRow;
    }
    const refStep = REFERENCE_STEP[id];
    for (const tool of ['restic', 'borg'] as const) {
      const r = refStep === undefined ? [] : refs[tool].map((x) => x.steps[refStep]).filter((x) => x !== undefined);
      const row = made(r);
      if (row) tools[tool] = { ...row, addedBytes: r[r.length - 1]!.addedBytes };
    }
    rows[id] = { bytes: bytesOf[id], files: filesOf[id], tools };
  }
  const gets = strata.map((x) => x.steps['get-a']?.sha256Ok).filter((x) => x !== undefined);
  const byStep: Record<string, number> = {};
  for (const x of strata) for (const [k, v] of Object.entries(x.server.peakByStepKiB)) byStep[k] = Math.max(byStep[k] ?? 0, Math.round(v / 1024));
  return {
    rows,
    getSha256Ok: gets.length ? gets.every(Boolean) : null,
    server: {
      peakRssMiB: toMiB(peak(strata.map((x) => x.server.peakRssKiB))),
      hwmMiB: toMiB(peak(strata.map((x) => x.server.hwmKiB))),
      idleRssMiB: toMiB(peak(strata.map((x) => x.server.idleRssKiB))),
      peakByStepMiB: byStep,
      rssSamples: strata.reduce((n, x) => n + x.server.rssSamples, 0),
      memoryAfterStep: strata[strata.length - 1]?.server.memoryAfterStep ?? {},
    },
    cliCommandSeconds: fastest(strata.map((x) => x.steps.startup?.seconds).filter((x) => x !== undefined)),
    catMBps: catSeconds ? round(sizes.aBytes / 1e6 / catSeconds) : null,
    loadAverages: { strata: strata.map((x) => x.loadAverages), restic: refs.restic.map((x) => x.loadAverages), borg: refs.borg.map((x) => x.loadAverages) },
  };
}

const ratioOf = (x: number | null | undefined, y: number | null | undefined): number | null =>
  x == null || y == null || y === 0 ? null : Math.round((x / y) * 1000) / 1000;

/** Share of the tree's bytes the unchanged re-put sent client -> server, as counted on the wire. */
export function reputWireShare(f: ApiFigures): number | null {
  const up = f.rows.reput.tools.strata?.wire?.up;
  return up === undefined ? null : up / f.rows.reput.bytes;
}

export function evaluateTargets(f: ApiFigures): Target[] {
  const t = (tool: ToolName, id: FigureId) => f.rows[id].tools[tool];
  const atLeast = (id: string, figure: string, rule: string, ratio: number | null, min: number): Target => ({ id, figure, rule, ratio, pass: ratio === null ? null : ratio >= min });
  const below = (id: string, figure: string, rule: string, ratio: number | null, inclusive: boolean): Target => ({
    id, figure, rule, ratio, pass: ratio === null ? null : inclusive ? ratio <= 1 : ratio < 1,
  });
  const share = reputWireShare(f);
  // The targets of issue 8 (the data path at native speed), which replaced issue 4's
  // (1.2 x borg, 600 MB/s, 1.2 x restic) as the ones this bench is judged by.
  return [
    atLeast('put_a', 'put (a) MB/s', '≥ 1.0 × borg', ratioOf(t('strata', 'a')?.mbps, t('borg', 'a')?.mbps), 1),
    atLeast('get_a', 'get (a) MB/s', '≥ 400 MB/s', f.getSha256Ok === false ? 0 : ratioOf(t('strata', 'get')?.mbps, 400), 1),
    atLeast('put_c', 'put -r (c) files/s', '≥ 1.0 × restic', ratioOf(t('strata', 'c')?.filesPerSec, t('restic', 'c')?.filesPerSec), 1),
    // Speed of the unchanged re-put against restic's: the inverse ratio of the times.
    atLeast('reput_speed', 're-put (c) unchanged, speed', '≥ 1.0 × restic', ratioOf(t('restic', 'reput')?.seconds, t('strata', 'reput')?.seconds), 1),
    below('reput_bytes', 're-put (c) unchanged, bytes sent', '< 1 % of the tree', share === null ? null : ratioOf(share, 0.01), false),
    below('server_rss', 'server peak RSS', '≤ 300 MiB', ratioOf(peak([f.server.peakRssMiB, f.server.hwmMiB]), 300), true),
    below('server_idle_rss', 'server idle RSS', '≤ 100 MiB', ratioOf(f.server.idleRssMiB, 100), true),
  ];
}

const mb = (bytes: number | undefined, digits = 1): string => (bytes === undefined ? '–' : num(bytes / 1e6, digits));
const size = (bytes: number): string => (bytes >= 1 << 30 ? `${num(bytes / (1 << 30), 2)} GiB` : `${num(bytes / (1 << 20))} MiB`);

export function formatTable(f: ApiFigures, targets: Target[]): string {
  const byId = Object.fromEntries(targets.map((x) => [x.id, x])) as Record<string, Target>;
  const cells = (id: FigureId, pick: (row: ToolRow) => string): string[] =>
    (['strata', 'restic', 'borg'] as const).map((tool) => {
      const row = f.rows[id].tools[tool];
      return row ? pick(row) : '–';
    });
  const judged = (id?: string): string[] => {
    const target = id === undefined ? undefined : byId[id];
    return target ? [target.rule, num(target.ratio, 2), target.pass === null ? '–' : target.pass ? 'PASS' : 'MISS'] : ['', '', ''];
  };
  const pct = (x: number | null | undefined): string => (x == null ? '–' : `${num(x * 100, 3)} %`);
  const growth = (row: ToolRow): string => pct(row.addedBytes === undefined ? null : row.addedBytes / f.rows.reput.bytes);
  const [, resticReput, borgReput] = cells('reput', growth);
  const rssOf = (tool: 'restic' | 'borg'): string => num(peak((Object.keys(f.rows) as FigureId[]).map((id) => f.rows[id].tools[tool]?.maxRssMiB)));
  const rows: string[][] = [
    ['figure', 'Strata', 'restic', 'borg', 'target', 'ratio', 'pass'],
    [`put (a) ${size(f.rows.a.bytes)} file, MB/s`, ...cells('a', (r) => num(r.mbps)), ...judged('put_a')],
    [`get (a) to a file, MB/s${f.getSha256Ok === false ? ' (SHA-256 WRONG)' : ''}`, ...cells('get', (r) => num(r.mbps)), ...judged('get_a')],
    ['put (b) edited copy, MB/s', ...cells('b', (r) => num(r.mbps)), ...judged()],
    ['put (b): MB sent (others: repo growth)', ...cells('b', (r) => mb(r.sentBytes ?? r.addedBytes, 2)), ...judged()],
    [`put -r (c) ${num(f.rows.c.files)} files, files/s`, ...cells('c', (r) => num(r.filesPerSec)), ...judged('put_c')],
    ['re-put (c) unchanged, seconds', ...cells('reput', (r) => num(r.seconds, 2)), ...judged('reput_speed')],
    ['re-put (c): % of tree on the wire (others: growth)', pct(reputWireShare(f)), resticReput!, borgReput!, ...judged('reput_bytes')],
    ['peak RSS, MiB (Strata: server; others: command)', num(peak([f.server.peakRssMiB, f.server.hwmMiB])), rssOf('restic'), rssOf('borg'), ...judged('server_rss')],
    ['Strata server idle RSS, MiB', num(f.server.idleRssMiB), '–', '–', ...judged('server_idle_rss')],
  ];
  return markdownTable(rows);
}

/** CPU time per step: the cost of each figure, which the machine's load does not inflate the way it does wall time. */
export function formatCpuTable(f: ApiFigures): string {
  const names: Record<FigureId, string> = { a: 'put (a)', get: 'get (a)', b: 'put (b)', c: 'put -r (c)', reput: 're-put (c) unchanged' };
  const rows = [['CPU seconds (user + sys)', 'Strata CLI', 'Strata server', 'restic', 'borg', 'Strata wall', 'restic wall', 'borg wall']];
  for (const id of Object.keys(names) as FigureId[]) {
    const t = f.rows[id].tools;
    rows.push([names[id], num(t.strata?.cpu?.cli, 1), num(t.strata?.cpu?.server, 1), num(t.restic?.cpuSeconds, 1), num(t.borg?.cpuSeconds, 1), num(t.strata?.seconds, 1), num(t.restic?.seconds, 1), num(t.borg?.seconds, 1)]);
  }
  return markdownTable(rows);
}

export function formatNotes(f: ApiFigures): string {
  const s = (id: FigureId) => f.rows[id].tools.strata;
  const wire = (id: FigureId): string => {
    const w = s(id)?.wire;
    return w ? `${mb(w.up, 3)} MB up, ${mb(w.down, 3)} MB down` : '–';
  };
  const cliPeak = peak((Object.keys(f.rows) as FigureId[]).map((id) => s(id)?.maxRssMiB));
  const steps = Object.entries(f.server.peakByStepMiB).map(([k, v]) => `${k} ${v}`).join(', ');
  const made = Object.entries(f.server.memoryAfterStep).map(([k, m]) => `${k} ${m.rss} = heap ${m.heapUsed} used of ${m.heapTotal} + external ${m.external} + rest`).join('; ');
  return [
    `put (b): the CLI reports ${mb(s('b')?.sentBytes, 2)} MB of chunks sent; on the wire ${wire('b')} (through the counting relay)`,
    `re-put (c) unchanged: the CLI reports ${mb(s('reput')?.sentBytes, 3)} MB of chunks sent; a second unchanged re-put through the counting relay ` +
      `carried ${wire('reput')} (hashes asked about, file entries, framing) in ${num(s('reput')?.wire?.seconds, 2)} s; the tree is ${mb(f.rows.reput.bytes)} MB`,
    `get (a): SHA-256 of the file written ${f.getSha256Ok === null ? 'not checked' : f.getSha256Ok ? 'matches (a)' : 'DOES NOT match (a)'}; cat (a) > /dev/null runs at ${num(f.catMBps)} MB/s here`,
    `server RSS: polled every 100 ms (${num(f.server.rssSamples)} samples), peak ${num(f.server.peakRssMiB)} MiB, kernel high-water mark ${num(f.server.hwmMiB)} MiB, ` +
      `idle after start ${num(f.server.idleRssMiB)} MiB (node + tsx + Strata); peak by step: ${steps}`,
    `server memory as each step ended (its /metrics, MiB): ${made || '–'}`,
    `Strata is timed as whole CLI commands (node + tsx start-up included, as restic and borg are timed as whole commands); ` +
      `a command that moves no data (repo create) takes ${num(f.cliCommandSeconds, 2)} s; the CLI's own peak RSS ${num(cliPeak)} MiB`,
    `load average (1 min) as each step started — Strata: ${JSON.stringify(f.loadAverages.strata)}; restic: ${JSON.stringify(f.loadAverages.restic)}; borg: ${JSON.stringify(f.loadAverages.borg)}`,
    'page cache warm (each data set is read before the tools take turns on it); MB = 10^6 bytes',
  ].join('\n');
}
