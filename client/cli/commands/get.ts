// strata get REF:/PATH [-o FILE|DIR] — a file to stdout or a file; a
// directory into a local directory (from a tar stream, extracted as it
// arrives); --tar for the archive itself.
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import * as tar from 'tar-stream';
import { StrataError } from '../../../src/errors/index.ts';
import { parseRef } from '../../../src/ref.ts';
import type { FileInfo, StrataClient } from '../../sdk/index.ts';
import { localFileError } from '../../sdk/sources.ts';
import { action, count, examples, type Opts } from '../command.ts';
import type { Context, Io } from '../context.ts';
import { humanSize, plural } from '../format.ts';
import { progressFor } from '../progress.ts';

/** Source ref, pinned to the commit inspect saw, so every read sees the same commit. */
function pinnedRef(src: string, commit: string, path: string): string {
  return `${parseRef(src).repo}@${commit}:${path}`;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function toStdout(ctx: Context, stream: Readable): Promise<void> {
  try {
    await pipeline(stream, ctx.io.stdout, { end: false });
  } catch (err) {
    stream.destroy();
    throw err;
  }
}

/** Extracts a tar stream of the files under `prefix` into `dir`; refuses names that would leave it. */
async function extractInto(archive: Readable, dir: string, prefix: string, onFile: () => void): Promise<void> {
  const root = resolve(dir);
  const extract = tar.extract();
  const feeding = pipeline(archive, extract as unknown as NodeJS.WritableStream);
  feeding.catch(() => undefined); // surfaced below through the extractor
  try {
    for await (const entry of extract) {
      const name = entry.header.name;
      const rel = prefix === '' ? name : name.startsWith(prefix) ? name.slice(prefix.length) : '';
      const out = resolve(root, rel);
      if (rel === '' || !out.startsWith(root + sep)) {
        entry.resume();
        throw new StrataError('INVALID_ARGUMENT', `refusing tar entry "${name}": it is not under ${prefix || '/'}`, { entry: name });
      }
      if (entry.header.type !== 'file') {
        entry.resume();
        continue;
      }
      await mkdir(dirname(out), { recursive: true });
      await pipeline(entry, createWriteStream(out)).catch((err: unknown) => {
        throw localFileError(err, 'write', out);
      });
      onFile();
    }
  } catch (err) {
    archive.destroy();
    throw err;
  }
  await feeding;
}

async function getDirectory(ctx: Context, client: StrataClient, src: string, path: string, out: string): Promise<void> {
  // A bar needs the total, which costs a listing: only when a bar will show.
  let total: number | undefined;
  let files: number | undefined;
  if (ctx.io.stderr.isTTY && !ctx.quiet) {
    total = 0;
    files = 0;
    for await (const f of client.walk(src)) (total += f.sizeBytes ?? 0), files++;
  }
  const progress = progressFor(ctx, `get ${path}`, total, files);
  await mkdir(out, { recursive: true }).catch((err: unknown) => {
    throw localFileError(err, 'create directory', out);
  });
  let written = 0;
  const archive = client.getTar(src, { onBytes: (n) => progress.add(n) });
  try {
    await extractInto(archive, out, path === '/' ? '' : `${path.slice(1)}/`, () => progress.files(++written));
  } finally {
    progress.stop();
  }
  if (ctx.json) await ctx.jsonDoc({ source: src, output: out, files: written });
  else await ctx.note(`wrote ${plural(written, 'file')} to ${out}`);
}

async function getFile(ctx: Context, client: StrataClient, src: string, path: string, info: FileInfo, opts: Opts): Promise<void> {
  const size = info.sizeBytes;
  // The chunk list makes the read go by chunk (GetChunks), pipelined and verified here.
  const range = { offset: opts.offset, length: opts.length, chunks: info.chunks };
  const total = size === undefined ? undefined : Math.max(0, Math.min(size - (opts.offset ?? 0), opts.length ?? Infinity));
  const progress = progressFor(ctx, `get ${path}`, total);
  const onBytes = (n: number): void => progress.add(n);
  try {
    if (!opts.output) return await toStdout(ctx, client.get(src, { ...range, onBytes }));
    const out = (await isDirectory(opts.output)) ? join(opts.output, basename(path)) : opts.output;
    const { bytes } = await client.getTo(src, out, { ...range, onBytes });
    progress.stop();
    if (ctx.json) await ctx.jsonDoc({ source: src, output: out, bytes });
    else await ctx.note(`wrote ${humanSize(bytes)} to ${out}`);
  } finally {
    progress.stop();
  }
}

export function registerGet(program: Command, io: Io): void {
  program
    .command('get')
    .description('read a file (to stdout, or -o FILE) or a directory (-o DIR)')
    .argument('<src>', 'repo@ref:/path, e.g. images@main^:/cats/1.png')
    .option('-o, --output <file|dir>', 'write here instead of stdout; a directory is created and filled')
    .option('--offset <bytes>', 'start at this byte of the file', count('--offset'))
    .option('--length <bytes>', 'read at most this many bytes', count('--length'))
    .option('--tar', 'write a tar archive of the file or directory (to stdout or -o FILE)')
    .addHelpText(
      'after',
      examples(
        'strata get images@main:/cats/1.png > 1.png',
        'strata get images@main^:/cats/1.png -o old.png',
        'strata get images@main:/cats -o ./cats',
        'strata get logs@main:/web.log --offset 1000 --length 200',
        'strata get images@main:/ --tar | tar -t',
      ),
    )
    .action(
      action(io, async (ctx, [srcArg], opts) => {
        const ref = parseRef(srcArg!);
        const src = ref.path === null ? `${srcArg}:/` : srcArg!;
        const path = ref.path ?? '/';
        const client = await ctx.client();
        if (opts.tar) {
          const archive = client.getTar(src);
          if (opts.output) await pipeline(archive, createWriteStream(opts.output)).catch((err: unknown) => {
            throw err instanceof StrataError ? err : localFileError(err, 'write', opts.output);
          });
          else await toStdout(ctx, archive);
          return;
        }
        const info = await client.inspectFile(src, { includeChunks: true });
        const pinned = pinnedRef(src, info.commit, path);
        if (info.type === 'file') return getFile(ctx, client, pinned, path, info, opts);
        if (opts.offset !== undefined || opts.length !== undefined) {
          throw new StrataError('INVALID_ARGUMENT', `${srcArg} is a directory: --offset and --length apply to files`);
        }
        if (!opts.output) {
          throw new StrataError('INVALID_ARGUMENT', `${srcArg} is a directory: use -o DIR to write its files there, or --tar for an archive`);
        }
        return getDirectory(ctx, client, pinned, path, opts.output);
      }),
    );
}
