// The `strata` CLI as the API benchmark runs it: bin/strata.js in a child
// process, as a user would, with --quiet --json, its own config file, timed
// as a whole command (start-up included, as restic and borg are) with its
// peak RSS, optionally under --cpu-prof.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMeasured } from './proc.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO_ROOT, 'bin/strata.js');

/** What `strata put --json` reports (client/cli/commands/put.ts, TransferStats in client/sdk/types.ts). */
export interface PutStats {
  files: number;
  bytes: number;
  /** Chunk and raw file bytes sent; hashes, file entries and framing are not counted. */
  sentBytes: number;
  sentChunks: number;
  reusedChunks: number;
  /** Files the files cache showed unchanged: neither read nor sent. */
  skippedFiles?: number;
}

export interface CliRun<T> {
  seconds: number;
  maxRssKiB: number | null;
  /** User + system CPU time of the CLI process. */
  cpuSeconds: number | null;
  out: T;
}

export interface Cli {
  run<T = unknown>(args: string[], opts?: { address?: string; cpuProfDir?: string }): Promise<CliRun<T>>;
}

/** A CLI talking to `address` (unless a run names another), with a config file of its own under `work`. */
export function createBenchCli(address: string, work: string): Cli {
  // put -r keeps its files cache under the work directory, never in ~/.cache.
  const env = { ...process.env, STRATA_CONFIG: join(work, 'strata-config.json'), STRATA_CACHE_DIR: join(work, 'strata-cache'), NO_COLOR: '1' };
  return {
    async run<T>(args: string[], opts: { address?: string; cpuProfDir?: string } = {}): Promise<CliRun<T>> {
      const prof = opts.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`];
      const argv = [...prof, BIN, '--address', opts.address ?? address, '--quiet', '--json', ...args];
      const m = await runMeasured(process.execPath, argv, { cwd: REPO_ROOT, env, timeFile: join(work, 'cli-time.out') });
      const text = m.stdout.trim();
      return { seconds: m.seconds, maxRssKiB: m.maxRssKiB, cpuSeconds: m.cpuSeconds, out: (text === '' ? undefined : JSON.parse(text)) as T };
    },
  };
}
