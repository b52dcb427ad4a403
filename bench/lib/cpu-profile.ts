// Summarises the V8 .cpuprofile files that `node --cpu-prof` writes, one per
// thread (main, tsx's module-loader thread, Strata's hash workers): where
// each thread spent its time, by function, to say what limits a figure.
import { readFile, readdir } from 'node:fs/promises';
import { relative } from 'node:path';
import { join } from 'node:path';

interface ProfileNode {
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

export interface HotFunction {
  fn: string;
  /** File relative to the repo, `node:...` for Node internals, empty for native code. */
  file: string;
  selfPercent: number;
}

export interface ThreadProfile {
  thread: string;
  seconds: number;
  /** Share of samples not idle: how busy the thread was. */
  busyPercent: number;
  top: HotFunction[];
}

/** One summary per thread whose profile is in `dir`, main thread first. */
export async function summariseProfiles(dir: string, root: string, n = 12): Promise<ThreadProfile[]> {
  // Names are CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort((x, y) => threadId(x) - threadId(y));
  const out: ThreadProfile[] = [];
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const top = selfTimes(profile, root);
    const idle = top.find((h) => h.fn === '(idle)')?.selfPercent ?? 0;
    const tid = threadId(file);
    out.push({
      thread: tid === 0 ? 'main' : `${kindOf(top)} (thread ${tid})`,
      seconds: Math.round((profile.endTime - profile.startTime) / 1e4) / 100,
      busyPercent: Math.round((100 - idle) * 10) / 10,
      top: top.slice(0, tid === 0 ? n : 5),
    });
  }
  return out;
}

function threadId(file: string): number {
  return Number(file.split('.')[4] ?? 0);
}

function kindOf(top: HotFunction[]): string {
  if (top.some((h) => h.file.includes('hash-pool') || h.fn === 'digest')) return 'hash worker';
  if (top.some((h) => h.file.includes('tsx') || h.file.includes('esbuild'))) return 'tsx loader';
  return 'worker';
}

function selfTimes(profile: CpuProfile, root: string): HotFunction[] {
  const hits = new Map<string, { fn: string; file: string; hits: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = node.hitCount ?? 0;
    total += count;
    const { functionName, url } = node.callFrame;
    const file = url.startsWith('file://') ? relative(root, new URL(url).pathname) : url;
    const key = `${functionName}@${file}`;
    const entry = hits.get(key) ?? { fn: functionName || '(anonymous)', file, hits: 0 };
    entry.hits += count;
    hits.set(key, entry);
  }
  return [...hits.values()]
    .sort((x, y) => y.hits - x.hits)
    .map(({ fn, file, hits: h }) => ({ fn, file, selfPercent: Math.round((h / Math.max(total, 1)) * 1000) / 10 }));
}
