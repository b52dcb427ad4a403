// strata commit start|finish|inspect|wait|squash|drop|subscribe, and strata log.
import type { Command } from 'commander';
import { StrataError } from '../../../src/errors/index.ts';
import type { CommitInfo } from '../../sdk/index.ts';
import { action, collect, count, examples } from '../command.ts';
import type { Context, Io } from '../context.ts';
import { fields, humanSize, plural, relativeTime } from '../format.ts';

function when(ms: number | undefined): string {
  return ms === undefined ? '-' : `${relativeTime(ms)} (${new Date(ms).toISOString()})`;
}

export function commitFields(c: CommitInfo): string {
  return fields([
    ['commit', `${c.repo}@${c.id}`],
    ['branch', c.branch ?? '-'],
    ['parent', c.parent ?? '- (root)'],
    ['children', c.children.length > 0 ? c.children.join(', ') : '-'],
    ['state', `${c.state} (${c.origin})`],
    ['started', when(c.startedAtMs)],
    ['finished', when(c.finishedAtMs)],
    ['size', `${humanSize(c.sizeBytes)} in ${plural(c.fileCount, 'file')}`],
    ['description', c.description || '-'],
    ['provenance', c.provenance.length > 0 ? c.provenance.map((p) => `${p.repo}@${p.id}`).join(', ') : '-'],
    ['metadata', metadataText(c.metadata)],
  ]);
}

/** One `key=value` per line, sorted; a multi-line value (a log) starts on its own line, indented. */
function metadataText(metadata: Record<string, string>): string {
  const keys = Object.keys(metadata).sort();
  if (keys.length === 0) return '-';
  return keys.map((k) => (metadata[k]!.includes('\n') ? `${k}=\n  ${metadata[k]!.replace(/\n$/, '').replace(/\n/g, '\n  ')}` : `${k}=${metadata[k]}`)).join('\n');
}

/** One line per commit for log and subscribe: id, when, size, origin, description. */
export function commitLine(c: CommitInfo): string {
  const time = relativeTime(c.finishedAtMs ?? c.startedAtMs).padEnd(16);
  const state = c.state === 'open' ? 'open'.padEnd(8) : c.origin.padEnd(8);
  return `${c.id}  ${time}  ${humanSize(c.sizeBytes).padStart(9)}  ${state}  ${c.description}`.trimEnd();
}

const LOG_HEADER = `${'COMMIT'.padEnd(32)}  ${'FINISHED'.padEnd(16)}  ${'SIZE'.padStart(9)}  ${'ORIGIN'.padEnd(8)}  DESCRIPTION`;

function metadataOf(pairs: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new StrataError('INVALID_ARGUMENT', `invalid --metadata "${p}": expected KEY=VALUE`, { input: p });
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

async function printCommits(ctx: Context, commits: AsyncIterable<CommitInfo>, header: boolean): Promise<number> {
  let n = 0;
  for await (const c of commits) {
    if (ctx.json) await ctx.jsonLine(c);
    else {
      if (n === 0 && header) await ctx.line(LOG_HEADER);
      await ctx.line(commitLine(c));
    }
    n++;
  }
  return n;
}

export function registerCommit(program: Command, io: Io): void {
  const commit = program.command('commit').description('start, finish, inspect, wait for, squash, drop and subscribe to commits');
  commit.addHelpText('after', examples('id=$(strata commit start images@main -m "nightly import")', 'strata put images@$id:/a.png ./a.png', 'strata commit finish images@$id', 'strata commit inspect images@main'));

  commit
    .command('start')
    .description('open a commit on a branch; prints its id (writes to the branch then go into it)')
    .argument('<repo@branch>')
    .option('-m, --message <text>', 'description')
    .option('--provenance <ref>', 'a commit this one is derived from (repeatable)', collect)
    .option('--metadata <key=value>', 'a fact to record with the commit (repeatable)', collect)
    .addHelpText('after', examples('strata commit start images@main -m "import batch 7" --metadata source=camera-3'))
    .action(
      action(io, async (ctx, [branch], opts) => {
        const metadata = metadataOf(opts.metadata);
        const c = await (await ctx.client()).startCommit(branch!, { description: opts.message, provenance: opts.provenance, metadata });
        await ctx.result(c, () => c.id);
      }),
    );

  commit
    .command('finish')
    .description('finish an open commit: it becomes immutable and the branch head')
    .argument('<ref>', 'e.g. images@main (its open head) or images@<id>')
    .option('-m, --message <text>', 'replace the description')
    .addHelpText('after', examples('strata commit finish images@main', 'strata commit finish images@0f3c...e9 -m "batch 7"'))
    .action(
      action(io, async (ctx, [ref], opts) => {
        const c = await (await ctx.client()).finishCommit(ref!, { description: opts.message });
        await ctx.result(c, () => (ctx.quiet ? '' : `finished ${c.repo}@${c.id} (${plural(c.fileCount, 'file')}, ${humanSize(c.sizeBytes)})`));
      }),
    );

  commit
    .command('inspect')
    .description('show a commit, with its provenance and metadata')
    .argument('<ref>', 'e.g. images@main, images@main^2, images@main.1, images@<id>')
    .addHelpText('after', examples('strata commit inspect images@main', 'strata commit inspect images@main^ --json'))
    .action(
      action(io, async (ctx, [ref]) => {
        const c = await (await ctx.client()).inspectCommit(ref!);
        await ctx.result(c, () => commitFields(c));
      }),
    );

  commit
    .command('wait')
    .description('wait until a commit is finished')
    .argument('<ref>')
    .option('--timeout <ms>', 'give up after this many milliseconds', count('--timeout'))
    .addHelpText('after', examples('strata commit wait images@main', 'strata commit wait images@<id> --timeout 60000'))
    .action(
      action(io, async (ctx, [ref], opts) => {
        const c = await (await ctx.client()).waitCommit(ref!, { deadlineMs: opts.timeout ?? 0 });
        await ctx.result(c, () => (ctx.quiet ? '' : `${c.repo}@${c.id} is finished`));
      }),
    );

  commit
    .command('squash')
    .description('fold a finished commit into its children')
    .argument('<ref>')
    .addHelpText('after', examples('strata commit squash images@main^'))
    .action(
      action(io, async (ctx, [ref]) => {
        await (await ctx.client()).squashCommit(ref!);
        await ctx.result({ squashed: ref }, () => (ctx.quiet ? '' : `squashed ${ref}`));
      }),
    );

  commit
    .command('drop')
    .description('remove a commit without children; branch heads at it move to its parent')
    .argument('<ref>')
    .addHelpText('after', examples('strata commit drop images@main'))
    .action(
      action(io, async (ctx, [ref]) => {
        await (await ctx.client()).dropCommit(ref!);
        await ctx.result({ dropped: ref }, () => (ctx.quiet ? '' : `dropped ${ref}`));
      }),
    );

  commit
    .command('subscribe')
    .description('print each commit finished on a branch from now on (until Ctrl-C, or -n commits)')
    .argument('<repo@branch>')
    .option('-n, --count <n>', 'stop after this many commits', count('--count'))
    .addHelpText('after', examples('strata commit subscribe images@main', 'strata commit subscribe images@main -n 1 --json'))
    .action(
      action(io, async (ctx, [branch], opts) => {
        const client = await ctx.client();
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal);
        try {
          let n = 0;
          for await (const c of client.subscribe(branch!, { signal: stop.signal })) {
            if (ctx.json) await ctx.jsonLine(c);
            else await ctx.line(commitLine(c));
            if (opts.count !== undefined && ++n >= opts.count) break;
          }
        } catch (err) {
          if (!stop.signal.aborted) throw err; // Ctrl-C is the normal way out
        } finally {
          process.off('SIGINT', onSignal);
        }
      }),
    );

  program
    .command('log')
    .description('the commits of a ref, newest first')
    .argument('<ref>', 'e.g. images@main, images@dev^2, images@<id>')
    .option('-n, --limit <n>', 'at most this many commits', count('--limit'))
    .option('--to <ref>', 'stop after this commit')
    .addHelpText('after', examples('strata log images@main', 'strata log images@main -n 5 --json'))
    .action(
      action(io, async (ctx, [ref], opts) => {
        const client = await ctx.client();
        const n = await printCommits(ctx, client.log(ref!, { limit: opts.limit, to: opts.to }), true);
        if (n === 0 && !ctx.json) await ctx.note('no commits');
      }),
    );
}
