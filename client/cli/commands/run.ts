// strata run --input NAME=REF:/GLOB ... --output REPO@BRANCH -- CMD ARGS...
// The command's output goes to the terminal (stdout to stdout, stderr to
// stderr; with --json its stdout goes to stderr, keeping stdout one JSON
// document; with --quiet it is only recorded). Strata's own notes go to
// stderr; the answer (the output commit) to stdout. A failed command makes
// `strata run` exit with the command's own code (128+N for signal N).
import type { Command } from 'commander';
import { StrataError } from '../../../src/errors/index.ts';
import type { RunResult } from '../../run/run.ts';
import { cacheDir, commandLine, stateDir } from '../../run/record.ts';
import { parseEnv, parseInputs, parseIsolation, parseOutput } from '../../run/spec.ts';
import { action, collect, count, examples } from '../command.ts';
import type { Context, Io } from '../context.ts';

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

function failureExit(r: RunResult): number {
  if (r.signal) return 128 + (SIGNALS[r.signal] ?? 1);
  return r.exitCode && r.exitCode > 0 && r.exitCode < 256 ? r.exitCode : 1;
}

function failureLine(r: RunResult): string {
  const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
  const tail = r.stderrTail.trim().split('\n').slice(-5).join(' | ');
  return `run failed: the command ${how}; nothing was committed${tail ? `; stderr: ${tail}` : ''} (recorded in ${r.runLog})`;
}

async function report(ctx: Context, r: RunResult): Promise<void> {
  if (ctx.json) await ctx.jsonDoc(r);
  if (r.outcome === 'failed') {
    ctx.io.stderr.write(`strata: ${failureLine(r)}\n`);
    process.exitCode = failureExit(r);
    return;
  }
  const c = r.commit!;
  if (!ctx.json) {
    if (!ctx.quiet) ctx.io.stderr.write(`strata run: committed ${c.repo}@${c.id} (${c.fileCount} files) on ${c.repo}@${c.branch}; see: strata commit inspect ${c.repo}@${c.id}\n`);
    await ctx.line(`${c.repo}@${c.id}`);
  }
  if (r.kept && !ctx.quiet) ctx.io.stderr.write(`strata run: kept the run's /pfs in ${r.kept}\n`);
}

export function registerRun(program: Command, io: Io): void {
  program
    .command('run')
    .description('run a command with inputs at /pfs/<name> (read-only) and commit what it writes to /pfs/out, with provenance')
    .argument('<command...>', 'the command and its arguments, after --')
    .requiredOption('-i, --input <name=ref:/glob>', 'an input, at /pfs/<name> (repeatable); the glob selects files and directories, / = all', collect)
    .requiredOption('-o, --output <repo@branch>', 'the branch /pfs/out is committed to (the repo must exist)')
    .option('--eager', 'download every input file before the command starts (default: whole-commit inputs are served lazily by FUSE; see docs/mount.md)')
    .option('-e, --env <name[=value]>', 'an environment variable to set and record in the commit (repeatable)', collect)
    .option('--keep', "keep the run's /pfs directory afterwards (for debugging)")
    .option('--isolation <mode>', 'how /pfs is made visible: auto, bwrap, unshare or dir (see docs/mount.md)', 'auto')
    .option('--concurrency <n>', 'downloads and uploads in flight (default 16)', count('--concurrency'))
    .option('--cache-dir <dir>', 'the content cache (default $STRATA_CACHE_DIR, else ~/.cache/strata/run)')
    .addHelpText(
      'after',
      examples(
        "strata run --input data=images@main:/ --output counts@main -- /bin/sh -c 'wc -l /pfs/data/* > /pfs/out/counts.txt'",
        'strata run -i data=images@main:/ -i labels=labels@v2:/*.csv -o counts@main --eager -- /usr/bin/wc /pfs/data/a.txt',
        'strata commit inspect counts@main    # provenance and how the output was made',
      ) + '\nA failed command commits nothing and is logged in ~/.local/state/strata/runs.jsonl (every run is).\n',
    )
    .action(
      action(io, async (ctx, args, opts) => {
        const command = (args as unknown as string[][])[0] ?? []; // the one variadic argument
        if (command.length === 0) throw new StrataError('INVALID_ARGUMENT', 'strata run needs a command after --');
        const inputs = parseInputs(opts.input ?? []);
        const output = parseOutput(opts.output);
        const env = parseEnv(opts.env ?? [], ctx.io.env);
        const isolation = parseIsolation(opts.isolation);
        const client = await ctx.client();
        const note = (text: string): void => void (ctx.quiet || ctx.io.stderr.write(`strata run: ${text}\n`));
        note(`running ${commandLine(command)}`);
        const { runCommand } = await import('../../run/run.ts'); // loaded on use, like the SDK
        const result = await runCommand(client, {
          inputs, output, command, env, isolation,
          eager: opts.eager === true,
          keep: opts.keep === true,
          concurrency: opts.concurrency ?? 16,
          cacheDir: opts.cacheDir ?? cacheDir(ctx.io.env),
          stateDir: stateDir(ctx.io.env),
          processEnv: ctx.io.env,
          cwd: process.cwd(),
          stdout: ctx.quiet ? undefined : ctx.json ? ctx.io.stderr : ctx.io.stdout,
          stderr: ctx.quiet ? undefined : ctx.io.stderr,
          note,
        });
        await report(ctx, result);
      }),
    );
}
