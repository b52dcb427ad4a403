// strata ls, glob, diff, rm, cp.
import type { Command } from 'commander';
import { StrataError } from '../../../src/errors/index.ts';
import type { DiffEntry, FileInfo, WriteResult } from '../../sdk/index.ts';
import { action, examples } from '../command.ts';
import type { Context, Io } from '../context.ts';
import { humanSize, plural } from '../format.ts';

// Fixed-width columns, the path last: aligned without holding the listing.
const FILE_HEADER = `${'TYPE'.padEnd(4)}  ${'SIZE'.padStart(9)}  PATH`;

function fileLine(f: FileInfo): string {
  return `${f.type.padEnd(4)}  ${(f.type === 'dir' && f.sizeBytes === undefined ? '-' : humanSize(f.sizeBytes)).padStart(9)}  ${f.path}${f.type === 'dir' ? '/' : ''}`;
}

async function printFiles(ctx: Context, files: AsyncIterable<FileInfo>, empty: string): Promise<void> {
  let n = 0;
  for await (const f of files) {
    if (ctx.json) await ctx.jsonLine(f);
    else {
      if (n === 0) await ctx.line(FILE_HEADER);
      await ctx.line(fileLine(f));
    }
    n++;
  }
  if (n === 0) await ctx.note(empty);
}

function diffLine(d: DiffEntry): string {
  if (d.type === 'added') return `+ ${d.path}  (${humanSize(d.newSizeBytes)})`;
  if (d.type === 'deleted') return `- ${d.path}  (${humanSize(d.oldSizeBytes)})`;
  return `~ ${d.path}  (${humanSize(d.oldSizeBytes)} -> ${humanSize(d.newSizeBytes)})`;
}

async function wrote(ctx: Context, what: string, r: WriteResult): Promise<void> {
  await ctx.result({ commit: r.commit }, () => (ctx.quiet ? '' : `${what} -> ${r.commit.repo}@${r.commit.id}`));
}

export function registerFiles(program: Command, io: Io): void {
  program
    .command('ls')
    .description('list a directory (the root without a path); -r lists every file under it')
    .argument('<dir>', 'repo@ref[:/dir]')
    .option('-r, --recursive', 'every file under the directory')
    .addHelpText('after', examples('strata ls images@main', 'strata ls images@main^:/cats', 'strata ls -r images@main --json'))
    .action(
      action(io, async (ctx, [dir], opts) => {
        const client = await ctx.client();
        await printFiles(ctx, opts.recursive ? client.walk(dir!) : client.list(dir!), `${dir} is empty`);
      }),
    );

  program
    .command('glob')
    .description('list the files matching a glob (*, **, ?, [...], {a,b})')
    .argument('<pattern>', "'repo@ref:/pattern' (quote it so the shell leaves it alone)")
    .addHelpText('after', examples("strata glob 'images@main:/cats/*.png'", "strata glob 'logs@main:/**/*.{json,csv}' --json"))
    .action(
      action(io, async (ctx, [arg]) => {
        const colon = arg!.indexOf(':');
        if (colon < 0 || colon === arg!.length - 1) {
          throw new StrataError('INVALID_GLOB', `invalid glob "${arg}": expected 'repo@ref:/pattern', e.g. 'images@main:/**/*.png'`, { input: arg! });
        }
        const client = await ctx.client();
        await printFiles(ctx, client.glob(arg!.slice(0, colon), arg!.slice(colon + 1)), 'no files match');
      }),
    );

  program
    .command('diff')
    .description('what changed from OLD_REF (default: the parent of NEW_REF) to NEW_REF')
    .argument('<new_ref>')
    .argument('[old_ref]')
    .addHelpText('after', `\nOutput: "+ path" added, "- path" deleted, "~ path" modified.\n${examples('strata diff images@main images@main^', 'strata diff images@dev images@main --json')}`)
    .action(
      action(io, async (ctx, [newer, older]) => {
        const client = await ctx.client();
        let n = 0;
        for await (const d of client.diff(newer!, older)) {
          if (ctx.json) await ctx.jsonLine(d);
          else await ctx.line(diffLine(d));
          n++;
        }
        if (n === 0) await ctx.note('no changes');
      }),
    );

  program
    .command('rm')
    .description('delete a file, or a directory with -r, in a new commit')
    .argument('<path>', 'repo@branch:/path')
    .option('-r, --recursive', 'the path may be a directory: delete everything under it')
    .option('-m, --message <text>', 'the description of the commit (shown by strata log)')
    .addHelpText('after', examples('strata rm images@main:/cats/1.png', 'strata rm -r images@main:/cats -m "no more cats"'))
    .action(
      action(io, async (ctx, [target], opts) => {
        const client = await ctx.client();
        // As rm(1): a directory goes only with -r, so a slip cannot delete a whole tree.
        const info = await client.inspectFile(target!);
        if (info.type === 'dir' && !opts.recursive) {
          throw new StrataError('PATH_IS_DIRECTORY', `cannot delete ${target}: it is a directory; use strata rm -r to delete everything under it`, { path: info.path });
        }
        const r = await client.deleteFile(target!, { dir: info.type === 'dir', message: opts.message });
        await wrote(ctx, `deleted ${target}`, r);
      }),
    );

  program
    .command('cp')
    .description('copy a file or directory by reference (no bytes copied), in a new commit')
    .argument('<src>', 'repo@ref:/path (any repo, any commit)')
    .argument('<dst>', 'repo@branch:/path')
    .option('-m, --message <text>', 'the description of the commit (shown by strata log)')
    .addHelpText('after', examples('strata cp images@main:/cats/1.png images@main:/best.png', 'strata cp images@main^:/cats archive@main:/2024/cats'))
    .action(
      action(io, async (ctx, [src, dst], opts) => {
        const r = await (await ctx.client()).copyFile(src!, dst!, { message: opts.message });
        await wrote(ctx, `copied ${src} to ${dst} (${plural(r.commit.fileCount, 'file')} in the commit)`, r);
      }),
    );
}
