// strata job list|inspect|wait|stop|rerun, strata datum list|inspect
import type { Command } from 'commander';
import type { JobInfo } from '../../sdk/index.ts';
import { action, examples } from '../command.ts';
import type { Context, Io } from '../context.ts';
import { table } from '../format.ts';
import { countsText, datumFields, jobFields, jobRow, JOB_HEADER, parseJobRef, withPps } from './pps-common.ts';

/** Progress on stderr while waiting: one updating line on a terminal, a line per change otherwise. */
function progressPrinter(ctx: Context): { update(j: JobInfo): void; done(): void } {
  const tty = ctx.io.stderr.isTTY === true;
  let last = '';
  return {
    update(j) {
      if (ctx.quiet || ctx.json) return;
      const line = `job ${j.pipeline}@${j.id.slice(0, 12)}: ${j.state} ${countsText(j)}`;
      if (line === last) return;
      last = line;
      ctx.io.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    done() {
      if (tty && last && !ctx.quiet && !ctx.json) ctx.io.stderr.write('\n');
    },
  };
}

export function registerJob(program: Command, io: Io): void {
  const job = program.command('job').description('list, inspect, wait for, stop and rerun pipeline jobs (PIPELINE@JOB)');
  job.addHelpText('after', examples('strata job list -p edges', 'strata job wait edges@3f2a', 'strata job rerun --verify edges@3f2a'));

  job
    .command('list')
    .alias('ls')
    .description('jobs, newest first')
    .option('-p, --pipeline <name>', 'only this pipeline\'s jobs')
    .action(action(io, async (ctx, _args, opts) => {
      const jobs = await withPps(ctx, (pps) => pps.listJobs(opts.pipeline));
      await ctx.results(jobs, () => (jobs.length === 0 ? 'no jobs' : table(JOB_HEADER, jobs.map(jobRow))));
    }));

  job
    .command('inspect')
    .description('show a job')
    .argument('<pipeline@job>')
    .action(action(io, async (ctx, [ref]) => {
      const { pipeline, job: id } = parseJobRef(ref!);
      const j = await withPps(ctx, (pps) => pps.inspectJob(pipeline, id));
      await ctx.result(j, () => jobFields(j));
    }));

  job
    .command('wait')
    .description('wait until a job ends, showing its progress; exits 1 unless it succeeded')
    .argument('<pipeline@job>')
    .action(action(io, async (ctx, [ref]) => {
      const { pipeline, job: id } = parseJobRef(ref!);
      const progress = progressPrinter(ctx);
      const end = await withPps(ctx, async (pps) => {
        let last: JobInfo | undefined;
        for await (const j of pps.waitJob(pipeline, id)) (progress.update(j), (last = j));
        return last!;
      });
      progress.done();
      await ctx.result(end, () => jobFields(end));
      if (end.state !== 'success') process.exitCode = 1;
    }));

  job
    .command('stop')
    .description('kill a running job; its output commit is dropped')
    .argument('<pipeline@job>')
    .action(action(io, async (ctx, [ref]) => {
      const { pipeline, job: id } = parseJobRef(ref!);
      const j = await withPps(ctx, (pps) => pps.stopJob(pipeline, id));
      await ctx.result(j, () => (ctx.quiet ? '' : `job ${j.pipeline}@${j.id} ${j.state}`));
    }));

  job
    .command('rerun')
    .description('run a job\'s datums again on the same input commits; --verify compares every output file byte for byte (nothing is committed)')
    .argument('<pipeline@job>')
    .requiredOption('--verify', 'report per output file whether the rerun wrote identical bytes')
    .addHelpText('after', examples('strata job rerun --verify edges@3f2a'))
    .action(action(io, async (ctx, [ref]) => {
      const { pipeline, job: id } = parseJobRef(ref!);
      const r = await withPps(ctx, (pps) => pps.rerunJob(pipeline, id, { verify: true }));
      await ctx.result(r, () => {
        const rows = r.files.map((f) => [f.verdict, f.path, f.datum.slice(0, 12)]);
        const failed = r.failedDatums.map((d) => `datum ${d.datum.slice(0, 12)} failed on rerun: ${d.reason}`);
        const verdict = r.different === 0 && r.failedDatums.length === 0 ? 'reproducible' : 'NOT reproducible';
        return [table(['VERDICT', 'FILE', 'DATUM'], rows), ...failed, `${verdict}: ${r.identical} identical, ${r.different} differing of ${r.files.length} files in ${r.datums} datums`].join('\n');
      });
      if (r.different > 0 || r.failedDatums.length > 0) process.exitCode = 1;
    }));

  const datum = program.command('datum').description('list and inspect the datums of a job');
  datum
    .command('list')
    .alias('ls')
    .description('the datums of a job')
    .argument('<pipeline@job>')
    .action(action(io, async (ctx, [ref]) => {
      const { pipeline, job: id } = parseJobRef(ref!);
      await withPps(ctx, async (pps) => {
        const rows: string[][] = [];
        for await (const d of pps.listDatums(pipeline, id)) {
          if (ctx.json) await ctx.jsonLine(d);
          else rows.push([d.id.slice(0, 12), d.state, String(d.tries), d.inputs.map((i) => `${i.name}:${i.path}`).join(' '), d.reason]);
        }
        if (!ctx.json) await ctx.line(rows.length === 0 ? 'no datums' : table(['DATUM', 'STATE', 'TRIES', 'INPUTS', 'REASON'], rows));
      });
    }));
  datum
    .command('inspect')
    .description('show one datum: inputs, outputs, tries')
    .argument('<pipeline@job>')
    .argument('<datum>', 'a datum id or a unique prefix')
    .action(action(io, async (ctx, [ref, id]) => {
      const { pipeline, job: jobId } = parseJobRef(ref!);
      const d = await withPps(ctx, (pps) => pps.inspectDatum(pipeline, jobId, id!));
      await ctx.result(d, () => datumFields(d));
    }));
}
