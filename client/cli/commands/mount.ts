// strata mount REF DIR [--write] [--repo NAME@REF ...], strata mount --flush DIR, strata unmount DIR.
// The mount runs in the foreground until Ctrl-C, SIGTERM or `strata unmount
// DIR` (each flushes a writable mount first); SIGUSR1 flushes too.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { StrataError } from '../../../src/errors/index.ts';
import type { FlushResult, Mount } from '../../mount/index.ts';
import { action, collect, examples, type Opts } from '../command.ts';
import type { Context, Io } from '../context.ts';
import { humanSize } from '../format.ts';

const DEFAULT_CACHE_BYTES = 2 * 1024 ** 3;
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4 };

/** `123`, `512M`, `2GiB`, `1.5g` -> bytes. */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InvalidArgumentError('expected a size such as 1073741824, 512M or 2G.');
  return Math.floor(Number(m[1]) * unit);
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds.');
  return n;
}

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'strata', 'chunks');
}

function flushedText(results: FlushResult[]): string {
  if (results.length === 0) return 'nothing to flush (read-only mount)';
  return results.map((r) => (r.commit ? `${r.repo}: committed ${r.repo}@${r.commit}` : `${r.repo}: no changes`)).join('\n');
}

/** The refs to mount and the directory, from `[ref] [dir]` and --repo. */
function mountArgs(args: (string | undefined)[], opts: Opts): { refs: string[]; dir: string } {
  const given = args.filter((a): a is string => a !== undefined);
  const repos: string[] = opts.repo ?? [];
  if (repos.length > 0 && given.length === 1) return { refs: repos, dir: given[0]! };
  if (given.length === 2) return { refs: [given[0]!, ...repos], dir: given[1]! };
  throw new StrataError('INVALID_ARGUMENT', 'usage: strata mount REF DIR, or strata mount --repo NAME@REF [--repo ...] DIR');
}

async function serve(ctx: Context, mount: Mount, log: (line: string) => void): Promise<void> {
  const writable = mount.repos.some((r) => r.writable);
  let signals = 0;
  const stop = (signal: string): void => {
    if (++signals > 1) {
      log(`${signal} again: unmounting without flushing`);
      void mount.unmount({ flush: false }).catch((err: unknown) => log(`unmount failed: ${String(err)}`));
      return;
    }
    log(`${signal}: ${writable ? 'flushing and ' : ''}unmounting ${mount.dir}`);
    mount.unmount().then(
      (results) => writable && log(flushedText(results)),
      (err: unknown) => {
        log(`flush failed: ${err instanceof Error ? err.message : String(err)}; unmounting without committing`);
        void mount.unmount({ flush: false }).catch((e: unknown) => log(`unmount failed: ${String(e)}`));
      },
    );
  };
  const onInt = (): void => stop('SIGINT');
  const onTerm = (): void => stop('SIGTERM');
  const onUsr1 = (): void => {
    log('SIGUSR1: flushing');
    void mount.flush().then(
      (results) => log(flushedText(results)),
      (err: unknown) => log(`flush failed: ${String(err)}`),
    );
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('SIGUSR1', onUsr1);
  try {
    await mount.closed;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    process.off('SIGUSR1', onUsr1);
  }
  if (ctx.json) await ctx.jsonLine({ event: 'unmounted', dir: mount.dir });
  else await ctx.note(`unmounted ${mount.dir}`);
}

async function mountCommand(ctx: Context, args: (string | undefined)[], opts: Opts): Promise<void> {
  const log = (line: string): void => void ctx.io.stderr.write(`strata mount: ${line}\n`);
  const { createFetchHeap, flushMount, mountStrata } = await import('../../mount/index.ts');
  if (opts.flush) {
    const given = args.filter((a) => a !== undefined);
    if (given.length !== 1) throw new StrataError('INVALID_ARGUMENT', 'usage: strata mount --flush DIR');
    const results = await flushMount(given[0]!, ctx.io.env);
    return ctx.result({ flushed: results }, () => flushedText(results));
  }
  const { refs, dir } = mountArgs(args, opts);
  const cacheBytes = opts.cacheSize ?? DEFAULT_CACHE_BYTES;
  const mount = await mountStrata({
    client: await ctx.client(),
    dir,
    refs,
    multi: (opts.repo ?? []).length > 0 ? true : undefined,
    write: opts.write === true,
    cacheDir: opts.cacheDir ?? defaultCacheDir(ctx.io.env),
    cacheBytes,
    cacheSequential: opts.cacheSequential === true,
    flushIntervalMs: opts.flushInterval ? opts.flushInterval * 1000 : 0,
    // This process is the mount: V8's heap may grow while chunks stream in (fetch-heap.ts).
    fetchHeap: createFetchHeap(),
    env: ctx.io.env,
    log,
    debug: ctx.globals.debug,
  });
  for (const note of mount.notes) log(note);
  const repos = mount.repos.map((r) => ({ repo: r.repo, ref: r.ref, commit: r.commit, writable: r.writable }));
  if (ctx.json) await ctx.jsonLine({ event: 'mounted', dir: mount.dir, pid: process.pid, repos });
  else {
    for (const r of repos) await ctx.note(`mounted ${r.ref} (commit ${r.commit ?? 'none yet'}, ${r.writable ? 'read-write' : 'read-only'}) at ${mount.dir}`);
    await ctx.note(`chunk cache: ${humanSize(cacheBytes)}; Ctrl-C or "strata unmount ${mount.dir}" unmounts${mount.repos.some((r) => r.writable) ? ' (after committing); "strata mount --flush DIR" commits now' : ''}`);
  }
  await serve(ctx, mount, log);
}

export function registerMount(program: Command, io: Io): void {
  program
    .command('mount')
    .description('mount repos as a directory (FUSE); a commit mounts read-only, a branch read-write with --write')
    .argument('[ref]', 'repo@branch or repo@<commit> (omit with --repo)')
    .argument('[dir]', 'the mount point: an empty directory (made if missing)')
    .option('-w, --write', 'branches mount read-write: changes become one commit at flush and at unmount')
    .option('--repo <name@ref>', 'mount this repo as DIR/<name> (repeatable)', collect)
    .option('--cache-dir <dir>', 'chunk cache directory (default ~/.cache/strata/chunks)')
    .option('--cache-size <bytes>', 'chunk cache size, e.g. 512M or 10G (default 2G)', parseSize)
    .option('--cache-sequential', 'also cache what long sequential reads fetch ahead (default: past a file\'s first 8 MiB, kept in memory only)')
    .option('--flush-interval <seconds>', 'with --write, also commit staged changes this often', parseSeconds)
    .option('--flush', 'commit the staged changes of the mount at DIR now, and wait for it')
    .addHelpText(
      'after',
      examples(
        'strata mount images@main /mnt/images',
        'strata mount --write images@main /mnt/images',
        'strata mount --flush /mnt/images',
        'strata mount --repo images@main --repo labels@3f2a9c0d5e6b7a8c9d0e1f2a3b4c5d6e /mnt/data   # /mnt/data/images, /mnt/data/labels',
        'strata unmount /mnt/images',
      ),
    )
    .action(action(io, (ctx, args, opts) => mountCommand(ctx, args, opts)));

  program
    .command('unmount')
    .alias('umount')
    .description('unmount a strata mount (a writable one commits its staged changes first)')
    .argument('<dir>', 'the mount point')
    .addHelpText('after', examples('strata unmount /mnt/images'))
    .action(
      action(io, async (ctx, [dir]) => {
        const { unmountDir } = await import('../../mount/index.ts');
        const { how, results } = await unmountDir(dir!, ctx.io.env);
        await ctx.result({ dir, how, flushed: results }, () => {
          const flushed = results.length > 0 ? `${flushedText(results)}\n` : '';
          return ctx.quiet ? '' : `${flushed}unmounted ${dir}${how === 'fusermount' ? ' (no process was serving it)' : ''}`;
        });
      }),
    );
}
