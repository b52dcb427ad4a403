// strata pipeline create|update|list|inspect|delete|stop|start
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { StrataError } from '../../../src/errors/index.ts';
import type { PipelineInfo, Reprocess } from '../../sdk/index.ts';
import { action, examples } from '../command.ts';
import type { Context, Io } from '../context.ts';
import { fields, relativeTime, table } from '../format.ts';
import { withPps } from './pps-common.ts';

async function readSpec(ctx: Context, file: string | undefined): Promise<string> {
  if (!file) throw new StrataError('INVALID_ARGUMENT', 'give the spec with -f SPEC.json (or -f - for stdin)');
  if (file !== '-') {
    return readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new StrataError('INVALID_ARGUMENT', `cannot read spec file ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { file });
    });
  }
  const parts: Buffer[] = [];
  for await (const b of ctx.io.stdin) parts.push(Buffer.from(b as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

function pipelineFields(p: PipelineInfo): string {
  return fields([
    ['pipeline', p.name],
    ['state', p.state],
    ['version', String(p.version)],
    ['inputs', p.inputs.join(', ')],
    ['output', `${p.name}@${p.outputBranch}`],
    ['parallelism', String(p.parallelism)],
    ['datum tries', String(p.datumTries)],
    ['executor', p.executor],
    ['not applied', p.notApplied.map((n) => `${n.field}: ${n.reason}`).join('\n') || '-'],
    ['last job', p.lastJob ? `${p.name}@${p.lastJob.id} ${p.lastJob.state}${p.lastJob.reason ? `: ${p.lastJob.reason}` : ''}` : '-'],
    ['updated', relativeTime(p.updatedAtMs)],
    ['description', p.description || '-'],
  ]);
}

export function registerPipeline(program: Command, io: Io): void {
  const pipeline = program.command('pipeline').description('create, update, list, inspect, delete, stop and start pipelines (Pachyderm-format specs)');
  pipeline.addHelpText('after', examples('strata pipeline create -f edges.json', 'strata pipeline update -f edges.json --no-reprocess', 'strata pipeline list', 'strata pipeline inspect edges'));

  // Commander folds --reprocess and --no-reprocess into one value (the last given wins): both are noticed here.
  const given = new Set<string>();
  const create = (update: boolean) =>
    action(io, async (ctx, _args, opts) => {
      if (given.size > 1) throw new StrataError('INVALID_ARGUMENT', 'give --reprocess or --no-reprocess, not both');
      const reprocess: Reprocess = opts.reprocess === false ? 'none' : opts.reprocess === true ? 'all' : 'default';
      const spec = await readSpec(ctx, opts.file);
      const info = await withPps(ctx, (pps) => pps.createPipeline(spec, { update, reprocess }));
      await ctx.result(info, () => {
        const job = info.lastJob ? `; job ${info.name}@${info.lastJob.id} ${info.lastJob.state}` : '';
        const skipped = info.notApplied.length > 0 ? `\nnot applied: ${info.notApplied.map((n) => n.field).join(', ')} (see strata pipeline inspect ${info.name})` : '';
        return ctx.quiet ? '' : `${update ? 'updated' : 'created'} pipeline ${info.name} (version ${info.version})${job}${skipped}`;
      });
    });

  pipeline
    .command('create')
    .description('create a pipeline from a JSON spec; its output repo takes its name')
    .requiredOption('-f, --file <spec.json>', 'the pipeline spec (Pachyderm JSON); - for stdin')
    .addHelpText('after', examples('strata pipeline create -f wordcount-map.json'))
    .action(create(false));

  pipeline
    .command('update')
    .description('replace the spec of a pipeline; a changed transform reprocesses every datum unless --no-reprocess')
    .requiredOption('-f, --file <spec.json>', 'the new spec; - for stdin')
    .option('--reprocess', 'reprocess every datum, even with an unchanged transform')
    .option('--no-reprocess', 'keep existing outputs: datums keep their hashes (Pachyderm\'s default)')
    .addHelpText('after', examples('strata pipeline update -f edges.json', 'strata pipeline update -f edges.json --no-reprocess'))
    .on('option:reprocess', () => given.add('--reprocess'))
    .on('option:no-reprocess', () => given.add('--no-reprocess'))
    .action(create(true));

  pipeline
    .command('list')
    .alias('ls')
    .description('list pipelines with their last job')
    .action(
      action(io, async (ctx) => {
        const list = await withPps(ctx, (pps) => pps.listPipelines());
        await ctx.results(list, () =>
          list.length === 0
            ? 'no pipelines (create one with: strata pipeline create -f SPEC.json)'
            : table(['NAME', 'STATE', 'VERSION', 'INPUTS', 'LAST JOB'], list.map((p) => [p.name, p.state, String(p.version), p.inputs.join(','), p.lastJob ? `${p.lastJob.state} ${relativeTime(p.lastJob.createdAtMs)}` : '-'])),
        );
      }),
    );

  pipeline
    .command('inspect')
    .description('show a pipeline (with --json, its spec as given)')
    .argument('<name>')
    .action(action(io, async (ctx, [name]) => {
      const info = await withPps(ctx, (pps) => pps.inspectPipeline(name!));
      await ctx.result(info, () => pipelineFields(info));
    }));

  pipeline
    .command('delete')
    .alias('rm')
    .description('delete a pipeline, its jobs and its output repo')
    .argument('<name>')
    .option('--keep-repo', 'keep the output repo')
    .action(action(io, async (ctx, [name], opts) => {
      await withPps(ctx, (pps) => pps.deletePipeline(name!, { keepRepo: opts.keepRepo === true }));
      await ctx.result({ deleted: name }, () => (ctx.quiet ? '' : `deleted pipeline ${name}`));
    }));

  for (const [verb, what] of [['stop', 'stop making jobs (the running job finishes)'], ['start', 'start making jobs again (commits made meanwhile get a job)']] as const) {
    pipeline
      .command(verb)
      .description(what)
      .argument('<name>')
      .action(action(io, async (ctx, [name]) => {
        const info = await withPps(ctx, (pps) => (verb === 'stop' ? pps.stopPipeline(name!) : pps.startPipeline(name!)));
        await ctx.result(info, () => (ctx.quiet ? '' : `pipeline ${info.name} is ${info.state}`));
      }));
  }
}
