// strata put [-r] [--append] REF:/PATH LOCAL — a file, stdin (`-`) or a tree, in one commit.
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { StrataError } from '../../../src/errors/index.ts';
import { parseRef } from '../../../src/ref.ts';
import type { TransferStats, WriteResult } from '../../sdk/index.ts';
import { localFileError } from '../../sdk/sources.ts';
import { action, collect, count, examples, type Opts } from '../command.ts';
import type { Context, Io } from '../context.ts';
import { humanSize, plural } from '../format.ts';
import { progressFor, type Progress } from '../progress.ts';

/** `repo@branch[:/path]` -> the write target and the path as typed (null without one). */
export function splitDest(dest: string): { target: string; path: string | null; dirLike: boolean } {
  const ref = parseRef(dest);
  const colon = dest.indexOf(':');
  if (ref.path === null) return { target: dest, path: null, dirLike: true };
  return { target: dest.slice(0, colon), path: ref.path, dirLike: ref.trailingSlash };
}

function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** Where put -r keeps its files cache: $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else ~/.cache/strata. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.STRATA_CACHE_DIR) return env.STRATA_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'strata');
}

function statsText(s: TransferStats): string {
  const chunks = s.sentChunks + s.reusedChunks;
  const dedup = chunks > 0 ? `, ${plural(s.reusedChunks, 'chunk')} of ${chunks} already stored` : '';
  const skipped = s.skippedFiles > 0 ? `, ${plural(s.skippedFiles, 'unchanged file')} skipped` : '';
  return `${humanSize(s.bytes)}; sent ${humanSize(s.sentBytes)}${dedup}${skipped}`;
}

/** What a tree put that changed nothing did: files read (the cache could not vouch for them) and files skipped. */
function unchangedText(s: TransferStats): string {
  const read = s.files > 0 ? [`read ${plural(s.files, 'file')}, ${humanSize(s.bytes)}, the same as the head's`] : [];
  const sent = s.sentBytes > 0 ? [`sent ${humanSize(s.sentBytes)}`] : [];
  const skipped = s.skippedFiles > 0 ? [`${plural(s.skippedFiles, 'unchanged file')} skipped`] : [];
  return [...read, ...sent, ...skipped].join('; ');
}

async function report(ctx: Context, what: string, r: WriteResult): Promise<void> {
  if (ctx.json) await ctx.jsonDoc({ commit: r.commit, stats: r.stats });
  else await ctx.note(`put ${what} (${statsText(r.stats)}) -> ${r.commit.repo}@${r.commit.id}`);
}

async function putTree(ctx: Context, target: string, path: string | null, local: string, opts: Opts): Promise<void> {
  if (opts.append) throw new StrataError('INVALID_ARGUMENT', '--append works with one file, not with -r');
  const prefix = path ?? '/';
  const client = await ctx.client();
  let progress: Progress | undefined;
  let seen = 0;
  const r = await client.putDirectory(`${target}:${prefix}`, local, {
    dedup: opts.dedup,
    concurrency: opts.concurrency,
    cacheDir: opts.cache === false ? undefined : cacheDir(ctx.io.env),
    exclude: opts.exclude,
    delete: opts.delete === true,
    message: opts.message,
    onProgress: (p) => {
      progress ??= progressFor(ctx, `put ${local}`, p.totalBytes, p.totalFiles);
      progress.add(p.bytes - seen);
      progress.files(p.files);
      seen = p.bytes;
    },
  });
  progress?.stop();
  const gone = r.deleted.length > 0 ? `, deleted ${plural(r.deleted.length, 'file')} gone locally` : '';
  if (ctx.json) await ctx.jsonDoc({ commit: r.commit, stats: r.stats, deleted: r.deleted, committed: r.committed });
  else if (!r.committed) await ctx.note(`no change to ${target}:${prefix} (${unchangedText(r.stats)}): no new commit, the head is ${r.commit.repo}@${r.commit.id}`);
  else await report(ctx, `${plural(r.stats.files, 'file')} to ${target}:${prefix}${gone}`, r);
}

async function putOne(ctx: Context, target: string, path: string | null, dirLike: boolean, local: string, opts: Opts): Promise<void> {
  const stdin = local === '-';
  if (stdin && (path === null || dirLike)) {
    throw new StrataError('INVALID_ARGUMENT', 'put from stdin (-) needs the file path, as in repo@branch:/path/name');
  }
  const dest = path === null ? `/${basename(local)}` : dirLike ? joinPath(path, basename(local)) : path;
  const size = stdin ? undefined : (await stat(local)).size;
  const client = await ctx.client();
  const progress = progressFor(ctx, `put ${dest}`, size);
  const source = stdin ? ctx.io.stdin : local;
  try {
    const r = await client.put(`${target}:${dest}`, source, { append: opts.append === true, dedup: opts.dedup, message: opts.message, onBytes: (n) => progress.add(n) });
    progress.stop();
    await report(ctx, `${target}:${dest}`, r);
  } finally {
    progress.stop();
  }
}

export function registerPut(program: Command, io: Io): void {
  program
    .command('put')
    .description('write a local file, stdin (-) or directory (-r) to a branch in one commit')
    .argument('<dest>', 'repo@branch:/path (a path ending in "/" or no path: the local name goes under it)')
    .argument('<local>', 'a local file, a directory with -r, or "-" for stdin')
    .option('-r, --recursive', 'put every file under the local directory')
    .option('-a, --append', 'append to the file instead of overwriting it')
    .option('--no-dedup', 'send the raw bytes instead of only the chunks the server lacks')
    .option('--no-cache', 'with -r, read every file (by default files unchanged since the last put -r of the tree to the branch are skipped)')
    .option('-p, --concurrency <n>', 'files uploading at once with -r (default 4)', count('--concurrency'))
    .option('-m, --message <text>', 'the description of the commit the put makes (shown by strata log)')
    .option('--delete', 'with -r, also delete files under the path that are gone locally (a sync)')
    .option('--exclude <pattern>', 'with -r, leave out local files matching this glob (repeatable; "*.tmp" matches at any depth, a directory name excludes what is under it); --delete keeps them', collect)
    .addHelpText(
      'after',
      examples(
        'strata put images@main:/cats/1.png ./1.png',
        'strata put images@main:/cats/ ./2.png          # -> /cats/2.png',
        'strata put -r images@main:/photos ./photos',
        "strata put -r --delete --exclude '*.tmp' -m 'sync' images@main:/photos ./photos   # mirror the tree",
        'cat more.log | strata put --append logs@main:/web.log -',
        'strata put images@$(strata commit start images@main):/a.png ./a.png   # into an open commit',
      ),
    )
    .action(
      action(io, async (ctx, [dest, local], opts) => {
        const { target, path, dirLike } = splitDest(dest!);
        if (local !== '-') {
          const st = await stat(local!).catch((err: unknown) => {
            throw localFileError(err, 'read', local!);
          });
          if (!st.isDirectory() && (opts.delete || opts.exclude)) {
            throw new StrataError('INVALID_ARGUMENT', '--delete and --exclude work with put -r of a directory', { local: local! });
          }
          if (st.isDirectory()) {
            if (!opts.recursive) throw new StrataError('INVALID_ARGUMENT', `${local} is a directory: use put -r to put the files under it`, { local: local! });
            return putTree(ctx, target, path, local!, opts);
          }
        } else if (opts.recursive || opts.delete || opts.exclude) {
          throw new StrataError('INVALID_ARGUMENT', '-r needs a local directory, not stdin');
        }
        return putOne(ctx, target, path, dirLike, local!, opts);
      }),
    );
}
